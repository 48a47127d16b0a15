"""Tuition reimbursement service: docs/RULES.md "Education and tuition reimbursement", end to end.

Every test drives app/services/tuition.py against a real database (the demo organisation,
today pinned to 2026-11-22), the same functions the pages and the JSON API call.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Notification, Repayment, TuitionEvent, TuitionRequest
from app.readiness.dates import add_months
from app.services import settings
from app.services import tuition as svc
from tests.integration.tuition_support import (
    data,
    employee,
    make,
    pdf,
    sign_in_for,
    travel,
    user,
    walk,
)

D = Decimal


def snapshot(db, req_id: int) -> tuple:
    """Everything a refused write must leave alone."""
    db.session.expire_all()
    req = db.session.get(TuitionRequest, req_id)
    events = db.session.scalar(
        select(func.count(TuitionEvent.id)).where(TuitionEvent.request_id == req_id)
    )
    audits = db.session.scalar(select(func.count(AuditEntry.id)))
    notes = db.session.scalar(select(func.count(Notification.id)))
    return (
        req.state,
        req.version,
        req.reserved_amount,
        req.reimbursed_amount,
        req.grade,
        req.paid_on,
        events,
        audits,
        notes,
    )


def notices_for(db, who) -> list[Notification]:
    """The tuition notices of one user, oldest first (not the demo's own expiry reminders)."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == who.id, Notification.kind == "tuition")
            .order_by(Notification.id)
        )
    )


# --------------------------------------------------------------------------- the happy path


def test_a_request_runs_from_draft_to_payment_with_its_history(demo_db):
    """docs/RULES.md States: draft -> submitted -> manager_approved -> hr_approved ->
    finance_approved (reserved) -> completed -> reimbursed (paid_on, amount)."""
    maria, sam, hr, fin = user("employee"), user("manager"), user("hr"), user("finance")
    req = svc.create_request(maria.employee, data(), maria)
    assert req.state == "draft" and req.eligible_cost == D("2000.00")

    req = svc.transition(req.id, "submit", maria)
    assert (req.state, req.submitted_on) == ("submitted", date(2026, 11, 22))
    req = svc.transition(req.id, "approve", sam, reason="Good fit for the supervisor role")
    assert req.state == "manager_approved"
    req = svc.transition(req.id, "approve", hr)
    assert req.state == "hr_approved"
    req = svc.transition(req.id, "approve", fin)
    assert (req.state, req.reserved_amount, req.cap_year) == (
        "finance_approved",
        D("2000.00"),
        2027,
    )
    assert svc.cap_status(maria.employee_id, 2027).left == D("3250.00")

    with travel("2027-05-20"):  # after the course
        req = svc.transition(
            req.id, "complete", maria, grade="B", receipt=pdf(), transcript=pdf("transcript.pdf")
        )
        assert req.state == "completed" and req.grade == "B"
        assert req.receipt_upload_id and req.transcript_upload_id
        req = svc.transition(req.id, "pay", fin)
    assert (req.state, req.reimbursed_amount, req.paid_on) == (
        "reimbursed",
        D("1500.00"),
        date(2027, 5, 20),
    )
    # The reservation of 2,000.00 became a payment of 1,500.00 in the same year.
    assert svc.cap_status(maria.employee_id, 2027).reimbursed == D("1500.00")
    assert svc.cap_status(maria.employee_id, 2027).used == D("1500.00")

    events = svc.history(req)
    assert [(e.action, e.to_state) for e in events] == [
        ("create", "draft"),
        ("submit", "submitted"),
        ("approve", "manager_approved"),
        ("approve", "hr_approved"),
        ("approve", "finance_approved"),
        ("complete", "completed"),
        ("pay", "reimbursed"),
    ]
    assert events[2].reason == "Good fit for the supervisor role"
    assert events[2].actor_user_id == sam.id
    assert events[-1].amount == D("1500.00")
    # Every transition also wrote an audit row: who, which request, before and after.
    audits = demo_db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.table_name == "tuition_requests",
            AuditEntry.record_id == str(req.id),
            AuditEntry.action == "update",
        )
        .order_by(AuditEntry.id)
    ).all()
    assert [a.after["state"] for a in audits if "state" in (a.after or {})] == [
        "submitted",
        "manager_approved",
        "hr_approved",
        "finance_approved",
        "completed",
        "reimbursed",
    ]
    assert {a.actor for a in audits} >= {sam.email, hr.email, fin.email, maria.email}


