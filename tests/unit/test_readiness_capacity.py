"""Course capacity under the seat plan (docs/RULES.md "The seat plan"; docs/DECISIONS.md
"Issue 18: the seat plan and readiness reasons"): who needs a course, the seats of the next 6
months, and how many more sessions would seat everyone by the horizon.

Pure: seat plans are built by hand, as ``app.readiness.seatplan.plan_seats`` answers them.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.readiness.capacity import course_capacity, courses_needed, sessions_needed
from app.readiness.seatplan import Seat, SeatPlan, SessionPlan, SessionSeats

D = date(2027, 1, 4)


def _session(sid: int, starts_in: int, seats: int, course: str = "SUP-101") -> SessionSeats:
    start = D + timedelta(days=starts_in)
    return SessionSeats(sid, course, start, start + timedelta(days=2), seats)


def _plan(sessions: list[SessionSeats], places: dict[int, tuple[str, int | None]]) -> SeatPlan:
    """``places``: employee id -> (how, session id or None for unscheduled)."""
    by_id = {s.id: s for s in sessions}
    seats = {}
    for eid, (how, sid) in places.items():
        if sid is None:
            start = D + timedelta(days=60)
            seats[(eid, "SUP-101")] = Seat(eid, "SUP-101", how, None, start, start)  # type: ignore[arg-type]
        else:
            s = by_id[sid]
            seats[(eid, s.course)] = Seat(eid, s.course, how, sid, s.starts_on, s.ends_on)  # type: ignore[arg-type]
    plans = {
        s.id: SessionPlan(
            s,
            booked=tuple(e for e, (h, i) in places.items() if i == s.id and h == "enrolled"),
            planned=tuple(e for e, (h, i) in places.items() if i == s.id and h == "planned"),
        )
        for s in sessions
    }
    return SeatPlan(D, seats, plans)


@pytest.mark.parametrize(
    ("late", "size", "sessions"),
    [
        (0, 12, 0),  # nobody waits: no session
        (1, 12, 1),  # the 13th person of a 12-seat course needs a whole session
        (12, 12, 1),
        (13, 12, 2),
        (5, 0, 5),  # a course of 0-seat sessions counts one seat a session
    ],
)
def test_sessions_needed_round_up_to_whole_sessions(late, size, sessions):
    assert sessions_needed(late, size) == sessions


def test_the_13th_person_of_a_12_seat_session_asks_for_one_more_session():
    """12 seats in February, 13 people need SUP-101: 12 planned, the 13th waits unscheduled."""
    first = _session(1, 30, 12)
    places = {n: ("planned", 1) for n in range(1, 13)} | {13: ("unscheduled", None)}
    found = course_capacity(_plan([first], places), "SUP-101", horizon_months=6)
    assert (found.needing, found.sessions, found.seats) == (13, 1, 12)
    assert (found.in_time, found.unscheduled, found.late) == (12, 1, 1)
    assert (found.seats_per_session, found.more_sessions) == (12, 1)


def test_a_session_ending_after_the_horizon_does_not_count_in_time():
    """A seat in a session that ends after D + horizon finishes the course too late."""
    early, late = _session(1, 20, 2), _session(2, 100, 2)
    places = {1: ("enrolled", 1), 2: ("planned", 1), 3: ("planned", 2), 4: ("planned", 2)}
    plan = _plan([early, late], places)
    three = course_capacity(plan, "SUP-101", horizon_months=3)
    assert (three.needing, three.booked, three.in_time, three.more_sessions) == (4, 1, 2, 1)
    six = course_capacity(plan, "SUP-101", horizon_months=6)
    assert (six.in_time, six.more_sessions) == (4, 0)


def test_the_window_counts_sessions_starting_in_the_next_6_months_only():
    """Seats scheduled: sessions starting by D + 6 months; a later one is outside the window."""
    inside, outside = _session(1, 170, 10), _session(2, 200, 30)
    found = course_capacity(_plan([inside, outside], {}), "SUP-101", horizon_months=6)
    assert (found.sessions, found.seats, found.needing, found.more_sessions) == (1, 10, 0, 0)
    assert found.seats_per_session == 30  # the largest scheduled session sets a new one's size


def test_a_course_with_no_session_assumes_the_default_size():
    places = {n: ("unscheduled", None) for n in range(1, 26)}
    found = course_capacity(_plan([], places), "SUP-101", horizon_months=12)
    assert (found.sessions, found.seats, found.unscheduled) == (0, 0, 25)
    assert (found.seats_per_session, found.more_sessions) == (12, 3)


def test_courses_needed_lists_each_course_once():
    a, b = _session(1, 10, 5, "SUP-101"), _session(2, 10, 5, "COACH")
    plan = _plan([a, b], {1: ("planned", 1), 2: ("planned", 2), 3: ("planned", 1)})
    assert courses_needed(plan) == ("COACH", "SUP-101")
