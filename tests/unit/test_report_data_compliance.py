"""The compliance report's data (app/reports/compliance.py): pure, no app or database.

Issue 7: certifications and background checks that are expired, or expire within 30, 60 or 90
days, per person and per department, with who to chase. docs/RULES.md "Training": expired once
D >= expires_on; "Reminders": the employee always, the manager from 30 days, hr once expired.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.reports import compliance as c

AS_OF = date(2026, 11, 22)


def person(eid, name, dept="CS-NORTH", manager="Daniel Kim"):  # type: ignore[no-untyped-def]
    return c.PersonInfo(
        eid,
        f"E{eid:04d}",
        name,
        f"{name.split()[0].lower()}@example.com",
        dept,
        {"CS-NORTH": "Contact Centre North", "CS-SOUTH": "Contact Centre South"}.get(dept, dept),
        manager,
        f"{manager.split()[0].lower()}@example.com" if manager else None,
    )


PEOPLE = {
    1: person(1, "Maria Lopez"),
    2: person(2, "Casey Smith"),
    3: person(3, "Priya Shah", "CS-SOUTH", "Nina Petrova"),
    4: person(4, "Owen Blake", "HR", None),
}


def item(eid, days, kind="certification", code="PCI-AWARE", note=None):  # type: ignore[no-untyped-def]
    return c.HeldItem(eid, kind, code, code.title(), AS_OF + timedelta(days=days), note)


def build(items, horizon=90, decisions=(), people=PEOPLE):  # type: ignore[no-untyped-def]
    return c.build_compliance_report(
        people=people,
        items=items,
        decisions=decisions,
        as_of=AS_OF,
        horizon_days=horizon,
        generated_on=AS_OF,
    )


@pytest.mark.parametrize(
    ("days_left", "bucket", "chase"),
    [
        (-35, "expired", "Employee, manager and HR"),
        (0, "expired", "Employee, manager and HR"),  # D >= expires_on: expired that day
        (1, "30", "Employee and manager"),
        (30, "30", "Employee and manager"),
        (31, "60", "Employee"),
        (60, "60", "Employee"),
        (61, "90", "Employee"),
        (90, "90", "Employee"),
        (91, None, "Employee"),
    ],
)
def test_windows_and_who_to_chase_follow_the_expiry_and_reminder_rules(days_left, bucket, chase):
    assert c.bucket_of(days_left) == bucket
    assert c.chase_for(days_left) == chase


def test_rows_are_most_urgent_first_and_stop_at_the_horizon():
    report = build(
        [item(2, 45), item(1, -35), item(3, 10, "background_check", "CREDIT"), item(1, 95)]
    )
    assert [(r.person.name, r.days_left) for r in report.rows] == [
        ("Maria Lopez", -35),
        ("Priya Shah", 10),
        ("Casey Smith", 45),
    ]
    assert report.rows[1].kind_label == "Background check"
    assert report.totals == {"expired": 1, "30": 1, "60": 1, "90": 0}
    narrow = build([item(2, 45), item(1, -35), item(3, 10)], horizon=30)
    assert narrow.buckets == ("expired", "30")
    assert [r.days_left for r in narrow.rows] == [-35, 10]


def test_every_department_in_scope_is_counted_even_with_nothing_to_chase():
    report = build([item(1, -1), item(2, 20), item(3, 70)])
    by_name = {d.name: d for d in report.departments}
    assert by_name["Contact Centre North"].counts == {"expired": 1, "30": 1, "60": 0, "90": 0}
    assert by_name["Contact Centre North"].people == 2
    assert by_name["Contact Centre South"].total == 1
    assert by_name["HR"].total == 0
    assert report.people_in_scope == 4
    chart_labels = [b.title for b in report.chart.bars]
    assert chart_labels == [d.name for d in report.departments]


def test_the_chase_list_groups_by_manager_with_the_expired_ones_first():
    report = build([item(3, 50), item(1, -3), item(2, 12), item(4, 80)])
    assert [(e.manager_name, e.total) for e in report.chase] == [
        ("Daniel Kim", 2),
        ("Nina Petrova", 1),
        ("No manager", 1),
    ]
    assert report.chase[0].people == ("Casey Smith", "Maria Lopez")
    assert report.chase[0].manager_email == "daniel@example.com"


def test_people_outside_the_scope_never_appear():
    """A manager's report covers their part of the organisation only."""
    team = {k: v for k, v in PEOPLE.items() if k in (1, 2)}
    report = build(
        [item(3, -10)],
        people=team,
        decisions=[c.PendingDecision(3, "CREDIT", "Credit", "review_required", AS_OF, "secret")],
    )
    assert report.rows == () and report.decisions == ()


def test_decisions_carry_findings_only_when_the_loader_passed_them():
    decision = c.PendingDecision(2, "CREDIT", "Credit", "review_required", AS_OF, None)
    report = build([], decisions=[decision])
    (row,) = report.decisions
    assert (row.person.name, row.status, row.findings) == ("Casey Smith", "review_required", None)


def test_notes_travel_with_the_row_and_search_matches_people_and_items():
    report = build([item(1, 5, note="Renewal reported on 2026-11-20, awaiting verification")])
    assert report.rows[0].note.startswith("Renewal reported")
    assert c.filter_rows(report.rows, "maria") == list(report.rows)
    assert c.filter_rows(report.rows, "pci") == list(report.rows)
    assert c.filter_rows(report.rows, "nobody") == []


def test_an_unknown_horizon_is_refused():
    with pytest.raises(ValueError, match="30, 60, 90"):
        build([], horizon=45)
