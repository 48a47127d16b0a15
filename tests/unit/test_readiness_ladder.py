"""Targets two steps up and who is a candidate (docs/RULES.md "Readiness of an employee for a
role on date D": "Targets more than one step up the ladder" and "Who is a candidate").

Pure unit tests of app.readiness: no app, no database. Each case cites the rule it checks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.readiness import (
    EmployeeFacts,
    Role,
    candidate_roles,
    evaluate,
    evaluate_many_targets,
    evaluate_target,
    plan_path,
    steps_to,
)
from app.readiness.dates import add_months
from tests.unit.test_readiness_path import AS_OF, CATALOGUE, CSR, LADDER, roles

HR = Role("HR-GEN", "HR generalist", 2)


def org() -> dict[str, Role]:
    return {**roles(), "HR-GEN": HR}


@pytest.mark.parametrize(
    ("target", "candidates"),
    [
        ("L2-CSS", {"L1-CSR"}),  # the next rung
        ("L3-CSM", {"L1-CSR", "L2-CSS"}),  # two steps up and one
        ("L1-CSR", set()),  # nothing below the bottom rung
        ("HR-GEN", set()),  # a role outside the ladder has no candidates
    ],
)
def test_candidates_are_the_roles_with_a_path_up_the_ladder(target, candidates) -> None:
    """Who is a candidate: people whose current role has a path up the ladder to the target;
    staff outside the ladder and people at or above the target are not."""
    assert candidate_roles(target, org(), LADDER) == frozenset(candidates)


@pytest.mark.parametrize(
    ("current", "target", "steps"),
    [
        ("L1-CSR", "L2-CSS", 1),
        ("L1-CSR", "L3-CSM", 2),
        ("L2-CSS", "L3-CSM", 1),
        ("L3-CSM", "L2-CSS", None),  # above the target
        ("L3-CSM", "L3-CSM", None),  # already there
        ("HR-GEN", "L3-CSM", None),  # off the ladder, although its level is lower
        (None, "L2-CSS", None),  # no role on record
    ],
)
def test_steps_up_the_ladder(current, target, steps) -> None:
    assert steps_to(current, target, org(), LADDER) == steps


def test_two_steps_up_tenure_counts_in_the_feeder_role_from_the_projected_promotion() -> None:
    """Targets more than one step up: tenure counts whole months in the feeder role (L2 for an
    L1 aiming at L3); someone not in it has 0 months, and the gap closes min_months after the
    projected promotion into it."""
    result = evaluate_target(CSR, org()["L3-CSM"], org(), LADDER, CATALOGUE, AS_OF)
    path = plan_path(CSR, "L3-CSM", org(), LADDER, CATALOGUE, AS_OF)
    promoted = path.steps[0].projected_ready_on
    tenure = next(r for r in result.requirements if r.requirement.kind == "tenure")
    assert tenure.actual == 0 and tenure.attainment == 0
    assert tenure.evidence == "0 months in L2-CSS (not in it yet)"
    assert tenure.projected_close_on == add_months(promoted, 24)
    assert tenure.next_action.kind == "gain_tenure" and tenure.next_action.target == "L2-CSS"
    # the CSR's 10 months in L1 would have counted towards L3 as their own role's tenure
    assert evaluate(CSR, org()["L3-CSM"], CATALOGUE, AS_OF).requirements[0].actual == 10


def test_two_steps_up_the_projected_date_is_the_paths_date_for_the_target() -> None:
    """Targets more than one step up: projected_ready_on is the promotion path's projected date
    for the target, and the band follows it."""
    result = evaluate_target(CSR, org()["L3-CSM"], org(), LADDER, CATALOGUE, AS_OF)
    path = plan_path(CSR, "L3-CSM", org(), LADDER, CATALOGUE, AS_OF)
    assert result.projected_ready_on == path.projected_ready_on is not None
    assert result.projected_ready_on > add_months(AS_OF, 24)
    assert result.band == "not_ready"
    assert not result.ready and result.critical is not None


def test_one_step_up_is_the_plain_evaluation() -> None:
    """The next role is evaluated exactly as the readiness rules say, tenure in the own role."""
    role = org()["L2-CSS"]
    assert evaluate_target(CSR, role, org(), LADDER, CATALOGUE, AS_OF) == evaluate(
        CSR, role, CATALOGUE, AS_OF
    )


def test_a_supervisor_aiming_at_l3_keeps_their_own_tenure() -> None:
    """For an L2 the target L3 is the next rung: months in L2 count as they are."""
    supervisor = EmployeeFacts(employee_id=4, role="L2-CSS", role_since=date(2023, 1, 15))
    result = evaluate_target(supervisor, org()["L3-CSM"], org(), LADDER, CATALOGUE, AS_OF)
    tenure = next(r for r in result.requirements if r.requirement.kind == "tenure")
    assert tenure.actual == 24 and tenure.met


def test_many_targets_equal_one_by_one_in_the_given_order() -> None:
    """Bulk evaluation gives each person what evaluating them alone gives."""
    people = [
        CSR,
        EmployeeFacts(employee_id=4, role="L2-CSS", role_since=date(2023, 1, 15)),
        replace(CSR, employee_id=5, role_since=date(2022, 6, 1)),
    ]
    role = org()["L3-CSM"]
    many = evaluate_many_targets(people, role, org(), LADDER, CATALOGUE, AS_OF)
    assert [r.employee_id for r in many] == [3, 4, 5]
    assert many == [evaluate_target(p, role, org(), LADDER, CATALOGUE, AS_OF) for p in people]
