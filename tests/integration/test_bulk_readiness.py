"""Bulk readiness (issue 10) answers exactly what per-person readiness answers.

evaluate_population leaves in the database the facts the core ignores on the date (self-ratings,
future-dated facts, unapproved tuition) and shares results between people in the same situation;
none of that may change anyone's answer (docs/RULES.md "Readiness of an employee for a role on D").
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Competency, CompetencyRating, Employee
from app.services import readiness as service
from tests.conftest import TEST_TODAY


@pytest.mark.parametrize("role", ["L1-CSR", "L2-CSS", "L3-CSM"])
def test_population_equals_each_employee(demo_db, role):
    everyone = select(Employee.id)
    bulk = service.evaluate_population(everyone, role, TEST_TODAY)
    ids = demo_db.session.scalars(everyone).all()
    assert sorted(bulk) == sorted(ids)
    for employee_id in ids:
        single, _, _ = service.evaluate_employee(employee_id, role, TEST_TODAY)
        assert bulk[employee_id] == single


def test_self_ratings_and_future_facts_never_count(demo_db):
    # docs/RULES.md: self-ratings are shown but never count; facts after D are ignored.
    maria = demo_db.session.scalar(select(Employee).where(Employee.name == "Maria Lopez"))
    before = service.evaluate_population([maria.id], "L2-CSS", TEST_TODAY)[maria.id]
    coaching = demo_db.session.scalar(select(Competency).where(Competency.code == "COACHING"))
    demo_db.session.add_all(
        [
            CompetencyRating(
                employee_id=maria.id,
                competency_id=coaching.id,
                level=5,
                rated_on=TEST_TODAY,
                source="self",
            ),
            CompetencyRating(
                employee_id=maria.id,
                competency_id=coaching.id,
                level=5,
                rated_on=TEST_TODAY + timedelta(days=1),
                source="manager",
            ),
        ]
    )
    demo_db.session.flush()
    after = service.evaluate_population([maria.id], "L2-CSS", TEST_TODAY)[maria.id]
    assert after == before
    tomorrow = service.evaluate_population([maria.id], "L2-CSS", TEST_TODAY + timedelta(days=1))[
        maria.id
    ]
    coaching_result = next(r for r in tomorrow.requirements if r.requirement.target == "COACHING")
    assert coaching_result.actual == 5


def test_pending_changes_are_seen(demo_db):
    # A write earlier in the same request is visible to the bulk read (it flushes first).
    maria = demo_db.session.scalar(select(Employee).where(Employee.name == "Maria Lopez"))
    maria.role_since = TEST_TODAY - timedelta(days=3)
    result = service.evaluate_population([maria.id], "L2-CSS", TEST_TODAY)[maria.id]
    tenure = next(r for r in result.requirements if r.requirement.kind == "tenure")
    assert tenure.actual == 0
