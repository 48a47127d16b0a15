"""Reading sessions and bookings: the upcoming sessions with their seat counts, a session's
roster, a person's bookings, the bookings waiting for someone's approval, and their JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.clock import today
from app.extensions import db
from app.models import ACTIVE_STATUSES, Course, CourseSession, Employee, Enrolment, User
from app.policy import is_hr, subtree_query

ROSTER_ORDER = {"enrolled": 0, "waitlisted": 1, "requested": 2, "attended": 3, "no_show": 4}


def waitlisted_count() -> Any:
    """A correlated count of a session's waitlist (for lists of sessions)."""
    return (
        select(func.count(Enrolment.id))
        .where(Enrolment.session_id == CourseSession.id, Enrolment.status == "waitlisted")
        .correlate(CourseSession)
        .scalar_subquery()
    )


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1 for the first on the waitlist; None for a booking that is not waitlisted."""
    if enrolment.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.session_id == enrolment.session_id,
            Enrolment.status == "waitlisted",
            Enrolment.id < enrolment.id,
        )
    )
    return int(ahead or 0) + 1


@dataclass(frozen=True)
class SessionFilters:
    course: str | None = None  # a course code
    location: str | None = None  # part of the location, any case
    has_seats: bool = False
    starting_from: date | None = None  # default today
    until: date | None = None


def sessions_query(filters: SessionFilters) -> Select:
    """Scheduled sessions starting on or after the filter's date, soonest first, each with
    its waitlist length: rows of (CourseSession, waitlisted)."""
    start = filters.starting_from or today()
    stmt = (
        select(CourseSession, waitlisted_count().label("waitlisted"))
        .join(Course, Course.id == CourseSession.course_id)
        .where(CourseSession.cancelled.is_(False), CourseSession.starts_on >= start)
        .options(selectinload(CourseSession.course), selectinload(CourseSession.trainer))
        .order_by(CourseSession.starts_on, Course.code, CourseSession.id)
    )
    if filters.until is not None:
        stmt = stmt.where(CourseSession.starts_on <= filters.until)
    if filters.course:
        stmt = stmt.where(Course.code == filters.course.strip().upper())
    if filters.location:
        stmt = stmt.where(
            func.lower(CourseSession.location).contains(filters.location.strip().lower())
        )
    if filters.has_seats:
        stmt = stmt.where(CourseSession.enrolled_count < CourseSession.seats)
    return stmt


def course_sessions(
    course: Course, *, include_past: bool = False
) -> list[tuple[CourseSession, int]]:
    """Every session of a course (upcoming ones, or all), with its waitlist length."""
    stmt = (
        select(CourseSession, waitlisted_count().label("waitlisted"))
        .where(CourseSession.course_id == course.id)
        .options(selectinload(CourseSession.trainer))
        .order_by(CourseSession.starts_on, CourseSession.id)
    )
    if not include_past:
        stmt = stmt.where(CourseSession.ends_on >= today())
    return [(row[0], int(row[1] or 0)) for row in db.session.execute(stmt)]


def locations() -> list[str]:
    """The distinct locations of upcoming sessions, for the filter."""
    return sorted(
        loc
        for loc in db.session.scalars(
            select(CourseSession.location)
            .where(CourseSession.location.is_not(None), CourseSession.ends_on >= today())
            .distinct()
        )
        if loc
    )


@dataclass
class Roster:
    """A session's bookings by status: the enrolled, the waitlist in order, the requests, and
    (after the session) who attended or did not show."""

    enrolled: list[Enrolment]
    waitlisted: list[Enrolment]
    requested: list[Enrolment]
    attended: list[Enrolment]
    no_show: list[Enrolment]
    cancelled: list[Enrolment]


def roster(session: CourseSession, visible: Any | None = None) -> Roster:
    """The session's bookings; ``visible`` (a WHERE on Employee) limits whose are listed."""
    stmt = (
        select(Enrolment)
        .join(Employee, Employee.id == Enrolment.employee_id)
        .where(Enrolment.session_id == session.id)
        .options(selectinload(Enrolment.employee))
        .order_by(Enrolment.id)
    )
    if visible is not None:
        stmt = stmt.where(visible)
    groups: dict[str, list[Enrolment]] = {status: [] for status in ROSTER_ORDER}
    groups["cancelled"] = []
    for enrolment in db.session.scalars(stmt):
        groups[enrolment.status].append(enrolment)
    return Roster(**groups)


def enrolments_of(employee_id: int, *, standing_only: bool = False) -> list[Enrolment]:
    """A person's bookings, the coming sessions first, then the past ones, latest first."""
    stmt = (
        select(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.employee_id == employee_id)
        .options(selectinload(Enrolment.session).selectinload(CourseSession.course))
        .order_by(CourseSession.starts_on.desc(), Enrolment.id.desc())
    )
    if standing_only:
        stmt = stmt.where(Enrolment.status.in_(ACTIVE_STATUSES))
    rows = list(db.session.scalars(stmt))
    on = today()
    coming = sorted(
        (e for e in rows if e.session.ends_on >= on), key=lambda e: (e.session.starts_on, e.id)
    )
    past = [e for e in rows if e.session.ends_on < on]
    return coming + past


