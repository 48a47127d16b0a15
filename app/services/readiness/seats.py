"""The seat plan of a date, loaded in bulk from the database (docs/RULES.md "The seat plan").

A few queries whatever the size of the organisation: the people (id, facts version, number,
role), the scheduled sessions, their standing bookings; then the facts of the people whose
facts changed since this process last planned (their next-role score and needs are kept per
facts version), and the pure ``core.seatplan.plan_seats``. The plan of a date is kept while
nothing anywhere has changed (the catalogue counter and every person's facts version: a
booking, a cancellation, a new session or a seat change each raise one of them).

Readiness, benches, plans and paths evaluate with ``PlannedSeats.facts_for``: the person's
facts with their seats, against ``PlannedSeats.catalogue``, whose sessions show the seats left
after the plan (a course the plan gives someone no seat in takes the first of those).
"""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, cast

from sqlalchemy import Select, func, select

from app import models
from app import readiness as core
from app.extensions import db
from app.readiness.seatplan import Needer, SeatPlan, SessionSeats, plan_seats
from app.services.readiness.catalogue import CatalogueSnapshot, load_catalogue, next_role_code
from app.services.readiness.facts import Employees, collector_paused, load_facts

NEED_KINDS = ("course", "certification")
KEPT_PLANS = 8
LOAD_CHUNK = 5000
MEMO_LIMIT = 200_000  # entries of PlannedSeats.memo before it starts over


@dataclass(frozen=True)
class PlannedSeats:
    """The seat plan of one date with the catalogue it projects against."""

    plan: SeatPlan
    catalogue: core.Catalogue
    snapshot: CatalogueSnapshot
    signature: tuple[int, ...]
    names: dict[int, tuple[str, str]]  # employee id -> (employee_no, name), the needers and booked
    #: The facts on D (without seats) of everyone the plan considered: every person not
    #: terminated with a role, as ``load_facts(..., as_of=D)`` gives them while this plan holds.
    facts: dict[int, core.EmployeeFacts] = field(default_factory=dict, compare=False, repr=False)
    # Derived from this plan only (seats_key's chains, session lists and digests); bounded.
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def view(self) -> CatalogueSnapshot:
        """The catalogue snapshot with the plan's catalogue (seats left after the plan)."""
        return replace(self.snapshot, catalogue=self.catalogue)

    def facts_by_id(self, facts: dict[int, core.EmployeeFacts]) -> dict[int, core.EmployeeFacts]:
        return {eid: self.facts_for(f) for eid, f in facts.items()}

    def facts_for(self, facts: core.EmployeeFacts) -> core.EmployeeFacts:
        """The person's facts with their seats in the plan."""
        return replace(facts, seats=self.plan.seats_of(facts.employee_id))

    def all_facts(self, facts: Iterable[core.EmployeeFacts]) -> list[core.EmployeeFacts]:
        return [self.facts_for(f) for f in facts]

    def load_facts(self, employees: Employees) -> dict[int, core.EmployeeFacts]:
        """``load_facts(employees, as_of=D)``, in employee id order, taking the facts the plan
        holds: only the people it does not hold (no role, terminated) are loaded, with the
        same fixed queries whatever their number."""
        ids = (
            list(db.session.scalars(employees))
            if isinstance(employees, Select)
            else list(employees)
        )
        held = self.facts
        others = [eid for eid in ids if eid not in held]
        missing = load_facts(others[:LOAD_CHUNK], as_of=self.plan.as_of)
        for start in range(LOAD_CHUNK, len(others), LOAD_CHUNK):
            missing.update(load_facts(others[start : start + LOAD_CHUNK], as_of=self.plan.as_of))
        return {
            eid: held[eid] if eid in held else missing[eid]
            for eid in sorted(set(ids))
            if eid in held or eid in missing
        }


# Per database: the needer and the facts of each person per (date, catalogue version), by
# facts version; and the plans, by (date, signature). Bounded.
_NEEDERS: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, dict[int, Any]]] = (
    weakref.WeakKeyDictionary()
)
_PLANS: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, PlannedSeats]] = (
    weakref.WeakKeyDictionary()
)


