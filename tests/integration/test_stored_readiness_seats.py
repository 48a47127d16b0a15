"""Stored readiness stays exact when seats move under someone (issue 18, "stored readiness
stays exact"; docs/DESIGN.md "Stored readiness").

A person's projected date reads the seat plan, and the plan moves with everyone's bookings:
when the last CSR in the plan's order books the one session of a course, the 12th loses the
seat the plan gave them, although nothing of the 12th's own records changed. The bench and the
organisation pages read stored rows; each must equal a fresh evaluation after such a move.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from app.audit import acting_as
from app.clock import today
from app.extensions import db
from app.models import Employee, Enrolment, JobRole
from app.services import catalogue, enrolment
from app.services import readiness as service
from app.services.readiness import bench
from app.services.readiness import stored as readiness_cache
from tests.factories import persona_user
from tests.integration.seat_support import required_course_with_session

ROLE = "L2-CSS"
SEATS = 12
FAR = 400  # days to the session: later than every other close date of the demo's CSRs


@pytest.fixture
def seat_session(demo_db):
    """A mandatory L2-CSS course with one session of 12 seats, far enough out that a seat in it
    decides the date of whoever holds one."""
    return required_course_with_session(
        "SEAT-S", ROLE, mandatory=True, seats=SEATS, in_days=FAR, room="Room 2"
    )


def next_request() -> None:
    """What a new request starts from: no catalogue kept from the last one."""
    g.pop("_catalogue_snapshot", None)


def csrs() -> list[Employee]:
    return list(
        db.session.scalars(
            select(Employee)
            .join(JobRole, JobRole.id == Employee.job_role_id)
            .where(JobRole.code == "L1-CSR", Employee.status != "terminated")
            .order_by(Employee.id)
        )
    )


def in_plan_order(people: list[Employee]) -> list[Employee]:
    results = service.evaluate_population([p.id for p in people], ROLE, today())
    return sorted(people, key=lambda p: (-results[p.id].score, p.role_since, p.employee_no))


def stored_and_fresh() -> tuple[dict, dict]:
    """Every candidate's (score, band, ready, projected date) as the pages read it, and as a
    fresh evaluation gives it."""
    next_request()
    population = bench.population_for(persona_user("hr"))
    stored = readiness_cache.scope(population, [ROLE], today()).results(ROLE)
    fresh = {
        eid: (r.score, r.band, r.ready, r.projected_ready_on)
        for eid, r in service.evaluate_population(list(stored), ROLE, today()).items()
    }
    return stored, fresh


def projected(rows: dict, person: Employee):  # type: ignore[no-untyped-def]
    return rows[person.id][3]


def test_a_booking_moves_someone_elses_stored_date(demo_db, seat_session):
    order = in_plan_order(csrs())
    twelfth, last = order[SEATS - 1], order[-1]
    before, fresh = stored_and_fresh()
    assert before == fresh

    with acting_as("test:stored-seats"):
        enrolment.book(seat_session, last, actor=persona_user("hr"))
        db.session.commit()

    after, fresh = stored_and_fresh()
    assert after == fresh
    assert projected(after, twelfth) != projected(before, twelfth)  # the 12th lost theirs


def test_a_cancellation_gives_the_seat_back(demo_db, seat_session):
    order = in_plan_order(csrs())
    twelfth, last = order[SEATS - 1], order[-1]
    seated, _ = stored_and_fresh()
    with acting_as("test:stored-seats"):
        enrolment.book(seat_session, last, actor=persona_user("hr"))
        db.session.commit()
    before, fresh = stored_and_fresh()
    assert before == fresh and projected(before, twelfth) != projected(seated, twelfth)

    booking = db.session.scalar(
        select(Enrolment).where(Enrolment.employee_id == last.id, Enrolment.status == "enrolled")
    )
    with acting_as("test:stored-seats"):
        enrolment.transition(booking, "cancel", actor=persona_user("hr"))
        db.session.commit()

    after, fresh = stored_and_fresh()
    assert after == fresh
    assert projected(after, twelfth) == projected(seated, twelfth)


def test_a_new_session_seats_the_thirteenth(demo_db, seat_session):
    order = in_plan_order(csrs())
    thirteenth = order[SEATS]
    before, fresh = stored_and_fresh()
    assert before == fresh

    later = seat_session.starts_on + timedelta(days=7)
    with acting_as("test:stored-seats"):
        catalogue.add_session("SEAT-S", later, later + timedelta(days=1), SEATS, "Room 3")
        db.session.commit()

    after, fresh = stored_and_fresh()
    assert after == fresh
    assert projected(after, thirteenth) != projected(before, thirteenth)
    assert projected(after, thirteenth) == projected(fresh, thirteenth)


def test_one_more_seat_seats_the_thirteenth(demo_db, seat_session):
    order = in_plan_order(csrs())
    thirteenth = order[SEATS]
    before, fresh = stored_and_fresh()
    assert before == fresh

    with acting_as("test:stored-seats"):
        catalogue.update_session(seat_session.id, seats=SEATS + 1)
        db.session.commit()

    after, fresh = stored_and_fresh()
    assert after == fresh
    assert projected(after, thirteenth) != projected(before, thirteenth)


def test_only_rows_whose_seats_moved_are_computed_again(demo_db, seat_session):
    """A booking drops the rows of people whose seats moved, not the whole organisation's."""
    order = in_plan_order(csrs())
    stored_and_fresh()
    with acting_as("test:stored-seats"):
        enrolment.book(seat_session, order[-1], actor=persona_user("hr"))
        db.session.commit()
    next_request()
    planned = readiness_cache.seat_plan(today())
    population = [p.id for p in csrs()]
    dropped = readiness_cache.drop_moved_seats(planned, population, [ROLE], today())
    # the 12th, whose seat went, and the booker, whose seat came (their facts changed too);
    # the other CSRs' rows stay
    assert dropped == 2 < len(population)
