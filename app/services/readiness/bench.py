"""Bench strength, lapses and training needs: readiness of a population, aggregated.

docs/RULES.md "Readiness of an employee for a role on date D" applied to many people at once, and
DESIGN.md "Bulk first": every function here loads a population with a FIXED number of queries
(one for the people, the catalogue snapshot, one per record table through
``readiness.load_facts``), whatever the number of employees, then evaluates in memory.
The manager's bench, the HR organisation view, the training-needs analysis and the reports
all build on these functions; none of them needs a request, so the JSON API can call them too.

Choices made where docs/RULES.md is silent (docs/DECISIONS.md "Readiness screens"):

- A candidate for a role is anyone in the population (active or on leave, never terminated)
  whose current job role has a lower level than the role. People without a job role (HR,
  finance) are not on the customer-service ladder and are not candidates.
- Target roles worth showing are the roles above the lowest level of the ladder (L2, L3).
- A lapse "would drop someone out of ready" when the person is ready now for a target role and,
  evaluated again on the day the certification (after any grace days) or check lapses, that
  requirement is unmet and the person is no longer ready.
- Training needs count unmet requirements (not expiring ones: those are lapses). A course closes
  a course or certification gap when it is that course, and a competency gap when it grants the
  required level (its prerequisites come with it); a qualification gap is closed by a
  tuition-funded programme for that qualification.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, false, select, union
from sqlalchemy.orm import aliased

from app import policy
from app import readiness as core
from app.extensions import db
from app.models import Department, Employee, JobRole
from app.policy.readiness import sees_organisation
from app.services.joins import with_placement
from app.services.readiness.catalogue import (
    CatalogueSnapshot,
    describe,
    load_catalogue,
    role_or_error,
)
from app.services.readiness.evaluation import counts_by_band
from app.services.readiness.facts import collector_paused, load_facts
from app.services.readiness.seats import seat_plan

LAPSING_KINDS = ("certification", "background_check")


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Candidate:
    """One person's readiness for a target role, as a row of the bench."""

    employee_id: int
    name: str
    current_role: str | None
    department: str | None
    score: float
    band: str
    ready: bool
    projected_ready_on: date | None
    blocking_gates: tuple[str, ...]  # human names of unmet mandatory requirements
    department_code: str | None = None
    gates_met: bool = False
    reason: str | None = None  # why this band: the critical gap's reason (None when ready)


@dataclass(frozen=True)
class BenchStrength:
    """How many candidates are ready now, in 1 year, in 2 years or not ready for one role."""

    role_code: str
    role_title: str
    as_of: date
    counts_by_band: dict[str, int]
    candidates: tuple[Candidate, ...]
    total: int


@dataclass(frozen=True)
class GapSummary:
    """An unmet requirement shared by candidates, and what closes it for how many of them."""

    kind: str
    target: str | None
    name: str
    mandatory: bool
    people: int
    closing_courses: tuple[tuple[str, str, int], ...]  # (course code, title, people it closes)


@dataclass(frozen=True)
class Lapse:
    """A certification or check lapsing soon that would drop a ready person out of "ready"."""

    employee_id: int
    name: str
    department: str | None
    manager_name: str | None
    item_kind: str  # "certification" | "background_check"
    item_code: str
    item_name: str
    expires_on: date
    days_left: int
    drops_ready_for: tuple[str, ...]  # role codes the person is ready for now and would drop


@dataclass(frozen=True)
class CourseImpact:
    """A course (or tuition-funded programme) and the candidates whose gaps it would close."""

    code: str
    title: str
    kind: str  # "course" | "programme"
    people: int
    gaps: tuple[str, ...]  # human names of the gaps it closes
    cost: Decimal | None  # per person; None for a programme (the tuition is not known yet)
    next_session_on: date | None
    prerequisites: tuple[str, ...] = ()
    employee_ids: tuple[int, ...] = ()  # the candidates it helps (for booking them at once)

    @property
    def total_cost(self) -> Decimal | None:
        return None if self.cost is None else self.cost * self.people


@dataclass(frozen=True)
class TrainingNeeds:
    """The training-needs analysis of one target role."""

    role_code: str
    role_title: str
    as_of: date
    candidates: int
    gaps: tuple[GapSummary, ...]
    courses: tuple[CourseImpact, ...]


@dataclass(frozen=True)
class BenchOverview:
    """Everything the bench page shows, from ONE load of the population."""

    as_of: date
    people: int  # everyone in scope, candidates or not
    roles: tuple[BenchStrength, ...]
    lapses: tuple[Lapse, ...]


# ----------------------------------------------------------------------------- population


