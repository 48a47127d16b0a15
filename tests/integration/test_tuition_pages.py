"""Tuition pages: what the employee, the approvers, finance and hr see and do in the browser.

The pages sit on the same service as the API (tests/integration/test_tuition_workflow.py covers
the rules); these tests check that each page offers the right thing to the right person, ties
errors to their fields, explains refusals, and keeps list pages to a fixed number of queries.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date

from sqlalchemy import func, select

from app.models import Employee, Repayment, TuitionRequest
from app.services import tuition as svc
from tests.integration.tuition_support import PDF, make, sign_in_for, user, walk

FORM = {
    "title": "Organisational behaviour",
    "institution": "State University Extension",
    "qualification": "CERT-MGMT",
    "starts_on": "2027-01-11",
    "ends_on": "2027-04-30",
    "tuition": "1800.00",
    "fees": "150.00",
    "books": "50.00",
    "job_related": "y",
    "justification": "Needed to lead a team.",
}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(TuitionRequest.id)))


def nav_count(page: str, label: str) -> int | None:
    """The number shown next to a navigation label, or None when there is none."""
    match = re.search(re.escape(label) + r'\s*(?:<span class="count"[^>]*>(\d+)</span>)?', page)
    assert match, f"{label!r} is not in the navigation"
    return int(match.group(1)) if match.group(1) else None


# --------------------------------------------------------------------------- the employee


def test_an_employee_creates_a_draft_and_submits_it(login_as, demo_db):
    client = login_as("employee")
    page = client.get("/tuition/new")
    assert page.status_code == 200
    assert 'for="starts_on"' in text(page) and "Save and submit" in text(page)

    response = client.post("/tuition/new", data=FORM)
    assert response.status_code == 302
    req = demo_db.session.scalar(select(TuitionRequest).order_by(TuitionRequest.id.desc()))
    assert (req.state, req.eligible_cost, req.job_related) == ("draft", 2000, True)
    shown = text(client.get(response.headers["Location"]))
    assert "Draft saved" in shown and "Organisational behaviour" in shown

    response = client.post(
        f"/tuition/{req.id}/submit",
        data={"submit-expected_state": "draft", "submit-reason": ""},
        follow_redirects=True,
    )
    # Daniel Kim, Maria's manager, has no sign-in: Sam Rivera was told, and the page says so.
    assert (
        "Submitted. Sam Rivera has been notified: your manager, Daniel Kim, has no active "
        "sign-in, so the manager stage passes to Sam Rivera." in text(response)
    )
    demo_db.session.expire_all()
    assert demo_db.session.get(TuitionRequest, req.id).state == "submitted"
    listing = text(client.get("/tuition/"))
    assert "Organisational behaviour" in listing and "submitted" in listing
    assert "Your annual cap 2026" in listing


def test_the_submitted_message_names_who_was_told(login_as, demo_db):
    """docs/RULES.md Who approves: the direct manager with a sign-in, or HR with nobody above."""
    sign_in_for("Daniel Kim")
    client = login_as("employee")
    req = make(user("employee"), "draft")
    told = client.post(
        f"/tuition/{req.id}/submit",
        data={"submit-expected_state": "draft"},
        follow_redirects=True,
    )
    assert "Submitted. Your manager, Daniel Kim, has been notified." in text(told)
    boss = sign_in_for("Alex Morgan")  # the head of customer service: nobody above him
    own = make(boss, "draft")
    alone = login_as(boss.email).post(
        f"/tuition/{own.id}/submit",
        data={"submit-expected_state": "draft"},
        follow_redirects=True,
    )
    assert "Submitted. HR has been notified: there is no manager with a sign-in above you" in (
        text(alone)
    )


def test_bad_form_input_is_tied_to_its_fields_and_saves_nothing(login_as, demo_db):
    client = login_as("employee")
    before = count(demo_db)
    bad = dict(FORM, ends_on="2026-01-01", tuition="12.345", title="")
    response = client.post("/tuition/new", data=bad)
    assert response.status_code == 422
    page = text(response)
    assert 'class="error-summary"' in page
    assert 'id="ends_on-error"' in page and 'aria-describedby="ends_on-error' in page
    assert "more than two decimals" in page and 'id="title-error"' in page
    assert count(demo_db) == before


def test_a_late_request_is_explained_and_waits_for_hr(login_as, demo_db):
    client = login_as("employee")
    late = dict(FORM, starts_on="2026-11-20", ends_on="2027-01-20", then="submit")
    response = client.post("/tuition/new", data=late, follow_redirects=True)
    page = text(response)
    assert "saved, but it was not submitted" in page
    assert "pre-approval must be requested before the course starts" in page
    assert "HR can allow a late submission" in page
    req = demo_db.session.scalar(select(TuitionRequest).order_by(TuitionRequest.id.desc()))
    assert req.state == "draft"

    hr = login_as("hr")
    queue = text(hr.get("/tuition/queue/hr?view=late"))
    assert "Organisational behaviour" in queue
    refused = hr.post(f"/tuition/{req.id}/override-late", data={"override-override_reason": ""})
    assert refused.status_code == 422 and 'id="override-override_reason-error"' in text(refused)
    allowed = hr.post(
        f"/tuition/{req.id}/override-late",
        data={"override-override_reason": "Enrolment opened late"},
        follow_redirects=True,
    )
    assert "Late submission allowed" in text(allowed)
    response = client.post(
        f"/tuition/{req.id}/submit",
        data={"submit-expected_state": "draft"},
        follow_redirects=True,
    )
    assert "Submitted" in text(response)
    assert "Late request allowed by HR:</strong> Enrolment opened late" in text(response)


def test_a_course_that_has_not_ended_cannot_be_completed_yet(login_as, demo_db):
    """docs/RULES.md Timing: the page says from when a grade can be entered."""
    maria = user("employee")
    req = make(maria, "finance_approved", starts_on="2027-01-15", ends_on="2027-06-30")
    client = login_as("employee")
    page = text(client.get(f"/tuition/{req.id}"))
    assert "Complete: grade and documents" not in page
    assert "a grade can be entered only on or after that date" in page and "2027-06-30" in page
    form = client.get(f"/tuition/{req.id}/complete", follow_redirects=True)
    assert 'type="file"' not in text(form) and "2027-06-30" in text(form)
    posted = client.post(
        f"/tuition/{req.id}/complete",
        data={
            "done-expected_state": "finance_approved",
            "done-grade": "B",
            "done-receipt": (io.BytesIO(PDF), "receipt.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "The course ends on 2027-06-30" in text(posted)
    demo_db.session.expire_all()
    assert demo_db.session.get(TuitionRequest, req.id).state == "finance_approved"


def test_complete_with_grade_receipt_and_transcript(login_as, demo_db):
    maria = user("employee")
    req = make(maria, "finance_approved", starts_on="2026-09-01", ends_on="2026-11-15")
    client = login_as("employee")
    form = client.get(f"/tuition/{req.id}/complete")
    assert form.status_code == 200 and 'type="file"' in text(form)

    wrong = client.post(
        f"/tuition/{req.id}/complete",
        data={
            "done-expected_state": "finance_approved",
            "done-grade": "B",
            "done-receipt": (io.BytesIO(b"GIF89a not a pdf"), "receipt.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422
    assert 'id="done-receipt-error"' in text(wrong) and "PDF, PNG and JPEG" in text(wrong)

    done = client.post(
        f"/tuition/{req.id}/complete",
        data={
            "done-expected_state": "finance_approved",
            "done-grade": "B",
            "done-receipt": (io.BytesIO(PDF), "receipt.pdf"),
            "done-transcript": (io.BytesIO(PDF), "transcript.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Completed: finance will check the documents and pay." in text(done)
    demo_db.session.expire_all()
    stored = demo_db.session.get(TuitionRequest, req.id)
    assert (stored.state, stored.grade) == ("completed", "B")
    assert stored.receipt_upload_id and stored.transcript_upload_id

    # Finance checks the documents before paying: served as attachments to those who may
    # see the request, and to nobody else.
    finance = login_as("finance")
    page = text(finance.get(f"/tuition/{req.id}"))
    assert f'href="/tuition/{req.id}/documents/receipt"' in page
    assert f"application/pdf, {len(PDF)} bytes" in page and "0 KB" not in page  # a tiny file
    receipt = finance.get(f"/tuition/{req.id}/documents/receipt")
    assert receipt.status_code == 200 and receipt.data == PDF
    assert receipt.mimetype == "application/pdf"
    assert receipt.headers["Content-Disposition"].startswith("attachment")
    assert login_as("manager").get(f"/tuition/{req.id}/documents/transcript").status_code == 200
    outsider = login_as(sign_in_for("Lena Fischer").email)
    assert outsider.get(f"/tuition/{req.id}/documents/receipt").status_code == 404
    missing = make(maria, "finance_approved")
    assert finance.get(f"/tuition/{missing.id}/documents/receipt").status_code == 404


# --------------------------------------------------------------------------- approvers


def test_the_manager_queue_shows_its_count_and_approves(login_as, demo_db):
    req = make(user("employee"), "submitted")
    client = login_as("manager")
    home = text(client.get("/"))
    # Maria's, and the demo's request of Jamie Miller waiting for Sam (docs/RULES.md demo)
    assert nav_count(home, "Team approvals") == 2
    queue = text(client.get("/tuition/queue/manager"))
    assert "Maria Lopez" in queue and "Certificate in Management" in queue

    response = client.post(
        f"/tuition/{req.id}/approve",
        data={"approve-expected_state": "submitted", "approve-reason": "Go for it"},
        follow_redirects=True,
    )
    assert "Approved." in text(response)
    assert nav_count(text(client.get("/")), "Team approvals") == 1  # Jamie Miller's is left
    demo_db.session.expire_all()
    assert demo_db.session.get(TuitionRequest, req.id).state == "manager_approved"


def test_a_second_click_sees_a_clear_message_and_changes_nothing(login_as, demo_db):
    req = make(user("employee"), "submitted")
    client = login_as("manager")
    form = {"approve-expected_state": "submitted"}
    first = client.post(f"/tuition/{req.id}/approve", data=form)
    second = client.post(f"/tuition/{req.id}/approve", data=form, follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200
    page = text(second)
    assert "already handled by someone else" in page and "waiting for HR" in page
    assert len([e for e in svc.history(req) if e.action == "approve"]) == 1


def test_refusals_answer_403_or_404_with_the_reason(login_as, demo_db):
    req = make(user("employee"), "submitted")
    employee = login_as("employee")
    own = employee.post(f"/tuition/{req.id}/approve", data={"approve-expected_state": "submitted"})
    assert own.status_code == 403 and "your own request" in text(own)
    finance = login_as("finance")
    stage = finance.post(f"/tuition/{req.id}/approve", data={"approve-expected_state": ""})
    assert stage.status_code == 403 and "belongs to Sam Rivera" in text(stage)
    lena = sign_in_for("Lena Fischer")
    outsider = login_as(lena.email)
    assert outsider.get(f"/tuition/{req.id}").status_code == 404
    assert outsider.post(f"/tuition/{req.id}/approve", data={}).status_code == 404
    assert employee.get("/tuition/999999").status_code == 404
    assert employee.get("/tuition/queue/hr").status_code == 403
    assert employee.get("/tuition/queue/manager").status_code == 403
    assert employee.get("/tuition/summary").status_code == 403
    assert login_as("manager").get("/tuition/summary.csv").status_code == 403
    demo_db.session.expire_all()
    assert demo_db.session.get(TuitionRequest, req.id).state == "submitted"


def test_illegal_actions_from_a_page_are_refused_with_a_message(login_as, demo_db):
    """docs/RULES.md States: an illegal transition is refused (a form error) and changes nothing."""
    req = make(user("employee"), "reimbursed", starts_on="2026-03-02", ends_on="2026-06-30")
    client = login_as("employee")
    response = client.post(
        f"/tuition/{req.id}/cancel", data={"cancel-expected_state": ""}, follow_redirects=True
    )
    assert "A request that is reimbursed cannot be cancelled: reimbursed is final." in text(
        response
    )
    demo_db.session.expire_all()
    assert demo_db.session.get(TuitionRequest, req.id).state == "reimbursed"


def test_finance_reserves_refuses_over_the_cap_and_pays(login_as, demo_db):
    maria = user("employee")
    big = make(maria, "hr_approved", tuition="5000.00", fees="0", books="0")
    small = make(maria, "hr_approved", tuition="250.01", fees="0", books="0")
    client = login_as("finance")
    home = text(client.get("/"))
    # these two, and the demo's two: Riley Johnson's to pre-approve, Harper Hall's to pay
    assert nav_count(home, "Finance queue") == 4
    approved = client.post(
        f"/tuition/{big.id}/approve",
        data={"approve-expected_state": "hr_approved"},
        follow_redirects=True,
    )
    assert "Approved. Reserved USD 5,000.00." in text(approved)
    refused = client.post(
        f"/tuition/{small.id}/approve",
        data={"approve-expected_state": "hr_approved"},
        follow_redirects=True,
    )
    page = text(refused)
    assert "would exceed the annual cap of USD 5,250.00" in page
    assert "at most USD 250.00 can be reserved" in page

    done = make(maria, "completed", grade="B", starts_on="2026-09-01", ends_on="2026-11-01")
    bad = client.post(
        f"/tuition/{done.id}/pay",
        data={"pay-expected_state": "completed", "pay-paid_on": "2026-12-01"},
    )
    assert bad.status_code == 422 and 'id="pay-paid_on-error"' in text(bad)
    paid = client.post(
        f"/tuition/{done.id}/pay",
        data={"pay-expected_state": "completed", "pay-paid_on": "2026-11-20"},
        follow_redirects=True,
    )
    assert "Marked paid. Paid USD 1,500.00." in text(paid)


def test_finance_sees_what_mark_paid_pays_and_a_paid_request_shows_what_was_paid(login_as, demo_db):
    """docs/RULES.md Amount: min(eligible cost x grade percentage, what is left of the cap)."""
    maria = user("employee")
    done = make(maria, "completed", grade="B", starts_on="2026-09-01", ends_on="2026-11-01")
    client = login_as("finance")
    page = text(client.get(f"/tuition/{done.id}"))
    # The cap left leaves the request's own reservation of 2,000.00 out.
    left = svc.cap_status(maria.employee_id, 2026).left + 2000
    assert (
        f"Paid on 2026-11-22, this pays USD 1,500.00: eligible cost 2,000.00 × 75% for grade B"
        f" = 1,500.00, within the {left:,.2f} left of the 2026 cap." in page
    )
    # Another payment this year leaves 1,000.00: the cap decides the amount.
    make(
        maria,
        "reimbursed",
        grade="A",
        paid_on=date(2026, 10, 1),
        tuition=str(left - 1000 - 200),
        starts_on="2026-03-01",
        ends_on="2026-06-01",
    )
    capped = text(client.get(f"/tuition/{done.id}"))
    assert "this pays USD 1,000.00: eligible cost 2,000.00 × 75% for grade B = 1,500.00," in capped
    assert "capped by the 1,000.00 left of the 2026 cap." in capped
    paid = client.post(
        f"/tuition/{done.id}/pay",
        data={"pay-expected_state": "completed", "pay-paid_on": "2026-11-20"},
        follow_redirects=True,
    )
    assert "Marked paid. Paid USD 1,000.00." in text(paid)
    shown = text(login_as("employee").get(f"/tuition/{done.id}"))
    assert "Reserved against" not in shown
    assert re.search(r"Paid against the 2026 cap</th><td[^>]*>1,000.00", shown)


def test_a_state_is_never_said_twice_beside_its_badge(login_as, demo_db):
    maria = user("employee")
    client = login_as("employee")
    done = make(maria, "completed", grade="B", starts_on="2026-09-01", ends_on="2026-11-01")
    paid = make(maria, "reimbursed", grade="B", starts_on="2026-08-01", ends_on="2026-10-01")
    completed = text(client.get(f"/tuition/{done.id}"))
    assert re.search(
        r">completed</span>\s*<span class=\"muted\">waiting for payment</span>", completed
    )
    assert "completed completed" not in re.sub(r"<[^>]+>", "", completed)
    reimbursed = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", text(client.get(f"/tuition/{paid.id}")))
    )
    assert "reimbursed reimbursed" not in reimbursed


def test_hr_sees_its_queue_count_and_the_late_drafts(login_as, demo_db):
    make(user("employee"), "manager_approved")
    make(user("employee"), "draft", starts_on="2026-11-01", ends_on="2026-12-01")
    client = login_as("hr")
    home = text(client.get("/"))
    # this one, and the demo's request of Avery Brown that Sam approved
    assert nav_count(home, "HR tuition queue") == 2
    queue = text(client.get("/tuition/queue/hr"))
    assert "manager approved" in queue
    late = text(client.get("/tuition/queue/hr?view=late"))
    assert 'Late drafts <span class="count">1</span>' in late


# --------------------------------------------------------------------------- finance views


def test_the_summary_page_and_its_csv(login_as, demo_db):
    make(user("employee"), "finance_approved", starts_on="2026-12-01", ends_on="2026-12-20")
    client = login_as("finance")
    page = text(client.get("/tuition/summary?year=2026"))
    assert "Tuition summary 2026" in page
    assert "Contact Centre South" in page and "1,125.00" in page  # Priya Shah owes it back
    assert "Maria Lopez" in page and "2,000.00" in page
    csv_response = client.get("/tuition/summary.csv?year=2026&department=CS-SOUTH")
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    assert "tuition-summary-2026-CS-SOUTH.csv" in csv_response.headers["Content-Disposition"]
    body = csv_response.get_data(as_text=True).splitlines()
    assert body[0].startswith("year,department,employee_no,name,reserved,reimbursed")
    assert len(body) == 2 and body[1].endswith(",Priya Shah,0.00,0.00,0.00,5250.00,0.00,1125.00")
    empty = text(client.get("/tuition/summary?year=1999"))
    assert "No tuition money was reserved, paid or owed back in 1999" in empty
    assert login_as("hr").get("/tuition/summary?year=nonsense").status_code == 200


def test_outstanding_repayments_and_settling_one(login_as, demo_db):
    client = login_as("finance")
    page = text(client.get("/tuition/repayments"))
    assert "Priya Shah" in page and "1,125.00" in page and "75%" in page
    rep = demo_db.session.scalar(select(Repayment))
    response = client.post(
        f"/tuition/repayments/{rep.id}/settle",
        data={"settled_on": "2026-11-21"},
        follow_redirects=True,
    )
    assert "as settled on 2026-11-21" in text(response)
    assert "Nothing is owed back" in text(client.get("/tuition/repayments"))
    assert "settled" in text(client.get("/tuition/repayments?show=all"))
    assert login_as("hr").post(f"/tuition/repayments/{rep.id}/settle").status_code == 403


def test_hr_records_a_voluntary_leaver_and_sees_what_is_owed(login_as, demo_db):
    maria = user("employee")
    paid = walk(
        maria,
        "reimbursed",
        grade="B",
        starts_on="2025-09-01",
        ends_on="2025-12-15",
        paid_on=date(2026, 1, 22),
    )
    client = login_as("hr")
    number = maria.employee.employee_no
    bad = client.post(
        "/tuition/leavers/new",
        data={"employee_no": number, "termination_date": "2026-13-01", "reason": ""},
    )
    assert bad.status_code == 422
    assert 'id="termination_date-error"' in text(bad) and 'id="reason-error"' in text(bad)
    unknown = client.post("/tuition/leavers/new", data={"employee_no": "E9999"})
    assert unknown.status_code == 422 and 'id="employee_no-error"' in text(unknown)

    response = client.post(
        "/tuition/leavers/new",
        data={"employee_no": number, "termination_date": "2026-11-22", "reason": "voluntary"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Maria Lopez left on 2026-11-22 (voluntary)" in page
    assert "1,125.00" in page and "75%" in page
    demo_db.session.expire_all()
    assert demo_db.session.get(Employee, maria.employee_id).status == "terminated"
    assert demo_db.session.scalar(
        select(Repayment.amount_owed).where(Repayment.request_id == paid.id)
    ) == svc.rules.to_cents(1125)
    again = client.post(
        "/tuition/leavers/new",
        data={"employee_no": number, "termination_date": "2026-11-22", "reason": "voluntary"},
    )
    assert again.status_code == 409 and "already left" in text(again)


# --------------------------------------------------------------------------- fixed query counts


def _queries(client, count_queries, url: str) -> int:
    with count_queries() as n:
        assert client.get(url).status_code == 200
    return n()


def test_list_pages_run_the_same_number_of_queries_for_few_and_many_rows(
    login_as, demo_db, count_queries
):
    """DESIGN.md principle 3: no per-row queries on list pages."""
    maria = user("employee")
    employee, manager, finance = login_as("employee"), login_as("manager"), login_as("finance")
    make(maria, "submitted")
    make(maria, "hr_approved")
    make(maria, "finance_approved")
    pages = [
        (employee, "/tuition/"),
        (manager, "/tuition/queue/manager"),
        (finance, "/tuition/queue/finance"),
        (finance, "/tuition/summary?year=2027"),
        (finance, "/tuition/repayments?show=all"),
    ]
    few = [_queries(c, count_queries, url) for c, url in pages]
    for _ in range(5):
        make(maria, "submitted")
        make(maria, "hr_approved")
        make(maria, "finance_approved")
    grace = sign_in_for("Grace Okafor")
    for _ in range(3):
        make(grace, "submitted")
        make(grace, "hr_approved")
        make(grace, "reimbursed", starts_on="2026-06-01", ends_on="2026-08-01")
    assert len(svc.record_termination(grace.employee, "2026-11-22", "voluntary", user("hr"))) == 3
    many = [_queries(c, count_queries, url) for c, url in pages]
    assert many == few
