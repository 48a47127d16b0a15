"""Stored readiness (issue 10): the bench, organisation, lapses and training-needs pages and the
bulk readiness API read results stored in the database (app/services/readiness_cache.py).

What a user relies on: the stored figures are exactly what a fresh evaluation gives, a change to
someone's records or to the catalogue shows on the very next page, and the work done per page
does not grow with the organisation.
"""

from __future__ import annotations

import re
from datetime import date

from flask import g
from sqlalchemy import func, select, update

from app.audit import acting_as
from app.models import (
    BackgroundCheck,
    CacheCounter,
    CheckType,
    Course,
    Employee,
    StoredReadiness,
    User,
)
from app.services import configuration, records
from app.services import readiness as service
from app.services.readiness import bench, staleness
from app.services.readiness import stored as readiness_cache
from tests.conftest import TEST_TODAY
from tests.integration.test_query_budgets import thicken

ROLES = ["L2-CSS", "L3-CSM"]


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def hr_user(db) -> User:
    return db.session.scalar(select(User).where(User.email == "hannah.reid@example.com"))


def everyone(db):  # type: ignore[no-untyped-def]
    return bench.population_for(hr_user(db))


def scope_of(population) -> readiness_cache.Scope:  # type: ignore[no-untyped-def]
    return readiness_cache.scope(population, ROLES, TEST_TODAY)