def test_every_state_change_is_shown_to_the_people_it_concerns(demo_db):
    """Issue 5 Notifications: the employee hears of every decision; the next approver of
    the request waiting for them."""
    maria, sam, hr, fin = user("employee"), user("manager"), user("hr"), user("finance")
    req = svc.create_request(maria.employee, data(), maria)
    svc.transition(req.id, "submit", maria)
    assert [n.link for n in notices_for(demo_db, sam)] == [f"/tuition/{req.id}"]
    svc.transition(req.id, "approve", sam)
    assert any("approved" in n.subject for n in notices_for(demo_db, maria))
    assert len(notices_for(demo_db, hr)) == 1
    svc.transition(req.id, "approve", hr)
    assert len(notices_for(demo_db, fin)) == 1
    svc.transition(req.id, "reject", fin, reason="Budget frozen until spring")
    last = notices_for(demo_db, maria)[-1]
    assert "rejected" in last.subject and "Budget frozen until spring" in last.body
    # Nobody is told about what they did themselves.
    assert not any("rejected" in n.subject for n in notices_for(demo_db, fin))


# --------------------------------------------------------------------------- the state machine

ALL_ACTIONS = (
    "submit",
    "approve",
    "reject",
    "cancel",
    "complete",
    "flag_documents",
    "resubmit_documents",
    "pay",
)
LEGAL = {
    "draft": {"submit", "cancel"},
    "submitted": {"approve", "reject", "cancel"},
    "manager_approved": {"approve", "reject", "cancel"},
    "hr_approved": {"approve", "reject", "cancel"},
    "finance_approved": {"complete"},
    "completed": {"flag_documents", "pay"},
    "documents_missing": {"resubmit_documents"},
    "reimbursed": set(),
    "rejected": set(),
    "cancelled": set(),
}


def _in_state(state: str):
    return make(user("employee"), state)


@pytest.mark.parametrize("state", list(LEGAL))
def test_every_illegal_transition_is_refused_with_409_and_changes_nothing(demo_db, state):
    """docs/RULES.md States: only the listed transitions exist; anything else is a conflict (409)
    and a refused write changes nothing."""
    req = _in_state(state)
    before = snapshot(demo_db, req.id)
    actors = [user("employee"), user("manager"), user("hr"), user("finance")]
    for action in ALL_ACTIONS:
        if action in LEGAL[state]:
            continue
        for actor in actors:
            with pytest.raises(svc.IllegalTransition) as refused:
                svc.transition(
                    req.id, action, actor, reason="x", grade="A", receipt=pdf(), paid_on=None
                )
            assert refused.value.status == 409
            assert state in refused.value.message
    assert snapshot(demo_db, req.id) == before


def test_a_draft_is_edited_only_while_it_is_a_draft(demo_db):
    maria = user("employee")
    req = svc.create_request(maria.employee, data(), maria)
    svc.update_request(req.id, data(books="75.00"), maria)
    assert req.eligible_cost == D("2025.00")
    svc.transition(req.id, "submit", maria)
    with pytest.raises(svc.IllegalTransition):
        svc.update_request(req.id, data(books="0.00"), maria)
    demo_db.session.expire_all()
    assert demo_db.session.get(TuitionRequest, req.id).books == D("75.00")


def test_the_employee_cancels_before_finance_approval_only(demo_db):
    """docs/RULES.md: the employee can move the request to cancelled before finance_approved."""
    maria = user("employee")
    for state in ("draft", "submitted", "manager_approved", "hr_approved"):
        req = make(maria, state)
        with pytest.raises(svc.NotAllowed):
            svc.transition(req.id, "cancel", user("hr"))
        assert svc.transition(req.id, "cancel", maria, reason="Changed jobs").state == "cancelled"
    req = make(maria, "finance_approved")
    with pytest.raises(svc.IllegalTransition, match="before finance approval"):
        svc.transition(req.id, "cancel", maria)


def test_a_rejection_needs_a_reason_which_is_kept(demo_db):
    """docs/RULES.md: any approval stage can lead to rejected, with a reason."""
    req = make(user("employee"), "submitted")
    before = snapshot(demo_db, req.id)
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.transition(req.id, "reject", user("manager"), reason="   ")
    assert refused.value.status == 422 and "reason" in refused.value.errors
    assert snapshot(demo_db, req.id) == before
    req = svc.transition(req.id, "reject", user("manager"), reason="Not job-related enough")
    assert (req.state, req.rejection_reason) == ("rejected", "Not job-related enough")


