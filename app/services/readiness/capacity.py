"""The seat plan as HR reads it: one session's seats, and each course's capacity.

docs/RULES.md "The seat plan": HR can see it per session (who is booked, who is planned, who
does not fit). The plan itself is the readiness core's (``app.readiness.seatplan.plan_seats``),
given the sessions and everyone who needs a course for their next role; this module names the
people in it (one query for everyone shown) and counts each course's demand and seats through
the pure ``app.readiness.capacity``. The session page, the capacity page and the API call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.kernel.errors import Invalid
from app.kernel.fields import FieldErrors
from app.models import CourseSession, Employee, JobRole
from app.readiness import capacity as arithmetic
from app.readiness.seatplan import SeatPlan
from app.services.joins import with_placement
from app.services.readiness import seats
from app.services.readiness.catalogue import load_catalogue
from app.services.readiness.plan import read_date


class CapacityInputError(Invalid):
    """A capacity or seat-plan field that cannot be read (the message names the field)."""


@dataclass(frozen=True)
class Person:
    """Someone named in a seat plan."""

    employee_id: int
    name: str
    employee_no: str
    role: str | None


@dataclass(frozen=True)
class Elsewhere:
    """Someone who does not fit a session, and where the plan puts them instead."""

    person: Person
    session_id: int | None  # the session they are booked or planned on instead; None: none
    starts_on: date | None
    closes_on: date | None  # when the course closes for them under the plan (None: no seat)
    waitlisted: bool  # on this session's waitlist, beyond its seats


@dataclass(frozen=True)
class SessionSeatPlan:
    """One session under the seat plan of ``as_of``."""

    session_id: int
    course: str
    as_of: date
    seats: int
    shared: bool  # False: the session has started, ended or is cancelled (nothing to share)
    booked: tuple[Person, ...] = ()
    waitlisted: tuple[Person, ...] = ()  # on the waitlist and given a seat by the plan
    planned: tuple[Person, ...] = ()
    not_fitting: tuple[Elsewhere, ...] = ()

    @property
    def free(self) -> int:
        return max(self.seats - len(self.booked) - len(self.waitlisted) - len(self.planned), 0)


@dataclass(frozen=True)
class SessionRow:
    """A session of the capacity view's window with its seats under the plan."""

    session_id: int
    starts_on: date
    ends_on: date
    seats: int
    booked: int
    planned: int
    not_fitting: int


@dataclass(frozen=True)
class CapacityRow:
    figures: arithmetic.CourseCapacity
    title: str


@dataclass(frozen=True)
class CapacityView:
    as_of: date
    horizon_months: int
    course: str | None
    rows: tuple[CapacityRow, ...]
    sessions: tuple[SessionRow, ...]  # the chosen course's sessions in the window
    courses: tuple[tuple[str, str], ...]  # (code, title) of every course to pick from


@dataclass(frozen=True)
class CapacityRequest:
    as_of: date
    horizon_months: int
    course: str | None


def parse_capacity(args: Mapping[str, Any], today: date) -> tuple[CapacityRequest, FieldErrors]:
    """as_of, horizon (whole months, 1 to 24) and course; a bad field falls back to its default
    and leaves its message (the page still answers and says what to fix)."""
    errors = FieldErrors()
    as_of, message = read_date(str(args.get("as_of") or "").strip()[:40], "As of")
    if message:
        errors.add("as_of", message)
    horizon = errors.integer(
        "horizon",
        str(args.get("horizon") or "").strip()[:40] or None,
        "horizon",
        minimum=arithmetic.MIN_HORIZON_MONTHS,
        maximum=arithmetic.MAX_HORIZON_MONTHS,
        required=False,
        message=(
            f"Horizon: enter a whole number of months from {arithmetic.MIN_HORIZON_MONTHS} "
            f"to {arithmetic.MAX_HORIZON_MONTHS}."
        ),
    )
    course = str(args.get("course") or "").strip().upper()[:40] or None
    if course is not None and course not in load_catalogue().catalogue.courses:
        errors.add("course", "Course: pick a course from the list.")
        course = None
    request = CapacityRequest(
        as_of=as_of or today,
        horizon_months=horizon or arithmetic.DEFAULT_HORIZON_MONTHS,
        course=course,
    )
    return request, errors


def parse_as_of(raw: Any, today: date) -> date:
    """The ``as_of`` of a seat plan: a date as YYYY-MM-DD, blank for today; else refused."""
    value, message = read_date(str(raw or "").strip()[:40], "As of")
    if message:
        raise CapacityInputError(message, {"as_of": [message]})
    return value or today


