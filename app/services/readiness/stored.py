"""Stored readiness: the organisation-wide pages read readiness from the database.

Evaluating 10,000 people takes over a second of CPU (BENCHMARKS.md), far too slow for every
request of the organisation view or a bench page. Each candidate's result (score, band,
blocking gates, unmet requirements, lapses) is therefore stored per role and date in
``stored_readiness``, shared by every worker process and host, and the pages count, filter,
sort and paginate it in SQL.

Staleness, exactly (the listeners are in ``staleness.py``):

- every change to a person's readiness facts raises ``employees.facts_version`` in the same
  transaction, as it commits. Session events see ORM changes (completions, ratings, checks,
  assessments, education, tuition, the person's role), and ``audit.CORE_CHANGE_HOOKS`` the
  conditional Core updates of workflows (check lifecycle, verification, tuition transitions);
- every change to the catalogue or the settings raises the ``catalogue`` counter;
- a stored row counts only while both of its versions equal the current ones.

Which tables are a person's facts and which the catalogue, each model declares itself
(``__readiness__``, collected by ``app.models.base.readiness_models``): a new table takes part
without a list to keep here.

A read first computes what is missing or stale for its population (one bulk load of just those
people), then queries. The versions are read BEFORE the facts and the catalogue they describe,
so a change that lands during a computation leaves the row marked stale, never wrong.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from app import readiness as core
from app.clock import today
from app.extensions import db
from app.models import (
    Department,
    Employee,
    JobRole,
    StoredReadiness,
)
from app.pagination import Page
from app.readiness.vocabulary import BANDS
from app.services.joins import with_placement
from app.services.readiness import bench
from app.services.readiness.catalogue import (
    CATALOGUE_CHANGED,
    CatalogueSnapshot,
    describe,
    load_catalogue,
    role_or_error,
)
from app.services.readiness.facts import collector_paused
from app.services.readiness.seats import PlannedSeats, seat_plan, seats_key, unmet_courses
from app.services.readiness.staleness import FACTS_CHANGED, WROTE, upsert

LAPSE_DAYS = 90
WRITE_CHUNK = 2000
BAND_RANK = {band: rank for rank, band in enumerate(BANDS)}  # best first
SR = StoredReadiness
People = Select | list[int]  # a SELECT of employee ids, or the ids themselves
INLINE_PEOPLE = 2000  # a population this small is read once and its ids inlined
Tally = dict[str, dict[tuple[str | None, str | None], int]]
# Scopes this process computed, per database (engine), by (population key, date, roles): reused
# while the signature is unchanged. Bounded; least recently used first out.
_SCOPES: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, tuple[tuple[int, ...], Scope]]] = (
    weakref.WeakKeyDictionary()
)
KEPT_SCOPES = 64


# ----------------------------------------------------------------------------- computing


def _valid(role_code: str, as_of: date, version: int) -> Any:
    """The stored row of (person, role, date) exists and is current (joined with Employee)."""
    return and_(
        SR.employee_id == Employee.id,
        SR.role_code == role_code,
        SR.as_of == as_of,
        SR.facts_version == Employee.facts_version,
        SR.catalogue_version == version,
    )


def _missing(
    population: People, role_code: str, snapshot: CatalogueSnapshot, as_of: date, version: int
) -> Select:
    """Candidates for the role in the population without a current stored row."""
    return (
        select(Employee.id, Employee.facts_version)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(Employee.id.in_(population), _candidate(role_code, snapshot))
        .where(~exists().where(_valid(role_code, as_of, version)))
    )


def _candidate(role_code: str, snapshot: CatalogueSnapshot) -> Any:
    """The person is a candidate for the role: their role has a path up the ladder to it."""
    return JobRole.code.in_(sorted(snapshot.candidate_codes(role_code)))


def tally(
    population: People, role_codes: list[str], as_of: date, snapshot: CatalogueSnapshot
) -> Tally:
    """role -> (department name, band) -> candidates, in ONE query; band None counts the
    candidates without a current stored result (what ``refresh`` must compute)."""
    found: Tally = {code: {} for code in role_codes}
    if not role_codes:
        return found
    stmt = union_all(
        *(
            select(literal(code), Department.name, SR.band, func.count())
            .select_from(Employee)
            .join(JobRole, JobRole.id == Employee.job_role_id)
            .outerjoin(SR, _valid(code, as_of, snapshot.version))
            .outerjoin(Department, Department.id == Employee.department_id)
            .where(Employee.id.in_(population), _candidate(code, snapshot))
            .group_by(Department.name, SR.band)
            for code in role_codes
        )
    )
    for code, department, band, n in db.session.execute(stmt):
        found[code][(department, band)] = n
    return found


class Recomputing(Exception):
    """More people in scope are stale than a request computes inline (``scope``'s ``limit``):
    the page waits for the warm-up job instead. ``done`` of ``total`` candidates are current."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"readiness is being recomputed: {done} of {total} people done")
        self.done, self.total = done, total


def stale_people(
    population: People, role_codes: list[str], as_of: date, snapshot: CatalogueSnapshot
) -> tuple[int, int]:
    """(stale, candidates): the people in the population who are candidates for any of the
    roles, and how many of them lack a current stored result for one of them. One query."""
    if not role_codes:
        return 0, 0
    codes = sorted(set().union(*(snapshot.candidate_codes(code) for code in role_codes)))
    stale = or_(
        *(
            and_(
                _candidate(code, snapshot),
                ~exists().where(_valid(code, as_of, snapshot.version)),
            )
            for code in role_codes
        )
    )
    total, missing = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((stale, 1), else_=0)), 0))
        .select_from(Employee)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(Employee.id.in_(population), JobRole.code.in_(codes))
    ).one()
    return int(missing), int(total)


