"""evaluate_many (bulk readiness, issue 10) gives exactly what evaluate gives, person by person.

evaluate_many shares one RequirementResult between people whose facts for a requirement are the
same; these properties would catch a sharing key that forgets an input the evaluator reads.
Dates come from a narrow range so that many people do share situations.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.readiness import (
    EmployeeFacts,
    ReadinessConfig,
    evaluate,
    evaluate_many,
    evaluate_unshared,
)
from tests.unit.test_readiness_properties import CATALOGUE, employee_facts, roles

NARROW = st.dates(min_value=date(2025, 5, 1), max_value=date(2025, 9, 30))
BULK = settings(max_examples=150, deadline=None, database=None)


def population(facts: list[EmployeeFacts], copies: list[int]) -> list[EmployeeFacts]:
    """Give everyone an id; repeat some people under new ids (same facts, other person)."""
    people = [dataclasses.replace(f, employee_id=i + 1) for i, f in enumerate(facts)]
    for n, index in enumerate(copies):
        people.append(dataclasses.replace(facts[index % len(facts)], employee_id=1000 + n))
    return people


@BULK
@given(
    facts=st.lists(employee_facts(NARROW), min_size=1, max_size=10),
    copies=st.lists(st.integers(0, 9), max_size=6),
    role=roles(),
    as_of=NARROW,
)
def test_bulk_equals_one_by_one(facts, copies, role, as_of):
    people = population(facts, copies)
    assert evaluate_many(people, role, CATALOGUE, as_of) == [
        evaluate_unshared(f, role, CATALOGUE, as_of) for f in people
    ]
    assert [evaluate(f, role, CATALOGUE, as_of) for f in people] == [
        evaluate_unshared(f, role, CATALOGUE, as_of) for f in people
    ]


@BULK
@given(
    facts=st.lists(employee_facts(NARROW), min_size=1, max_size=6),
    role=roles(),
    as_of=NARROW,
    window=st.integers(0, 120),
    grace=st.integers(0, 30),
    threshold=st.sampled_from([0.0, 50.0, 90.0, 100.0]),
)
def test_bulk_equals_one_by_one_under_any_configuration(
    facts, role, as_of, window, grace, threshold
):
    config = ReadinessConfig(
        expiring_window_days=window, certification_grace_days=grace, ready_threshold=threshold
    )
    people = population(facts, [0, 1, 2])
    assert evaluate_many(people, role, CATALOGUE, as_of, config) == [
        evaluate_unshared(f, role, CATALOGUE, as_of, config) for f in people
    ]


@BULK
@given(base=employee_facts(NARROW), role=roles(), as_of=NARROW)
def test_people_in_the_same_situation_share_requirement_results(base, role, as_of):
    # Two people with the same facts get equal answers under their own ids, sharing the work.
    a, b = (dataclasses.replace(base, employee_id=n) for n in (1, 2))
    first, second = evaluate_many([a, b], role, CATALOGUE, as_of)
    assert (first.employee_id, second.employee_id) == (1, 2)
    assert all(x is y for x, y in zip(first.requirements, second.requirements, strict=True))
    assert dataclasses.replace(first, employee_id=2) == second


@BULK
@given(role=roles())
def test_as_of_must_be_a_date(role):
    from datetime import datetime

    with pytest.raises(TypeError):
        evaluate_many([], role, CATALOGUE, datetime(2025, 7, 1))
    assert evaluate_many([], role, CATALOGUE, date(2025, 7, 1) + timedelta(1)) == []