def test_documents_can_be_flagged_missing_and_come_back(demo_db):
    """docs/RULES.md: completed can become documents_missing and come back."""
    maria, fin = user("employee"), user("finance")
    req = make(maria, "completed", starts_on="2026-09-01", ends_on="2026-11-01")
    with pytest.raises(svc.ValidationFailed):
        svc.transition(req.id, "flag_documents", fin)  # say what is missing
    req = svc.transition(req.id, "flag_documents", fin, reason="The receipt is unreadable")
    assert req.state == "documents_missing"
    assert "unreadable" in notices_for(demo_db, maria)[-1].body
    with pytest.raises(svc.IllegalTransition):
        svc.transition(req.id, "pay", fin)
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.transition(req.id, "resubmit_documents", maria)
    assert "receipt" in refused.value.errors
    old_receipt = req.receipt_upload_id
    req = svc.transition(req.id, "resubmit_documents", maria, receipt=pdf("scan.pdf"))
    assert req.state == "completed" and req.receipt_upload_id != old_receipt
    assert svc.transition(req.id, "pay", fin).state == "reimbursed"


def test_completion_needs_a_grade_and_a_document_of_an_accepted_type(demo_db):
    """docs/RULES.md: completed = grade and receipt or transcript uploaded."""
    maria = user("employee")
    req = make(maria, "finance_approved", starts_on="2026-09-01", ends_on="2026-11-01")
    before = snapshot(demo_db, req.id)
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.transition(req.id, "complete", maria)
    assert set(refused.value.errors) == {"grade", "receipt"}
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.transition(req.id, "complete", maria, grade="B", receipt=pdf("x.pdf", b"MZ\x90\x00"))
    assert "PDF" in refused.value.errors["receipt"][0]
    with pytest.raises(svc.ValidationFailed):
        svc.transition(req.id, "complete", maria, grade="PASS", receipt=pdf())
    assert snapshot(demo_db, req.id) == before
    req = svc.transition(req.id, "complete", maria, grade=" b+ ", transcript=pdf())
    assert (req.state, req.grade, req.receipt_upload_id) == ("completed", "B", None)


def test_a_grade_is_accepted_only_on_or_after_the_course_end_date(demo_db):
    """docs/RULES.md Timing: a request is completed (its grade entered) only on or after the
    course's end date; before it the refusal gives the date and nothing changes."""
    maria = user("employee")
    req = make(maria, "finance_approved", starts_on="2026-11-02", ends_on="2026-12-15")
    before = snapshot(demo_db, req.id)
    with pytest.raises(svc.TooEarly) as refused:
        svc.transition(req.id, "complete", maria, grade="B", receipt=pdf())
    assert "2026-12-15" in refused.value.message
    assert "2026-12-15" in refused.value.errors["grade"][0]
    assert snapshot(demo_db, req.id) == before
    with travel("2026-12-14"), pytest.raises(svc.TooEarly):
        svc.transition(req.id, "complete", maria, grade="B", receipt=pdf())
    with travel("2026-12-15"):  # the end date itself is fine
        done = svc.transition(req.id, "complete", maria, grade="B", receipt=pdf())
    assert (done.state, done.grade) == ("completed", "B")


# --------------------------------------------------------------------------- who approves


def test_each_stage_is_decided_by_its_own_approver(demo_db):
    """docs/RULES.md Who approves: the manager stage is the employee's own manager, the HR stage
    is hr, the finance stage is finance."""
    maria, sam, hr, fin = user("employee"), user("manager"), user("hr"), user("finance")
    req = make(maria, "submitted")
    for outsider in (hr, fin):
        with pytest.raises(svc.NotAllowed) as refused:
            svc.transition(req.id, "approve", outsider)
        assert refused.value.status == 403
    req = svc.transition(req.id, "approve", sam)
    for outsider in (sam, fin, maria):
        with pytest.raises(svc.TuitionError):
            svc.transition(req.id, "approve", outsider)
    req = svc.transition(req.id, "approve", hr)
    for outsider in (sam, hr, maria):
        with pytest.raises(svc.TuitionError):
            svc.transition(req.id, "approve", outsider)
    assert svc.transition(req.id, "approve", fin).state == "finance_approved"


def test_the_manager_stage_belongs_to_the_direct_manager(demo_db):
    """Maria reports to Daniel Kim. Without a sign-in of his own the stage passes up to Sam
    Rivera; once Daniel can sign in, it is his and Sam may not decide it."""
    maria, sam = user("employee"), user("manager")
    req = make(maria, "submitted")
    assert req.id in [r.id for r in demo_db.session.scalars(svc.queue_query(sam, "manager"))]
    daniel = sign_in_for("Daniel Kim")
    assert req.id not in [r.id for r in demo_db.session.scalars(svc.queue_query(sam, "manager"))]
    assert svc.queue_count(daniel, "manager") == 1
    with pytest.raises(svc.NotAllowed, match="Daniel Kim"):
        svc.transition(req.id, "approve", sam)
    assert svc.transition(req.id, "approve", daniel).state == "manager_approved"


