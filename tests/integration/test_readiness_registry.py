"""Every table says what it means to stored readiness (``__readiness__`` on its model), so a new
fact or catalogue table can never leave stored readiness silently stale.

What a user relies on: a change to any record that readiness reads shows on the very next
bench page, whichever table it is in.
"""

from __future__ import annotations

import pytest
from sqlalchemy import and_, inspect, select
from sqlalchemy.orm.attributes import flag_modified

from app.audit import acting_as
from app.extensions import db as extensions_db
from app.models import AppSetting, Employee, JobRole, catalogue
from app.models.base import READINESS_KINDS, readiness_models
from app.services import readiness as service
from app.services.readiness import staleness
from app.services.readiness import stored as readiness_cache
from tests.conftest import TEST_TODAY
from tests.integration.test_stored_readiness import ROLES, everyone

FACT_MODEL_NAMES = sorted(model.__name__ for model in readiness_models("facts"))


def mapped_models() -> list[type]:
    return sorted(
        (mapper.class_ for mapper in extensions_db.Model.registry.mappers),
        key=lambda model: model.__name__,
    )


def test_every_mapped_model_declares_what_it_means_to_stored_readiness():
    """A new model without ``__readiness__`` (on the class itself) fails here."""
    undeclared = [m.__name__ for m in mapped_models() if "__readiness__" not in vars(m)]
    assert undeclared == [], "models without __readiness__: " + ", ".join(undeclared)
    unknown = [m.__name__ for m in mapped_models() if m.__readiness__ not in READINESS_KINDS]
    assert unknown == []


def test_a_table_of_a_persons_records_is_facts_or_explicitly_irrelevant():
    with_employee = [m for m in mapped_models() if "employee_id" in inspect(m).columns]
    assert with_employee, "the registry sees the record tables"
    for model in with_employee:
        assert model.__readiness__ in ("facts", "none"), model.__name__
    for model in readiness_models("facts"):
        assert "employee_id" in inspect(model).columns, model.__name__


def test_every_catalogue_and_settings_table_changes_the_catalogue_version():
    catalogue_models = [m for m in mapped_models() if m.__module__ == catalogue.__name__]
    assert len(catalogue_models) >= 10
    for model in [*catalogue_models, AppSetting]:
        assert model.__readiness__ == "catalogue", model.__name__


def test_stored_readiness_watches_exactly_the_declared_tables():
    assert set(staleness.FACT_MODELS) == set(readiness_models("facts"))
    assert set(staleness.CATALOGUE_MODELS) == set(readiness_models("catalogue"))
    assert set(staleness.PERSON_MODELS) == {Employee}
    assert set(staleness.FACT_TABLES) == {m.__tablename__ for m in readiness_models("facts")}


@pytest.mark.parametrize("model_name", FACT_MODEL_NAMES)
def test_a_change_to_a_declared_fact_table_makes_its_persons_stored_readiness_stale(
    demo_db, model_name
):
    """Any row of a table declared "facts", changed through the session, raises its person's
    facts_version on commit, and their stored results are computed again."""
    model = next(m for m in readiness_models("facts") if m.__name__ == model_name)
    population = everyone(demo_db)
    readiness_cache.scope(population, ROLES, TEST_TODAY)  # everything stored and current
    catalogue_now = service.load_catalogue()
    top_level = max(catalogue_now.role_levels[code] for code in ROLES)
    assert readiness_cache.refresh(population, ROLES, TEST_TODAY, catalogue_now) == 0
    # A row of a candidate (someone with stored results) where the demo data has one.
    is_candidate = and_(JobRole.level < top_level, Employee.status != "terminated")
    record, candidate = demo_db.session.execute(
        select(model, is_candidate)
        .join(Employee, Employee.id == model.employee_id)
        .outerjoin(JobRole, JobRole.id == Employee.job_role_id)
        .order_by(is_candidate.desc(), model.id)
        .limit(1)
    ).one()
    owner = demo_db.session.get(Employee, record.employee_id)
    before = owner.facts_version
    with acting_as("test"):
        flag_modified(record, "employee_id")  # the row changes; nothing else does
        demo_db.session.commit()
    demo_db.session.refresh(owner)
    assert owner.facts_version == before + 1
    recomputed = readiness_cache.refresh(population, ROLES, TEST_TODAY, service.load_catalogue())
    assert recomputed >= 1 if candidate else recomputed == 0
    assert readiness_cache.refresh(population, ROLES, TEST_TODAY, service.load_catalogue()) == 0
