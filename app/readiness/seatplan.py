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
  needer in step 2 (when they need the course) and may be planned into a later session; one
  whom the waitlist gives a seat is planned into a session that ends earlier when one has a
  seat left (their waitlist seat stays theirs: the booking stands).
- Step 2 walks the needers in priority order; each takes, for every course they need (the
  prerequisites of a course first, in declaration order, depth first), "the earliest session"
  read as the one that ends (closes the gap) first, then starts first, then by id, among those
  with a seat left that start after the previous course of the chain closes. A course they
  hold a seat in (enrolled, or waitlisted with a seat) is not planned again.
- A course with no session that has a seat for the person is unscheduled: a new session
  starting unscheduled_lead_days (cfg, default 60) after its earliest start (D, or the day
  after the previous course of its chain closes), but never before the last scheduled session
  of the course has ended (until then the schedule is full), and lasting the course's
  default_duration_days. So a free seat is never later than no seat, and adding a seat never
  makes anyone's close date later (for courses without prerequisites; along a chain, a
  higher-placed person whose prerequisite now closes earlier may take an earlier seat that a
  lower-placed person had, which the order of step 2 means).
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

    @property
    def delayed(self) -> bool:
        """True when the person waits: a full session passed over, or no session at all."""
        return self.passed_over is not None or self.how == UNSCHEDULED

    @property
    def situation(self) -> tuple[object, ...]:
        """Everything about the seat but whose it is: equal seats project equally (memo keys)."""
        return (
            self.course,
            self.how,
            self.session_id,
            self.starts_on,
            self.ends_on,
            self.passed_over,
        )

    def reason(self) -> str:
        """Why the course closes on ``ends_on``, in words a page can show (docs/RULES.md "Why
        this band"), e.g. "waiting for a seat in SUP-101 (the session of 2027-04-06 is full;
        planned for 2027-06-02)"."""
        code = self.course
        full = f"the session of {self.passed_over} is full; " if self.passed_over else ""
        if self.how == ENROLLED:
            return f"booked on {code} (the session of {self.starts_on} ends {self.ends_on})"
        if self.how == WAITLISTED:
            return (
                f"on the waitlist of {code}, next in line for a seat (the session of "
                f"{self.starts_on} ends {self.ends_on})"
            )
        if self.how == PLANNED:
            if full:
                return f"waiting for a seat in {code} ({full}planned for {self.starts_on})"
            return f"{code} to take (a seat is planned in the session of {self.starts_on})"
        if full:
            return (
                f"waiting for a seat in {code} ({full}no later session has a seat; "
                f"projected to end {self.ends_on})"
            )
        return (
            f"no session of {code} is scheduled with a seat (projected to start "
            f"{self.starts_on} and end {self.ends_on})"
        )


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


@dataclass(frozen=True, eq=False)
class SeatPlan:
    """The plan for one D: a seat per (employee, course) and the plan of each session.

    The query API of the seat-plan pages: ``seat_for``, ``seats_of``, ``session``,
    ``sessions_of`` and ``unscheduled``.
    """

    as_of: date
    seats: Mapping[tuple[int, str], Seat] = field(default_factory=dict)
    sessions: Mapping[int, SessionPlan] = field(default_factory=dict)
    _by_employee: Mapping[int, tuple[Seat, ...]] = field(
        init=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "seats", MappingProxyType(dict(self.seats)))
        object.__setattr__(self, "sessions", MappingProxyType(dict(self.sessions)))
        by_employee: dict[int, list[Seat]] = {}
        for seat in self.seats.values():
            by_employee.setdefault(seat.employee_id, []).append(seat)
        object.__setattr__(
            self,
            "_by_employee",
            {
                eid: tuple(sorted(seats, key=lambda s: (s.ends_on, s.course)))
                for eid, seats in by_employee.items()
            },
        )

    def seat_for(self, employee_id: int, course: str) -> Seat | None:
        """The seat ``employee_id`` takes in ``course`` (None: they hold none and need none)."""
        return self.seats.get((employee_id, course))

    def seats_of(self, employee_id: int) -> tuple[Seat, ...]:
        """Every seat of one person, by close date."""
        return self._by_employee.get(employee_id, ())

    def session(self, session_id: int) -> SessionPlan | None:
        """The plan of one session (None: not a scheduled session ending on or after D)."""
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
            seat
            for (_, code), seat in sorted(self.seats.items())
            if code == course and seat.how == UNSCHEDULED
        )

    def needing(self, course: str) -> tuple[Seat, ...]:
        """Every seat of ``course`` the plan holds (booked, waitlisted, planned, unscheduled)."""
        return tuple(seat for (_, code), seat in sorted(self.seats.items()) if code == course)