def population_for(user: Any, department: str | None = None) -> Select:
    """A select of employee ids: a manager's subtree, or the whole organisation for hr.

    Only active and on-leave people (never terminated); ``department`` filters by department
    code. A user who is neither hr nor a manager gets an empty population.
    """
    stmt = select(Employee.id).where(Employee.status != "terminated")
    if user is None:
        return stmt.where(false())
    if not sees_organisation(user):
        stmt = stmt.where(Employee.id.in_(policy.subtree_query(user.employee_id)))
    if department:
        stmt = stmt.where(
            Employee.department_id.in_(select(Department.id).where(Department.code == department))
        )
    return stmt


def visible_population(user: Any, department: str | None = None) -> Select:
    """The people whose readiness the caller may see in a list (the API): the bench's
    population (hr: everyone; a manager: everyone below them), plus the caller themselves."""
    population = population_for(user, department)
    if sees_organisation(user):
        return population
    own = select(Employee.id).where(
        Employee.id == user.employee_id, Employee.status != "terminated"
    )
    if department:
        own = own.where(
            Employee.department_id.in_(select(Department.id).where(Department.code == department))
        )
    return select(union(population, own).subquery().c[0])


def departments() -> list[tuple[str, str]]:
    """(code, name) of every department, by name: the pages' department filter."""
    rows = db.session.execute(select(Department.code, Department.name).order_by(Department.name))
    return [(code, name) for code, name in rows]


def population_key(user: Any, department: str | None = None) -> Hashable:
    """A name for ``population_for(user, department)``: the same key, the same people (while
    nobody's record changes, which stored readiness checks)."""
    if user is None:
        return None
    if sees_organisation(user):
        return ("organisation", department)
    return ("below", user.employee_id, department)


def candidate_roles(snapshot: CatalogueSnapshot) -> list[str]:
    """Target roles worth showing: every role above the lowest level (L2 and L3)."""
    levels = snapshot.role_levels
    if not levels:
        return []
    lowest = min(levels.values())
    return sorted((c for c, lvl in levels.items() if lvl > lowest), key=lambda c: (levels[c], c))


@dataclass
class PersonRow:
    """Who a candidate is, for the bench's rows and lapses."""

    id: int
    name: str
    role: str | None
    level: int | None
    department: str | None
    department_code: str | None
    manager_name: str | None


@dataclass
class _Loaded:
    """A population loaded once: people, their facts, and the catalogue snapshot."""

    snapshot: CatalogueSnapshot
    people: dict[int, PersonRow]
    facts: dict[int, core.EmployeeFacts]
    results: dict[tuple[str, date], dict[int, core.ReadinessResult]] = field(default_factory=dict)

    def candidates_for(self, role_code: str) -> list[int]:
        """docs/RULES.md "Who is a candidate": a path up the ladder to the role."""
        codes = self.snapshot.candidate_codes(role_code)
        return [p.id for p in self.people.values() if p.role in codes and p.id in self.facts]

    def evaluate(self, role_code: str, as_of: date) -> dict[int, core.ReadinessResult]:
        key = (role_code, as_of)
        if key not in self.results:
            role = role_or_error(role_code, self.snapshot)
            self.results[key] = {
                eid: self.snapshot.evaluate(self.facts[eid], role, as_of)
                for eid in self.candidates_for(role_code)
            }
        return self.results[key]


def _load(population: Select, role_codes: Iterable[str], as_of: date) -> _Loaded:
    """People and facts of the population's candidates for ``role_codes``: fixed queries.

    Facts are those known on ``as_of`` (the bench is "as of" that date, lapse projections
    included), which also lets the bulk loader share equal facts between people.
    """
    planned = seat_plan(as_of)
    snapshot = planned.view
    codes = list(role_codes)
    for code in codes:
        role_or_error(code, snapshot)
    manager = aliased(Employee)
    columns = select(
        Employee.id,
        Employee.name,
        JobRole.code,
        JobRole.level,
        Department.name,
        Department.code,
        manager.name,
    )
    placed = with_placement(columns, role=JobRole, department=Department, manager=manager)
    rows = db.session.execute(placed.where(Employee.id.in_(population))).all()
    people = {
        row[0]: PersonRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6]) for row in rows
    }
    feeders = sorted(set().union(*(snapshot.candidate_codes(c) for c in codes)))
    if not feeders:
        return _Loaded(snapshot, people, {})
    candidates = (
        select(Employee.id)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(Employee.id.in_(population), JobRole.code.in_(feeders))
    )
    return _Loaded(snapshot, people, planned.facts_by_id(load_facts(candidates, as_of=as_of)))


# ----------------------------------------------------------------------------- bench


