"""The seat plan (docs/RULES.md "Readiness of an employee for a role on date D", "The seat
plan"): table-driven cases that cite the rule, and properties of the whole plan."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.readiness.model import Course
from app.readiness.seatplan import Needer, SessionSeats, plan_seats

D = date(2026, 12, 2)
COURSES = {
    "SUP-101": Course("SUP-101", "Supervision basics", default_duration_days=14),
    "SUP-201": Course("SUP-201", "Coaching", default_duration_days=10, prerequisites=("SUP-101",)),
    "FIN-100": Course("FIN-100", "Refund limits", default_duration_days=5),
}


def session(
    sid: int,
    starts: date,
    seats: int = 12,
    course: str = "SUP-101",
    days: int = 4,
    enrolled: tuple[int, ...] = (),
    waitlist: tuple[int, ...] = (),
) -> SessionSeats:
    return SessionSeats(
        sid, course, starts, starts + timedelta(days=days), seats, enrolled, waitlist
    )


def needer(
    eid: int,
    score: float = 80.0,
    since: date | None = date(2024, 1, 1),
    needs: tuple[str, ...] = ("SUP-101",),
    done: frozenset[str] = frozenset(),
    number: str | None = None,
) -> Needer:
    return Needer(eid, number or f"E{eid:05d}", score, since, needs, done)


APR = date(2027, 4, 6)
JUN = date(2027, 6, 2)


def test_the_12th_candidate_takes_the_last_seat_and_the_13th_the_next_session() -> None:
    """RULES.md "The seat plan" step 2: every remaining seat goes to the needers in order; the
    13th of 13 does not fit a 12-seat session and takes the next one; the first session lists
    them as not fitting."""
    people = [needer(i, score=100 - i) for i in range(1, 14)]
    plan = plan_seats(D, [session(1, APR), session(2, JUN)], people, COURSES)
    twelfth, thirteenth = plan.seat_for(12, "SUP-101"), plan.seat_for(13, "SUP-101")
    assert twelfth is not None and thirteenth is not None
    assert (twelfth.session_id, twelfth.how, twelfth.passed_over) == (1, "planned", None)
    assert (thirteenth.session_id, thirteenth.how, thirteenth.passed_over) == (2, "planned", APR)
    first = plan.session(1)
    assert first is not None and first.planned == tuple(range(1, 13)) and first.free == 0
    assert first.not_fitting == (13,)
    assert thirteenth.reason() == (
        "waiting for a seat in SUP-101 (the session of 2027-04-06 is full; planned for 2027-06-02)"
    )


@pytest.mark.parametrize(
    ("enrolled", "waitlist", "seats", "planned", "booked", "waitlisted", "not_fitting"),
    [
        pytest.param(
            (50, 51),
            (),
            3,
            (1,),
            (50, 51),
            (),
            (2, 3),
            id="step 1: the enrolled keep their seats ahead of higher-scored needers",
        ),
        pytest.param(
            (50,),
            (61, 60),
            2,
            (),
            (50,),
            (61,),
            (60, 1, 2, 3),
            id="step 1: the waitlist takes what is left in its own order, before the plan",
        ),
        pytest.param(
            (),
            (60,),
            3,
            (1, 2),
            (),
            (60,),
            (3,),
            id="step 1 then 2: the waitlist first, then the needers by score",
        ),
    ],
)
def test_bookings_come_before_the_plan(
    enrolled: tuple[int, ...],
    waitlist: tuple[int, ...],
    seats: int,
    planned: tuple[int, ...],
    booked: tuple[int, ...],
    waitlisted: tuple[int, ...],
    not_fitting: tuple[int, ...],
) -> None:
    """RULES.md "The seat plan" step 1: enrolled people keep their seats, then the waitlist
    takes what is left, in order; only then the needers (scores 90, 80, 70)."""
    people = [needer(1, 90), needer(2, 80), needer(3, 70)]
    only = session(1, APR, seats=seats, enrolled=enrolled, waitlist=waitlist)
    plan = plan_seats(D, [only], people, COURSES)
    result = plan.session(1)
    assert result is not None
    assert (result.booked, result.waitlisted, result.planned) == (booked, waitlisted, planned)
    assert result.not_fitting == not_fitting
    for employee in booked:
        seat = plan.seat_for(employee, "SUP-101")
        assert seat is not None and seat.how == "enrolled"


def test_an_enrolled_needer_keeps_their_own_seat_and_is_not_planned_again() -> None:
    """RULES.md step 3: at most one seat per person and course; an enrolled needer's seat is
    their booking, even when a planned seat would come earlier."""
    plan = plan_seats(
        D,
        [session(1, APR, seats=5), session(2, JUN, seats=5, enrolled=(1,))],
        [needer(1, 99), needer(2, 50)],
        COURSES,
    )
    mine = plan.seat_for(1, "SUP-101")
    assert mine is not None and (mine.how, mine.session_id) == ("enrolled", 2)
    first = plan.session(1)
    assert first is not None and first.planned == (2,)


@pytest.mark.parametrize(
    ("a", "b", "first"),
    [
        pytest.param(needer(1, 81.0), needer(2, 80.0), 1, id="tie-break 1: higher score first"),
        pytest.param(
            needer(1, 80.0, since=date(2024, 5, 1)),
            needer(2, 80.0, since=date(2023, 5, 1)),
            2,
            id="tie-break 2: same score, earlier role_since first",
        ),
        pytest.param(
            needer(1, 80.0, number="E200"),
            needer(2, 80.0, number="E100"),
            2,
            id="tie-break 3: same score and role_since, lower employee_no first",
        ),
        pytest.param(
            needer(1, 80.0, since=None),
            needer(2, 80.0, since=date(2025, 1, 1)),
            2,
            id="tie-break 2: an unknown role_since comes after a known one",
        ),
    ],
)
def test_tie_break_order(a: Needer, b: Needer, first: int) -> None:
    """RULES.md "The seat plan" step 2: higher score, then earlier role_since, then
    employee_no; one seat, two needers."""
    plan = plan_seats(D, [session(1, APR, seats=1)], [a, b], COURSES)
    winner = plan.session(1)
    assert winner is not None and winner.planned == (first,)


def test_a_prerequisite_chain_runs_across_sessions() -> None:
    """RULES.md projection: prerequisites not yet done come first, one after another; each
    course of a chain starts after the previous one ends. SUP-201 in April starts before the
    planned SUP-101 ends, so the June SUP-201 is taken."""
    sessions = [
        session(1, date(2027, 4, 1), days=10),  # SUP-101 ends 04-11
        session(2, date(2027, 4, 8), course="SUP-201"),  # starts before 04-11: not usable
        session(3, JUN, course="SUP-201"),
    ]
    plan = plan_seats(D, sessions, [needer(1, needs=("SUP-201",))], COURSES)
    first, then = plan.seat_for(1, "SUP-101"), plan.seat_for(1, "SUP-201")
    assert first is not None and then is not None
    assert (first.session_id, then.session_id) == (1, 3)
    assert then.starts_on > first.ends_on
    april = plan.session(2)
    assert april is not None and april.planned == () and april.free == 12


def test_a_done_prerequisite_takes_no_seat() -> None:
    """RULES.md projection: only prerequisites not yet done come first."""
    sessions = [session(1, APR), session(2, date(2027, 1, 10), course="SUP-201")]
    plan = plan_seats(
        D, sessions, [needer(1, needs=("SUP-201",), done=frozenset({"SUP-101"}))], COURSES
    )
    assert plan.seat_for(1, "SUP-101") is None
    seat = plan.seat_for(1, "SUP-201")
    assert seat is not None and seat.session_id == 2


def test_a_person_needing_two_courses_gets_a_seat_in_each_in_parallel() -> None:
    """RULES.md: gaps close in parallel, except along prerequisite chains; one seat per
    course."""
    sessions = [session(1, APR), session(2, date(2027, 1, 10), course="FIN-100")]
    plan = plan_seats(D, sessions, [needer(1, needs=("SUP-101", "FIN-100"))], COURSES)
    assert [(s.course, s.session_id, s.how) for s in plan.seats_of(1)] == [
        ("FIN-100", 2, "planned"),
        ("SUP-101", 1, "planned"),
    ]


@pytest.mark.parametrize(
    ("sessions", "starts", "ends", "passed"),
    [
        pytest.param(
            [],
            D + timedelta(days=60),
            D + timedelta(days=74),
            None,
            id="no session at all: D + unscheduled_lead_days (60) + default_duration_days (14)",
        ),
        pytest.param(
            [session(1, date(2026, 12, 20), seats=1, enrolled=(9,))],
            D + timedelta(days=60),
            D + timedelta(days=74),
            date(2026, 12, 20),
            id="the only session is full: unscheduled, and it says which session was full",
        ),
        pytest.param(
            [session(1, APR, seats=1, enrolled=(9,))],
            APR + timedelta(days=5),
            APR + timedelta(days=5 + 14),
            APR,
            id="choice: an unscheduled course starts no earlier than the full schedule ends",
        ),
        pytest.param(
            [session(1, date(2026, 11, 20), enrolled=())],
            D + timedelta(days=60),
            D + timedelta(days=74),
            None,
            id="a session already under way is not shared out",
        ),
    ],
)
def test_no_session_with_a_seat_falls_to_the_unscheduled_lead_time(
    sessions: list[SessionSeats], starts: date, ends: date, passed: date | None
) -> None:
    """RULES.md projection: when no scheduled session has a seat for them, D +
    unscheduled_lead_days (cfg, 60) + default_duration_days (choice: and not before the last
    full session of the course ends)."""
    plan = plan_seats(D, sessions, [needer(1)], COURSES)
    seat = plan.seat_for(1, "SUP-101")
    assert seat is not None
    assert (seat.how, seat.session_id, seat.starts_on, seat.ends_on, seat.passed_over) == (
        "unscheduled",
        None,
        starts,
        ends,
        passed,
    )
    assert plan.unscheduled("SUP-101") == (seat,)


def test_unscheduled_lead_is_configurable_and_chains_follow_it() -> None:
    """RULES.md: unscheduled_lead_days is (cfg); a course after an unscheduled prerequisite
    starts after that prerequisite's projected end."""
    plan = plan_seats(D, [], [needer(1, needs=("SUP-201",))], COURSES, lead_days=10)
    first, then = plan.seat_for(1, "SUP-101"), plan.seat_for(1, "SUP-201")
    assert first is not None and then is not None
    assert first.ends_on == D + timedelta(days=10 + 14)
    assert then.ends_on == first.ends_on + timedelta(days=1 + 10 + 10)