def test_a_manager_cannot_see_requests_outside_their_line(demo_db):
    lena = sign_in_for("Lena Fischer")
    req = make(user("employee"), "submitted")
    with pytest.raises(svc.NotFound) as refused:
        svc.transition(req.id, "approve", lena)
    assert refused.value.status == 404


def test_nobody_approves_their_own_request(demo_db):
    """docs/RULES.md: nobody approves their own request, whatever their roles."""
    hr, fin = user("hr"), user("finance")
    # Hannah (hr) has no manager with a sign-in above her, so HR decides her manager stage.
    own = svc.create_request(hr.employee, data(), hr)
    svc.transition(own.id, "submit", hr)
    before = snapshot(demo_db, own.id)
    with pytest.raises(svc.NotAllowed, match="own request"):
        svc.transition(own.id, "approve", hr)
    with pytest.raises(svc.NotAllowed, match="own request"):
        svc.transition(own.id, "reject", hr, reason="x")
    assert snapshot(demo_db, own.id) == before
    assert own.id not in [r.id for r in demo_db.session.scalars(svc.queue_query(hr, "hr"))]
    # Felix (finance) cannot pre-approve or pay his own request.
    felix_req = svc.create_request(fin.employee, data(), fin)
    svc.transition(felix_req.id, "submit", fin)
    owen = sign_in_for("Owen Blake", ("hr",))
    svc.transition(felix_req.id, "approve", owen)  # manager stage falls to HR
    svc.transition(felix_req.id, "approve", hr)
    with pytest.raises(svc.NotAllowed, match="own request"):
        svc.transition(felix_req.id, "approve", fin)
    assert felix_req.id not in [
        r.id for r in demo_db.session.scalars(svc.queue_query(fin, "finance"))
    ]


def test_one_person_does_not_approve_two_stages_of_the_same_request(demo_db):
    """Sam Rivera's manager has no sign-in, so HR decides his manager stage; the HR stage then
    needs a second HR person (four eyes)."""
    sam, hr = user("manager"), user("hr")
    req = svc.create_request(sam.employee, data(), sam)
    svc.transition(req.id, "submit", sam)
    assert req.id in [r.id for r in demo_db.session.scalars(svc.queue_query(hr, "hr"))]
    svc.transition(req.id, "approve", hr)
    with pytest.raises(svc.NotAllowed, match="another person"):
        svc.transition(req.id, "approve", hr)
    owen = sign_in_for("Owen Blake", ("hr",))
    assert svc.transition(req.id, "approve", owen).state == "hr_approved"


def test_approving_twice_is_a_conflict_not_a_second_approval(demo_db):
    """A double click: the second approve finds the request at the next stage."""
    sam = user("manager")
    req = make(user("employee"), "submitted")
    svc.transition(req.id, "approve", sam)
    before = snapshot(demo_db, req.id)
    with pytest.raises(svc.StaleTransition) as refused:
        svc.transition(req.id, "approve", sam)
    assert refused.value.status == 409 and "already approved" in refused.value.message
    with pytest.raises(svc.StaleTransition, match="waiting for HR"):
        svc.transition(req.id, "approve", sam, expected_state="submitted")
    assert snapshot(demo_db, req.id) == before


# --------------------------------------------------------------------------- timing


def test_a_late_request_is_refused_until_hr_overrides_it_with_a_reason(demo_db):
    """docs/RULES.md Timing: pre-approval must be requested before the course start date; a later
    request is refused unless HR overrides it, with a reason."""
    maria, hr = user("employee"), user("hr")
    on_time = svc.create_request(maria.employee, data(starts_on="2026-11-23"), maria)
    assert svc.transition(on_time.id, "submit", maria).state == "submitted"

    late = svc.create_request(
        maria.employee, data(starts_on="2026-11-22", ends_on="2027-02-01"), maria
    )
    before = snapshot(demo_db, late.id)
    with pytest.raises(svc.LateSubmission) as refused:
        svc.transition(late.id, "submit", maria)
    assert refused.value.status == 409 and "2026-11-22" in refused.value.message
    assert snapshot(demo_db, late.id) == before
    assert late.id in [
        r.id for r in demo_db.session.scalars(svc.queue_query(hr, "hr", view="late"))
    ]

    with pytest.raises(svc.NotAllowed):
        svc.override_late(late.id, maria, "I really need it")
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.override_late(late.id, hr, "")
    assert "override_reason" in refused.value.errors
    with pytest.raises(svc.Conflict, match="not late"):
        draft = svc.create_request(maria.employee, data(starts_on="2026-11-23"), maria)
        svc.override_late(draft.id, hr, "x")

    req = svc.transition(
        late.id, "override_late", hr, override_reason="Enrolment opened the day it started"
    )
    assert req.state == "draft"
    assert req.late_override_reason == "Enrolment opened the day it started"
    assert svc.history(req)[-1].action == "override_late"
    assert svc.history(req)[-1].reason == "Enrolment opened the day it started"
    assert "late" in notices_for(demo_db, maria)[-1].subject
    with pytest.raises(svc.Conflict, match="already"):
        svc.override_late(late.id, hr, "again")
    req = svc.transition(late.id, "submit", maria)
    assert req.state == "submitted" and svc.request_to_dict(req)["late"] is True


