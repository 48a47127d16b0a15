"""The promotion path skips only the re-checks that cannot find anything (issue 18, speed).

docs/RULES.md "Promotion path": a step's projected date is re-checked on the planned facts and
moves when something lapsed meanwhile. ``path._plan_step`` skips a re-check when nothing could
lapse by the projected date (``may_lapse_by``); these properties compare the path with the
reference that evaluates every re-check, for random people, requirements and dates, one and two
steps up the ladder. The skipped re-check would have been ready or found nothing to renew, so
every step, action, cost and date must be the same.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings

from app.readiness import EmployeeFacts, LadderEdge, Role, evaluate, plan_path
from tests.unit.test_readiness_properties import CATALOGUE, dates, employee_facts, roles

PATHS = settings(max_examples=200, deadline=None, database=None)
LADDER = (LadderEdge("L1-CSR", "L2-CSS"), LadderEdge("L2-CSS", "L3-CSM"))


def ladder_roles(second: Role, third: Role) -> dict[str, Role]:
    return {
        "L1-CSR": Role("L1-CSR", "Representative", 1, ()),
        "L2-CSS": second,
        "L3-CSM": replace(third, code="L3-CSM", title="Manager", level=3),
    }


@PATHS
@given(facts=employee_facts(), second=roles(), third=roles(), as_of=dates)
def test_skipped_rechecks_leave_the_path_unchanged(
    facts: EmployeeFacts, second: Role, third: Role, as_of: date
) -> None:
    org = ladder_roles(second, third)
    for target in ("L2-CSS", "L3-CSM"):
        fast = plan_path(facts, target, org, LADDER, CATALOGUE, as_of)
        reference = plan_path(facts, target, org, LADDER, CATALOGUE, as_of, always_recheck=True)
        assert fast == reference


@PATHS
@given(facts=employee_facts(), second=roles(), as_of=dates)
def test_skipped_rechecks_leave_the_path_unchanged_from_a_known_first_step(
    facts: EmployeeFacts, second: Role, as_of: date
) -> None:
    """With the first step's evaluation handed in (``first=``), as bulk readiness does."""
    org = ladder_roles(second, second)
    first = evaluate(facts, org["L2-CSS"], CATALOGUE, as_of)
    fast = plan_path(facts, "L2-CSS", org, LADDER, CATALOGUE, as_of, first=first)
    reference = plan_path(
        facts, "L2-CSS", org, LADDER, CATALOGUE, as_of, first=first, always_recheck=True
    )
    assert fast == reference
