"""Required training pages and API (docs/RULES.md "Assignments", docs/API.md "Assignments"):
the demo's PCI awareness rule for every CSR, Maria Lopez overdue and Noah Brooks due next week."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.clock import today
from app.models import AssignmentRule, Enrolment
from app.seed.demo.assignments import JOINED_DAYS_AGO, NEW_JOINER
from app.services import assignments
from tests.factories import PERSONAS, api_token, employee_named, user_of
from tests.integration.assignments_support import counts, new_course


def next_week():  # type: ignore[no-untyped-def]
    """Noah Brooks's due date: 30 days after he joined, a week from the demo's today."""
    return today() + timedelta(days=30 - JOINED_DAYS_AGO)


def _csrf(page: str) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_the_demo_has_one_overdue_and_one_due_next_week(demo_db):
    rows = assignments.assignment_rows(today())
    owed = sorted((r.name, r.status, r.due_on) for r in rows if r.owed)
    maria = next(r for r in rows if r.name == "Maria Lopez")
    assert owed == [("Maria Lopez", "overdue", maria.due_on), (NEW_JOINER, "due", next_week())]


def test_hr_lists_assignments_with_counts_that_reconcile(login_as, demo_db):
    page = login_as("hr").get("/assignments").get_data(as_text=True)
    assert "Maria Lopez" in page and NEW_JOINER in page
    assert "Overdue" in page and "since" in page
    north = login_as("hr").get("/assignments?department=CS-NORTH&status=overdue")
    text = north.get_data(as_text=True)
    assert "Maria Lopez" in text and NEW_JOINER not in text
    empty = login_as("hr").get("/assignments?course=NO-SUCH").get_data(as_text=True)
    assert "No assignment matches these filters." in empty


def test_the_rule_form_previews_before_it_saves(login_as, demo_db):
    new_course()
    hr = login_as("hr")
    form = hr.get("/assignments/rules/new").get_data(as_text=True)
    assert "Save rule" not in form  # only after a preview
    data = {
        "csrf_token": _csrf(form),
        "role": "L1-CSR",
        "course": "CALL-SAFE",
        "departments": ["CS-SOUTH"],
        "due_kind": "days",
        "due_days": "30",
        "recertify_days": "90",
        "step": "preview",
    }
    preview = hr.post("/assignments/rules/new", data=data).get_data(as_text=True)
    assert "Contact Centre South" in preview and "Save rule" in preview
    assert "Contact Centre North" not in preview.split('id="preview-h"')[1]
    assert counts()[0] == 1  # the demo's rule only: a preview saves nothing
    saved = hr.post("/assignments/rules/new", data={**data, "step": "save"})
    assert saved.status_code == 302
    rules = hr.get("/assignments/rules").get_data(as_text=True)
    assert "CALL-SAFE" in rules and "Contact Centre South" in rules


def test_a_bad_rule_on_the_page_says_what_to_fix_and_saves_nothing(login_as, demo_db):
    hr = login_as("hr")
    token = _csrf(hr.get("/assignments/rules/new").get_data(as_text=True))
    before = counts()
    answer = hr.post(
        "/assignments/rules/new",
        data={
            "csrf_token": token,
            "role": "L1-CSR",
            "course": "PCI-AWARE",
            "due_kind": "date",
            "due_on": (today() - timedelta(days=1)).isoformat(),
            "step": "save",
        },
    )
    assert answer.status_code == 422
    assert "is in the past" in answer.get_data(as_text=True)
    duplicate = hr.post(
        "/assignments/rules/new",
        data={"csrf_token": token, "role": "L1-CSR", "course": "PCI-AWARE", "step": "save"},
    )
    assert duplicate.status_code == 409
    assert "already requires this course" in duplicate.get_data(as_text=True)
    assert counts() == before


def test_deleting_a_rule_asks_first_then_closes_its_assignments(login_as, demo_db):
    rule_id = demo_db.session.scalar(select(AssignmentRule.id))
    hr = login_as("hr")
    ask = hr.get(f"/assignments/rules/{rule_id}/delete").get_data(as_text=True)
    assert "Delete this assignment rule?" in ask and "will close as not required" in ask
    assert counts()[1] > 0 and assignments.assignment_rows(today())
    done = hr.post(f"/assignments/rules/{rule_id}/delete", data={"csrf_token": _csrf(ask)})
    assert done.status_code == 302
    assert assignments.assignment_rows(today()) == []
    assert "No assignment rule yet" in hr.get("/assignments/rules").get_data(as_text=True)


def test_maria_sees_what_is_required_of_her_on_home_and_plan(login_as, demo_db):
    maria = login_as("employee")
    home = maria.get("/").get_data(as_text=True)
    assert "Required of you" in home and "PCI-AWARE" in home and "Overdue" in home
    assert "Booked ·" in home  # the demo's Maria already holds a seat on the next PCI session
    me = employee_named("Maria Lopez")
    plan = maria.get(f"/employees/{me.id}/plan").get_data(as_text=True)
    assert "Required of you" in plan and "PCI-AWARE" in plan


def test_the_manager_books_overdue_people_from_the_team_page(login_as, demo_db):
    maria = employee_named("Maria Lopez")
    manager = maria.manager
    from tests.factories import sign_in_for

    sign_in_for(manager)
    client = login_as(manager.email)
    page = client.get("/assignments/team").get_data(as_text=True)
    assert "Maria Lopez" in page and "1 overdue" in page
    assert NEW_JOINER not in page  # another team
    import re

    form = page.split('id="book-pci-aware"')[1].split("</form>")[0]
    offered = [int(v) for v in re.findall(r'<option value="(\d+)"', form)]
    held = set(
        demo_db.session.scalars(
            select(Enrolment.session_id).where(Enrolment.employee_id == maria.id)
        )
    )
    session_id = next(s for s in offered if s not in held)
    answer = client.post(
        "/sessions/book",
        data={
            "csrf_token": _csrf(page),
            "session_id": str(session_id),
            "employee_id": [str(maria.id)],
            "next": "/assignments/team",
        },
    )
    assert answer.status_code == 302 and answer.location.endswith("/assignments/team")
    booked = demo_db.session.scalar(
        select(Enrolment).where(
            Enrolment.employee_id == maria.id, Enrolment.session_id == session_id
        )
    )
    assert booked is not None and booked.status in ("enrolled", "waitlisted", "requested")


def test_hr_team_page_shows_everyone_owed(login_as, demo_db):
    page = login_as("hr").get("/assignments/team").get_data(as_text=True)
    assert "Maria Lopez" in page and NEW_JOINER in page


# ----------------------------------------------------------------------------- the API


def test_the_api_lists_and_adds_rules(demo_app, demo_db):
    client = demo_app.test_client()
    token = api_token(user_of(PERSONAS["hr"]), "assignments")
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/assignment-rules", headers=auth).get_json()
    assert [(r["role"], r["course"], r["due_days"]) for r in listed["items"]] == [
        ("L1-CSR", "PCI-AWARE", 30)
    ]
    made = client.post(
        "/api/v1/assignment-rules",
        headers=auth,
        json={"role": "L2-CSS", "course": "PCI-AWARE", "departments": ["CS-NORTH"]},
    )
    assert made.status_code == 201
    assert made.get_json()["departments"] == ["CS-NORTH"] and made.get_json()["due_days"] == 30
    again = client.post(
        "/api/v1/assignment-rules", headers=auth, json={"role": "L2-CSS", "course": "PCI-AWARE"}
    )
    assert again.status_code == 409 and "course" in again.get_json()["errors"]
    unknown = client.post(
        "/api/v1/assignment-rules", headers=auth, json={"role": "NOPE", "course": "PCI-AWARE"}
    )
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"]["role"] == ["There is no job role 'NOPE'."]
    extra = client.post(
        "/api/v1/assignment-rules", headers=auth, json={"role": "L2-CSS", "colour": "red"}
    )
    assert extra.status_code == 422


def test_the_api_answers_a_persons_assignments_on_a_date(demo_app, demo_db):
    noah = employee_named(NEW_JOINER)
    client = demo_app.test_client()
    token = api_token(user_of(PERSONAS["hr"]), "assignments")
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/employees/{noah.id}/assignments"
    (now,) = client.get(url, headers=auth).get_json()["items"]
    assert (now["course"], now["status"], now["due_on"]) == ("PCI-AWARE", "due", str(next_week()))
    later = next_week() + timedelta(days=3)
    (then,) = client.get(f"{url}?as_of={later}", headers=auth).get_json()["items"]
    assert (then["status"], then["days_overdue"]) == ("overdue", 3)
    bad = client.get(f"{url}?as_of=tomorrow", headers=auth)
    assert bad.status_code == 422 and "as_of" in bad.get_json()["errors"]
