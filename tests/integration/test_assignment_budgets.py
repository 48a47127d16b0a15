"""Query budgets of required training (DESIGN.md "Bulk first", issue 21): the compliance
report, the team page and the assignments list run the same number of queries for 10 and for
500 people, and the compliance report's department counts reconcile with the list's."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import AssignmentRule, User
from app.services import assignments
from bench.generate import grow
from tests.conftest import PERSONAS, TEST_TODAY
from tests.integration.assignments_support import hr, new_course
from tests.integration.reports_support import fresh_request_state

CSV = "/reports/compliance.csv?table="
PAGES = {
    "manager": ("/assignments/team", "/reports/compliance", f"{CSV}assignments"),
    "hr": (
        "/assignments",
        "/assignments/team",
        "/reports/compliance",
        "/reports/compliance?apage=2&per_page=25",
        f"{CSV}assignments",
        f"{CSV}assignment_departments",
        f"{CSV}items",
    ),
}


def _grow(count: int, seed: int) -> None:
    """``count`` more people below Sam Rivera, then every rule synced to them."""
    sam = db.session.scalar(select(User).where(User.email == PERSONAS["manager"]))
    grow(sam.employee_id, count, seed=seed, anchor=TEST_TODAY)
    db.session.commit()
    for rule in db.session.scalars(select(AssignmentRule)).all():
        assignments.update_rule(rule, assignments.rule_values(rule), actor=hr())


def _counts(clients, count_queries) -> dict[str, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    """Per page: its status, the queries it ran (a CSV's whole stream read inside the count),
    and its size. Each request starts as a fresh one would: the held app context forgets what
    it cached, so the signed-in user is loaded by every request alike."""
    found = {}
    for persona, paths in PAGES.items():
        for path in paths:
            clients[persona].get(path).close()  # warm: stored readiness of new people, first use
            fresh_request_state(db)
            with count_queries() as counted:
                answer = clients[persona].get(path)
                body = answer.get_data()
            found[f"{persona} {path}"] = (answer.status_code, counted(), len(body))
    return found


def test_the_same_queries_for_10_and_500_people(demo_app, demo_db, login_as, count_queries):
    new_course()
    assignments.create_rule({"role": "L1-CSR", "course": "CALL-SAFE", "due_days": 30}, actor=hr())
    clients = {persona: login_as(persona) for persona in PAGES}
    _grow(10, seed=1)
    few = _counts(clients, count_queries)
    _grow(490, seed=2)
    many = _counts(clients, count_queries)
    assert {k: v[0] for k, v in many.items()} == dict.fromkeys(many, 200)
    assert {k: v[1] for k, v in many.items()} == {k: v[1] for k, v in few.items()}
    grown = [k for k in many if many[k][2] > few[k][2]]
    assert grown == list(many), "every page shows the new people's assignments"


def test_compliance_counts_reconcile_with_the_assignments_list(login_as, demo_db):
    new_course()
    assignments.create_rule({"role": "L1-CSR", "course": "CALL-SAFE", "due_days": 30}, actor=hr())
    rows = assignments.assignment_rows(today())
    listed = {
        c.department: (c.due, c.overdue)
        for c in assignments.by_department(rows)
        if c.due + c.overdue
    }
    answer = login_as("hr").get("/reports/compliance.csv?table=assignment_departments")
    table = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    reported = {
        r["department"]: (int(r["due"]), int(r["overdue"]))
        for r in table
        if int(r["due"]) + int(r["overdue"])
    }
    assert reported == listed and sum(o for _, o in listed.values()) > 1
    people = login_as("hr").get("/reports/compliance.csv?table=assignments").get_data(as_text=True)
    lines = list(csv.DictReader(io.StringIO(people)))
    assert len(lines) == sum(d + o for d, o in listed.values())
    maria = next(r for r in lines if r["employee"] == "Maria Lopez" and r["code"] == "CALL-SAFE")
    assert maria["status"] == "Overdue" and int(maria["days_overdue"]) > 0
    page = login_as("hr").get("/reports/compliance").get_data(as_text=True)
    assert "Required training due and overdue" in page and "Noah Brooks" in page
    pdf = login_as("hr").get("/reports/compliance.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