def test_an_enrolment_in_a_session_under_way_is_kept() -> None:
    """RULES.md projection: the end of the session the person is enrolled in, if it ends on or
    after D."""
    under_way = session(1, date(2026, 11, 30), enrolled=(1,))
    plan = plan_seats(D, [under_way], [needer(1)], COURSES)
    seat = plan.seat_for(1, "SUP-101")
    assert seat is not None and (seat.how, seat.ends_on) == ("enrolled", date(2026, 12, 4))


# --------------------------------------------------------------------------- properties

COURSE_CODES = ("SUP-101", "SUP-201", "FIN-100")
UNCHAINED = ("SUP-101", "FIN-100")


@st.composite
def organisations(
    draw: st.DrawFn, codes: tuple[str, ...] = COURSE_CODES
) -> tuple[list[SessionSeats], list[Needer]]:
    count = draw(st.integers(0, 8))
    sessions = []
    people = list(range(1, 25))
    for sid in range(1, count + 1):
        seats = draw(st.integers(0, 4))
        enrolled = tuple(draw(st.lists(st.sampled_from(people), max_size=seats, unique=True)))
        waitlist = tuple(
            draw(st.lists(st.sampled_from(people), max_size=3, unique=True))
            if len(enrolled) == seats
            else []
        )
        waitlist = tuple(e for e in waitlist if e not in enrolled)
        sessions.append(
            session(
                sid,
                D + timedelta(days=draw(st.integers(-10, 200))),
                seats=seats,
                course=draw(st.sampled_from(codes)),
                days=draw(st.integers(0, 20)),
                enrolled=enrolled,
                waitlist=waitlist,
            )
        )
    needers = [
        needer(
            eid,
            score=draw(st.sampled_from([50.0, 70.0, 90.0])),
            since=draw(st.sampled_from([None, date(2024, 1, 1), date(2025, 1, 1)])),
            needs=tuple(draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3))),
        )
        for eid in draw(st.lists(st.sampled_from(people), max_size=15, unique=True))
    ]
    return sessions, needers