# --------------------------------------------------------------------------- the annual cap


def test_the_cap_reservation_is_allowed_to_the_cent_and_refused_one_cent_above(demo_db):
    """docs/RULES.md Annual cap: 5,250.00 per employee per calendar year; finance approval reserves
    the amount; reserved and reimbursed both count. 5,250.00 is allowed, 5,250.01 refused."""
    maria, fin = user("employee"), user("finance")
    over = make(maria, "hr_approved", tuition="5250.01", fees="0", books="0")
    before = snapshot(demo_db, over.id)
    with pytest.raises(svc.CapExceeded) as refused:
        svc.transition(over.id, "approve", fin)
    assert refused.value.status == 409
    assert "5,250.00" in refused.value.message and "5,250.01" in refused.value.message
    assert snapshot(demo_db, over.id) == before

    exact = make(maria, "hr_approved", tuition="5000.00", fees="200.00", books="50.00")
    assert svc.transition(exact.id, "approve", fin).reserved_amount == D("5250.00")
    assert svc.cap_status(maria.employee_id, 2027).left == D("0.00")

    one_cent = make(maria, "hr_approved", tuition="0.01", fees="0", books="0")
    before = snapshot(demo_db, one_cent.id)
    with pytest.raises(svc.CapExceeded, match="at most USD 0.00"):
        svc.transition(one_cent.id, "approve", fin)
    assert snapshot(demo_db, one_cent.id) == before
    # Another calendar year has its own cap.
    next_year = make(
        maria,
        "hr_approved",
        tuition="0.01",
        fees="0",
        books="0",
        starts_on="2028-01-10",
        ends_on="2028-03-01",
    )
    assert svc.transition(next_year.id, "approve", fin).state == "finance_approved"


def test_the_reimbursement_is_capped_by_what_is_left_in_the_year_of_payment(demo_db):
    """docs/RULES.md Amount: reimbursed = min(eligible cost x grade percentage, remaining cap).
    A December course reserved against last year's cap is paid from this year's."""
    maria, fin = user("employee"), user("finance")
    december = make(
        maria,
        "completed",
        grade="A",
        starts_on="2025-12-01",
        ends_on="2026-01-30",
        tuition="2000.00",
        fees="0",
        books="0",
    )
    assert december.cap_year == 2025
    this_year = make(
        maria,
        "reimbursed",
        grade="A",
        starts_on="2026-01-12",
        ends_on="2026-04-30",
        tuition="4000.00",
        fees="0",
        books="0",
        paid_on=date(2026, 5, 15),
    )
    assert this_year.reimbursed_amount == D("4000.00")
    paid = svc.transition(december.id, "pay", fin, paid_on="2026-02-01")
    assert paid.reimbursed_amount == D("1250.00")  # 5,250.00 - 4,000.00 left in 2026
    assert svc.cap_status(maria.employee_id, 2026).used == D("5250.00")
    assert svc.cap_status(maria.employee_id, 2025).used == D("0.00")


def test_payment_dates_are_checked(demo_db):
    fin = user("finance")
    req = make(user("employee"), "completed", starts_on="2026-11-10", ends_on="2026-12-20")
    before = snapshot(demo_db, req.id)
    for bad, message in (
        ("2026-11-23", "future"),
        ("2026-11-09", "before the course started"),
        ("22/11/2026", "YYYY-MM-DD"),
    ):
        with pytest.raises(svc.ValidationFailed) as refused:
            svc.transition(req.id, "pay", fin, paid_on=bad)
        assert message in refused.value.errors["paid_on"][0]
    assert snapshot(demo_db, req.id) == before


# --------------------------------------------------------------------------- grades and money


