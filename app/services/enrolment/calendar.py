"""iCalendar (RFC 5545) invitations of bookings, built with the ``icalendar`` library.

Every booking, move and cancellation emails the person an invitation: ``METHOD:REQUEST`` while
the booking stands, ``METHOD:CANCEL`` when it ends. Its UID is the booking's own and never
changes; its SEQUENCE is the booking's ``sequence``, which rises with each change, so a calendar
client replaces the event it already holds instead of adding a second one. Sessions are
all-day events: DTEND is the day after the last day (RFC 5545 3.6.1, exclusive end).
"""

from __future__ import annotations

from datetime import date, timedelta
from email.utils import parseaddr
from urllib.parse import urlparse

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from app.clock import now
from app.models import CourseSession, Employee, Enrolment
from app.services.mailer import Attachment

PRODID = "-//Echelon//Training sessions//EN"
STATUS_OF = {"enrolled": "CONFIRMED", "requested": "TENTATIVE", "waitlisted": "TENTATIVE"}


def uid_domain() -> str:
    """The domain of every UID: the mail sender's, else the site's, else a fixed name."""
    sender = parseaddr(str(current_app.config.get("MAIL_FROM") or ""))[1]
    if "@" in sender:
        return sender.rpartition("@")[2]
    host = urlparse(str(current_app.config.get("BASE_URL") or "")).hostname
    return host or "echelon.invalid"


def enrolment_uid(enrolment: Enrolment) -> str:
    return f"enrolment-{enrolment.id}@{uid_domain()}"


def new_calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def all_day(event: Event, first: date, last: date) -> None:
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))


def session_event(session: CourseSession, uid: str, sequence: int, status: str) -> Event:
    """The event of one session as one person's calendar holds it."""
    event = Event()
    course = session.course
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now())
    all_day(event, session.starts_on, session.ends_on)
    event.add("summary", f"{course.title} ({course.code})")
    if session.location:
        event.add("location", session.location)
    trainer = session.trainer.name if session.trainer is not None else None
    details = [f"Training session of {course.title}, {course.hours} hours."]
    if trainer:
        details.append(f"Trainer: {trainer}.")
    event.add("description", " ".join(details))
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _attendee(employee: Employee) -> vCalAddress | None:
    user = employee.user
    if user is None:
        return None
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(employee.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    return attendee


def invitation(enrolment: Enrolment) -> Attachment:
    """The invitation of a booking in its current state: REQUEST while it stands (enrolled,
    waitlisted or requested: TENTATIVE until it holds a seat), CANCEL once it does not."""
    standing = enrolment.status in STATUS_OF
    method = "REQUEST" if standing else "CANCEL"
    calendar = new_calendar(method)
    event = session_event(
        enrolment.session,
        enrolment_uid(enrolment),
        enrolment.sequence,
        STATUS_OF.get(enrolment.status, "CANCELLED"),
    )
    sender = parseaddr(str(current_app.config.get("MAIL_FROM") or "echelon@localhost"))[1]
    organizer = vCalAddress(f"mailto:{sender or 'echelon@localhost'}")
    organizer.params["cn"] = vText(str(current_app.config.get("ORGANISATION_NAME") or "Echelon"))
    event.add("organizer", organizer)
    attendee = _attendee(enrolment.employee)
    if attendee is not None:
        event.add("attendee", attendee)
    calendar.add_component(event)
    return Attachment(
        filename="invite.ics" if standing else "cancel.ics",
        content_type=f"text/calendar; method={method}; charset=utf-8",
        content=calendar.to_ical().decode("utf-8"),
    )
