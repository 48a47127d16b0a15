"""Bulk readiness takes each person's facts from the seat plan that loaded them: the facts, and
so every answer, are those a fresh load gives, before and after a record changes."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from app.models import Employee
from app.services import readiness as service
from app.services.readiness.facts import load_facts
from app.services.readiness.seats import seat_plan
from tests.conftest import TEST_TODAY
from tests.integration.test_readiness_service import renew_pci


def _everyone():
    return select(Employee.id)


def _same_facts(facts):
    """Facts by person with each kind of record as a set: the loader reads rows in no set
    order (PostgreSQL may return them in another order for another statement)."""
    kinds = ("completions", "ratings", "checks", "assessments", "education", "funded_studies")
    return {
        eid: replace(f, **{kind: tuple(sorted(getattr(f, kind), key=repr)) for kind in kinds})
        for eid, f in facts.items()
    }


def test_the_plans_facts_are_a_fresh_load(demo_db):
    planned = seat_plan(TEST_TODAY)
    fresh = load_facts(_everyone(), as_of=TEST_TODAY)
    assert _same_facts(planned.load_facts(_everyone())) == _same_facts(fresh)
    ids = sorted(fresh)[:7]
    assert _same_facts(planned.load_facts(ids)) == _same_facts({eid: fresh[eid] for eid in ids})


def test_a_new_completion_reaches_the_bulk_answer(demo_db):
    """A verified PCI renewal for Maria: the bulk answer changes like her own page's."""
    maria = demo_db.session.scalar(select(Employee.id).where(Employee.name == "Maria Lopez"))
    before = service.evaluate_population(_everyone(), "L2-CSS", TEST_TODAY)[maria]
    renew_pci(demo_db, maria)
    after = service.evaluate_population(_everyone(), "L2-CSS", TEST_TODAY)
    own, _, _ = service.evaluate_employee(maria, "L2-CSS", TEST_TODAY)
    assert not before.gates_met and after[maria].gates_met
    assert after[maria] == own
    planned = seat_plan(TEST_TODAY)
    fresh = load_facts(_everyone(), as_of=TEST_TODAY)
    assert _same_facts(planned.load_facts(_everyone())) == _same_facts(fresh)


def test_bulk_answers_equal_each_persons_own(demo_db):
    """Both target roles: the bulk answer of every candidate is their plan page's answer."""
    for role in ("L2-CSS", "L3-CSM"):
        bulk = service.evaluate_population(_everyone(), role, TEST_TODAY)
        for eid, result in bulk.items():
            own, _, _ = service.evaluate_employee(eid, role, TEST_TODAY)
            assert result == own, (role, eid)
