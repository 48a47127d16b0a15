"""Booking sessions through the service (docs/RULES.md "Sessions and enrolment"): seats,
waitlists, approval, prerequisites, double bookings, attendance, moves and cancelled sessions.
Each test books through the same service the pages and the API call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import today
from app.extensions import db
from app.models import Completion, Course, CourseSession, Enrolment, Notification
from app.policy import manages
from app.services import catalogue, enrolment
from app.services.catalogue import InvalidEntry
from app.services.tuition.approvers import manager_approver
from tests.factories import employee_named, sign_in_for
from tests.integration.enrolment_support import (
    as_date,
    csrs,
    event_of,
    invitations_to,
    new_session,
    persona,
)


def _count(session: CourseSession, status: str) -> int:
    return db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.session_id == session.id, Enrolment.status == status
        )
    )


def test_a_booking_takes_a_seat_and_emails_a_calendar_request(demo_db):
    hr = persona("hr")
    session = new_session(seats=2, days=2)
    person = csrs(1)[0]
    booking = enrolment.book(session, person, actor=hr)
    assert booking.status == "enrolled"
    db.session.refresh(session)
    assert session.enrolled_count == 1 and session.seats_left == 1

    event = event_of(invitations_to(person.user.id)[-1])
    calendar = invitations_to(person.user.id)[-1]
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"enrolment-{booking.id}@" + str(event["UID"]).split("@")[1]
    assert int(event["SEQUENCE"]) == 1
    assert as_date(event["DTSTART"]) == session.starts_on
    assert as_date(event["DTEND"]) == session.ends_on + timedelta(days=1)
    assert str(event["ATTENDEE"]).lower() == f"mailto:{person.user.email}".lower()


def test_a_full_session_waitlists_in_order_and_a_cancellation_promotes_the_first(demo_db):
    hr = persona("hr")
    session = new_session(seats=1)
    first, second, third = csrs(3)
    holder = enrolment.book(session, first, actor=hr)
    waiting = [enrolment.book(session, p, actor=hr) for p in (second, third)]
    assert [b.status for b in waiting] == ["waitlisted", "waitlisted"]
    assert [enrolment.waitlist_position(b) for b in waiting] == [1, 2]

    enrolment.transition(holder, "cancel", actor=hr)
    db.session.expire_all()
    assert db.session.get(Enrolment, waiting[0].id).status == "enrolled"
    assert db.session.get(Enrolment, waiting[1].id).status == "waitlisted"
    assert enrolment.waitlist_position(db.session.get(Enrolment, waiting[1].id)) == 1
    subjects = db.session.scalars(
        select(Notification.subject).where(Notification.user_id == second.user.id)
    ).all()
    assert any(s.startswith("A seat is yours") for s in subjects)
    assert event_of(invitations_to(first.user.id)[-1])["STATUS"] == "CANCELLED"
    assert invitations_to(first.user.id)[-1]["METHOD"] == "CANCEL"


def test_booking_without_the_prerequisite_names_the_missing_course(demo_db):
    hr = persona("hr")
    session = new_session("SUP-REF", seats=5, starts_in=40, days=3)
    lacking = next(
        p for p in csrs(30, signed_in=False) if enrolment.missing_prerequisites(session, p.id)
    )
    with pytest.raises(enrolment.BookingInvalid) as refused:
        enrolment.book(session, lacking, actor=hr)
    assert "SUP-101" in refused.value.message
    assert "Supervisor training" in refused.value.message
    assert _count(session, "enrolled") == 0

    # a seat in a SUP-101 session that ends before this one starts is enough
    found = new_session("SUP-101", seats=5, starts_in=10, days=2)
    enrolment.book(found, lacking, actor=hr)
    assert enrolment.book(session, lacking, actor=hr).status == "enrolled"


def test_a_double_booking_and_an_overlapping_session_of_the_same_course_are_refused(demo_db):
    hr = persona("hr")
    session = new_session(seats=5, days=3)
    overlapping = new_session(seats=5, starts_in=21, days=1)
    person = csrs(1)[0]
    enrolment.book(session, person, actor=hr)
    with pytest.raises(enrolment.BookingConflict, match="already booked on this session"):
        enrolment.book(session, person, actor=hr)
    with pytest.raises(enrolment.BookingConflict, match="overlaps"):
        enrolment.book(overlapping, person, actor=hr)
    assert _count(overlapping, "enrolled") == 0 and _count(session, "enrolled") == 1


def test_cancelled_and_started_sessions_take_no_bookings(demo_db):
    hr = persona("hr")
    person = csrs(1)[0]
    cancelled = new_session(seats=5)
    catalogue.cancel_session(cancelled.id)
    with pytest.raises(enrolment.BookingConflict, match="cancelled"):
        enrolment.book(db.session.get(CourseSession, cancelled.id), person, actor=hr)
    started = catalogue.add_session(
        "PCI-AWARE", today() - timedelta(days=1), today() + timedelta(days=1), 5, "Room 1"
    )
    with pytest.raises(enrolment.BookingConflict, match="started on"):
        enrolment.book(started, person, actor=hr)
    assert db.session.scalar(select(func.count(Enrolment.id))) == _demo_bookings()


def _demo_bookings() -> int:
    return db.session.scalar(
        select(func.count(Enrolment.id))
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(CourseSession.location != "Room 1", CourseSession.location != "Room 4")
    )


def test_a_manager_books_people_below_them_but_nobody_else(demo_db):
    sam = persona("manager")
    session = new_session(seats=5)
    report = next(p for p in csrs(45, signed_in=False) if manages(sam, p))
    stranger = next(p for p in csrs(45, signed_in=False) if not manages(sam, p))
    assert enrolment.book(session, report, actor=sam).status == "enrolled"
    with pytest.raises(enrolment.BookingNotFound):
        enrolment.book(session, stranger, actor=sam)
    assert _count(session, "enrolled") == 1


def test_a_course_needing_approval_waits_for_the_manager(demo_db):
    maria = persona("employee")
    course = db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    course.approval = "manager"
    db.session.commit()
    session = new_session(seats=5)
    booking = enrolment.book(session, maria.employee, actor=maria)
    assert booking.status == "requested"
    assert _count(session, "enrolled") == 0
    manager_user = manager_approver(maria.employee).user  # the nearest manager with a sign-in
    told = db.session.scalars(
        select(Notification.subject).where(Notification.user_id == manager_user.id)
    ).all()
    assert "Approve a booking: Maria Lopez" in told
    assert booking in db.session.scalars(enrolment.approvals_query(manager_user)).all()
    with pytest.raises(enrolment.BookingForbidden):
        enrolment.transition(booking, "approve", actor=maria)
    approved = enrolment.transition(booking, "approve", actor=manager_user)
    assert approved.status == "enrolled"
    db.session.refresh(session)
    assert session.enrolled_count == 1


def test_attendance_waits_for_the_end_then_records_a_verified_completion(demo_db, monkeypatch):
    hr = persona("hr")
    session = new_session(seats=5, starts_in=3, days=2)
    came, missed = csrs(2)
    a = enrolment.book(session, came, actor=hr)
    b = enrolment.book(session, missed, actor=hr)
    with pytest.raises(enrolment.BookingConflict, match="once the session ends"):
        enrolment.record_attendance(session, {a.id: "attended", b.id: "no_show"}, actor=hr)

    monkeypatch.setenv("ECHELON_TODAY", (session.ends_on + timedelta(days=1)).isoformat())
    before = db.session.scalar(
        select(func.count(Completion.id)).where(Completion.employee_id == missed.id)
    )
    enrolment.record_attendance(session, {a.id: "attended", b.id: "no_show"}, actor=hr)
    completion = db.session.scalar(
        select(Completion).where(
            Completion.employee_id == came.id, Completion.session_id == session.id
        )
    )
    assert completion is not None
    assert completion.completed_on == session.ends_on
    assert completion.verification == "verified"
    assert db.session.get(Enrolment, a.id).completion_id == completion.id
    assert db.session.get(Enrolment, b.id).status == "no_show"
    after = db.session.scalar(
        select(func.count(Completion.id)).where(Completion.employee_id == missed.id)
    )
    assert after == before


def test_only_hr_marks_attendance(demo_db, monkeypatch):
    hr, sam = persona("hr"), persona("manager")
    session = new_session(seats=5, starts_in=3)
    report = next(p for p in csrs(45, signed_in=False) if manages(sam, p))
    booking = enrolment.book(session, report, actor=sam)
    monkeypatch.setenv("ECHELON_TODAY", (session.ends_on + timedelta(days=1)).isoformat())
    with pytest.raises(enrolment.BookingForbidden):
        enrolment.transition(booking, "attend", actor=sam)
    assert enrolment.transition(booking, "attend", actor=hr).status == "attended"


def test_a_cancelled_session_cancels_every_booking_and_tells_each_person(demo_db):
    hr = persona("hr")
    session = new_session(seats=1)
    holder, waiting = csrs(2)
    enrolment.book(session, holder, actor=hr)
    enrolment.book(session, waiting, actor=hr)
    catalogue.cancel_session(session.id)
    db.session.expire_all()
    assert _count(session, "cancelled") == 2
    assert db.session.get(CourseSession, session.id).enrolled_count == 0
    for person in (holder, waiting):
        assert invitations_to(person.user.id)[-1]["METHOD"] == "CANCEL"


def test_seats_cannot_drop_below_the_people_holding_them_and_more_seats_serve_the_waitlist(
    demo_db,
):
    hr = persona("hr")
    session = new_session(seats=2)
    people = csrs(3)
    bookings = [enrolment.book(session, p, actor=hr) for p in people]
    with pytest.raises(InvalidEntry, match="2 people hold seats"):
        catalogue.update_session(session.id, seats=1)
    catalogue.update_session(session.id, seats=3)
    db.session.expire_all()
    assert db.session.get(Enrolment, bookings[2].id).status == "enrolled"
    assert db.session.get(CourseSession, session.id).enrolled_count == 3


def test_a_move_keeps_the_calendar_uid_and_raises_its_sequence(demo_db):
    hr = persona("hr")
    first = new_session(seats=1)
    later = new_session(seats=3, starts_in=45)
    person, waiting = csrs(2)
    booking = enrolment.book(first, person, actor=hr)
    enrolment.book(first, waiting, actor=hr)
    uid = str(event_of(invitations_to(person.user.id)[-1])["UID"])
    enrolment.move(booking, later, actor=hr)
    event = event_of(invitations_to(person.user.id)[-1])
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 2
    assert as_date(event["DTSTART"]) == later.starts_on
    db.session.expire_all()
    # the freed seat of the first session went to the waitlist
    assert _count(db.session.get(CourseSession, first.id), "enrolled") == 1
    assert db.session.get(CourseSession, first.id).enrolled_count == 1


def test_a_terminated_person_cannot_be_booked(demo_db):
    hr = persona("hr")
    session = new_session(seats=3)
    gone = sign_in_for(employee_named(csrs(1)[0].name)).employee
    gone.status = "terminated"
    gone.termination_date = today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(enrolment.BookingInvalid, match="left the organisation"):
        enrolment.book(session, gone, actor=hr)