@settings(max_examples=150, deadline=None)
@given(organisations())
def test_no_session_is_ever_over_planned(org: tuple[list[SessionSeats], list[Needer]]) -> None:
    """RULES.md "Seats": a session never has more people than seats; the plan gives out only
    the seats the bookings leave."""
    sessions, people = org
    plan = plan_seats(D, sessions, people, COURSES)
    for result in plan.sessions.values():
        assert len(result.waitlisted) + len(result.planned) <= max(
            result.session.seats - len(result.booked), 0
        )


@settings(max_examples=200, deadline=None)
@given(organisations(UNCHAINED), st.data())
def test_adding_a_seat_never_makes_anyone_later(
    org: tuple[list[SessionSeats], list[Needer]], data: st.DataObject
) -> None:
    """RULES.md "The seat plan": one more seat in any session never moves anyone's close date
    of any course later (courses without prerequisites: see the choice in RULES.md on
    chains)."""
    sessions, people = org
    if not sessions:
        return
    index = data.draw(st.integers(0, len(sessions) - 1))
    grown = list(sessions)
    target = grown[index]
    grown[index] = SessionSeats(
        target.id,
        target.course,
        target.starts_on,
        target.ends_on,
        target.seats + 1,
        target.enrolled,
        target.waitlist,
    )
    before = plan_seats(D, sessions, people, COURSES)
    after = plan_seats(D, grown, people, COURSES)
    for key, seat in before.seats.items():
        later = after.seats[key]
        assert later.ends_on <= seat.ends_on, (key, seat, later)


@settings(max_examples=100, deadline=None)
@given(organisations(), st.randoms(use_true_random=False))
def test_the_plan_does_not_depend_on_input_order(
    org: tuple[list[SessionSeats], list[Needer]], rnd: random.Random
) -> None:
    """RULES.md: the plan is the same for everyone who asks on the same D, whatever order the
    sessions and people arrive in."""
    sessions, people = org
    shuffled_sessions, shuffled_people = list(sessions), list(people)
    rnd.shuffle(shuffled_sessions)
    rnd.shuffle(shuffled_people)
    one = plan_seats(D, sessions, people, COURSES)
    two = plan_seats(D, shuffled_sessions, shuffled_people, COURSES)
    assert dict(one.seats) == dict(two.seats)
    assert dict(one.sessions) == dict(two.sessions)
