"""Telling people about their bookings: an in-app notice, emailed with the iCalendar
invitation of the booking's new state (docs/RULES.md "Sessions and enrolment", "Calendars").

Every change a person is told about raises the booking's SEQUENCE first, so the invitation
that reaches their calendar replaces the one before it.
"""

from __future__ import annotations

from app.models import Enrolment, User
from app.services.enrolment.calendar import invitation
from app.services.notify import notify, users_with_role

KIND = "enrolment"


def booking_link(enrolment: Enrolment) -> str:
    return f"/sessions/{enrolment.session_id}"


def _when(enrolment: Enrolment) -> str:
    session = enrolment.session
    if session.starts_on == session.ends_on:
        days = f"on {session.starts_on.isoformat()}"
    else:
        days = f"from {session.starts_on.isoformat()} to {session.ends_on.isoformat()}"
    where = f" at {session.location}" if session.location else ""
    return f"{session.course.title} {days}{where}"


def _user_id(enrolment: Enrolment) -> int | None:
    user = enrolment.employee.user
    return user.id if user is not None and user.active else None


def tell(
    enrolment: Enrolment, subject: str, body: str, *, also: list[int | None] | None = None
) -> None:
    """Tell the person (and ``also``: the booker, a manager) about a change of their booking,
    with the invitation of its new state attached."""
    enrolment.sequence = (enrolment.sequence or 0) + 1
    recipients = [_user_id(enrolment), *(also or [])]
    notify(
        recipients,
        KIND,
        subject,
        body,
        booking_link(enrolment),
        attachment=invitation(enrolment),
    )


def booked(enrolment: Enrolment, actor: User | None) -> None:
    """A new booking: enrolled, waitlisted with its position, or waiting for approval."""
    what = _when(enrolment)
    booker = actor.id if actor is not None and actor.id != _user_id(enrolment) else None
    if enrolment.status == "enrolled":
        tell(enrolment, f"Booked: {what}", f"You hold a seat on {what}.", also=[booker])
    elif enrolment.status == "waitlisted":
        from app.services.enrolment.queries import waitlist_position

        position = waitlist_position(enrolment)
        tell(
            enrolment,
            f"Waitlisted: {what}",
            f"The session is full, so you are number {position} on its waitlist for {what}. "
            "You will be told at once when a seat frees up.",
            also=[booker],
        )
    else:
        tell(
            enrolment,
            f"Waiting for approval: {what}",
            f"Your booking of {what} waits for your manager's approval.",
            also=[booker],
        )


def approval_wanted(enrolment: Enrolment, approver_user_ids: list[int]) -> None:
    """Tell who decides a booking that waits for approval (no invitation: it is not theirs)."""
    notify(
        approver_user_ids,
        KIND,
        f"Approve a booking: {enrolment.employee.name}",
        f"{enrolment.employee.name} asks to attend {_when(enrolment)}. "
        "Approve or decline it in your approvals.",
        "/sessions/approvals",
    )


def promoted(enrolment: Enrolment) -> None:
    what = _when(enrolment)
    tell(enrolment, f"A seat is yours: {what}", f"A seat freed up: you now hold a seat on {what}.")


def approved(enrolment: Enrolment) -> None:
    what = _when(enrolment)
    if enrolment.status == "enrolled":
        tell(
            enrolment, f"Approved: {what}", f"Your booking was approved: you hold a seat on {what}."
        )
    else:
        tell(
            enrolment,
            f"Approved, waitlisted: {what}",
            f"Your booking of {what} was approved, but the session is full: you are on its "
            "waitlist and will be told when a seat frees up.",
        )


def moved(enrolment: Enrolment, actor: User | None) -> None:
    what = _when(enrolment)
    booker = actor.id if actor is not None and actor.id != _user_id(enrolment) else None
    tell(enrolment, f"Moved: {what}", f"Your booking moved to {what}.", also=[booker])


def cancelled(enrolment: Enrolment, actor: User | None, *, declined: bool = False) -> None:
    what = _when(enrolment)
    booker = actor.id if actor is not None and actor.id != _user_id(enrolment) else None
    if declined:
        tell(enrolment, f"Declined: {what}", f"Your booking of {what} was declined.")
        return
    tell(enrolment, f"Cancelled: {what}", f"Your booking of {what} is cancelled.", also=[booker])


def session_cancelled(enrolment: Enrolment) -> None:
    what = _when(enrolment)
    tell(
        enrolment,
        f"Session cancelled: {what}",
        f"The session {what} was cancelled, and your booking with it. "
        "Book another session of the course from its page.",
    )


def approvers_of(enrolment: Enrolment) -> list[int]:
    """Who decides a booking of someone who books themselves: their manager (or the nearest one
    above with a sign-in), else every hr user."""
    from app.services.tuition.approvers import manager_approver

    manager = manager_approver(enrolment.employee)
    if manager is not None and manager.user is not None:
        return [manager.user.id]
    return users_with_role("hr")