def plan_seats(
    as_of: date,
    sessions: Iterable[SessionSeats],
    needers: Iterable[Needer],
    courses: Mapping[str, Course],
    *,
    lead_days: int = DEFAULT_LEAD_DAYS,
    fallback_days: int = 30,
) -> SeatPlan:
    """The seat plan for ``as_of`` (docs/RULES.md "The seat plan").

    ``sessions``: the scheduled sessions ending on or after D (those starting before D are not
    shared out; their enrolled keep their seats); ``needers``: the candidates with the courses
    they need for their next role; ``courses``: the catalogue (prerequisites and durations);
    ``lead_days``: unscheduled_lead_days (cfg); ``fallback_days``: the duration of a course the
    catalogue does not know. The answer does not depend on the order of the inputs.
    """
    planner = _Planner(as_of, sessions, courses, lead_days, fallback_days)
    planner.keep_bookings()
    for needer in sorted(needers, key=lambda n: n.order):
        planner.plan(needer)
    return planner.result()


class _Open:
    """A session being shared out: who holds its seats so far."""

    __slots__ = ("session", "free", "booked", "waitlisted", "planned", "not_fitting")

    def __init__(self, session: SessionSeats) -> None:
        self.session = session
        self.free = session.seats
        self.booked: list[int] = []
        self.waitlisted: list[int] = []
        self.planned: list[int] = []
        self.not_fitting: dict[int, None] = {}

    def frozen(self) -> SessionPlan:
        return SessionPlan(
            self.session,
            tuple(self.booked),
            tuple(self.waitlisted),
            tuple(self.planned),
            tuple(self.not_fitting),
        )


class _Runs:
    """The shared-out sessions of one course, earliest to end first, with a pointer to the next
    one that has a free seat (path-halving union-find), so full sessions cost nearly nothing."""

    __slots__ = ("runs", "parent", "first_start", "last_end")

    def __init__(self, runs: list[_Open]) -> None:
        self.runs = sorted(
            runs, key=lambda r: (r.session.ends_on, r.session.starts_on, r.session.id)
        )
        self.parent = list(range(len(self.runs) + 1))
        for index, run in enumerate(self.runs):
            if run.free <= 0:
                self.parent[index] = index + 1
        self.first_start = min((r.session.starts_on for r in self.runs), default=date.max)
        self.last_end = max((r.session.ends_on for r in self.runs), default=date.min)

    def free_from(self, index: int) -> int:
        parent = self.parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def first_eligible(self, earliest: date, free: bool) -> int:
        """The first session (by end) starting on or after ``earliest``, only among those with
        a free seat when ``free``; len(runs) when there is none."""
        index = self.free_from(0) if free else 0
        if earliest <= self.first_start:
            return index
        runs = self.runs
        while index < len(runs) and runs[index].session.starts_on < earliest:
            index = self.free_from(index + 1) if free else index + 1
        return index

    def take(self, index: int) -> None:
        run = self.runs[index]
        run.free -= 1
        if run.free <= 0:
            self.parent[index] = index + 1