@pytest.mark.parametrize(
    "pass_fail, grades",
    [
        (
            False,
            {
                "A": "2000.00",
                "B": "1500.00",
                "B+": "1500.00",
                "C": "1000.00",
                "C-": "1000.00",
                "D": "0.00",
                "F": "0.00",
            },
        ),
        (True, {"PASS": "2000.00", "FAIL": "0.00"}),
    ],
)
def test_grade_percentages_decide_the_amount(demo_db, pass_fail, grades):
    """docs/RULES.md Amount (cfg): A 100%, B 75%, C 50%, lower 0%; pass/fail courses: pass 100%."""
    settings.set_value("annual_cap", "1000000.00")
    demo_db.session.commit()
    maria = user("employee")
    fin = user("finance")
    for grade, amount in grades.items():
        req = make(
            maria,
            "completed",
            grade=svc.rules.normalize_grade(grade),
            pass_fail=pass_fail,
            starts_on="2026-09-01",
            ends_on="2026-11-01",
        )
        req = svc.transition(req.id, "pay", fin)
        assert (grade, req.reimbursed_amount) == (grade, D(amount))


def test_amounts_are_exact_decimals_rounded_half_up_to_the_cent(demo_db):
    """Issue 5: exact Decimal arithmetic, rounded to cents half-up at the end."""
    req = walk(
        user("employee"),
        "reimbursed",
        grade="B",
        tuition="333.33",
        fees="0.00",
        books="0.01",
        starts_on="2027-02-01",
        ends_on="2027-03-01",
    )
    # 333.34 x 75% = 250.005 -> 250.01 (half-up), never a float's 250.00
    assert req.reimbursed_amount == D("250.01")
    assert svc.request_to_dict(req)["amount"] == "250.01"


def test_taxable_excess_is_non_job_related_pay_above_the_tax_free_limit(demo_db):
    """docs/RULES.md: whatever a calendar year's total pays above the tax-free limit (5,250.00) for
    courses that are not job-related is reported to finance as taxable. (The cap must be raised
    above the limit for any excess to exist: both are (cfg).)"""
    settings.set_value("annual_cap", "20000.00")
    demo_db.session.commit()
    maria, grace = user("employee"), sign_in_for("Grace Okafor")
    for amount in ("4000.00", "2000.00"):
        make(
            maria,
            "reimbursed",
            grade="A",
            job_related=False,
            tuition=amount,
            fees="0",
            books="0",
            starts_on="2026-03-02",
            ends_on="2026-06-30",
            paid_on=date(2026, 7, 1),
        )
    for amount, job_related in (("5000.00", True), ("1000.00", False)):
        make(
            grace,
            "reimbursed",
            grade="A",
            job_related=job_related,
            tuition=amount,
            fees="0",
            books="0",
            starts_on="2026-03-02",
            ends_on="2026-06-30",
            paid_on=date(2026, 7, 1),
        )
    report = svc.summary(2026)
    rows = {r.name: r for r in report.rows}
    assert rows["Maria Lopez"].reimbursed == D("6000.00")
    assert rows["Maria Lopez"].taxable_excess == D("750.00")
    # Job-related pay is tax-free and does not use up the limit: 1,000.00 is inside it.
    assert rows["Grace Okafor"].reimbursed == D("6000.00")
    assert rows["Grace Okafor"].taxable_excess == D("0.00")
    north = next(d for d in report.departments if d.code == "CS-NORTH")
    assert north.taxable_excess == D("750.00") and north.reimbursed == D("12000.00")
    assert svc.summary(2025).total.taxable_excess == D("0.00")


def test_the_summary_per_year_and_department_and_its_csv(demo_db):
    """Issue 5 Finance summary: per year and per department: reserved, reimbursed, caps used,
    taxable excess and repayments owed; exported to CSV."""
    maria = user("employee")
    make(maria, "finance_approved", starts_on="2026-12-01", ends_on="2026-12-20")
    report = svc.summary(2026)
    maria_row = next(r for r in report.rows if r.name == "Maria Lopez")
    assert (maria_row.reserved, maria_row.cap_used, maria_row.cap_left) == (
        D("2000.00"),
        D("2000.00"),
        D("3250.00"),
    )
    # The demo leaver Priya Shah owes 1,125.00, recorded on her termination date in 2026.
    priya = next(r for r in report.rows if r.name == "Priya Shah")
    assert priya.repayments_owed == D("1125.00") and priya.department_code == "CS-SOUTH"
    assert report.total.reserved == D("2000.00")
    assert report.total.repayments_owed == D("1125.00")
    south = svc.summary(2026, "CS-SOUTH")
    assert [r.name for r in south.rows] == ["Priya Shah"]
    assert [d.code for d in south.departments] == ["CS-SOUTH"]

    body = svc.summary_to_dict(report)
    assert body["total"]["repayments_owed"] == "1125.00" and body["year"] == 2026
    assert {"name": "Maria Lopez", "reserved": "2000.00", "cap_left": "3250.00"}.items() <= next(
        item for item in body["items"] if item["name"] == "Maria Lopez"
    ).items()

    text = svc.summary_csv(report)
    lines = text.strip().splitlines()
    assert lines[0] == (
        "year,department,employee_no,name,reserved,reimbursed,cap_used,cap_left,"
        "taxable_excess,repayments_owed"
    )
    assert any(
        line.endswith(",Maria Lopez,2000.00,0.00,2000.00,3250.00,0.00,0.00") for line in lines
    )
    # Priya was paid 1,500.00 in December 2025.
    assert svc.summary(2025).total.reimbursed == D("1500.00")


