"""Sessions and people the booking tests arrange, through the services themselves."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from icalendar import Calendar
from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import CourseSession, Employee, JobRole, Notification
from app.services import catalogue
from tests.factories import PERSONAS, sign_in_for, user_of


def persona(who: str) -> Any:
    return user_of(PERSONAS[who])


def new_session(
    course: str = "PCI-AWARE",
    *,
    seats: int = 2,
    starts_in: int = 20,
    days: int = 1,
    location: str = "Room 4",
) -> CourseSession:
    start = today() + timedelta(days=starts_in)
    return catalogue.add_session(course, start, start + timedelta(days=days - 1), seats, location)


def csrs(count: int, *, signed_in: bool = True) -> list[Employee]:
    """``count`` active CSRs of the demo, by name, each with a sign-in (made when missing) so
    their notices and invitations can reach them."""
    people = db.session.scalars(
        select(Employee)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(JobRole.code == "L1-CSR", Employee.status == "active")
        .order_by(Employee.name)
    ).all()
    assert len(people) >= count, f"the demo has {len(people)} active CSRs"
    chosen = list(people[:count])
    if signed_in:
        for person in chosen:
            sign_in_for(person)
    return chosen


def invitations_to(user_id: int) -> list[Calendar]:
    """The iCalendar attachments of a user's notices, oldest first, parsed with icalendar."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.attachment.is_not(None))
        .order_by(Notification.id)
    ).all()
    return [Calendar.from_ical(row.attachment) for row in rows]


def event_of(calendar: Calendar) -> Any:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def as_date(value: Any) -> date:
    return value.dt if hasattr(value, "dt") else value
