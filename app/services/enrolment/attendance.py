"""Attendance: after a session ends, hr marks each enrolled person ``attended`` or ``no_show``
(docs/RULES.md "Sessions and enrolment"). ``attended`` records a verified completion dated the
session's last day; ``no_show`` records nothing."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.kernel.uow import batch
from app.models import Completion, CourseSession, Enrolment, User
from app.policy import is_hr
from app.services.enrolment.errors import (
    BookingConflict,
    BookingForbidden,
    BookingInvalid,
    booking_write,
)

MARKS = ("attended", "no_show")
ACTION_MARK = {"attend": "attended", "no_show": "no_show", "attended": "attended"}


def require_ended(session: CourseSession) -> None:
    if session.cancelled:
        raise BookingConflict("This session was cancelled; nobody attended it.")
    if today() < session.ends_on:
        raise BookingConflict(
            f"Attendance is marked once the session ends, on or after "
            f"{session.ends_on.isoformat()}."
        )


def _completion_for(enrolment: Enrolment, actor: User | None) -> Completion:
    """The verified completion of an attended session: the one already on file for that day
    (typed in before), or a new one."""
    from app.services import records

    session = enrolment.session
    existing = db.session.scalar(
        select(Completion).where(
            Completion.employee_id == enrolment.employee_id,
            Completion.course_id == session.course_id,
            Completion.completed_on == session.ends_on,
            Completion.verification != "rejected",
        )
    )
    if existing is not None:
        return existing
    with batch():
        completion = records.record_completion(
            enrolment.employee, session.course.code, session.ends_on, actor=actor
        )
    completion.session_id = session.id
    return completion


def mark(enrolment: Enrolment, action: str, actor: User | None) -> Enrolment:
    """Mark one enrolled person (inside the caller's unit of work)."""
    if actor is not None and not is_hr(actor):
        raise BookingForbidden("Only HR marks attendance.")
    require_ended(enrolment.session)
    if enrolment.status != "enrolled":
        raise BookingConflict(
            f"{enrolment.employee.name} is {enrolment.status.replace('_', ' ')}, not enrolled: "
            "only people holding a seat are marked."
        )
    enrolment.status = ACTION_MARK[action]
    enrolment.decided_by_user_id = actor.id if actor is not None else None
    if enrolment.status == "attended":
        enrolment.completion_id = _completion_for(enrolment, actor).id
    db.session.flush()
    return enrolment


@booking_write
def record_attendance(
    session: CourseSession, marks: Mapping[int, str], *, actor: User | None
) -> list[Enrolment]:
    """Mark the whole roster at once: ``marks`` maps each enrolment id to ``attended`` or
    ``no_show``. Every id must be an enrolled booking of this session; any refusal changes
    nothing."""
    if actor is not None and not is_hr(actor):
        raise BookingForbidden("Only HR marks attendance.")
    require_ended(session)
    wrong = [value for value in marks.values() if value not in MARKS]
    if wrong:
        raise BookingInvalid(
            "Mark each person attended or no show.", {"marks": ["Use attended or no_show."]}
        )
    if not marks:
        raise BookingInvalid("Mark at least one person.", {"marks": ["Nobody was marked."]})
    bookings = {
        e.id: e
        for e in db.session.scalars(
            select(Enrolment).where(
                Enrolment.session_id == session.id, Enrolment.id.in_(list(marks))
            )
        )
    }
    unknown = [str(i) for i in marks if i not in bookings]
    if unknown:
        raise BookingInvalid(
            "Some bookings are not on this session's roster.",
            {"marks": [f"Not on this roster: {', '.join(unknown)}."]},
        )
    done = []
    for enrolment_id in sorted(marks):
        enrolment = bookings[enrolment_id]
        enrolment.session = session
        if enrolment.status == marks[enrolment_id]:
            continue  # marked so already (the form sent again)
        done.append(mark(enrolment, marks[enrolment_id], actor))
    return done