class _Planner:
    def __init__(
        self,
        as_of: date,
        sessions: Iterable[SessionSeats],
        courses: Mapping[str, Course],
        lead_days: int,
        fallback_days: int,
    ) -> None:
        self.as_of = as_of
        self.courses = courses
        self.lead = timedelta(days=lead_days)
        self.fallback_days = fallback_days
        ordered = sorted(
            (s for s in sessions if s.ends_on >= as_of),
            key=lambda s: (s.starts_on, s.ends_on, s.id),
        )
        self.open = [_Open(s) for s in ordered]
        by_course: dict[str, list[_Open]] = {}
        for run in self.open:
            if run.session.starts_on >= as_of:
                by_course.setdefault(run.session.course, []).append(run)
        self.by_course = by_course
        self.runs: dict[str, _Runs] = {}
        self.seats: dict[tuple[int, str], Seat] = {}

    def _hold(self, seat: Seat) -> None:
        key = (seat.employee_id, seat.course)
        held = self.seats.get(key)
        if held is None or (seat.ends_on, seat.starts_on) < (held.ends_on, held.starts_on):
            self.seats[key] = seat

    def keep_bookings(self) -> None:
        """Step 1: the enrolled keep their seats, then the waitlist takes what is left."""
        for run in self.open:
            session = run.session
            for employee in session.enrolled:
                run.booked.append(employee)
                self._hold(self._seat(employee, session, ENROLLED))
            run.free = session.seats - len(session.enrolled)
            if session.starts_on < self.as_of:
                continue  # under way: not shared out
            for employee in session.waitlist:
                if run.free > 0:
                    run.free -= 1
                    run.waitlisted.append(employee)
                    self._hold(self._seat(employee, session, WAITLISTED))
                else:
                    run.not_fitting[employee] = None
        self.runs = {code: _Runs(runs) for code, runs in self.by_course.items()}

    def _seat(
        self, employee: int, session: SessionSeats, how: SeatHow, passed: date | None = None
    ) -> Seat:
        return Seat(
            employee, session.course, how, session.id, session.starts_on, session.ends_on, passed
        )

    def plan(self, needer: Needer) -> None:
        """Steps 2 and 3 for one needer: each course they need, prerequisites first."""
        for need in sorted(set(needer.needs)):
            earliest = self.as_of
            for code in prerequisite_order(need, self.courses, needer.done):
                seat = self.seats.get((needer.employee_id, code))
                if seat is None or (seat.how == WAITLISTED and seat.starts_on >= earliest):
                    seat = self._take(needer.employee_id, code, earliest, seat)
                    self.seats[(needer.employee_id, code)] = seat
                earliest = seat.ends_on + _ONE_DAY

    def _take(self, employee: int, code: str, earliest: date, held: Seat | None) -> Seat:
        """The session of ``code`` that ends first among those starting from ``earliest`` with
        a seat left; else unscheduled. ``held``: a seat the waitlist gives them, kept unless
        a session ending earlier has a seat."""
        runs = self.runs.get(code)
        passed: date | None = None
        if held is not None:
            if runs is None:
                return held
            index = runs.first_eligible(earliest, free=True)
            if index < len(runs.runs) and runs.runs[index].session.ends_on < held.ends_on:
                runs.take(index)
                runs.runs[index].planned.append(employee)
                return self._seat(employee, runs.runs[index].session, PLANNED)
            return held
        if runs is not None:
            index = runs.first_eligible(earliest, free=True)
            first = runs.first_eligible(earliest, free=False)
            if first < len(runs.runs) and first != index:
                passed = runs.runs[first].session.starts_on
                runs.runs[first].not_fitting[employee] = None
            if index < len(runs.runs):
                runs.take(index)
                run = runs.runs[index]
                run.planned.append(employee)
                return self._seat(employee, run.session, PLANNED, passed)
        return self._unscheduled(employee, code, earliest, runs, passed)

    def _unscheduled(
        self, employee: int, code: str, earliest: date, runs: _Runs | None, passed: date | None
    ) -> Seat:
        """No session has a seat: a new one, unscheduled_lead_days after the earliest start and
        never before the last scheduled session of the course has ended (the schedule is full
        until then), lasting the course's default_duration_days."""
        course = self.courses.get(code)
        duration = course.default_duration_days if course else self.fallback_days
        starts = earliest + self.lead
        if runs is not None and runs.last_end >= starts:
            starts = runs.last_end + _ONE_DAY
        return Seat(
            employee, code, UNSCHEDULED, None, starts, starts + timedelta(days=duration), passed
        )

    def result(self) -> SeatPlan:
        return SeatPlan(
            self.as_of,
            self.seats,
            {run.session.id: run.frozen() for run in self.open},
        )


def prerequisite_order(
    course: str, courses: Mapping[str, Course], done: frozenset[str]
) -> list[str]:
    """Courses to take for ``course``: the open prerequisites depth first, in declaration
    order, then ``course`` itself (docs/RULES.md: "each course of a chain starts after the
    previous one ends")."""
    order: list[str] = []
    placed: set[str] = set()

    def visit(code: str, path: frozenset[str]) -> None:
        found = courses.get(code)
        for prerequisite in found.prerequisites if found else ():
            if prerequisite in placed or prerequisite in path or prerequisite in done:
                continue
            visit(prerequisite, path | {prerequisite})
        placed.add(code)
        order.append(code)

    visit(course, frozenset({course}))
    return order


_ONE_DAY: Final = timedelta(days=1)