def standing_bookings(employee_ids: list[int]) -> dict[tuple[int, int], Enrolment]:
    """The standing bookings of these people by (employee id, course id): what each of them
    already holds, so a page offers "Enrol" only where it is not booked yet."""
    if not employee_ids:
        return {}
    stmt = (
        select(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(
            Enrolment.employee_id.in_(employee_ids),
            Enrolment.status.in_(ACTIVE_STATUSES),
            CourseSession.ends_on >= today(),
        )
        .options(selectinload(Enrolment.session))
        .order_by(Enrolment.id)
    )
    return {(e.employee_id, e.session.course_id): e for e in db.session.scalars(stmt)}


def approvals_query(user: User) -> Select:
    """The bookings waiting for ``user``'s approval: hr sees all, a manager those below them."""
    stmt = (
        select(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.status == "requested", CourseSession.cancelled.is_(False))
        .options(
            selectinload(Enrolment.employee),
            selectinload(Enrolment.session).selectinload(CourseSession.course),
        )
        .order_by(CourseSession.starts_on, Enrolment.id)
    )
    if not is_hr(user):
        stmt = stmt.where(
            Enrolment.employee_id.in_(subtree_query(user.employee_id)),
            Enrolment.employee_id != user.employee_id,
        )
    return stmt


def approval_count(user: User) -> int:
    stmt = approvals_query(user).with_only_columns(func.count(Enrolment.id)).order_by(None)
    return int(db.session.scalar(stmt) or 0)


def next_open_session(course_id: int, on: date | None = None) -> CourseSession | None:
    """The next scheduled session of a course that starts after ``on`` and has a free seat."""
    on = on or today()
    return db.session.scalar(
        select(CourseSession)
        .where(
            CourseSession.course_id == course_id,
            CourseSession.cancelled.is_(False),
            CourseSession.starts_on > on,
            CourseSession.enrolled_count < CourseSession.seats,
        )
        .order_by(CourseSession.starts_on, CourseSession.id)
        .limit(1)
    )


def session_summary(session: CourseSession, waitlisted: int | None = None) -> dict[str, Any]:
    """docs/API.md: a session with ``seats``, ``enrolled``, ``waitlisted`` and ``status``."""
    if waitlisted is None:
        waitlisted = int(
            db.session.scalar(
                select(func.count(Enrolment.id)).where(
                    Enrolment.session_id == session.id, Enrolment.status == "waitlisted"
                )
            )
            or 0
        )
    return {
        "id": session.id,
        "course": session.course.code,
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "location": session.location,
        "trainer_id": session.trainer_id,
        "seats": session.seats,
        "enrolled": session.enrolled_count,
        "seats_left": session.seats_left,
        "waitlisted": waitlisted,
        "status": session.status,
    }


def waitlist_positions(enrolments: list[Enrolment]) -> dict[int, int]:
    """The waitlist position of each waitlisted booking among ``enrolments``, in one query
    (a list of bookings asks once, not once per row)."""
    sessions = {e.session_id for e in enrolments if e.status == "waitlisted"}
    if not sessions:
        return {}
    rows = db.session.execute(
        select(Enrolment.id, Enrolment.session_id)
        .where(Enrolment.session_id.in_(sessions), Enrolment.status == "waitlisted")
        .order_by(Enrolment.session_id, Enrolment.id)
    )
    positions: dict[int, int] = {}
    ahead: dict[int, int] = {}
    for enrolment_id, session_id in rows:
        ahead[session_id] = ahead.get(session_id, 0) + 1
        positions[enrolment_id] = ahead[session_id]
    return positions


def enrolment_to_dict(
    enrolment: Enrolment, positions: dict[int, int] | None = None
) -> dict[str, Any]:
    """A booking's JSON; ``positions`` (``waitlist_positions`` of a list) saves a query per row."""
    session = enrolment.session
    return {
        "id": enrolment.id,
        "session_id": enrolment.session_id,
        "employee_id": enrolment.employee_id,
        "course": session.course.code,
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "status": enrolment.status,
        "position": (
            positions.get(enrolment.id) if positions is not None else waitlist_position(enrolment)
        ),
        "sequence": enrolment.sequence,
        "completion_id": enrolment.completion_id,
    }


def find_employee(employee_id: int) -> Employee | None:
    """The employee ``employee_id`` (a booking's person, named in a request body), or None."""
    return db.session.get(Employee, employee_id)


def waitlist_lengths(session_ids: list[int]) -> dict[int, int]:
    """The waitlist length of each of these sessions, in one query (a session with nobody
    waiting is left out)."""
    if not session_ids:
        return {}
    stmt = (
        select(Enrolment.session_id, func.count(Enrolment.id))
        .where(Enrolment.session_id.in_(session_ids), Enrolment.status == "waitlisted")
        .group_by(Enrolment.session_id)
    )
    return {int(sid): int(n) for sid, n in db.session.execute(stmt)}