# --------------------------------------------------------------------------- leaving


def test_the_repayment_table_by_months_since_payment(demo_db):
    """docs/RULES.md Repayment (cfg): < 6 months 100%, < 12 75%, < 18 50%, < 24 25%, 24 or more
    nothing; computed when the termination is recorded."""
    hr = user("hr")
    leaver = employee("Tomas Ruiz")
    left = date(2026, 11, 22)
    by_months = {}
    for months in (5, 6, 11, 12, 23, 24):
        paid = add_months(left, -months)
        req = TuitionRequest(
            employee_id=leaver.id,
            title=f"Course {months}",
            institution="College",
            starts_on=paid.replace(day=1),
            ends_on=paid,
            tuition=D("1000.00"),
            fees=D("0"),
            books=D("0"),
            job_related=True,
            justification="x",
            state="reimbursed",
            reserved_amount=D("1000.00"),
            reimbursed_amount=D("1000.00"),
            paid_on=paid,
            grade="A",
        )
        demo_db.session.add(req)
        demo_db.session.flush()
        by_months[req.id] = months
    demo_db.session.commit()

    owed = svc.record_termination(leaver, left, "voluntary", hr)
    result = {by_months[r.request_id]: (r.months_since_paid, r.share, r.amount_owed) for r in owed}
    assert result == {
        5: (5, D("1.00"), D("1000.00")),
        6: (6, D("0.75"), D("750.00")),
        11: (11, D("0.75"), D("750.00")),
        12: (12, D("0.50"), D("500.00")),
        23: (23, D("0.25"), D("250.00")),
    }
    demo_db.session.expire_all()
    assert (leaver.status, leaver.termination_reason, leaver.termination_date) == (
        "terminated",
        "voluntary",
        left,
    )
    stored = demo_db.session.scalars(
        select(Repayment).where(Repayment.employee_id == leaver.id)
    ).all()
    assert len(stored) == 5  # 24 months or more: nothing owed, no repayment row
    assert svc.outstanding_total() == D("1125.00") + D("3250.00")
    assert user("finance").id in {
        n.user_id for n in demo_db.session.scalars(select(Notification)) if "repayment" in n.kind
    }


def test_the_demo_case_2000_graded_b_pays_1500_and_a_leaver_at_10_months_owes_1125(demo_db):
    """docs/RULES.md demo: a $2,000 course graded B is reimbursed $1,500; its employee leaves
    voluntarily 10 months after payment and owes 75% = $1,125.00."""
    maria, hr = user("employee"), user("hr")
    req = walk(
        maria,
        "reimbursed",
        grade="B",
        starts_on="2025-09-01",
        ends_on="2025-12-15",
        paid_on=date(2026, 1, 22),
    )
    assert req.eligible_cost == D("2000.00") and req.reimbursed_amount == D("1500.00")
    owed = svc.record_termination(maria.employee, "2026-11-22", "voluntary", hr)
    assert [(r.request_id, r.months_since_paid, r.share, r.amount_owed) for r in owed] == [
        (req.id, 10, D("0.75"), D("1125.00"))
    ]
    assert svc.repayment_to_dict(owed[0])["amount_owed"] == "1125.00"


def test_an_involuntary_leaver_owes_nothing_and_open_requests_are_cancelled(demo_db):
    maria, hr = user("employee"), user("hr")
    paid = make(
        maria,
        "reimbursed",
        starts_on="2026-03-02",
        ends_on="2026-06-30",
        paid_on=date(2026, 7, 1),
    )
    pending = make(maria, "manager_approved")
    assert svc.record_termination(maria.employee, "2026-11-22", "involuntary", hr) == []
    demo_db.session.expire_all()
    assert demo_db.session.get(TuitionRequest, pending.id).state == "cancelled"
    assert demo_db.session.get(TuitionRequest, paid.id).state == "reimbursed"
    assert svc.history(demo_db.session.get(TuitionRequest, pending.id))[-1].reason == (
        "Maria Lopez left on 2026-11-22."
    )
    assert not demo_db.session.scalars(
        select(Repayment).where(Repayment.employee_id == maria.employee_id)
    ).all()


