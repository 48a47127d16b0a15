"""Booking several people at once, and the month calendar of sessions (the pages' helpers,
docs/RULES.md "Sessions and enrolment").

``book_many`` books each person in their own unit of work, so one refusal (a missing
prerequisite, a double booking, someone outside the team) leaves the others booked, and the
answer says for each person what happened.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import Course, CourseSession, Employee, Enrolment, User
from app.services.enrolment.booking import book
from app.services.enrolment.errors import BookingInvalid, EnrolmentError
from app.services.enrolment.queries import SessionFilters, sessions_query, waitlist_position


@dataclass(frozen=True)
class Outcome:
    """What booking one person did: ``status`` is the booking's (enrolled, waitlisted,
    requested) or ``refused`` with the reason."""

    employee_id: int
    name: str
    status: str
    message: str
    position: int | None = None


def book_many(
    session: CourseSession, employees: Iterable[Employee], *, actor: User | None
) -> list[Outcome]:
    """Book each of ``employees`` on ``session``; each booking commits (or is refused) alone."""
    people = list(employees)
    if not people:
        raise BookingInvalid(
            "Choose at least one person to book.", {"employee_ids": ["Nobody was chosen."]}
        )
    session_id = session.id
    outcomes = []
    for person in people:
        person_id, name = person.id, person.name
        current = db.session.get(CourseSession, session_id)
        assert current is not None
        try:
            enrolment = book(current, person, actor=actor)
        except EnrolmentError as refused:
            outcomes.append(Outcome(person_id, name, "refused", refused.message))
            continue
        position = waitlist_position(enrolment)
        outcomes.append(
            Outcome(person_id, name, enrolment.status, _word(enrolment, position), position)
        )
    return outcomes


def _word(enrolment: Enrolment, position: int | None) -> str:
    if enrolment.status == "waitlisted":
        return f"waitlisted, number {position}"
    if enrolment.status == "requested":
        return "requested, waiting for approval"
    return "booked"


def parse_month(value: str | None, fallback: date) -> date:
    """The first day of the month ``YYYY-MM``; refused with a clear message otherwise."""
    if not value:
        return fallback.replace(day=1)
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2 or not (year + month).isascii():
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise BookingInvalid(
            f"{value!r} is not a month; use YYYY-MM, for example {fallback:%Y-%m}.",
            {"month": ["Use YYYY-MM."]},
        ) from None


@dataclass
class Day:
    on: date
    in_month: bool
    sessions: list[tuple[CourseSession, int]] = field(default_factory=list)


@dataclass
class Month:
    first: date
    weeks: list[list[Day]]

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def count(self) -> int:
        return len({s.id for week in self.weeks for d in week if d.in_month for s, _ in d.sessions})


def month_calendar(first: date, filters: SessionFilters) -> Month:
    """The weeks (Monday first) of ``first``'s month, each day with the sessions running on it
    that pass ``filters`` (one query)."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    stmt = sessions_query(
        SessionFilters(
            course=filters.course,
            location=filters.location,
            has_seats=filters.has_seats,
            starting_from=first - timedelta(days=62),
            until=last,
        )
    ).where(CourseSession.ends_on >= first)
    rows = [(row[0], int(row[1] or 0)) for row in db.session.execute(stmt)]
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        days = []
        for on in week:
            running = [(s, w) for s, w in rows if s.starts_on <= on <= s.ends_on]
            days.append(
                Day(on, on.month == first.month, running if on.month == first.month else [])
            )
        weeks.append(days)
    return Month(first, weeks)


def employees_by_id(ids: Iterable[int]) -> list[Employee]:
    """The employees of these ids, in the order given (unknown ids are left out)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(wanted)))}
    return [found[i] for i in wanted if i in found]


def bookable_people(user: User) -> list[Employee]:
    """Whom ``user`` may book besides themselves, for the pickers: hr anyone active, a manager
    the active people below them, by name."""
    from app.policy import is_hr, subtree_query

    stmt = select(Employee).where(Employee.status == "active").order_by(Employee.name)
    if not is_hr(user):
        stmt = stmt.where(
            Employee.id.in_(subtree_query(user.employee_id)), Employee.id != user.employee_id
        )
    return list(db.session.scalars(stmt))


def other_sessions(session: CourseSession) -> list[tuple[CourseSession, int]]:
    """The course's other upcoming, scheduled sessions: where a booking may move."""
    from app.services.enrolment.queries import course_sessions

    return [
        (s, w)
        for s, w in course_sessions(session.course)
        if s.id != session.id and not s.cancelled and s.starts_on > today()
    ]


@dataclass(frozen=True)
class Held:
    """A standing booking as the pages show it: its status and place on the waitlist."""

    enrolment: Enrolment
    position: int | None

    @property
    def words(self) -> str:
        if self.enrolment.status == "waitlisted":
            return f"Waitlisted {self.position}"
        if self.enrolment.status == "requested":
            return "Requested"
        return "Booked"


def held_by_course(employee_id: int) -> dict[str, Held]:
    """A person's standing bookings of coming sessions by course code (``standing_bookings``):
    what the plan shows instead of "Enrol"."""
    from app.services.enrolment.queries import standing_bookings

    bookings = standing_bookings([employee_id])
    codes = (
        dict(
            db.session.execute(
                select(Course.id, Course.code).where(Course.id.in_([c for _, c in bookings]))
            ).all()
        )
        if bookings
        else {}
    )
    return {
        codes[course_id]: Held(e, waitlist_position(e)) for (_, course_id), e in bookings.items()
    }


@dataclass(frozen=True)
class BookingOptions:
    """What a team page needs to book people at once: each course's open sessions (soonest
    first, with the waitlist length) and the people by id."""

    sessions: dict[str, list[tuple[CourseSession, int]]]
    people: dict[int, Employee]

    @property
    def open_codes(self) -> list[str]:
        """The courses that have an open session to book."""
        return [code for code, runs in self.sessions.items() if runs]


def booking_options(course_codes: Iterable[str], employee_ids: Iterable[int]) -> BookingOptions:
    """The open sessions of these courses and these employees, in two queries."""
    codes = sorted(set(course_codes))
    sessions: dict[str, list[tuple[CourseSession, int]]] = {code: [] for code in codes}
    if codes:
        stmt = sessions_query(SessionFilters(starting_from=today() + timedelta(days=1))).where(
            Course.code.in_(codes)
        )
        for row in db.session.execute(stmt):
            sessions[row[0].course.code].append((row[0], int(row[1] or 0)))
    people = {e.id: e for e in employees_by_id(employee_ids)}
    return BookingOptions(sessions, people)
