"""Booking sessions: book, approve, cancel, move, and fill freed seats from the waitlist
(docs/RULES.md "Sessions and enrolment").

Seats are taken and given back by conditional UPDATEs (``seats.py``) in the same transaction
as the booking, so a freed seat is never seen free by anyone else: it goes to the first person
on the waitlist before the transaction commits. The waitlist is ordered by booking id, the
order in which the bookings reached the database.
"""

from __future__ import annotations

from sqlalchemy import select, update

from app.clock import today
from app.extensions import db
from app.models import ACTIVE_STATUSES, CourseSession, Employee, Enrolment, User
from app.policy import is_hr, is_self
from app.policy.enrolment import can_book, can_decide
from app.services.enrolment import notices, rules
from app.services.enrolment.errors import (
    BookingConflict,
    BookingForbidden,
    BookingInvalid,
    BookingNotFound,
    booking_write,
)
from app.services.enrolment.seats import free_seat, take_seat

ACTIONS = ("approve", "decline", "cancel", "attend", "no_show")


def _needs_approval(session: CourseSession, employee: Employee, actor: User | None) -> bool:
    """A course that needs approval waits for the manager when people book themselves; a
    manager's or hr's booking is the approval."""
    if session.course.approval != "manager" or actor is None:
        return False
    return is_self(actor, employee) and not is_hr(actor)


def _seat_or_wait(session: CourseSession) -> str:
    return "enrolled" if take_seat(session) else "waitlisted"


@booking_write
def book(session: CourseSession, employee: Employee, *, actor: User | None) -> Enrolment:
    """Book ``employee`` on ``session``: ``enrolled`` with a seat, ``waitlisted`` when it is
    full, ``requested`` when the course needs the manager's approval first."""
    if actor is not None and not can_book(actor, employee):
        raise BookingNotFound("No such employee.")
    rules.require_bookable_person(employee)
    rules.require_open(session)
    rules.require_not_booked(session, employee)
    rules.require_prerequisites(session, employee)
    requested = _needs_approval(session, employee, actor)
    enrolment = Enrolment(
        session_id=session.id,
        employee_id=employee.id,
        status="requested" if requested else _seat_or_wait(session),
        sequence=0,
        booked_by_user_id=actor.id if actor is not None else None,
    )
    enrolment.session = session
    enrolment.employee = employee
    db.session.add(enrolment)
    db.session.flush()
    if enrolment.status == "waitlisted":
        fill_seats(session)  # a seat freed while this booking was on its way
    notices.booked(enrolment, actor)
    if requested:
        notices.approval_wanted(enrolment, notices.approvers_of(enrolment))
    return enrolment


def fill_seats(session: CourseSession) -> list[Enrolment]:
    """Give every free seat of ``session`` to the first people on its waitlist, and tell them.

    Each seat is taken (which locks the session's row) before the first waitlisted booking is
    read, so two transactions freeing seats at once promote different people, in order.
    """
    promoted: list[Enrolment] = []
    while take_seat(session):
        first = db.session.scalar(
            select(Enrolment)
            .where(Enrolment.session_id == session.id, Enrolment.status == "waitlisted")
            .order_by(Enrolment.id)
            .limit(1)
        )
        if first is None:
            free_seat(session)
            break
        first.status = "enrolled"
        db.session.flush()
        notices.promoted(first)
        promoted.append(first)
    return promoted


def release_session(session: CourseSession) -> list[Enrolment]:
    """The session is cancelled: cancel every standing booking of it and tell each person."""
    bookings = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status.in_(ACTIVE_STATUSES))
        .order_by(Enrolment.id)
    ).all()
    for enrolment in bookings:
        enrolment.status = "cancelled"
        notices.session_cancelled(enrolment)
    sessions = CourseSession.__table__
    db.session.execute(update(sessions).where(sessions.c.id == session.id).values(enrolled_count=0))
    db.session.expire(session, ["enrolled_count"])
    db.session.flush()
    return list(bookings)


def _require_standing(enrolment: Enrolment, doing: str) -> None:
    if enrolment.status not in ACTIVE_STATUSES:
        raise BookingConflict(
            f"This booking is {enrolment.status.replace('_', ' ')}; it cannot be {doing}."
        )