def test_recording_a_termination_is_checked_and_refusals_change_nothing(demo_db):
    hr, sam = user("hr"), user("manager")
    daniel = employee("Daniel Kim")
    with pytest.raises(svc.NotAllowed):
        svc.record_termination(daniel, "2026-11-22", "voluntary", sam)
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.record_termination(daniel, "22.11.2026", "fired", hr)
    assert set(refused.value.errors) == {"termination_date", "reason"}
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.record_termination(daniel, "1990-01-01", "voluntary", hr)
    assert "hire date" in refused.value.errors["termination_date"][0]
    demo_db.session.expire_all()
    assert daniel.status == "active"
    with pytest.raises(svc.Conflict, match="already left"):
        svc.record_termination(employee("Priya Shah"), "2026-11-22", "voluntary", hr)


def test_finance_settles_a_repayment_once(demo_db):
    fin = user("finance")
    rep = demo_db.session.scalar(select(Repayment))
    with pytest.raises(svc.NotAllowed):
        svc.settle_repayment(rep.id, "2026-11-20", user("hr"))
    with pytest.raises(svc.ValidationFailed):
        svc.settle_repayment(rep.id, "2027-01-01", fin)
    assert svc.settle_repayment(rep.id, "2026-11-20", fin).settled_on == date(2026, 11, 20)
    with pytest.raises(svc.StaleTransition):
        svc.settle_repayment(rep.id, "2026-11-21", fin)
    assert svc.outstanding_total() == D("0")


# --------------------------------------------------------------------------- input


def test_bad_input_is_refused_field_by_field_and_nothing_is_created(demo_db):
    maria = user("employee")
    count = demo_db.session.scalar(select(func.count(TuitionRequest.id)))
    with pytest.raises(svc.ValidationFailed) as refused:
        svc.create_request(
            maria.employee,
            {
                "title": "",
                "institution": "x" * 201,
                "starts_on": "2027-05-01",
                "ends_on": "2027-01-01",
                "tuition": "12.345",
                "fees": "-5",
                "books": "lots",
                "justification": "Because",
                "qualification": "NOPE",
                "target_role": "L1-CSR",
                "target_competency": "NOPE",
            },
            maria,
        )
    errors = refused.value.errors
    assert set(errors) == {
        "title",
        "institution",
        "ends_on",
        "tuition",
        "fees",
        "books",
        "job_related",
        "qualification",
        "target_role",
        "target_competency",
    }
    assert "two decimals" in errors["tuition"][0]
    assert "negative" in errors["fees"][0]
    assert "development plan" in errors["target_role"][0]
    assert demo_db.session.scalar(select(func.count(TuitionRequest.id))) == count
    with pytest.raises(svc.ValidationFailed, match="not valid") as refused:
        svc.create_request(maria.employee, data(tuition="0", fees="0", books="0"), maria)
    assert "cannot all be 0.00" in refused.value.errors["tuition"][0]


def test_a_request_may_name_a_role_or_competency_gap_from_the_development_plan(demo_db):
    """Issue 5: optionally the target role or competency gap it closes, picked from the
    employee's own development plan (the roles above theirs and the competencies they lack)."""
    maria = user("employee")
    plan = svc.plan_options(maria.employee)
    assert [r.code for r in plan.roles] == ["L2-CSS", "L3-CSM"]
    gap = plan.competencies[0]
    req = svc.create_request(
        maria.employee, data(target_role="L3-CSM", target_competency=gap.code), maria
    )
    as_dict = svc.request_to_dict(req)
    assert (as_dict["target_role"], as_dict["target_competency"]) == ("L3-CSM", gap.code)


def test_only_the_employee_creates_their_own_request(demo_db):
    maria, sam, hr = user("employee"), user("manager"), user("hr")
    with pytest.raises(svc.NotAllowed):
        svc.create_request(maria.employee, data(), sam)
    with pytest.raises(svc.NotAllowed):
        svc.create_request(maria.employee, data(), hr)
    with pytest.raises(svc.NotFound):
        svc.create_request(sam.employee, data(), maria)


def test_request_to_dict_has_the_api_shape(demo_db):
    """docs/API.md: dates YYYY-MM-DD, money as decimal strings, catalogue references by code."""
    req = walk(user("employee"), "finance_approved")
    body = svc.request_to_dict(req, include_history=True)
    assert body["tuition"] == "1800.00" and body["eligible_cost"] == "2000.00"
    assert body["reserved_amount"] == "2000.00" and body["amount"] == "2000.00"
    assert body["qualification"] == "CERT-MGMT" and body["starts_on"] == "2027-01-11"
    assert body["state"] == "finance_approved"
    assert [h["action"] for h in body["history"]][-1] == "approve"
    assert body["history"][-1]["by"] == "felix.turner@example.com"