def _people(ids: Iterable[int]) -> dict[int, Person]:
    """Everyone named, in ONE query."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = with_placement(
        select(Employee.id, Employee.name, Employee.employee_no, JobRole.code), role=JobRole
    ).where(Employee.id.in_(wanted))
    return {eid: Person(eid, name, no, role) for eid, name, no, role in db.session.execute(stmt)}


def _plan(as_of: date) -> SeatPlan:
    """The seat plan of D, as the readiness core plans it (kept while nothing changes)."""
    return seats.seat_plan(as_of).plan


def session_seat_plan(session: CourseSession, as_of: date) -> SessionSeatPlan:
    """Who is booked on ``session``, waitlisted into a seat, planned, and who does not fit."""
    code = session.course.code
    plan = _plan(as_of)
    found = plan.session(session.id)
    if found is None:
        return SessionSeatPlan(session.id, code, as_of, session.seats, shared=False)
    ids = [*found.booked, *found.waitlisted, *found.planned, *found.not_fitting]
    people = _people(ids)
    waiting = set(found.session.waitlist)
    elsewhere = []
    for eid in found.not_fitting:
        seat = plan.seat_for(eid, code)
        if eid not in people:
            continue
        elsewhere.append(
            Elsewhere(
                person=people[eid],
                session_id=seat.session_id if seat else None,
                starts_on=seat.starts_on if seat and seat.session_id else None,
                closes_on=seat.close_on if seat else None,
                waitlisted=eid in waiting,
            )
        )
    return SessionSeatPlan(
        session_id=session.id,
        course=code,
        as_of=as_of,
        seats=found.session.seats,
        shared=True,
        booked=tuple(people[e] for e in found.booked if e in people),
        waitlisted=tuple(people[e] for e in found.waitlisted if e in people),
        planned=tuple(people[e] for e in found.planned if e in people),
        not_fitting=tuple(elsewhere),
    )


def capacity(request: CapacityRequest) -> CapacityView:
    """Every course someone needs (or the chosen one): demand, seats of the next 6 months, and
    the sessions missing for everyone to be done by the horizon."""
    snapshot = load_catalogue()
    courses = snapshot.catalogue.courses
    plan = _plan(request.as_of)
    codes = [request.course] if request.course else list(arithmetic.courses_needed(plan))
    rows = tuple(
        CapacityRow(
            arithmetic.course_capacity(plan, code, request.horizon_months),
            courses[code].title if code in courses else code,
        )
        for code in codes
    )
    sessions: tuple[SessionRow, ...] = ()
    if request.course and rows:
        window_end = rows[0].figures.window_end
        sessions = tuple(
            SessionRow(
                p.session.id,
                p.session.starts_on,
                p.session.ends_on,
                p.session.seats,
                len(p.booked) + len(p.waitlisted),
                len(p.planned),
                len(p.not_fitting),
            )
            for p in plan.sessions_of(request.course)
            if p.session.starts_on <= window_end
        )
    return CapacityView(
        as_of=request.as_of,
        horizon_months=request.horizon_months,
        course=request.course,
        rows=rows,
        sessions=sessions,
        courses=tuple(sorted((code, c.title) for code, c in courses.items())),
    )


def person_to_dict(person: Person) -> dict[str, Any]:
    return {
        "employee_id": person.employee_id,
        "employee_no": person.employee_no,
        "name": person.name,
        "role": person.role,
    }


def seat_plan_to_dict(plan: SessionSeatPlan) -> dict[str, Any]:
    """docs/API.md ``GET /sessions/{id}/seat-plan``."""
    return {
        "session_id": plan.session_id,
        "course": plan.course,
        "as_of": plan.as_of.isoformat(),
        "seats": plan.seats,
        "shared": plan.shared,
        "free": plan.free,
        "booked": [person_to_dict(p) for p in plan.booked],
        "waitlist": [person_to_dict(p) for p in plan.waitlisted],
        "planned": [person_to_dict(p) for p in plan.planned],
        "not_fitting": [
            {
                **person_to_dict(e.person),
                "waitlisted": e.waitlisted,
                "planned_session_id": e.session_id,
                "planned_starts_on": e.starts_on.isoformat() if e.starts_on else None,
                "closes_on": e.closes_on.isoformat() if e.closes_on else None,
            }
            for e in plan.not_fitting
        ],
    }
