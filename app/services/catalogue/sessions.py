"""Course sessions: scheduled runs of a course (docs/RULES.md CourseSession)."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.kernel.fields import assign
from app.models import CourseSession, Employee
from app.services.catalogue.errors import InvalidEntry, write
from app.services.catalogue.kinds import get_course, get_session
from app.services.catalogue.parsing import Fields, edited

# What an edit of a session may change.
SESSION_FIELDS = ("starts_on", "ends_on", "seats", "location", "trainer_id")


def trainer_choices(current: int | None = None) -> list[Employee]:
    """Who may be chosen as a session's trainer: the current employees by name (and the
    session's trainer, whatever their status)."""
    from sqlalchemy import select

    stmt = select(Employee).order_by(Employee.name)
    if current:
        stmt = stmt.where((Employee.status != "terminated") | (Employee.id == current))
    else:
        stmt = stmt.where(Employee.status != "terminated")
    return list(db.session.scalars(stmt))


def _trainer(fields: Fields, value: Any, current: int | None) -> int | None:
    """The trainer: a current employee's id (or the session's trainer as it was), or none."""
    if value in (None, "") or isinstance(value, Employee):
        return value.id if isinstance(value, Employee) else None
    trainer_id = fields.integer("trainer_id", value, "Trainer", minimum=1, required=False)
    if trainer_id is None:
        return None
    trainer = db.session.get(Employee, trainer_id)
    if trainer is None or (trainer.status == "terminated" and trainer_id != current):
        fields.add("trainer_id", "Choose the trainer from the list of current employees.")
        return None
    return trainer_id


def _session_values(
    fields: Fields,
    starts_on: Any,
    ends_on: Any,
    seats: Any,
    location: Any,
    trainer_id: Any = None,
    current_trainer: int | None = None,
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
        "trainer_id": _trainer(fields, trainer_id, current_trainer),
    }


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
    values = _session_values(fields, starts_on, ends_on, seats, location, trainer_id)
    if course.retired:
        raise InvalidEntry(f"{course.code} is retired; restore it before scheduling sessions.")
    fields.raise_if_any("Check the session's fields.")
    session = CourseSession(course_id=course.id, cancelled=False, **values)
    db.session.add(session)
    db.session.flush()
    return session


@write
def update_session(session_id: int, **changes: Any) -> CourseSession:
    """Edit a session (``changes``: any of SESSION_FIELDS); it keeps at least the seats held."""
    session = get_session(session_id)
    fields = Fields()
    given = edited(session, SESSION_FIELDS, changes)
    values = _session_values(fields, **given, current_trainer=session.trainer_id)
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
