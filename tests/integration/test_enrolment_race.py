"""Twenty people booking the last two seats at the same moment (real threads).

docs/RULES.md Sessions and enrolment: a seat is taken by a conditional UPDATE of the session's
counter, so two people never hold the same seat and a full session waitlists, in booking order.
Every thread has its own app context, session and database connection, against SQLite and
(with --db=postgresql) PostgreSQL. A barrier holds them all just before the seat-taking UPDATE,
after each has passed every check, so only the database decides who gets a seat.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CourseSession, Employee, Enrolment
from app.services import enrolment as svc
from app.services.enrolment import booking
from tests.integration.enrolment_support import csrs, new_session, persona

TIMEOUT = 60
RACERS = 20


def _race(
    app: Any, monkeypatch: pytest.MonkeyPatch, session_id: int, people: list[int], actor: int
):
    """Each person booked by ``actor`` in their own thread, all released together at the
    conditional UPDATE; answers ("ok", (id, status)) or ("refused"/"crashed", error)."""
    barrier = threading.Barrier(len(people), timeout=TIMEOUT)
    original = booking.take_seat
    first_call: set[int] = set()
    guard = threading.Lock()

    def held(*args: Any, **kwargs: Any) -> Any:
        ident = threading.get_ident()
        with guard:
            waiting = ident not in first_call
            first_call.add(ident)
        if waiting:  # only the booking's own seat; refilling after a waitlist goes straight on
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(booking, "take_seat", held)
    results: list[tuple[str, Any] | None] = [None] * len(people)

    def run(index: int) -> None:
        with app.app_context():
            try:
                session = db.session.get(CourseSession, session_id)
                employee = db.session.get(Employee, people[index])
                user = db.session.get(type(persona("hr")), actor)
                made = svc.book(session, employee, actor=user)
                results[index] = ("ok", (made.id, made.status))
            except svc.EnrolmentError as error:
                results[index] = ("refused", error)
            except BaseException as error:  # report, never leave an unhandled thread error
                barrier.abort()
                results[index] = ("crashed", error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    monkeypatch.setattr(booking, "take_seat", original)
    assert all(r is not None for r in results)
    return results


def test_twenty_people_racing_for_two_seats_two_get_them_and_the_rest_queue_in_order(
    demo_app, monkeypatch, backend
):
    with demo_app.app_context():
        session = new_session(seats=3)
        people = csrs(RACERS + 1)
        hr = persona("hr")
        svc.book(session, people[0], actor=hr)  # one seat taken already: two are left
        session_id, hr_id = session.id, hr.id
        racers = [p.id for p in people[1:]]
        db.session.remove()

    results = _race(demo_app, monkeypatch, session_id, racers, hr_id)
    crashed = [r[1] for r in results if r[0] != "ok"]
    assert not crashed, f"a booking failed instead of taking a seat or queueing: {crashed!r}"

    with demo_app.app_context():
        session = db.session.get(CourseSession, session_id)
        bookings = db.session.scalars(
            select(Enrolment)
            .where(Enrolment.session_id == session_id, Enrolment.employee_id.in_(racers))
            .order_by(Enrolment.id)
        ).all()
        enrolled = [e for e in bookings if e.status == "enrolled"]
        waiting = [e for e in bookings if e.status == "waitlisted"]
        assert len(enrolled) == 2 and len(waiting) == RACERS - 2
        assert session.enrolled_count == 3  # the one booked before, and the two winners
        positions = [svc.waitlist_position(e) for e in waiting]
        assert positions == list(range(1, RACERS - 1)), "positions follow the booking order"

        first_waiting = waiting[0].id
        svc.transition(enrolled[0], "cancel", actor=persona("hr"))
        db.session.expire_all()
        promoted = db.session.scalars(
            select(Enrolment).where(
                Enrolment.session_id == session_id, Enrolment.status == "enrolled"
            )
        ).all()
        assert first_waiting in {e.id for e in promoted}
        assert len(promoted) == 3
        assert db.session.get(CourseSession, session_id).enrolled_count == 3
        still = db.session.scalars(
            select(Enrolment)
            .where(Enrolment.session_id == session_id, Enrolment.status == "waitlisted")
            .order_by(Enrolment.id)
        ).all()
        assert [svc.waitlist_position(e) for e in still] == list(range(1, RACERS - 2))
        db.session.remove()
