"""Course capacity under the seat plan (pure): who needs a course, the seats scheduled, and how
many more sessions would seat everyone in time.

docs/RULES.md "The seat plan" gives every person who needs a course a seat: a booking, a place
on the waitlist that the seats reach, a planned seat, or none (unscheduled). This module counts
those seats for one course over a window of sessions and answers how many more sessions of the
usual size would put everyone who needs the course on a session ending by a chosen horizon.

Choices made where docs/RULES.md is silent (docs/DECISIONS.md "Seat plan and capacity"):

- "Needs the course": everyone the plan gives a place in it (booked, waitlisted with a seat,
  planned, or unscheduled): each of them waits for the course to close a gap.
- "In time": their seat's session ends on or before the horizon (D + the chosen months).
- A new session holds as many seats as the course's largest scheduled session (the usual room),
  or ``default_seats`` when the course has none scheduled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from app.readiness.dates import add_months
from app.readiness.seatplan import ENROLLED, UNSCHEDULED, SeatPlan

WINDOW_MONTHS: Final = 6  # the capacity view covers the sessions of the next 6 months
MIN_HORIZON_MONTHS: Final = 1
MAX_HORIZON_MONTHS: Final = 24
DEFAULT_HORIZON_MONTHS: Final = 6
DEFAULT_SEATS: Final = 12


@dataclass(frozen=True)
class CourseCapacity:
    """One course's demand and seats on D, and the sessions missing for a horizon."""

    course: str
    as_of: date
    window_end: date  # the last start date of the window (D + 6 months)
    horizon_end: date  # the date everyone who needs the course should be done by
    needing: int  # people the plan gives a place in the course
    booked: int  # of them, holding a booking
    sessions: int  # scheduled sessions starting in the window
    seats: int  # their seats
    in_time: int  # people whose seat's session ends by the horizon
    unscheduled: int  # people for whom no scheduled session has a seat
    seats_per_session: int  # the size assumed for a new session
    more_sessions: int  # new sessions that would seat everyone else in time

    @property
    def late(self) -> int:
        """People who need the course and would not be done by the horizon."""
        return self.needing - self.in_time


def sessions_needed(late: int, seats_per_session: int) -> int:
    """Whole sessions of ``seats_per_session`` seats for ``late`` people (0 when none wait)."""
    if late <= 0:
        return 0
    size = max(seats_per_session, 1)
    return -(-late // size)


def course_capacity(
    plan: SeatPlan,
    course: str,
    horizon_months: int,
    *,
    window_months: int = WINDOW_MONTHS,
    default_seats: int = DEFAULT_SEATS,
) -> CourseCapacity:
    """The capacity of ``course`` under ``plan``: demand, seats of the window, sessions missing."""
    as_of = plan.as_of
    window_end = add_months(as_of, window_months)
    horizon_end = add_months(as_of, horizon_months)
    places = [seat for (_, code), seat in plan.seats.items() if code == course]
    in_window = [p for p in plan.sessions_of(course) if p.session.starts_on <= window_end]
    sizes = [p.session.seats for p in plan.sessions_of(course)]
    size = max(sizes) if sizes else default_seats
    in_time = sum(1 for seat in places if seat.how != UNSCHEDULED and seat.ends_on <= horizon_end)
    return CourseCapacity(
        course=course,
        as_of=as_of,
        window_end=window_end,
        horizon_end=horizon_end,
        needing=len(places),
        booked=sum(1 for seat in places if seat.how == ENROLLED),
        sessions=len(in_window),
        seats=sum(p.session.seats for p in in_window),
        in_time=in_time,
        unscheduled=sum(1 for seat in places if seat.how == UNSCHEDULED),
        seats_per_session=size,
        more_sessions=sessions_needed(len(places) - in_time, size),
    )


def courses_needed(plan: SeatPlan) -> tuple[str, ...]:
    """The courses anyone has a place in under the plan, by code."""
    return tuple(sorted({code for _, code in plan.seats}))