def signature(snapshot: CatalogueSnapshot) -> tuple[int, ...]:
    """What changes whenever the plan could: the catalogue counter (sessions and seats), the
    sum of every person's facts version (bookings, scores), the head count and newest id."""
    total, count, newest = db.session.execute(
        select(
            func.coalesce(func.sum(models.Employee.facts_version), 0),
            func.count(models.Employee.id),
            func.coalesce(func.max(models.Employee.id), 0),
        )
    ).one()
    return (snapshot.version, int(total), int(count), int(newest))


def seat_plan(as_of: date) -> PlannedSeats:
    """The seat plan for ``as_of`` (docs/RULES.md "The seat plan"), kept while unchanged."""
    snapshot = load_catalogue()
    sig = signature(snapshot)
    kept = _PLANS.setdefault(db.engine, OrderedDict())
    found = kept.get(as_of)
    if found is not None and found.signature == sig and found.snapshot is snapshot:
        return found
    with collector_paused():
        planned = _build(as_of, snapshot, sig)
    if not db.session.info.get("echelon_facts_changed") and not db.session.info.get(
        "echelon_wrote"
    ):
        kept[as_of] = planned
        kept.move_to_end(as_of)
        while len(kept) > KEPT_PLANS:
            kept.popitem(last=False)
    return planned


def _sessions(as_of: date, snapshot: CatalogueSnapshot) -> list[SessionSeats]:
    """Scheduled sessions ending on or after D with their enrolled and waitlist: 2 queries."""
    s = models.CourseSession
    rows = db.session.execute(
        select(s.id, models.Course.code, s.starts_on, s.ends_on, s.seats)
        .join(models.Course, models.Course.id == s.course_id)
        .where(s.cancelled.is_(False), s.ends_on >= as_of)
    ).all()
    e = models.Enrolment
    enrolled: dict[int, list[int]] = {}
    waitlist: dict[int, list[int]] = {}
    for session_id, employee_id, status in db.session.execute(
        select(e.session_id, e.employee_id, e.status)
        .join(s, s.id == e.session_id)
        .where(s.cancelled.is_(False), s.ends_on >= as_of)
        .where(e.status.in_(("enrolled", "waitlisted")))
        .order_by(e.id)
    ):
        (enrolled if status == "enrolled" else waitlist).setdefault(session_id, []).append(
            employee_id
        )
    return [
        SessionSeats(
            sid,
            code,
            starts,
            ends,
            seats,
            tuple(enrolled.get(sid, ())),
            tuple(waitlist.get(sid, ())),
        )
        for sid, code, starts, ends, seats in rows
    ]


def _needer(
    facts: core.EmployeeFacts, number: str, snapshot: CatalogueSnapshot, as_of: date
) -> Needer | None:
    """What the plan needs of one person: their next-role score and the courses they need."""
    code = next_role_code(facts.role, snapshot) if facts.role else None
    role = snapshot.roles.get(code) if code else None
    if role is None:
        return None
    result = core.evaluate(facts, role, snapshot.catalogue, as_of, snapshot.config)
    needs = tuple(
        sorted(
            {
                r.requirement.target or ""
                for r in result.unmet
                if r.requirement.kind in NEED_KINDS and r.requirement.target
            }
        )
    )
    if not needs:
        return None
    done = frozenset(c.course for c in facts.completions if c.completed_on <= as_of)
    return Needer(facts.employee_id, number, result.score, facts.role_since, needs, done)