def _approve(enrolment: Enrolment, actor: User | None) -> Enrolment:
    if enrolment.status != "requested":
        raise BookingConflict("Only a booking waiting for approval can be approved.")
    rules.require_open(enrolment.session)
    enrolment.status = _seat_or_wait(enrolment.session)
    enrolment.decided_by_user_id = actor.id if actor is not None else None
    db.session.flush()
    notices.approved(enrolment)
    return enrolment


def _cancel(enrolment: Enrolment, actor: User | None, *, decline: bool = False) -> Enrolment:
    _require_standing(enrolment, "cancelled")
    session = enrolment.session
    if session.ends_on < today():
        raise BookingConflict("The session is over: mark attendance instead of cancelling.")
    held_seat = enrolment.status == "enrolled"
    enrolment.status = "cancelled"
    if decline:
        enrolment.decided_by_user_id = actor.id if actor is not None else None
    db.session.flush()
    notices.cancelled(enrolment, actor, declined=decline)
    if held_seat:
        free_seat(session)
        fill_seats(session)
    return enrolment


def _require_step(enrolment: Enrolment, action: str, actor: User | None) -> None:
    if actor is None:
        return
    if action in ("approve", "decline"):
        allowed = can_decide(actor, enrolment.employee_id)
    elif action == "cancel":
        allowed = can_book(actor, enrolment.employee_id)
    else:
        allowed = is_hr(actor)
    if not allowed:
        raise BookingForbidden(_FORBIDDEN[action])


_FORBIDDEN = {
    "approve": "Only a manager above this person, or HR, approves their booking.",
    "decline": "Only a manager above this person, or HR, declines their booking.",
    "cancel": "Only the person, a manager above them, or HR cancels this booking.",
    "move": "Only the person, a manager above them, or HR moves this booking.",
    "attend": "Only HR marks attendance.",
    "no_show": "Only HR marks attendance.",
}


@booking_write
def transition(enrolment: Enrolment, action: str, *, actor: User | None) -> Enrolment:
    """One step of a booking: approve or decline a request, cancel, or mark attendance."""
    if action not in ACTIONS:
        raise BookingInvalid(
            f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.",
            {"action": [f"Use one of {', '.join(ACTIONS)}."]},
        )
    _require_step(enrolment, action, actor)
    if action == "approve":
        return _approve(enrolment, actor)
    if action == "decline":
        if enrolment.status != "requested":
            raise BookingConflict("Only a booking waiting for approval can be declined.")
        return _cancel(enrolment, actor, decline=True)
    if action == "cancel":
        return _cancel(enrolment, actor)
    from app.services.enrolment.attendance import mark

    return mark(enrolment, action, actor)


@booking_write
def move(enrolment: Enrolment, target: CourseSession, *, actor: User | None) -> Enrolment:
    """Move a standing booking to another session of the same course. It keeps its UID (the
    calendar event moves); a seat is taken in the new session before the old one is freed."""
    if actor is not None and not can_book(actor, enrolment.employee_id):
        raise BookingForbidden(_FORBIDDEN["move"])
    _require_standing(enrolment, "moved")
    source = enrolment.session
    if target.id == source.id:
        raise BookingConflict("The booking is already on that session.")
    if target.course_id != source.course_id:
        raise BookingConflict("A booking moves only to another session of the same course.")
    rules.require_open(target)
    rules.require_not_booked(target, enrolment.employee, ignore=enrolment)
    rules.require_prerequisites(target, enrolment.employee)
    held_seat = enrolment.status == "enrolled"
    if enrolment.status != "requested":
        if not take_seat(target):
            raise BookingConflict(
                "That session is full. Book it instead to join its waitlist, and keep this "
                "booking until a seat is yours."
            )
        enrolment.status = "enrolled"
    enrolment.session_id = target.id
    enrolment.session = target
    db.session.flush()
    notices.moved(enrolment, actor)
    if held_seat:
        free_seat(source)
        fill_seats(source)
    return enrolment
