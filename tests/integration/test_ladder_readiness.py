"""Readiness that tells people apart (issue 18): only people with a path up the ladder are
candidates, targets two steps up follow the promotion path, and the demo's benches spread.

docs/RULES.md "Readiness of an employee for a role on date D" ("Targets more than one step up
the ladder", "Who is a candidate", bands).
"""

from __future__ import annotations

from sqlalchemy import select

from app.models import Employee, JobRole
from app.services.readiness import bench
from app.services.readiness import stored as readiness_cache
from app.services.readiness.plan import PlanRequest, development_plan
from tests.conftest import TEST_TODAY
from tests.factories import api_token, persona_user

TARGETS = ("L2-CSS", "L3-CSM")


def everyone(db):  # type: ignore[no-untyped-def]
    return bench.population_for(persona_user("hr"))


def people_in(db, *codes: str) -> list[Employee]:
    return list(
        db.session.scalars(
            select(Employee)
            .join(JobRole, JobRole.id == Employee.job_role_id)
            .where(JobRole.code.in_(codes), Employee.status != "terminated")
            .order_by(Employee.id)
        )
    )


def test_the_l2_bench_spreads_no_band_holds_more_than_60_percent(demo_db):
    strength = bench.bench_strength(everyone(demo_db), "L2-CSS", TEST_TODAY)
    assert strength.total == len(people_in(demo_db, "L1-CSR")) > 40
    largest = max(strength.counts_by_band.values())
    assert largest / strength.total <= 0.60, strength.counts_by_band
    assert sum(1 for n in strength.counts_by_band.values() if n) >= 3


def test_on_the_l3_bench_csrs_are_ready_in_2_years_or_not_ready(demo_db):
    """An L1 needs 18 months in L2 first: their L1 months never count toward L3."""
    strength = bench.bench_strength(everyone(demo_db), "L3-CSM", TEST_TODAY)
    csr_bands = {c.band for c in strength.candidates if c.current_role == "L1-CSR"}
    assert csr_bands <= {"ready_2y", "not_ready"} and "not_ready" in csr_bands
    supervisors = {c.band for c in strength.candidates if c.current_role == "L2-CSS"}
    assert supervisors - {"ready_2y", "not_ready"}  # supervisors are a step closer


def test_staff_outside_the_ladder_are_in_no_bench_and_no_count(demo_db, client):
    """Who is a candidate: HR and finance staff have no path up the ladder to L2 or L3."""
    off_ladder = [persona_user("hr").employee, persona_user("finance").employee]
    off_ids = {e.id for e in off_ladder}
    scope = readiness_cache.scope(everyone(demo_db), list(TARGETS), TEST_TODAY)
    for target in TARGETS:
        strength = bench.bench_strength(everyone(demo_db), target, TEST_TODAY)
        assert off_ids.isdisjoint(c.employee_id for c in strength.candidates)
        assert off_ids.isdisjoint(scope.results(target))
        counts = {c.role_code: c.total for c in scope.role_counts()}
        assert counts[target] == strength.total
    expected = len(people_in(demo_db, "L1-CSR")) + len(people_in(demo_db, "L2-CSS"))
    assert {c.role_code: c.total for c in scope.role_counts()}["L3-CSM"] == expected

    token = api_token(persona_user("hr"), "ladder test")
    body = client.get(
        "/api/v1/readiness?role=L2-CSS&per_page=200", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    listed = {row["employee_id"] for row in body["items"]}
    assert listed and off_ids.isdisjoint(listed)


def test_the_bench_page_leaves_hr_staff_out(demo_db, login_as):
    hr = persona_user("hr").employee
    html = login_as("hr").get("/readiness/bench?role=L2-CSS&per_page=100").get_data(as_text=True)
    assert f'href="/employees/{hr.id}/plan"' not in html
    assert 'href="/employees/' in html  # the candidates are listed


def test_the_plan_its_path_and_the_bench_agree_for_every_demo_person_and_both_targets(demo_db):
    """The plan page's readiness, its promotion path and the bench never contradict each other:
    for a person who is not ready, the projected date is the path's date for the target."""
    checked = 0
    for target in TARGETS:
        strength = bench.bench_strength(everyone(demo_db), target, TEST_TODAY)
        on_bench = {c.employee_id: c.projected_ready_on for c in strength.candidates}
        for person in people_in(demo_db, "L1-CSR", "L2-CSS"):
            if person.job_role.code == target:
                continue
            plan = development_plan(
                person.id, PlanRequest(role=target, as_of=TEST_TODAY, path_to=target)
            )
            assert plan.path is not None and plan.path.steps
            assert on_bench[person.id] == plan.readiness.projected_ready_on
            if not plan.readiness.ready:
                assert plan.readiness.projected_ready_on == plan.path.projected_ready_on, (
                    person.name,
                    target,
                )
            checked += 1
    assert checked > 90


README_CASES = [
    ("Casey Smith", "L2-CSS", "ready_now"),
    ("Logan Scott", "L2-CSS", "ready_6m"),
    ("Elliot Walker", "L2-CSS", "ready_1y"),
    ("Noah Brooks", "L2-CSS", "ready_2y"),
    ("Finley Young", "L3-CSM", "not_ready"),
]


def test_the_readmes_demo_cases_hold_one_person_per_band(demo_db):
    """README "The benches tell people apart": each named person is in the band it says, and
    Shawn Collins waits for a seat in a full SUP-101 session."""
    found = {}
    for role in TARGETS:
        strength = bench.bench_strength(everyone(demo_db), role, TEST_TODAY)
        found.update({(c.name, role): c for c in strength.candidates})
    for name, role, band in README_CASES:
        assert found[(name, role)].band == band, (name, role)
    assert "lapses before then" in (found[("Elliot Walker", "L2-CSS")].reason or "")
    assert found[("Logan Scott", "L2-CSS")].reason.startswith("Reach 12 months in L1-CSR")
    pushed = found[("Shawn Collins", "L2-CSS")].reason or ""
    assert pushed.startswith("waiting for a seat in SUP-101 (the session of ")
    assert "is full; planned for" in pushed


def test_the_talent_card_gives_the_benches_bands_for_every_rung(demo_db):
    """The talent card's readiness for every role up the ladder is the bench's answer: an L1's
    L3 rung counts no L1 months toward L3."""
    from app.services.talent.card import talent_card

    bands = {}
    for role in TARGETS:
        strength = bench.bench_strength(everyone(demo_db), role, TEST_TODAY)
        bands.update({(c.employee_id, role): (c.score, c.band) for c in strength.candidates})
    hr = persona_user("hr")
    for person in people_in(demo_db, "L1-CSR")[:12]:
        card = talent_card(person, hr)
        rungs = {rung.role: (rung.score, rung.band) for rung in card.ladder}
        assert set(rungs) == set(TARGETS)
        for role in TARGETS:
            assert rungs[role] == bands[(person.id, role)], (person.name, role)