def _bench(loaded: _Loaded, role_code: str, as_of: date) -> BenchStrength:
    results = loaded.evaluate(role_code, as_of)
    snapshot = loaded.snapshot
    names = {
        req: describe(req.kind, req.target, snapshot)
        for req in snapshot.roles[role_code].requirements
    }
    candidates = []
    for eid, result in results.items():
        person = loaded.people[eid]
        candidates.append(
            Candidate(
                employee_id=eid,
                name=person.name,
                current_role=person.role,
                department=person.department,
                score=result.score,
                band=result.band,
                ready=result.ready,
                projected_ready_on=result.projected_ready_on,
                blocking_gates=tuple(names[r.requirement] for r in result.blocking_gates),
                department_code=person.department_code,
                gates_met=result.gates_met,
                reason=result.critical.reason if result.critical else None,
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.name, c.employee_id))
    return BenchStrength(
        role_code=role_code,
        role_title=snapshot.role_titles.get(role_code, role_code),
        as_of=as_of,
        counts_by_band=counts_by_band(results.values()),
        candidates=tuple(candidates),
        total=len(candidates),
    )


def bench_strength(population: Select, role_code: str, as_of: date) -> BenchStrength:
    """Counts by band and the candidates (a path up the ladder to the role), best score first."""
    with collector_paused():
        return _bench(_load(population, [role_code], as_of), role_code, as_of)


def bench_overview(
    population: Select, as_of: date, days: int = 90, roles: Iterable[str] | None = None
) -> BenchOverview:
    """The bench of every target role and the lapses, from one load of the population."""
    snapshot = load_catalogue()
    codes = list(roles) if roles is not None else candidate_roles(snapshot)
    with collector_paused():
        loaded = _load(population, codes, as_of)
        return BenchOverview(
            as_of=as_of,
            people=len(loaded.people),
            roles=tuple(_bench(loaded, code, as_of) for code in codes),
            lapses=_lapses(loaded, codes, as_of, days),
        )


# ----------------------------------------------------------------------------- lapses


def _lapse_date(result: core.RequirementResult, config: core.ReadinessConfig) -> date | None:
    if result.expires_on is None:
        return None
    if result.requirement.kind == "certification":
        return result.expires_on + timedelta(days=config.certification_grace_days)
    return result.expires_on


def lapse_items(
    facts: core.EmployeeFacts,
    result: core.ReadinessResult,
    role: core.Role,
    snapshot: CatalogueSnapshot,
    as_of: date,
    days: int = 90,
) -> list[tuple[str, str, date]]:
    """(kind, target, expires_on) of each certification or check lapsing within ``days`` that
    would drop a person who is ready now out of "ready" (evaluated again on the lapse day)."""
    if not result.ready:
        return []
    config = snapshot.config
    horizon = as_of + timedelta(days=days)
    items = []
    for req in result.requirements:
        kind, target = req.requirement.kind, req.requirement.target
        if kind not in LAPSING_KINDS or target is None or req.expires_on is None:
            continue
        if not as_of < req.expires_on <= horizon:
            continue
        lapse_on = _lapse_date(req, config) or req.expires_on
        later = snapshot.evaluate(facts, role, lapse_on)
        lapsed = next((r for r in later.requirements if r.requirement == req.requirement), None)
        if later.ready or lapsed is None or lapsed.met:
            continue
        items.append((kind, target, req.expires_on))
    return items


def _lapses(loaded: _Loaded, role_codes: list[str], as_of: date, days: int) -> tuple[Lapse, ...]:
    snapshot = loaded.snapshot
    found: dict[tuple[int, str, str], tuple[date, list[str]]] = {}
    for code in role_codes:
        role = snapshot.roles[code]
        for eid, result in loaded.evaluate(code, as_of).items():
            for kind, target, expires_on in lapse_items(
                loaded.facts[eid], result, role, snapshot, as_of, days
            ):
                _, roles = found.setdefault((eid, kind, target), (expires_on, []))
                roles.append(code)
    return lapses_of(found, {eid: loaded.people[eid] for eid, _, _ in found}, snapshot, as_of)


def lapses_of(
    found: dict[tuple[int, str, str], tuple[date, list[str]]],
    people: dict[int, PersonRow],
    snapshot: CatalogueSnapshot,
    as_of: date,
) -> tuple[Lapse, ...]:
    """Lapse rows, earliest first, from (person, kind, target) -> (expires_on, role codes)."""
    lapses = []
    for (eid, kind, target), (expires, roles) in found.items():
        person = people[eid]
        lapses.append(
            Lapse(
                employee_id=eid,
                name=person.name,
                department=person.department,
                manager_name=person.manager_name,
                item_kind=kind,
                item_code=target,
                item_name=describe(kind, target, snapshot),
                expires_on=expires,
                days_left=(expires - as_of).days,
                drops_ready_for=tuple(roles),
            )
        )
    lapses.sort(key=lambda lapse: (lapse.expires_on, lapse.name, lapse.item_code))
    return tuple(lapses)