def _build(as_of: date, snapshot: CatalogueSnapshot, sig: tuple[int, ...]) -> PlannedSeats:
    e = models.Employee
    people = db.session.execute(
        select(e.id, e.facts_version, e.employee_no, e.name)
        .where(e.status != "terminated", e.job_role_id.is_not(None))
        .order_by(e.id)
    ).all()
    store = _NEEDERS.setdefault(db.engine, OrderedDict())
    key = (as_of, snapshot.version, id(snapshot))
    cached = store.get(key)
    if cached is None:
        cached = store[key] = {}
        while len(store) > KEPT_PLANS:
            store.popitem(last=False)
    changed = [eid for eid, version, *_ in people if cached.get(eid, (None,))[0] != version]
    versions = {eid: version for eid, version, *_ in people}
    numbers = {eid: number for eid, _, number, _ in people}
    for start in range(0, len(changed), LOAD_CHUNK):
        chunk = changed[start : start + LOAD_CHUNK]
        for eid, facts in load_facts(chunk, as_of=as_of).items():
            cached[eid] = (versions[eid], _needer(facts, numbers[eid], snapshot, as_of), facts)
    held = {eid: cached[eid] for eid in versions if eid in cached}
    needers = [n for _, n, _ in held.values() if n is not None]
    sessions = _sessions(as_of, snapshot)
    plan = plan_seats(
        as_of,
        sessions,
        needers,
        snapshot.catalogue.courses,
        lead_days=snapshot.config.unscheduled_lead_days,
        fallback_days=snapshot.config.unknown_course_duration_days,
    )
    catalogue = _catalogue_after(plan, snapshot)
    names = {eid: (number, name) for eid, _, number, name in people}
    facts_of = {eid: facts for eid, (_, _, facts) in held.items()}
    return PlannedSeats(plan, catalogue, snapshot, sig, names, facts=facts_of)


def _catalogue_after(plan: SeatPlan, snapshot: CatalogueSnapshot) -> core.Catalogue:
    """The catalogue with each session's seats left after the plan (sessions under way or not
    in the plan keep what the catalogue says)."""
    base = snapshot.catalogue
    sessions = []
    for session in base.sessions:
        planned = plan.session(session.id) if session.id is not None else None
        if planned is not None and session.starts_on >= plan.as_of:
            session = replace(session, seats_left=planned.free)
        sessions.append(session)
    return core.Catalogue(
        courses=dict(base.courses),
        sessions=tuple(sessions),
        check_types=dict(base.check_types),
        instruments=dict(base.instruments),
    )


def seats_key(planned: PlannedSeats, employee_id: int, courses: Iterable[str]) -> int | None:
    """A digest of what the close dates of ``courses`` read from the plan for one person: their
    seats along each course's prerequisite chain, and which sessions of those courses still
    have seats after the plan (where someone without a seat would go). Equal digests, equal
    course projections; None when no course is involved.

    Stored readiness keeps it with each row: another person's booking or cancellation, a new
    session or a seat change moves seats without touching this person's facts version, and a
    row whose digest no longer matches the plan is recomputed (stored.drop_moved_seats)."""
    memo = planned.memo
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    wanted = tuple(courses)
    chains = memo.get(("chains", wanted))
    if chains is None:
        closure = planned.catalogue.prerequisite_closure
        chains = memo[("chains", wanted)] = tuple(
            sorted({code for course in wanted for code in closure(course) | {course}})
        )
    if not chains:
        return None
    seats = {seat.course: seat.situation for seat in planned.plan.seats_of(employee_id)}
    situations = tuple(seats.get(code, ()) for code in chains)
    key = ("digest", chains, situations)
    digest = memo.get(key)
    if digest is None:
        parts = tuple(
            (code, situation, _open_sessions(planned, code))
            for code, situation in zip(chains, situations, strict=True)
        )
        digest = memo[key] = _digest(repr(parts))
    return cast(int, digest)


def _open_sessions(planned: PlannedSeats, code: str) -> tuple[tuple[int | None, int], ...]:
    """The sessions of ``code`` from D on that still have seats after the plan (memoized)."""
    key = ("open", code)
    found = planned.memo.get(key)
    if found is None:
        as_of = planned.plan.as_of
        found = planned.memo[key] = tuple(
            (s.id, s.starts_on.toordinal())
            for s in planned.catalogue.sessions_of(code)
            if s.has_seats and s.starts_on >= as_of
        )
    return cast(tuple[tuple[int | None, int], ...], found)


def _digest(text: str) -> int:
    """A signed 64-bit digest (fits a BIGINT on SQLite and PostgreSQL), stable across runs."""
    raw = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(raw, "big", signed=True)


def unmet_courses(requirements: Iterable[Any], catalogue: core.Catalogue) -> list[str]:
    """The courses whose plans decide the close dates of unmet requirements: course and
    certification targets, and the courses granting an unmet competency."""
    found: list[str] = []
    for r in requirements:
        if r.kind in NEED_KINDS and r.target:
            found.append(r.target)
        elif r.kind == "competency" and r.target:
            found.extend(catalogue.courses_granting(r.target, r.min_level or 0))
    return found