def _within(
    limit: int | None, people: People, role_codes: list[str], as_of: date, snapshot: Any
) -> None:
    """Raise ``Recomputing`` when more than ``limit`` people are stale (None: no limit)."""
    if limit is not None:
        missing, total = stale_people(people, role_codes, as_of, snapshot)
        if missing > limit:
            raise Recomputing(total - missing, total)


def refresh(
    population: People, role_codes: list[str], as_of: date, snapshot: CatalogueSnapshot
) -> int:
    """Compute and store what is missing or stale for these people, roles and date.

    A fixed number of queries: one per role to find what is missing, then (only if something
    is) one bulk load of those people's facts and chunked upserts. Answers how many results
    were computed. Callers check ``tally`` first, so a current scope costs no query here.
    """
    missing: dict[str, list[int]] = {}
    versions: dict[int, int] = {}
    for code in role_codes:
        rows = db.session.execute(
            _missing(population, code, snapshot, as_of, snapshot.version)
        ).all()
        if rows:
            missing[code] = [eid for eid, _ in rows]
            versions.update(rows)
    if not missing:
        return 0
    # A few people (a change here and there): their ids. Many (a catalogue change): the same
    # query again, rather than tens of thousands of bound values.
    stale: Select | list[int] = sorted(versions)
    if len(versions) > INLINE_PEOPLE:
        stale = select(
            union(
                *(
                    _missing(population, code, snapshot, as_of, snapshot.version)
                    .with_only_columns(Employee.id)
                    .subquery()
                    .select()
                    for code in missing
                )
            )
            .subquery()
            .c[0]
        )
    computed_on = today()
    rows_out: list[dict[str, Any]] = []
    with collector_paused():
        planned = seat_plan(as_of)
        catalogue = planned.catalogue
        facts = planned.facts_by_id(planned.load_facts(stale))
        for code, ids in missing.items():
            role = snapshot.roles[code]
            names = {req: describe(req.kind, req.target, snapshot) for req in role.requirements}
            people = [facts[eid] for eid in ids if eid in facts]
            results = snapshot.evaluate_many(people, role, as_of, catalogue)
            for person, result in zip(people, results, strict=True):
                lapses = bench.lapse_items(person, result, role, snapshot, as_of, LAPSE_DAYS)
                rows_out.append(
                    {
                        "employee_id": result.employee_id,
                        "role_code": code,
                        "as_of": as_of,
                        "facts_version": versions[result.employee_id],
                        "catalogue_version": snapshot.version,
                        "score": result.score,
                        "band": result.band,
                        "ready": result.ready,
                        "gates_met": result.gates_met,
                        "projected_ready_on": result.projected_ready_on,
                        "blocking_gates": [names[r.requirement] for r in result.blocking_gates],
                        "unmet": [r.requirement.id for r in result.unmet],
                        "lapses": [[k, t, d.isoformat()] for k, t, d in lapses] or None,
                        "computed_on": computed_on,
                        "seats_key": seats_key(
                            planned,
                            result.employee_id,
                            unmet_courses((r.requirement for r in result.unmet), catalogue),
                        ),
                    }
                )
    _store(rows_out, as_of, computed_on)
    return len(rows_out)


