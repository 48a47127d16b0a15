"""The seat plan for date D: who takes which seat of the scheduled sessions (pure).

docs/RULES.md "Readiness of an employee for a role on date D", "The seat plan": the seats of
every scheduled session that starts on or after D are shared out
1. to the ``enrolled`` people, who keep their seats, then to the waitlist, in its order;
2. then, seat by seat, to the people who need the course for their next role (an unmet course
   or certification requirement, or a prerequisite of one), by higher score for that role, then
   earlier role_since, then employee_no;
3. at most one planned seat per person and course: the earliest session they can take once
   their prerequisites close (each course of a chain starts after the previous one ends).
The plan is the same for everyone who asks on the same D; it is advisory and books nothing.

Choices made where docs/RULES.md is silent (keep this list in step with the code):

- A person enrolled in a session that began before D but ends on or after D holds that seat
  (their close date is its end); such a session is not shared out (it has started).
- A waitlisted person who does not get a seat on their session's waitlist still counts as a
  needer in step 2 (when they need the course) and may be planned into a later session.
- Step 2 walks the needers in priority order; each takes, for every course they need (the
  prerequisites of a course first, in declaration order, depth first), the earliest session
  with a seat left that starts after the previous course of the chain closes. A course they
  hold a seat in (enrolled, or waitlisted with a seat) is not planned again.
- A course with no session that has a seat for the person closes unscheduled_lead_days (cfg,
  default 60) + the course's default_duration_days after its earliest start (D, or the day
  after the previous course of its chain closes).
- "Who does not fit" a session: the waitlisted beyond its seats, and the needers whose earliest
  possible session it was but who had to take a later one (or none).
- A person holding seats in two sessions of one course keeps the one that ends first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Final, Literal

from app.readiness.model import Course

SeatHow = Literal["enrolled", "waitlisted", "planned", "unscheduled"]

ENROLLED: Final = "enrolled"
WAITLISTED: Final = "waitlisted"
PLANNED: Final = "planned"
UNSCHEDULED: Final = "unscheduled"
DEFAULT_LEAD_DAYS: Final = 60


@dataclass(frozen=True)
class SessionSeats:
    """A scheduled session as the plan sees it: its dates, its seats, who holds them and the
    waitlist in its order (employee ids). Cancelled sessions are never given to the plan."""

    id: int
    course: str
    starts_on: date
    ends_on: date
    seats: int
    enrolled: tuple[int, ...] = ()
    waitlist: tuple[int, ...] = ()


@dataclass(frozen=True)
class Needer:
    """Someone who needs courses for their next role, with the order keys of step 2.

    ``needs``: the courses of unmet course and certification requirements of the next role;
    ``done``: the courses they completed on or before D (prerequisites that need no seat).
    """

    employee_id: int
    employee_no: str
    score: float
    role_since: date | None
    needs: tuple[str, ...]
    done: frozenset[str] = frozenset()

    @property
    def order(self) -> tuple[float, date, str, int]:
        """docs/RULES.md step 2: higher score first, then earlier role_since, then employee_no."""
        return (-self.score, self.role_since or date.max, self.employee_no, self.employee_id)


@dataclass(frozen=True)
class Seat:
    """Where one person takes one course: ``how`` they hold the seat and when it closes.

    ``session_id`` None when unscheduled (no session has a seat for them); ``passed_over`` is
    the start of the earliest session they could have taken but that was full for them.
    """

    employee_id: int
    course: str
    how: SeatHow
    session_id: int | None
    starts_on: date
    ends_on: date
    passed_over: date | None = None

    @property
    def close_on(self) -> date:
        """The projected close date of the course (docs/RULES.md projection)."""
        return self.ends_on


@dataclass(frozen=True)
class SessionPlan:
    """One session's seats under the plan (employee ids, each list in its order)."""

    session: SessionSeats
    booked: tuple[int, ...] = ()
    waitlisted: tuple[int, ...] = ()  # on the waitlist and given a seat by the plan
    planned: tuple[int, ...] = ()
    not_fitting: tuple[int, ...] = ()

    @property
    def taken(self) -> int:
        return len(self.booked) + len(self.waitlisted) + len(self.planned)

    @property
    def free(self) -> int:
        """Seats left after the plan (never negative)."""
        return max(self.session.seats - self.taken, 0)


@dataclass(frozen=True)
class SeatPlan:
    """The plan for one D: a seat per (employee, course) and the plan of each session."""

    as_of: date
    seats: Mapping[tuple[int, str], Seat] = field(default_factory=dict)
    sessions: Mapping[int, SessionPlan] = field(default_factory=dict)

    def seat_for(self, employee_id: int, course: str) -> Seat | None:
        """The seat ``employee_id`` takes in ``course`` (None: they hold none and need none)."""
        return self.seats.get((employee_id, course))

    def seats_of(self, employee_id: int) -> tuple[Seat, ...]:
        """Every seat of one person, by close date."""
        return tuple(
            sorted(
                (s for (eid, _), s in self.seats.items() if eid == employee_id),
                key=lambda s: (s.ends_on, s.course),
            )
        )

    def session(self, session_id: int) -> SessionPlan | None:
        """The plan of one session (None: not a scheduled session starting on or after D)."""
        return self.sessions.get(session_id)

    def sessions_of(self, course: str) -> tuple[SessionPlan, ...]:
        """The plans of the sessions of ``course``, by start date."""
        return tuple(
            sorted(
                (p for p in self.sessions.values() if p.session.course == course),
                key=lambda p: (p.session.starts_on, p.session.id),
            )
        )

    def unscheduled(self, course: str) -> tuple[Seat, ...]:
        """The people who need ``course`` but for whom no session has a seat."""
        return tuple(
            s
            for (_, code), s in sorted(self.seats.items())
            if code == course and s.how == UNSCHEDULED
        )


def plan_seats(
    as_of: date,
    sessions: Iterable[SessionSeats],
    needers: Iterable[Needer],
    courses: Mapping[str, Course],
    *,
    lead_days: int = DEFAULT_LEAD_DAYS,
) -> SeatPlan:
    """The seat plan for ``as_of`` (docs/RULES.md "The seat plan").

    ``sessions``: the scheduled sessions ending on or after D (those starting before D are not
    shared out; their enrolled keep their seats); ``needers``: the candidates with the courses
    they need for their next role; ``courses``: the catalogue (prerequisites and durations).
    The answer does not depend on the order of the inputs.
    """
    raise NotImplementedError


_ONE_DAY: Final = timedelta(days=1)
_ = MappingProxyType
