"""Employee records services (issue 3): the rules of docs/RULES.md enforced once, for pages and API.

The demo organisation is pinned to 2026-11-22 (tests/conftest.py TEST_TODAY).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import (
    Assessment,
    AuditEntry,
    BackgroundCheck,
    CheckType,
    CompetencyRating,
    Completion,
    Course,
    Employee,
    Notification,
    RoleHistory,
    TalentReview,
    User,
)
from app.services import records
from app.services import settings as app_settings
from app.services.records import RecordConflict, RecordError, RecordForbidden

TODAY = date(2026, 11, 22)


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def user(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def hr(demo_db):
    return user(demo_db, "hannah.reid@example.com")


@pytest.fixture
def sam(demo_db):
    return user(demo_db, "sam.rivera@example.com")


@pytest.fixture
def maria_user(demo_db):
    return user(demo_db, "maria.lopez@example.com")


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- profile and reporting line


def test_a_promotion_keeps_the_old_role_in_the_history(demo_db, hr):
    """Issue 3: moves and promotions keep a history: role_since changes, the old role is kept."""
    maria = person(demo_db, "Maria Lopez")
    old_since = maria.role_since
    change = records.update_employee(
        maria, {"role": "L2-CSS", "role_since": "2026-11-01"}, actor=hr
    )
    assert change.changes["role"] == ("L1-CSR", "L2-CSS")
    demo_db.session.expire_all()
    maria = person(demo_db, "Maria Lopez")
    assert maria.job_role.code == "L2-CSS" and maria.role_since == date(2026, 11, 1)
    history = demo_db.session.scalars(
        select(RoleHistory)
        .where(RoleHistory.employee_id == maria.id)
        .order_by(RoleHistory.started_on)
    ).all()
    assert [(h.job_role.code, h.started_on, h.ended_on) for h in history] == [
        ("L1-CSR", old_since, date(2026, 11, 1)),
        ("L2-CSS", date(2026, 11, 1), None),
    ]
    assert history[-1].note == "Promoted"


def test_a_new_role_must_start_after_the_current_one(demo_db, hr):
    maria = person(demo_db, "Maria Lopez")
    with pytest.raises(RecordError) as caught:
        records.update_employee(
            maria, {"role": "L2-CSS", "role_since": maria.role_since.isoformat()}, actor=hr
        )
    assert "role_since" in caught.value.errors
    demo_db.session.expire_all()
    assert person(demo_db, "Maria Lopez").job_role.code == "L1-CSR"


def test_correcting_the_current_role_start_moves_its_history_row(demo_db, hr):
    daniel = person(demo_db, "Daniel Kim")
    records.update_employee(daniel, {"role_since": "2025-03-10"}, actor=hr)
    demo_db.session.expire_all()
    rows = demo_db.session.scalars(
        select(RoleHistory)
        .where(RoleHistory.employee_id == daniel.id)
        .order_by(RoleHistory.started_on)
    ).all()
    assert rows[-1].started_on == date(2025, 3, 10) and rows[-1].ended_on is None
    assert rows[-2].ended_on == date(2025, 3, 10)  # the previous role ends where this one starts


def test_a_reporting_loop_is_refused_and_nothing_changes(demo_db, hr):
    sam = person(demo_db, "Sam Rivera")
    maria = person(demo_db, "Maria Lopez")  # below Sam, through Daniel Kim
    before = sam.manager_id
    with pytest.raises(RecordError) as caught:
        records.update_employee(sam, {"manager_id": maria.id}, actor=hr)
    assert "reporting loop" in caught.value.errors["manager_id"][0]
    demo_db.session.expire_all()
    assert person(demo_db, "Sam Rivera").manager_id == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "sam.rivera@example.com"}, "email"),
        ({"jurisdiction": "California"}, "jurisdiction"),
        ({"hire_date": "31/01/2020"}, "hire_date"),
        ({"status": "terminated"}, "status"),
        ({"employee_no": ""}, "employee_no"),
        ({"role": "L9-CEO", "role_since": "2026-11-01"}, "role"),
        ({"department": "Nowhere"}, "department"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_profile_input_names_its_field_and_changes_nothing(demo_db, hr, changes, field):
    maria = person(demo_db, "Maria Lopez")
    snapshot = records.employee_to_dict(maria)
    audits = count(demo_db, AuditEntry)
    with pytest.raises(RecordError) as caught:
        records.update_employee(maria, changes, actor=hr)
    assert field in caught.value.errors
    demo_db.session.expire_all()
    assert records.employee_to_dict(person(demo_db, "Maria Lopez")) == snapshot
    assert count(demo_db, AuditEntry) == audits


def test_hr_adds_an_employee_with_a_role_history(demo_db, hr):
    daniel = person(demo_db, "Daniel Kim")
    new = records.create_employee(
        {
            "employee_no": "E9001",
            "name": "Robin Vale",
            "email": "Robin.Vale@Example.com",
            "hire_date": "2026-11-02",
            "role": "L1-CSR",
            "manager_id": daniel.id,
            "department": "CS-NORTH",
            "jurisdiction": "us-ca",
        },
        actor=hr,
    )
    assert new.email == "robin.vale@example.com" and new.jurisdiction == "US-CA"
    assert new.role_since == date(2026, 11, 2)  # defaults to the hire date
    assert (
        demo_db.session.scalar(select(func.count()).where(RoleHistory.employee_id == new.id)) == 1
    )
    with pytest.raises(RecordError) as caught:
        records.create_employee(
            {
                "employee_no": "e9001",
                "name": "Other",
                "email": "o@example.com",
                "hire_date": "2026-01-01",
            },
            actor=hr,
        )
    assert "employee_no" in caught.value.errors


def test_only_hr_edits_profiles(demo_db, sam):
    with pytest.raises(RecordForbidden):
        records.update_employee(person(demo_db, "Daniel Kim"), {"name": "Dan"}, actor=sam)


# ---------------------------------------------------------------- training completions


def test_expires_on_is_completed_on_plus_validity_months(demo_db, hr):
    """docs/RULES.md Training: expires_on = completed_on + validity_months (end of month clamps)."""
    grace = person(demo_db, "Grace Okafor")
    pci = records.record_completion(grace, "PCI-AWARE", "2026-02-28", actor=hr)
    harass = records.record_completion(grace, "harass-ref", date(2025, 12, 31), actor=hr)
    found = records.record_completion(grace, "LOG-OPS", "2026-05-01", "88.5", actor=hr)
    assert pci.expires_on == date(2027, 2, 28)
    assert harass.expires_on == date(2027, 12, 31) and harass.course.code == "HARASS-REF"
    assert found.expires_on is None and found.score == Decimal("88.5")
    assert pci.verification == "verified"


@pytest.mark.parametrize(
    ("days_before_expiry", "status"),
    [
        (91, "valid"),
        (90, "expiring"),  # D >= expires_on - 90 days (cfg)
        (1, "expiring"),
        (0, "expired"),  # D >= expires_on
        (-1, "expired"),
    ],
)
def test_expiry_status_boundaries(demo_db, hr, days_before_expiry, status):
    """docs/RULES.md Training, status on D: valid; expiring when D >= expires_on - 90 days;
    expired."""
    grace = person(demo_db, "Grace Okafor")
    completion = records.record_completion(grace, "PCI-AWARE", "2026-01-15", actor=hr)
    on = completion.expires_on - timedelta(days=days_before_expiry)
    assert records.completion_status(completion, on) == status


def test_the_expiring_window_is_configuration(demo_db, hr):
    grace = person(demo_db, "Grace Okafor")
    completion = records.record_completion(grace, "PCI-AWARE", "2026-01-15", actor=hr)
    on = completion.expires_on - timedelta(days=60)
    assert records.completion_status(completion, on) == "expiring"
    app_settings.set_value("expiring_window_days", 30)
    assert records.completion_status(completion, on) == "valid"


@pytest.mark.parametrize(
    ("course", "completed_on", "score", "field"),
    [
        ("NOPE-1", "2026-01-01", None, "course"),
        ("PCI-AWARE", "2026-13-01", None, "completed_on"),
        ("PCI-AWARE", "2026-11-23", None, "completed_on"),  # tomorrow
        ("PCI-AWARE", "", None, "completed_on"),
        ("PCI-AWARE", "2026-01-01", "-3", "score"),
        ("PCI-AWARE", "2026-01-01", "lots", "score"),
        ("PCI-AWARE", "2026-01-01", "NaN", "score"),
    ],
)
def test_bad_completions_are_refused_with_the_field(
    demo_db, hr, course, completed_on, score, field
):
    before = count(demo_db, Completion)
    with pytest.raises(RecordError) as caught:
        records.record_completion(
            person(demo_db, "Grace Okafor"), course, completed_on, score, actor=hr
        )
    assert field in caught.value.errors
    assert count(demo_db, Completion) == before


def test_the_same_completion_twice_is_a_conflict(demo_db, hr):
    grace = person(demo_db, "Grace Okafor")
    records.record_completion(grace, "PCI-AWARE", "2026-03-03", actor=hr)
    with pytest.raises(RecordConflict):
        records.record_completion(grace, "PCI-AWARE", "2026-03-03", actor=hr)


def test_a_retired_course_keeps_its_records_but_takes_no_new_ones(demo_db, hr):
    course = demo_db.session.scalar(select(Course).where(Course.code == "MKT-101"))
    grace = person(demo_db, "Grace Okafor")
    old = records.record_completion(grace, "MKT-101", "2026-01-10", actor=hr)
    course.retired = True
    demo_db.session.commit()
    with pytest.raises(RecordError) as caught:
        records.record_completion(grace, "MKT-101", "2026-02-10", actor=hr)
    assert "retired" in caught.value.errors["course"][0]
    assert records.completion_to_dict(demo_db.session.get(Completion, old.id))["course"] == (
        "MKT-101"
    )


def requirement(result, kind: str, target: str | None) -> dict:
    from app.services.readiness import result_to_dict

    return next(
        r
        for r in result_to_dict(result)["requirements"]
        if r["kind"] == kind and r["target"] == target
    )


def test_a_reported_completion_counts_only_once_hr_verifies_it(demo_db, maria_user, hr):
    """Issue 3: a reported completion stays pending until hr verifies it; only verified counts.

    ORG-101 grants Organisational behaviour 2 and HR basics 2, both L2-CSS requirements Maria
    has not met (docs/RULES.md: the current level includes levels granted by completed courses).
    """
    from werkzeug.datastructures import FileStorage

    from app.services.readiness import evaluate_employee

    maria = person(demo_db, "Maria Lopez")
    before, _, _ = evaluate_employee(maria.id, "L2-CSS", TODAY)
    assert requirement(before, "competency", "ORG-BEHAV")["status"] == "unmet"

    evidence = FileStorage(stream=_pdf(), filename="org-101-certificate.pdf")
    completion = records.report_completion(
        maria, "ORG-101", "2026-11-20", evidence, actor=maria_user
    )
    assert completion.verification == "pending"
    pending, _, _ = evaluate_employee(maria.id, "L2-CSS", TODAY)
    assert requirement(pending, "competency", "ORG-BEHAV")["status"] == "unmet"
    assert pending.score == before.score

    records.verify_completion(completion, actor=hr)
    verified, _, _ = evaluate_employee(maria.id, "L2-CSS", TODAY)
    assert requirement(verified, "competency", "ORG-BEHAV")["status"] == "met"
    assert verified.score > before.score
    notice = demo_db.session.scalar(
        select(Notification)
        .where(Notification.user_id == maria_user.id)
        .order_by(Notification.id.desc())
    )
    assert "verified" in notice.subject


def _pdf():
    import io

    from tests.factories import pdf_bytes

    return io.BytesIO(pdf_bytes())


def test_verifying_twice_applies_once_and_hr_cannot_verify_their_own(demo_db, hr, maria_user):
    from werkzeug.datastructures import FileStorage

    maria = person(demo_db, "Maria Lopez")
    completion = records.report_completion(
        maria, "HARASS-REF", "2026-11-01", FileStorage(_pdf(), "cert.pdf"), actor=maria_user
    )
    records.verify_completion(completion, actor=hr)
    audits = count(demo_db, AuditEntry)
    with pytest.raises(RecordConflict):
        records.verify_completion(completion, actor=hr)
    assert count(demo_db, AuditEntry) == audits

    hannah = person(demo_db, "Hannah Reid")
    own = records.report_completion(
        hannah, "PCI-AWARE", "2026-11-01", FileStorage(_pdf(), "cert.pdf"), actor=hr
    )
    with pytest.raises(RecordForbidden):
        records.verify_completion(own, actor=hr)


def test_a_refused_completion_needs_a_reason_and_never_counts(demo_db, hr, maria_user):
    from werkzeug.datastructures import FileStorage

    maria = person(demo_db, "Maria Lopez")
    completion = records.report_completion(
        maria, "PCI-AWARE", "2026-11-20", FileStorage(_pdf(), "c.pdf"), actor=maria_user
    )
    with pytest.raises(RecordError) as caught:
        records.reject_completion(completion, "  ", actor=hr)
    assert "reason" in caught.value.errors
    records.reject_completion(completion, "The certificate is for another person.", actor=hr)
    demo_db.session.expire_all()
    assert demo_db.session.get(Completion, completion.id).verification == "rejected"
    assert records.completion_status(demo_db.session.get(Completion, completion.id)) == "rejected"


def test_only_the_employee_reports_their_own_completion(demo_db, sam):
    from werkzeug.datastructures import FileStorage

    with pytest.raises(RecordForbidden):
        records.report_completion(
            person(demo_db, "Maria Lopez"),
            "PCI-AWARE",
            "2026-11-20",
            FileStorage(_pdf(), "c.pdf"),
            actor=sam,
        )


# ---------------------------------------------------------------- competency ratings


def test_self_ratings_are_shown_but_never_counted(demo_db, maria_user):
    """docs/RULES.md Competencies: self-ratings are shown but never count toward readiness."""
    from app.services.readiness import evaluate_employee

    maria = person(demo_db, "Maria Lopez")
    before, _, _ = evaluate_employee(maria.id, "L2-CSS", TODAY)
    rating = records.record_rating(
        maria, "HR-BASICS", 5, "2026-11-21", "self", "I read the handbook", actor=maria_user
    )
    assert records.rating_to_dict(rating)["counts"] is False
    after, _, _ = evaluate_employee(maria.id, "L2-CSS", TODAY)
    assert requirement(after, "competency", "HR-BASICS") == requirement(
        before, "competency", "HR-BASICS"
    )
    assert after.score == before.score


def test_rating_sources_follow_who_rates(demo_db, hr, sam, maria_user):
    maria = person(demo_db, "Maria Lopez")
    grace = person(demo_db, "Grace Okafor")
    assert records.allowed_rating_sources(maria_user, maria) == ("self",)
    assert records.allowed_rating_sources(sam, grace) == ("manager",)
    assert set(records.allowed_rating_sources(hr, grace)) == {
        "self",
        "manager",
        "assessor",
        "course",
    }
    assert records.allowed_rating_sources(maria_user, grace) == ()
    rating = records.record_rating(grace, "COACHING", 4, "2026-11-20", "manager", actor=sam)
    assert rating.source == "manager" and rating.rated_by_user_id == sam.id
    before = count(demo_db, CompetencyRating)
    for who, target, source in [
        (sam, grace, "assessor"),  # a manager rates as manager only
        (maria_user, maria, "manager"),  # the employee rates themselves as self only
        (maria_user, grace, "self"),  # and nobody else
        (sam, person(demo_db, "Alex Morgan"), "manager"),  # not someone they do not manage
    ]:
        with pytest.raises(RecordForbidden):
            records.record_rating(target, "COACHING", 3, "2026-11-20", source, actor=who)
    assert count(demo_db, CompetencyRating) == before


@pytest.mark.parametrize(
    ("level", "rated_on", "competency", "field"),
    [
        (6, "2026-11-01", "COACHING", "level"),
        (-1, "2026-11-01", "COACHING", "level"),
        ("three", "2026-11-01", "COACHING", "level"),
        (3, "2026-11-30", "COACHING", "rated_on"),
        (3, "2026-11-01", "JUGGLING", "competency"),
    ],
)
def test_bad_ratings_are_refused(demo_db, hr, level, rated_on, competency, field):
    with pytest.raises(RecordError) as caught:
        records.record_rating(
            person(demo_db, "Grace Okafor"), competency, level, rated_on, "assessor", actor=hr
        )
    assert field in caught.value.errors


# ---------------------------------------------------------------- background checks


def test_no_check_is_requested_without_consent(demo_db, hr):
    """docs/RULES.md Background checks: no check may be requested without a consent record."""
    daniel = person(demo_db, "Daniel Kim")
    before = count(demo_db, BackgroundCheck)
    with pytest.raises(RecordError) as caught:
        records.record_check(daniel, "CREDIT", None, None, "2026-11-20", actor=hr)
    assert "FCRA" in caught.value.errors["consent_signed_on"][0]
    assert "consent_form_version" in caught.value.errors
    with pytest.raises(RecordError) as caught:  # consent signed after the request
        records.record_check(daniel, "CREDIT", "2026-11-21", "FCRA-2024-1", "2026-11-20", actor=hr)
    assert "consent_signed_on" in caught.value.errors
    assert count(demo_db, BackgroundCheck) == before
    check = records.record_check(
        daniel, "CREDIT", "2026-11-18", "FCRA-2024-1", "2026-11-20", "Sterling", actor=hr
    )
    assert check.status == "requested" and check.valid_until is None


def test_the_check_lifecycle_is_enforced(demo_db, hr):
    daniel = person(demo_db, "Daniel Kim")
    check = records.record_check(
        daniel, "CREDIT", "2026-11-01", "FCRA-2024-1", "2026-11-02", actor=hr
    )
    with pytest.raises(RecordConflict):  # requested -> clear skips in_progress
        records.change_check_status(check, "clear", "2026-11-10", actor=hr)
    with pytest.raises(RecordConflict):  # a second open CREDIT check
        records.record_check(daniel, "CREDIT", "2026-11-01", "FCRA-2024-1", "2026-11-03", actor=hr)
    records.change_check_status(check, "in_progress", actor=hr)
    with pytest.raises(RecordError) as caught:
        records.change_check_status(check, "review_required", actor=hr)
    assert "completed_on" in caught.value.errors
    records.change_check_status(check, "review_required", "2026-11-12", "Late payment", actor=hr)
    demo_db.session.expire_all()
    check = demo_db.session.get(BackgroundCheck, check.id)
    assert check.status == "review_required"
    assert check.valid_until == date(2027, 11, 12)  # CREDIT rescreens after 12 months
    with pytest.raises(RecordConflict) as caught:  # only through the adverse-action notices
        records.change_check_status(check, "not_cleared", actor=hr)
    assert "pre-adverse" in caught.value.message
    records.change_check_status(check, "clear", actor=hr)
    with pytest.raises(RecordConflict):  # clear is final
        records.change_check_status(check, "review_required", actor=hr)


def test_a_clear_check_is_expired_from_valid_until(demo_db, hr):
    check = records.record_check(
        person(demo_db, "Daniel Kim"),
        "CREDIT",
        "2024-01-01",
        "FCRA-2024-1",
        "2024-01-02",
        status="clear",
        completed_on="2024-01-10",
        actor=hr,
    )
    assert check.valid_until == date(2025, 1, 10)
    assert records.check_display_status(check, date(2025, 1, 9)) == "clear"
    assert records.check_display_status(check, date(2025, 1, 10)) == "expired"


def grace_credit_check(db) -> BackgroundCheck:
    grace = person(db, "Grace Okafor")
    credit = db.session.scalar(select(CheckType).where(CheckType.code == "CREDIT"))
    return db.session.scalar(
        select(BackgroundCheck).where(
            BackgroundCheck.employee_id == grace.id, BackgroundCheck.check_type_id == credit.id
        )
    )


def test_the_final_notice_waits_five_business_days(demo_db, hr):
    """docs/RULES.md Adverse action: the final notice is refused until 5 business days (cfg) after
    the pre-adverse notice."""
    check = grace_credit_check(demo_db)
    with pytest.raises(RecordConflict):  # no pre-adverse notice yet
        records.record_final_notice(check, "2026-11-20", actor=hr)
    records.record_pre_adverse_notice(check, "2026-11-13", actor=hr)  # a Friday
    check = grace_credit_check(demo_db)
    assert records.earliest_final_notice(check) == date(2026, 11, 20)  # the next Friday
    with pytest.raises(RecordError) as caught:
        records.record_final_notice(check, "2026-11-19", actor=hr)
    assert "2026-11-20" in caught.value.errors["notice_on"][0]
    assert grace_credit_check(demo_db).final_notice_on is None
    records.record_final_notice(check, "2026-11-20", actor=hr)
    demo_db.session.expire_all()
    check = grace_credit_check(demo_db)
    assert check.final_notice_on == date(2026, 11, 20) and check.status == "not_cleared"
    with pytest.raises(RecordConflict):
        records.record_final_notice(check, "2026-11-21", actor=hr)


def test_the_adverse_action_wait_is_configuration(demo_db, hr):
    app_settings.set_value("adverse_action_wait_business_days", 2)
    demo_db.session.commit()
    check = grace_credit_check(demo_db)
    records.record_pre_adverse_notice(check, "2026-11-13", actor=hr)
    check = grace_credit_check(demo_db)
    assert records.earliest_final_notice(check) == date(2026, 11, 17)
    records.record_final_notice(check, "2026-11-17", actor=hr)


def test_a_pre_adverse_notice_needs_a_check_with_adverse_findings(demo_db, hr):
    maria = person(demo_db, "Maria Lopez")
    clear = demo_db.session.scalar(
        select(BackgroundCheck).where(BackgroundCheck.employee_id == maria.id)
    )
    with pytest.raises(RecordConflict):
        records.record_pre_adverse_notice(clear, "2026-11-13", actor=hr)


def test_checks_are_hr_only_and_managers_get_the_status_word(demo_db, sam):
    check = grace_credit_check(demo_db)
    with pytest.raises(RecordForbidden):
        records.change_check_status(check, "clear", actor=sam)
    as_manager = records.check_to_dict(check, with_findings=False)
    assert as_manager == {
        "id": check.id,
        "employee_id": check.employee_id,
        "type": "CREDIT",
        "status": "review_required",
    }
    assert "collections" in records.check_to_dict(check, with_findings=True)["findings"]


# ---------------------------------------------------------------- assessments


def test_a_360_hides_groups_below_their_minimum_and_leaves_them_out(demo_db, hr):
    """docs/RULES.md 360: a group counts only with at least its minimum responses (peer 3); a group
    below it is hidden and excluded; overall = mean of the non-self group means that count."""
    grace = person(demo_db, "Grace Okafor")
    scores = {"Leadership": 4, "Communication": 4, "Coaching": 4, "Integrity": 4}
    low = {d: 1 for d in scores}
    assessment = records.record_assessment(
        grace,
        "LEAD-360",
        "2026-11-01",
        responses=[
            ("self", {d: 5 for d in scores}),
            ("manager", scores),
            ("peer", low),
            ("peer", low),
            ("direct_report", {d: 3 for d in scores}),
            ("direct_report", {d: 3 for d in scores}),
            ("direct_report", {d: 3 for d in scores}),
        ],
        actor=hr,
    )
    assert assessment.overall == Decimal("3.500")  # manager 4 and direct reports 3
    data = records.assessment_to_dict(assessment, sees_self=True)
    peer = next(g for g in data["groups"] if g["rater_group"] == "peer")
    assert peer["shown"] is False and peer["mean"] is None and peer["dimension_means"] is None
    own = next(g for g in data["groups"] if g["rater_group"] == "self")
    assert own["shown"] and own["counted"] is False
    records.add_360_response(assessment, "peer", low, actor=hr)
    demo_db.session.expire_all()
    assessment = demo_db.session.get(Assessment, assessment.id)
    assert assessment.overall == Decimal("2.667")  # (4 + 1 + 3) / 3 once peers count


def test_the_360_minimums_are_configuration_kept_with_each_360(demo_db, hr):
    """docs/RULES.md "Collecting 360 feedback": a 360 keeps the minimums it was collected
    under; changing the setting later applies to new 360s only (issue 20, item 5)."""
    app_settings.set_value(
        "min_responses", {"manager": 1, "peer": 4, "direct_report": 3, "other": 1}
    )
    daniel_360 = demo_db.session.scalar(
        select(Assessment).where(Assessment.employee_id == person(demo_db, "Daniel Kim").id)
    )
    peer = records.assessment_view(daniel_360).result.group("peer")
    assert not peer.shown and peer.responses == 2 and peer.minimum == 3  # kept from before
    three_peers = [
        ("peer", {"Leadership": 3}),
        ("peer", {"Leadership": 4}),
        ("peer", {"Leadership": 5}),
    ]
    later = records.record_assessment(
        person(demo_db, "Daniel Kim"),
        "LEAD-360",
        daniel_360.conducted_on,
        responses=three_peers,
        actor=hr,
    )
    peer = records.assessment_view(later).result.group("peer")
    assert not peer.shown and peer.responses == 3 and peer.minimum == 4  # the new setting


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scores": {"Analysis": 4, "Planning": 4, "Decision making": 4}}, "scores.Influence"),
        (
            {"scores": {"Analysis": 9, "Planning": 4, "Decision making": 4, "Influence": 4}},
            "scores.Analysis",
        ),
        (
            {
                "scores": {
                    "Analysis": 4,
                    "Planning": 4,
                    "Decision making": 4,
                    "Influence": 4,
                    "Charisma": 5,
                }
            },
            "scores.Charisma",
        ),
        ({"responses": [("peer", {"Analysis": 4})]}, "responses"),
    ],
)
def test_assessment_centre_scores_are_checked(demo_db, hr, kwargs, field):
    before = count(demo_db, Assessment)
    with pytest.raises(RecordError) as caught:
        records.record_assessment(
            person(demo_db, "Daniel Kim"), "L3-AC", "2026-11-01", actor=hr, **kwargs
        )
    assert field in caught.value.errors
    assert count(demo_db, Assessment) == before


def test_an_assessment_centre_overall_is_the_mean_of_its_scores(demo_db, hr):
    """docs/RULES.md Test and assessment centre: overall = the mean of the dimension scores."""
    assessment = records.record_assessment(
        person(demo_db, "Daniel Kim"),
        "L3-AC",
        "2026-11-01",
        scores={"Analysis": "4", "Planning": 3.5, "Decision making": 3, "Influence": "3.25"},
        actor=hr,
    )
    assert assessment.overall == Decimal("3.438")


def test_a_360_rater_group_must_be_known(demo_db, hr):
    with pytest.raises(RecordError) as caught:
        records.record_assessment(
            person(demo_db, "Daniel Kim"),
            "LEAD-360",
            "2026-11-01",
            responses=[("boss", {"Leadership": 3})],
            actor=hr,
        )
    assert "responses.0.rater_group" in caught.value.errors


# ---------------------------------------------------------------- education and talent reviews


def test_education_records(demo_db, hr):
    daniel = person(demo_db, "Daniel Kim")
    record = records.record_education(daniel, "BBA", "State University", "2024-06-01", actor=hr)
    assert records.education_to_dict(record)["qualification"] == "BBA"
    with pytest.raises(RecordConflict):
        records.record_education(daniel, "BBA", "State University", "2024-06-01", actor=hr)
    with pytest.raises(RecordError) as caught:
        records.record_education(daniel, "PHD", "", "2030-01-01", actor=hr)
    assert {"qualification", "institution", "completed_on"} <= set(caught.value.errors)


def test_talent_reviews_by_hr_and_by_managers_for_their_people(demo_db, hr, sam, maria_user):
    grace = person(demo_db, "Grace Okafor")
    review = records.record_talent_review(grace, "2026-h2", 3, 3, "Ready to lead", actor=sam)
    assert review.period == "2026-H2"
    assert records.talent_review_to_dict(review)["box"] == "Future leader"
    with pytest.raises(RecordConflict):
        records.record_talent_review(grace, "2026-H2", 2, 2, actor=hr)
    with pytest.raises(RecordForbidden):
        records.record_talent_review(grace, "2026-H1", 2, 2, actor=maria_user)
    with pytest.raises(RecordForbidden):
        records.record_talent_review(
            person(demo_db, "Maria Lopez"), "2026-H1", 2, 2, actor=maria_user
        )
    with pytest.raises(RecordError) as caught:
        records.record_talent_review(grace, "second half", 4, 0, actor=hr)
    assert {"period", "performance", "potential"} <= set(caught.value.errors)
    records.update_talent_review(review, 2, 3, None, actor=hr)
    assert demo_db.session.get(TalentReview, review.id).performance == 2
