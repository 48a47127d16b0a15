"""One fact index shared between evaluations of the same facts on the same date (issue 18,
speed).

docs/RULES.md "Readiness of an employee for a role on date D" reads the facts known on D; the
role decides only which requirements are read. Bulk readiness two steps up indexes a person's
facts once on D for the path's first step and for the target in the feeder role, and a path
step starts from the index its last re-check made. These properties compare each shortcut
with the reference that indexes every evaluation afresh.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings

from app.readiness import EmployeeFacts, Role, evaluate, evaluate_target, plan_path
from app.readiness.engine import DEFAULT_CONFIG, evaluate_unshared
from app.readiness.facts import FactIndex
from tests.unit.test_readiness_path_rechecks import LADDER, ladder_roles
from tests.unit.test_readiness_properties import CATALOGUE, dates, employee_facts, roles

SHARED = settings(max_examples=200, deadline=None, database=None)


@SHARED
@given(facts=employee_facts(), first=roles(), second=roles(), as_of=dates)
def test_one_index_serves_every_role_on_its_date(
    facts: EmployeeFacts, first: Role, second: Role, as_of: date
) -> None:
    """The same index for two roles, and for the facts in another role with no start date
    (the feeder role): each answer equals the reference evaluation."""
    index = FactIndex(facts, CATALOGUE, as_of, DEFAULT_CONFIG)
    in_feeder = replace(facts, role="L2-CSS", role_since=None)
    for person, role in ((facts, first), (facts, second), (in_feeder, second)):
        shared = evaluate(person, role, CATALOGUE, as_of, DEFAULT_CONFIG, index)
        assert shared == evaluate_unshared(person, role, CATALOGUE, as_of)


@SHARED
@given(facts=employee_facts(), second=roles(), third=roles(), as_of=dates)
def test_bulk_target_two_steps_up_equals_the_path_and_fresh_evaluations(
    facts: EmployeeFacts, second: Role, third: Role, as_of: date
) -> None:
    """``evaluate_target`` two steps up (one index for the path's start and the feeder role)
    agrees with the reference path, which builds every index afresh."""
    org = ladder_roles(second, third)
    person = replace(facts, role="L1-CSR")
    result = evaluate_target(person, org["L3-CSM"], org, LADDER, CATALOGUE, as_of)
    reference = plan_path(person, "L3-CSM", org, LADDER, CATALOGUE, as_of, always_recheck=True)
    if not result.ready:
        assert result.projected_ready_on == reference.projected_ready_on
    feeder = replace(person, role="L2-CSS", role_since=None)
    fresh = evaluate_unshared(feeder, org["L3-CSM"], CATALOGUE, as_of)
    assert result.score == fresh.score and result.gates_met == fresh.gates_met


def test_an_index_of_another_date_is_refused() -> None:
    facts = EmployeeFacts(employee_id=1, role="L1-CSR")
    index = FactIndex(facts, CATALOGUE, date(2026, 11, 22), DEFAULT_CONFIG)
    role = ladder_roles(Role("L2-CSS", "S", 2, ()), Role("L3-CSM", "M", 3, ()))["L2-CSS"]
    with pytest.raises(ValueError):
        evaluate(facts, role, CATALOGUE, date(2026, 11, 22) + timedelta(days=1), index=index)