def _store(rows: list[dict[str, Any]], as_of: date, computed_on: date) -> None:
    """Upsert in key order (concurrent writers wait for each other rather than deadlock),
    drop rows of other dates computed on an earlier day, and commit: the rows are shared.

    In a transaction that has written anything itself the rows are left in it, uncommitted:
    they describe its own state, so they are kept if it commits and gone if it rolls back.
    """
    connection = db.session.connection()
    table = SR.__table__
    stmt = upsert(connection.dialect.name, table, ["employee_id", "role_code", "as_of"])
    rows.sort(key=lambda row: (row["employee_id"], row["role_code"]))
    for start in range(0, len(rows), WRITE_CHUNK):
        connection.execute(stmt, rows[start : start + WRITE_CHUNK])
    connection.execute(
        delete(table).where(
            table.c.as_of.not_in([as_of, computed_on]), table.c.computed_on < computed_on
        )
    )
    _commit_shared()


def _commit_shared() -> None:
    """Commit stored rows at once (they are shared), unless this transaction has written
    anything itself: then they describe its own state and go with it, kept or rolled back."""
    session = db.session()
    if not (_wrote(session) or session.new or session.dirty or session.deleted):
        session.commit()


def drop_moved_seats(
    planned: PlannedSeats, population: People, role_codes: list[str], as_of: date
) -> int:
    """Drop the current rows whose seats moved under them, so that they are computed again.

    A person's course close dates read the seat plan, and the plan moves with everyone's
    bookings: a booking, a cancellation, a new session or a seat change of someone else can
    move this person's seat without touching their facts version. Each row keeps the digest of
    what it read (``seats.seats_key``); a row whose digest differs from today's plan is
    deleted. One query to read the digests, one delete per role that has moved rows.
    """
    snapshot = planned.snapshot
    codes = [code for code in role_codes if code in snapshot.roles]
    if not codes:
        return 0
    rows = db.session.execute(
        select(SR.employee_id, SR.role_code, SR.seats_key, SR.unmet).where(
            SR.as_of == as_of,
            SR.role_code.in_(codes),
            SR.catalogue_version == snapshot.version,
            SR.seats_key.is_not(None),
            SR.employee_id.in_(population),
        )
    ).all()
    requirements = {code: {r.id: r for r in snapshot.roles[code].requirements} for code in codes}
    moved: dict[str, list[int]] = defaultdict(list)
    courses_of: dict[tuple[str, tuple[int, ...]], list[str]] = {}
    for employee_id, code, kept, unmet in rows:
        gaps = (code, tuple(unmet or ()))
        courses = courses_of.get(gaps)
        if courses is None:
            needs = (requirements[code][i] for i in gaps[1] if i in requirements[code])
            courses = courses_of[gaps] = unmet_courses(needs, planned.catalogue)
        if seats_key(planned, employee_id, courses) != kept:
            moved[code].append(employee_id)
    for code, ids in moved.items():
        for start in range(0, len(ids), WRITE_CHUNK):
            db.session.execute(
                delete(SR).where(
                    SR.as_of == as_of,
                    SR.role_code == code,
                    SR.employee_id.in_(ids[start : start + WRITE_CHUNK]),
                )
            )
    if moved:
        _commit_shared()
    return sum(len(ids) for ids in moved.values())


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RoleCounts:
    role_code: str
    role_title: str
    counts_by_band: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts_by_band.values())


