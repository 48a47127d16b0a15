"""Course sessions: scheduled runs of a course (docs/RULES.md CourseSession)."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import CourseSession, Employee
from app.services.catalogue.errors import InvalidEntry, write
from app.services.catalogue.kinds import get_course, get_session
from app.services.catalogue.parsing import UNSET, Fields, assign, kept


def _session_values(
    fields: Fields, starts_on: Any, ends_on: Any, seats: Any, location: Any
) -> dict[str, Any]:
    start = fields.date("starts_on", starts_on, "Start date")
    end = fields.date("ends_on", ends_on, "End date")
    if start and end and end < start:
        fields.add("ends_on", "The end date cannot be before the start date.")
    if start and end and (end - start).days > 730:
        fields.add("ends_on", "A session lasts at most two years; check the end date.")
    return {
        "starts_on": start,
        "ends_on": end,
        "seats": fields.integer("seats", seats, "Seats", minimum=1, maximum=10000),
        "location": fields.text("location", location, "Location", required=False, max_length=120),
    }


def _trainer(fields: Fields, trainer_id: Any) -> int | None:
    """The id of the active employee who runs the session, or None when none is named."""
    found = fields.integer("trainer_id", trainer_id, "Trainer", minimum=1, required=False)
    if found is None:
        return None
    trainer = db.session.get(Employee, found)
    if trainer is None or trainer.status != "active":
        fields.add("trainer_id", "No active employee has this id.")
        return None
    return found


@write
def add_session(
    course_code: str,
    starts_on: Any,
    ends_on: Any,
    seats: Any,
    location: Any = None,
    trainer_id: Any = None,
) -> CourseSession:
    """Schedule a run of a course (docs/RULES.md CourseSession: start and end dates, seats,
    and optionally the employee who trains it)."""
    course = get_course(course_code)
    fields = Fields()
    values = _session_values(fields, starts_on, ends_on, seats, location)
    trainer = _trainer(fields, trainer_id)
    if trainer is not None:
        values["trainer_id"] = trainer
    if course.retired:
        raise InvalidEntry(f"{course.code} is retired; restore it before scheduling sessions.")
    fields.raise_if_any("Check the session's fields.")
    session = CourseSession(course_id=course.id, cancelled=False, **values)
    db.session.add(session)
    db.session.flush()
    return session


@write
def update_session(
    session_id: int,
    *,
    starts_on: Any = UNSET,
    ends_on: Any = UNSET,
    seats: Any = UNSET,
    location: Any = UNSET,
) -> CourseSession:
    session = get_session(session_id)
    fields = Fields()
    given = kept(session, starts_on=starts_on, ends_on=ends_on, seats=seats, location=location)
    values = _session_values(fields, **given)
    held = session.enrolled_count
    if values["seats"] is not None and values["seats"] < held:
        fields.add(
            "seats",
            f"{held} people hold seats in this session; keep at least {held} seats, "
            "or cancel bookings first.",
        )
    fields.raise_if_any("Check the session's fields.")
    assign(session, values)
    db.session.flush()
    from app.services.enrolment import fill_seats

    fill_seats(session)  # more seats: the waitlist takes them at once
    return session


@write
def cancel_session(session_id: int) -> CourseSession:
    """Cancel a session: it stays listed for history but no longer counts as scheduled. Every
    standing booking of it is cancelled, and each person is told (with a calendar cancel)."""
    session = get_session(session_id)
    if session.cancelled:
        raise InvalidEntry("That session is already cancelled.")
    session.cancelled = True
    from app.services.enrolment import release_session

    release_session(session)
    return session


@write
def reinstate_session(session_id: int) -> CourseSession:
    session = get_session(session_id)
    if not session.cancelled:
        raise InvalidEntry("That session is not cancelled.")
    if session.course.retired:
        raise InvalidEntry(f"{session.course.code} is retired; restore it first.")
    session.cancelled = False
    return session