def lapsing_soon(population: Select, as_of: date, days: int = 90) -> tuple[Lapse, ...]:
    """Certifications and checks lapsing within ``days`` that would drop someone out of ready."""
    snapshot = load_catalogue()
    codes = candidate_roles(snapshot)
    with collector_paused():
        return _lapses(_load(population, codes, as_of), codes, as_of, days)


# ----------------------------------------------------------------------------- training needs


def _closers(req: core.Requirement, snapshot: CatalogueSnapshot) -> list[tuple[str, str, str]]:
    """(kind, code, title) of the courses or programmes that close an unmet requirement."""
    catalogue = snapshot.catalogue
    target = req.target or ""
    if req.kind in ("course", "certification"):
        course = catalogue.courses.get(target)
        return [("course", target, course.title if course else target)]
    if req.kind == "competency":
        return [
            ("course", code, catalogue.courses[code].title)
            for code in catalogue.courses_granting(target, req.min_level or 0)
        ]
    if req.kind == "education":
        return [("programme", target, describe("education", target, snapshot))]
    return []


def training_needs_report(
    population: Select, role_code: str, as_of: date, limit: int = 10
) -> TrainingNeeds:
    """The most common unmet requirements among the candidates, and what closes the most."""
    with collector_paused():
        loaded = _load(population, [role_code], as_of)
        results = loaded.evaluate(role_code, as_of)
    gap_people: dict[core.Requirement, set[int]] = defaultdict(set)
    for eid, result in results.items():
        for r in result.unmet:
            gap_people[r.requirement].add(eid)
    return needs_from_gaps(gap_people, loaded.snapshot, role_code, as_of, len(results), limit)


def needs_from_gaps(
    gap_people: dict[core.Requirement, set[int]],
    snapshot: CatalogueSnapshot,
    role_code: str,
    as_of: date,
    candidates: int,
    limit: int = 10,
) -> TrainingNeeds:
    """Rank the unmet requirements (who lacks each) and the courses that close the most."""
    gaps = []
    course_people: dict[tuple[str, str], set[int]] = defaultdict(set)
    course_gaps: dict[tuple[str, str], list[str]] = defaultdict(list)
    titles: dict[tuple[str, str], str] = {}
    for req, people in gap_people.items():
        name = describe(req.kind, req.target, snapshot)
        closers = _closers(req, snapshot)
        for kind, code, title in closers:
            course_people[(kind, code)] |= people
            course_gaps[(kind, code)].append(name)
            titles[(kind, code)] = title
        gaps.append(
            GapSummary(
                kind=req.kind,
                target=req.target,
                name=name,
                mandatory=req.mandatory,
                people=len(people),
                closing_courses=tuple((code, title, len(people)) for _, code, title in closers),
            )
        )
    gaps.sort(key=lambda g: (-g.people, not g.mandatory, g.name))
    catalogue = snapshot.catalogue
    courses = []
    for (kind, code), people in course_people.items():
        course = catalogue.courses.get(code) if kind == "course" else None
        session = catalogue.next_session(code, as_of) if course else None
        courses.append(
            CourseImpact(
                code=code,
                title=titles[(kind, code)],
                kind=kind,
                people=len(people),
                gaps=tuple(sorted(course_gaps[(kind, code)])),
                cost=course.cost if course else None,
                next_session_on=session.starts_on if session else None,
                prerequisites=tuple(
                    catalogue.courses[p].title if p in catalogue.courses else p
                    for p in (course.prerequisites if course else ())
                ),
                employee_ids=tuple(sorted(people)),
            )
        )
    courses.sort(key=lambda c: (-c.people, c.cost if c.cost is not None else Decimal(0), c.code))
    return TrainingNeeds(
        role_code=role_code,
        role_title=snapshot.role_titles.get(role_code, role_code),
        as_of=as_of,
        candidates=candidates,
        gaps=tuple(gaps[:limit]),
        courses=tuple(courses[:limit]),
    )


def training_needs(
    population: Select, role_code: str, as_of: date, limit: int = 10
) -> tuple[GapSummary, ...]:
    """The ``limit`` most common unmet requirements among the candidates for ``role_code``."""
    return training_needs_report(population, role_code, as_of, limit).gaps