@dataclass(frozen=True)
class Scope:
    """A population's stored readiness on one date, computed and current."""

    population: People
    as_of: date
    role_codes: tuple[str, ...]
    snapshot: CatalogueSnapshot
    counted: Tally
    head_count: int  # everyone in scope, candidates or not
    memo: dict[str, Any] = field(default_factory=dict)  # shared by the scope's cached copies

    def _rows(self, role_code: str, *columns: Any) -> Select:
        return (
            select(*columns)
            .select_from(SR)
            .join(Employee, _valid(role_code, self.as_of, self.snapshot.version))
            .where(SR.employee_id.in_(self.population))
        )

    def people(self) -> int:
        """Everyone in scope, candidates or not."""
        return self.head_count

    def role_counts(self) -> list[RoleCounts]:
        """Candidates per band for each role (from the tally: no query)."""
        found = []
        for code in self.role_codes:
            counts = dict.fromkeys(BANDS, 0)
            for (_, band), n in self.counted[code].items():
                if band is not None:
                    counts[band] += n
            found.append(RoleCounts(code, self.snapshot.role_titles.get(code, code), counts))
        return found

    def by_department(self, role_code: str) -> list[tuple[str, dict[str, int], int]]:
        """(department, candidates per band, candidates) for one role (from the tally)."""
        table: dict[str, dict[str, int]] = {}
        for (name, band), n in self.counted[role_code].items():
            if band is not None:
                counts = table.setdefault(name or "No department", dict.fromkeys(BANDS, 0))
                counts[band] += n
        return [(name, counts, sum(counts.values())) for name, counts in sorted(table.items())]

    def results(self, role_code: str) -> dict[int, tuple[float, str, bool, date | None]]:
        """Every candidate's (score, band, ready, projected_ready_on) for the role: one query."""
        stmt = self._rows(
            role_code, SR.employee_id, SR.score, SR.band, SR.ready, SR.projected_ready_on
        )
        return {
            eid: (score, band, bool(ready), on)
            for eid, score, band, ready, on in db.session.execute(stmt)
        }

    def candidates(
        self,
        role_code: str,
        *,
        band: str | None = None,
        q: str | None = None,
        sort: str = "score",
        descending: bool = False,
        page: int = 1,
        per_page: int = 25,
        clamp: bool = True,
        total: int | None = None,
    ) -> Page:
        """One page of candidates, filtered and sorted in SQL: two queries. ``clamp`` turns a
        page past the end into the last page (the pages); the API answers it empty. ``total``:
        the number of matches when the caller knows it already (from the counts by band)."""
        role = aliased(JobRole)
        stmt = self._rows(
            role_code,
            SR.employee_id,
            Employee.name,
            role.code.label("current_role"),
            Department.name.label("department"),
            Department.code.label("department_code"),
            SR.score,
            SR.band,
            SR.ready,
            SR.projected_ready_on,
            SR.blocking_gates,
            SR.gates_met,
        )
        stmt = with_placement(stmt, role=role, department=Department)
        if band:
            stmt = stmt.where(SR.band == band)
        if q:
            stmt = stmt.where(func.lower(Employee.name).contains(q.lower(), autoescape=True))
        if total is None or q:
            total = db.session.execute(
                select(func.count()).select_from(stmt.with_only_columns(SR.employee_id).subquery())
            ).scalar_one()
        if clamp:
            page = min(max(page, 1), max(1, -(-total // per_page)))
        keys = {
            "score": SR.score,
            "name": func.lower(Employee.name),
            "band": case(BAND_RANK, value=SR.band),
            "projected": case((SR.projected_ready_on.is_(None), 1), else_=0),
            "department": func.coalesce(Department.name, ""),
            "current_role": func.coalesce(role.code, ""),
        }
        key = keys[sort]
        order: list[Any] = [key.desc() if descending else key.asc()]
        if sort == "projected":
            order.append(SR.projected_ready_on.desc() if descending else SR.projected_ready_on)
        order += [SR.score.desc(), func.lower(Employee.name), SR.employee_id]
        rows = db.session.execute(
            stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page)
        ).all()
        # Each column is labelled with its Candidate field, so a row fills the candidate by name.
        items = [
            bench.Candidate(
                **{
                    **row._asdict(),
                    "ready": bool(row.ready),
                    "blocking_gates": tuple(row.blocking_gates or ()),
                    "gates_met": bool(row.gates_met),
                }
            )
            for row in rows
        ]
        return Page(items=items, total=total, page=page, per_page=per_page)

    def lapses(self) -> tuple[bench.Lapse, ...]:
        """What lapses within 90 days and drops a ready person out of "ready", earliest first."""
        if "lapses" not in self.memo:
            self.memo["lapses"] = self._lapses()
        return self.memo["lapses"]

    def _lapses(self) -> tuple[bench.Lapse, ...]:
        if not self.role_codes:
            return ()
        manager = aliased(Employee)
        department = aliased(Department)
        columns = (SR.employee_id, SR.role_code, SR.lapses, Employee.name)
        stmt = union_all(
            *(
                with_placement(
                    self._rows(code, *columns, department.name, manager.name),
                    department=department,
                    manager=manager,
                ).where(SR.band == "ready_now", SR.lapses.is_not(None))
                for code in self.role_codes
            )
        )
        found: dict[tuple[int, str, str], tuple[date, list[str]]] = {}
        people: dict[int, bench.PersonRow] = {}
        order = {code: index for index, code in enumerate(self.role_codes)}
        rows = sorted(db.session.execute(stmt).all(), key=lambda row: (row[0], order[row[1]]))
        for eid, code, lapses, name, department_name, manager_name in rows:
            people[eid] = bench.PersonRow(
                eid, name, None, None, department_name, None, manager_name
            )
            for kind, target, expires_on in _json_list(lapses):
                _, roles = found.setdefault(
                    (eid, kind, target), (date.fromisoformat(expires_on), [])
                )
                roles.append(code)
        return bench.lapses_of(found, people, self.snapshot, self.as_of)

    def training_needs(self, role_code: str, limit: int = 10) -> bench.TrainingNeeds:
        """The most common unmet requirements of the role's candidates: one query."""
        requirements = {req.id: req for req in self.snapshot.roles[role_code].requirements}
        gap_people: dict[core.Requirement, set[int]] = defaultdict(set)
        candidates = 0
        for eid, unmet in db.session.execute(self._rows(role_code, SR.employee_id, SR.unmet)):
            candidates += 1
            for requirement_id in _json_list(unmet):
                if requirement_id in requirements:
                    gap_people[requirements[requirement_id]].add(eid)
        return bench.needs_from_gaps(
            gap_people, self.snapshot, role_code, self.as_of, candidates, limit
        )


def _json_list(value: Any) -> list[Any]:
    return list(value or ())


def scope(
    population: Select,
    role_codes: list[str],
    as_of: date,
    key: Hashable | None = None,
    limit: int | None = None,
) -> Scope:
    """The population's stored readiness for these roles on ``as_of``, brought up to date.

    The population is read once; when it is small (a manager's part of the organisation, found
    by a recursive walk down the reporting tree) its ids are inlined in the queries that follow:
    a planner cannot estimate a recursive query's size (PostgreSQL guessed 9,800 rows for 98)
    and would otherwise scan and hash every employee in each of them. A large one stays a
    subquery.

    With a ``key`` naming the population (the same key, the same people), the tally, the head
    count and the lapses are kept by this process and reused while nothing has changed
    anywhere: see ``_signature``.

    With a ``limit``, more stale people than that raise ``Recomputing`` instead of being
    computed here (a page answers "being recomputed" while the warm-up job does the work).
    """
    snapshot = load_catalogue()
    for code in role_codes:
        role_or_error(code, snapshot)
    shareable = key is not None and not _wrote(db.session())
    if shareable:
        signature = _signature(snapshot)
        kept = _SCOPES.setdefault(db.engine, OrderedDict())
        cache_key = (key, as_of, tuple(role_codes))
        found = kept.get(cache_key)
        if found is not None and found[0] == signature:
            kept.move_to_end(cache_key)
            return found[1]
    ids = list(db.session.scalars(population))
    people: People = ids if len(ids) <= INLINE_PEOPLE else population
    _within(limit, people, role_codes, as_of, snapshot)  # before the seat plan's cost
    planned = seat_plan(as_of)
    snapshot = planned.view  # training needs name the sessions with seats left
    drop_moved_seats(planned, people, role_codes, as_of)
    counted = tally(people, role_codes, as_of, snapshot)
    stale = [code for code in role_codes if any(band is None for _, band in counted[code])]
    if stale:
        _within(limit, people, stale, as_of, snapshot)  # and the rows whose seats moved
        refresh(people, stale, as_of, snapshot)
        counted = tally(people, role_codes, as_of, snapshot)
    result = Scope(people, as_of, tuple(role_codes), snapshot, counted, len(ids))
    if shareable:
        kept[cache_key] = (signature, result)
        while len(kept) > KEPT_SCOPES:
            kept.popitem(last=False)
    return result


def scope_for(
    user: Any,
    department: str | None,
    role_codes: list[str],
    as_of: date,
    limit: int | None = None,
) -> Scope:
    """The stored readiness of the people a user's readiness pages cover (hr: everyone; a
    manager: everyone below them), kept under the name of that population."""
    return scope(
        bench.population_for(user, department),
        role_codes,
        as_of,
        key=bench.population_key(user, department),
        limit=limit,
    )


def _wrote(session: Session) -> bool:
    info = session.info
    return bool(info.get(WROTE) or info.get(FACTS_CHANGED) or info.get(CATALOGUE_CHANGED))


def _signature(snapshot: CatalogueSnapshot) -> tuple[int, ...]:
    """What changes whenever any stored result or any population could: the catalogue counter,
    the sum of every person's facts_version (each change to a person's facts, role, manager,
    department or status raises theirs by one, so the sum only ever grows), and how many people
    there are and the newest id (people added in bulk). One aggregate query.

    Only read in a transaction that has changed nothing itself (its changes might roll back).
    """
    total, count, newest = db.session.execute(
        select(
            func.coalesce(func.sum(Employee.facts_version), 0),
            func.count(Employee.id),
            func.coalesce(func.max(Employee.id), 0),
        )
    ).one()
    return (snapshot.version, int(total), int(count), int(newest))
