"""The calendar of one user's private feed (``GET /calendar/<token>.ics``), built with
``icalendar``: their sessions (standing and attended bookings, each with the UID of its
invitation, so the feed and the emailed invitations describe the same event) and all-day events
on the expiry dates of their certifications (the latest verified completion of each course that
expires) and background checks (the latest clear check of each type with a validity end).
"""

from __future__ import annotations

from datetime import date

from icalendar import Calendar, Event
from sqlalchemy import select

from app.clock import now
from app.extensions import db
from app.models import BackgroundCheck, Completion, Enrolment, User
from app.services.enrolment.calendar import (
    all_day,
    enrolment_uid,
    new_calendar,
    session_event,
    uid_domain,
)
from app.services.enrolment.queries import enrolments_of

FEED_STATUS = {
    "enrolled": "CONFIRMED",
    "attended": "CONFIRMED",
    "requested": "TENTATIVE",
    "waitlisted": "TENTATIVE",
}


def _expiry_event(uid: str, on: date, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now())
    all_day(event, on, on)
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def _latest_completions(employee_id: int) -> list[Completion]:
    rows = db.session.scalars(
        select(Completion)
        .where(Completion.employee_id == employee_id, Completion.verification == "verified")
        .order_by(Completion.completed_on.desc(), Completion.id.desc())
    )
    latest: dict[int, Completion] = {}
    for completion in rows:
        latest.setdefault(completion.course_id, completion)
    return [c for c in latest.values() if c.expires_on is not None]


def _latest_checks(employee_id: int) -> list[BackgroundCheck]:
    rows = db.session.scalars(
        select(BackgroundCheck)
        .where(
            BackgroundCheck.employee_id == employee_id,
            BackgroundCheck.completed_on.is_not(None),
        )
        .order_by(BackgroundCheck.completed_on.desc(), BackgroundCheck.id.desc())
    )
    latest: dict[int, BackgroundCheck] = {}
    for check in rows:
        latest.setdefault(check.check_type_id, check)
    return [c for c in latest.values() if c.status == "clear" and c.valid_until is not None]


def _session_events(employee_id: int) -> list[Event]:
    events = []
    enrolment: Enrolment
    for enrolment in enrolments_of(employee_id):
        status = FEED_STATUS.get(enrolment.status)
        if status is None:
            continue
        events.append(
            session_event(enrolment.session, enrolment_uid(enrolment), enrolment.sequence, status)
        )
    return events


def feed_calendar(user: User) -> Calendar:
    """The whole feed of ``user`` (no METHOD: a published calendar, not an invitation)."""
    calendar = new_calendar()
    calendar.add("x-wr-calname", "Echelon: my training")
    domain = uid_domain()
    employee = user.employee
    if employee is None:
        return calendar
    for event in _session_events(employee.id):
        calendar.add_component(event)
    for completion in _latest_completions(employee.id):
        course = completion.course
        if completion.expires_on is None:  # _latest_completions keeps only expiring ones
            continue
        calendar.add_component(
            _expiry_event(
                f"certification-{employee.id}-{course.id}@{domain}",
                completion.expires_on,
                f"Expires: {course.title} ({course.code})",
                f"Your {course.title} certification expires today unless it is renewed.",
            )
        )
    for check in _latest_checks(employee.id):
        kind = check.check_type
        if check.valid_until is None:  # _latest_checks keeps only ones with an end
            continue
        calendar.add_component(
            _expiry_event(
                f"check-{employee.id}-{kind.id}@{domain}",
                check.valid_until,
                f"Expires: {kind.name} ({kind.code}) check",
                f"Your {kind.name} background check is valid until this day.",
            )
        )
    return calendar
