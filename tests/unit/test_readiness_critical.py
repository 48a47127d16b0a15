"""Background checks under way, and the critical gap (docs/RULES.md "Readiness of an employee
for a role on date D": projected close date of a background check; "Why this band")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.readiness import (
    Catalogue,
    Check,
    CheckType,
    Course,
    EmployeeFacts,
    ReadinessConfig,
    Requirement,
    Role,
    evaluate,
)
from app.readiness.seatplan import Needer, SessionSeats, plan_seats

D = date(2026, 12, 2)
CATALOGUE = Catalogue.build(
    courses=[Course("SUP-101", "Supervision", default_duration_days=14)],
    check_types=[CheckType("CREDIT", "Credit history check", 12, 14)],
)
CHECK = Requirement(1, "background_check", "CREDIT", mandatory=True)


@pytest.mark.parametrize(
    ("check", "close"),
    [
        pytest.param(None, D + timedelta(days=14), id="no check: D + turnaround_days"),
        pytest.param(
            Check("CREDIT", "requested", requested_on=D - timedelta(days=4)),
            D + timedelta(days=10),
            id="requested: requested_on + turnaround_days",
        ),
        pytest.param(
            Check("CREDIT", "in_progress", requested_on=D - timedelta(days=30)),
            D + timedelta(days=14),
            id="in progress, overdue: D + turnaround_days",
        ),
        pytest.param(
            Check("CREDIT", "review_required", D - timedelta(days=1), None, D - timedelta(days=9)),
            D + timedelta(days=10),
            id="review_required: D + adverse_action_days (10)",
        ),
    ],
)
def test_a_check_under_way_closes_when_its_result_is_due(check: Check | None, close: date) -> None:
    """RULES.md projection, background check: under way on requested_on + turnaround_days (or
    D + turnaround_days when passed); under review D + adverse_action_days; else D +
    turnaround_days."""
    facts = EmployeeFacts(1, "L1", D, checks=(check,) if check else ())
    result = evaluate(facts, Role("L2", "Sup", 2, (CHECK,)), CATALOGUE, D)
    assert result.requirements[0].projected_close_on == close
    assert result.critical is not None
    assert (result.critical.kind, result.critical.target) == ("background_check", "CREDIT")
    assert result.critical.projected_close_on == close == result.projected_ready_on


def test_adverse_action_days_are_configurable() -> None:
    """RULES.md: adverse_action_days is (cfg)."""
    facts = EmployeeFacts(
        1, "L1", D, checks=(Check("CREDIT", "review_required", D, None, D - timedelta(days=9)),)
    )
    config = ReadinessConfig(adverse_action_days=3)
    result = evaluate(facts, Role("L2", "Sup", 2, (CHECK,)), CATALOGUE, D, config)
    assert result.projected_ready_on == D + timedelta(days=3)


def test_the_critical_gap_is_the_latest_close_date_and_says_why() -> None:
    """RULES.md "Why this band": the requirement whose close date decides projected_ready_on,
    with a reason; a seat plan that leaves the person waiting says which session was full."""
    sessions = [
        SessionSeats(1, "SUP-101", date(2027, 4, 6), date(2027, 4, 8), 1, (99,)),
        SessionSeats(2, "SUP-101", date(2027, 6, 2), date(2027, 6, 4), 5),
    ]
    plan = plan_seats(D, sessions, [Needer(1, "E1", 50.0, D, ("SUP-101",))], CATALOGUE.courses)
    role = Role("L2", "Sup", 2, (CHECK, Requirement(2, "course", "SUP-101", mandatory=True)))
    catalogue = Catalogue.build(
        courses=CATALOGUE.courses.values(),
        sessions=[],
        check_types=CATALOGUE.check_types.values(),
    )
    facts = EmployeeFacts(1, "L1", D, seats=plan.seats_of(1))
    result = evaluate(facts, role, catalogue, D)
    assert result.projected_ready_on == date(2027, 6, 4)
    assert result.critical is not None
    assert (result.critical.kind, result.critical.target) == ("course", "SUP-101")
    assert result.critical.reason == (
        "waiting for a seat in SUP-101 (the session of 2027-04-06 is full; planned for 2027-06-02)"
    )
    assert result.band == "ready_1y"  # 2027-06-04 is after D + 6 months (2027-06-02)


def test_no_critical_gap_when_ready() -> None:
    """RULES.md: critical is None when ready."""
    facts = EmployeeFacts(1, "L1", D)
    assert evaluate(facts, Role("L2", "Sup", 2, ()), CATALOGUE, D).critical is None
