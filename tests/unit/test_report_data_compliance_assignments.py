"""The compliance report's required training (app/reports/compliance.py, docs/RULES.md
"Assignments"): due and overdue assignments per person and per department, pure."""

from __future__ import annotations

from datetime import timedelta

from app.reports import compliance as c
from tests.unit.test_report_data_compliance import AS_OF, PEOPLE


def owed(eid, status, days_overdue=0, code="PCI-AWARE"):  # type: ignore[no-untyped-def]
    due = AS_OF - timedelta(days=days_overdue) if status == "overdue" else AS_OF + timedelta(7)
    return c.OwedAssignment(eid, code, "PCI DSS awareness", due, status, days_overdue)


def report(assignments):  # type: ignore[no-untyped-def]
    return c.build_compliance_report(
        people=PEOPLE, items=[], as_of=AS_OF, generated_on=AS_OF, assignments=assignments
    )


def test_overdue_first_longest_first_then_due() -> None:
    r = report([owed(2, "due"), owed(1, "overdue", 3), owed(3, "overdue", 40)])
    assert [(a.person.name, a.status_label, a.days_overdue) for a in r.assignments] == [
        ("Priya Shah", "Overdue", 40),
        ("Maria Lopez", "Overdue", 3),
        ("Casey Smith", "Due", 0),
    ]


def test_counts_per_department_cover_every_department_in_scope() -> None:
    r = report([owed(1, "overdue", 3), owed(2, "due"), owed(2, "overdue", 1, code="HARASS")])
    counts = {d.name: (d.due, d.overdue) for d in r.assignment_departments}
    assert counts == {
        "Contact Centre North": (1, 2),
        "Contact Centre South": (0, 0),
        "HR": (0, 0),
    }


def test_people_out_of_scope_and_other_statuses_are_left_out() -> None:
    r = report([owed(99, "overdue", 2), owed(1, "done"), owed(1, "recertify")])
    assert r.assignments == ()