def shown_score(client, name: str, role: str = "L2-CSS") -> tuple[str, str]:
    """(score, band words) of one person in the bench page's candidates table."""
    response = client.get(f"/readiness/bench?role={role}&q={name.split()[-1]}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = re.search(rf">{name}</a></td>(.*?)</tr>", html, re.S)
    assert row, f"{name} is not listed"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    score = re.sub(r"<[^>]+>", "", cells[2]).strip()
    band = re.sub(r"<[^>]+>", " ", cells[3]).split()
    return score, " ".join(band)


def test_stored_figures_equal_a_fresh_evaluation_of_everyone(demo_db):
    """Every candidate's score, band, readiness and projected date, the counts by band, the
    lapses and the training needs read from storage equal the in-memory bulk evaluation."""
    population = everyone(demo_db)
    stored = readiness_cache.scope(population, ROLES, TEST_TODAY)
    counts = {c.role_code: c.counts_by_band for c in stored.role_counts()}
    for role in ROLES:
        fresh = bench.bench_strength(population, role, TEST_TODAY)
        page = stored.candidates(role, sort="score", descending=True, per_page=500)
        assert page.total == fresh.total > 0
        assert counts[role] == fresh.counts_by_band
        as_read = [
            (c.employee_id, c.score, c.band, c.ready, c.projected_ready_on, c.blocking_gates)
            for c in page.items
        ]
        expected = [
            (c.employee_id, c.score, c.band, c.ready, c.projected_ready_on, c.blocking_gates)
            for c in fresh.candidates
        ]
        assert sorted(as_read) == sorted(expected)
        assert [c.score for c in page.items] == sorted((c.score for c in page.items), reverse=True)
        needs = stored.training_needs(role)
        assert needs == bench.training_needs_report(population, role, TEST_TODAY)
    assert stored.lapses() == bench.lapsing_soon(population, TEST_TODAY)


def test_a_recorded_completion_shows_on_the_next_page_and_only_that_person_is_recomputed(
    demo_app, demo_db, login_as
):
    """docs/RULES.md demo: Maria scores 80.0 for L2-CSS and fails the PCI gate; a PCI renewal
    makes her 86.7. Her manager's bench shows it at once, and only her results are redone."""
    manager = login_as("manager")
    assert shown_score(manager, "Maria Lopez") == ("80.0", "Ready in 6 months")
    maria = person(demo_db, "Maria Lopez")
    before = maria.facts_version
    with acting_as("test"):
        records.record_completion(maria, "PCI-AWARE", TEST_TODAY, actor=hr_user(demo_db))
        demo_db.session.commit()
    demo_db.session.refresh(maria)
    assert maria.facts_version == before + 1
    # Only Maria is stale: she is a candidate for both roles, so two results are recomputed.
    sam = demo_db.session.scalar(select(User).where(User.email == "sam.rivera@example.com"))
    recomputed = readiness_cache.refresh(
        bench.population_for(sam), ROLES, TEST_TODAY, service.load_catalogue()
    )
    assert recomputed == 2
    assert shown_score(manager, "Maria Lopez") == ("86.7", "Ready in 6 months")


def test_a_workflow_step_made_by_a_conditional_update_marks_the_person_stale(demo_db, login_as):
    """Check results move by conditional Core updates (no session events): Grace is blocked
    only by her CREDIT check under review; once it clears she is ready now for L3-CSM."""
    hr = login_as("hr")
    assert shown_score(hr, "Grace Okafor", "L3-CSM")[1] == "Ready in 6 months"
    grace = person(demo_db, "Grace Okafor")
    check = demo_db.session.scalar(
        select(BackgroundCheck)
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(BackgroundCheck.employee_id == grace.id, CheckType.code == "CREDIT")
    )
    assert check.status == "review_required"
    before = grace.facts_version
    with acting_as("test"):
        records.change_check_status(check, "clear", TEST_TODAY, actor=hr_user(demo_db))
        demo_db.session.commit()
    assert (
        demo_db.session.scalar(select(Employee.facts_version).where(Employee.id == grace.id))
        == before + 1
    )
    assert shown_score(hr, "Grace Okafor", "L3-CSM") == ("100.0", "Ready now")


def test_a_settings_change_recomputes_everyone(demo_db, login_as):
    """The ready threshold is a catalogue-wide (cfg) value: changing it makes every stored
    result stale, and the next page counts with the new threshold."""
    population = everyone(demo_db)
    first = readiness_cache.scope(population, ROLES, TEST_TODAY)
    before = {c.role_code: c.counts_by_band for c in first.role_counts()}
    version = demo_db.session.scalar(select(CacheCounter.value)) or 0
    with acting_as("test"):
        configuration.update_settings({"ready_threshold": "99"})
    assert demo_db.session.scalar(select(CacheCounter.value)) == version + 1
    candidates = sum(c.total for c in first.role_counts())
    g.pop("_catalogue_snapshot", None)  # the snapshot is read once per request
    catalogue = service.load_catalogue()
    assert catalogue.version == version + 1
    assert readiness_cache.refresh(population, ROLES, TEST_TODAY, catalogue) == candidates
    after = {c.role_code: c.counts_by_band for c in scope_of(population).role_counts()}
    fresh = {
        role: bench.bench_strength(population, role, TEST_TODAY).counts_by_band for role in ROLES
    }
    assert after == fresh != before


def test_a_current_row_is_served_and_a_stale_one_never_is(demo_db, login_as):
    """A stored row counts only while its versions are current: one left from before a change
    is recomputed, never shown."""
    manager = login_as("manager")
    assert shown_score(manager, "Maria Lopez")[0] == "80.0"
    maria = person(demo_db, "Maria Lopez")
    row = (StoredReadiness.employee_id == maria.id) & (StoredReadiness.role_code == "L2-CSS")
    demo_db.session.execute(update(StoredReadiness).where(row).values(score=12.5))
    demo_db.session.commit()
    assert shown_score(manager, "Maria Lopez")[0] == "12.5"  # read from storage
    # A change to her facts raises her version (as every record change does): the row is stale.
    table = Employee.__table__
    demo_db.session.execute(
        update(table).where(table.c.id == maria.id).values(facts_version=table.c.facts_version + 1)
    )
    demo_db.session.commit()
    assert shown_score(manager, "Maria Lopez")[0] == "80.0"  # stale: computed again


def test_another_dates_figures_are_stored_apart_and_old_ones_are_dropped(demo_db):
    """Readiness "as of" another date is stored under that date; rows of other dates computed
    on an earlier day are dropped the next time anything is stored."""
    population = everyone(demo_db)
    later = date(2027, 6, 1)
    readiness_cache.scope(population, ["L2-CSS"], later)
    dates = set(demo_db.session.scalars(select(StoredReadiness.as_of).distinct()))
    assert dates == {later}
    demo_db.session.execute(
        update(StoredReadiness).values(computed_on=date(2026, 11, 1))
    )  # as if computed three weeks ago
    demo_db.session.commit()
    readiness_cache.scope(population, ["L2-CSS"], TEST_TODAY)
    dates = set(demo_db.session.scalars(select(StoredReadiness.as_of).distinct()))
    assert dates == {TEST_TODAY}


def test_computing_and_reading_stored_readiness_take_a_fixed_number_of_queries(
    demo_app, login_as, count_queries
):
    """The organisation view, cold (everything recomputed after a catalogue change) and warm,
    runs the same number of queries for the demo and for 60 more people."""
    from app.extensions import db

    client = login_as("hr")

    def cold_and_warm() -> tuple[int, int]:
        with demo_app.app_context(), acting_as("test"):
            staleness.raise_catalogue_version(db.session())
            db.session.commit()
        with count_queries() as cold:
            assert client.get("/readiness/organisation").status_code == 200
        with count_queries() as warm:
            assert client.get("/readiness/organisation").status_code == 200
        return cold(), warm()

    few = cold_and_warm()
    thicken(demo_app, 60, seed=3)
    with demo_app.app_context():
        grown = db.session.scalar(select(func.count()).select_from(Employee))
    many = cold_and_warm()
    assert grown > 100
    assert few == many and few[0] > few[1]


def test_the_catalogue_is_read_once_per_change_and_never_from_a_rolled_back_one(
    demo_db, count_queries
):
    """Readiness pages reuse the catalogue this process built while the catalogue counter is
    unchanged (one query), see a committed change at once, and never keep what a transaction
    that later rolls back had changed."""

    def fresh():  # type: ignore[no-untyped-def]
        g.pop("_catalogue_snapshot", None)  # a new request
        return service.load_catalogue()

    fresh()
    with count_queries() as counted:
        assert fresh().names[("course", "PCI-AWARE")] != "Card data security"
    assert counted() == 1

    course = demo_db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    with acting_as("test"):
        course.title = "Card data security"
        demo_db.session.flush()
        assert fresh().names[("course", "PCI-AWARE")] == "Card data security"
        demo_db.session.rollback()
    assert fresh().names[("course", "PCI-AWARE")] != "Card data security"

    course = demo_db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    with acting_as("test"):
        course.title = "Card data security"
        demo_db.session.commit()
    assert fresh().names[("course", "PCI-AWARE")] == "Card data security"


def test_a_kept_scope_is_reused_until_anything_changes_and_never_holds_a_rolled_back_change(
    demo_db, count_queries
):
    """hr's organisation-wide figures are kept by the process under a name for the population
    and reused while nothing changed anywhere (one aggregate query tells); a committed change
    shows at once, and figures worked out inside a transaction that rolls back are not kept."""
    hr = hr_user(demo_db)
    key = bench.population_key(hr)
    population = bench.population_for(hr)

    def ready_now() -> int:
        g.pop("_catalogue_snapshot", None)  # a new request
        found = readiness_cache.scope(population, ROLES, TEST_TODAY, key=key)
        return sum(c.counts_by_band["ready_now"] for c in found.role_counts())

    before = ready_now()
    with count_queries() as counted:
        assert ready_now() == before
    assert counted() == 2  # the catalogue counter and the signature: nothing recounted

    grace = person(demo_db, "Grace Okafor")
    check = demo_db.session.scalar(
        select(BackgroundCheck)
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(BackgroundCheck.employee_id == grace.id, CheckType.code == "CREDIT")
    )
    with acting_as("test"), records.batch():  # the caller's transaction: no commit yet
        records.change_check_status(check, "clear", TEST_TODAY, actor=hr)
        ready_now()  # worked out inside the transaction: nothing of it may be kept
        demo_db.session.rollback()
    assert ready_now() == before

    check = demo_db.session.get(BackgroundCheck, check.id)
    with acting_as("test"):
        records.change_check_status(check, "clear", TEST_TODAY, actor=hr)
        demo_db.session.commit()
    assert ready_now() == before + 1
