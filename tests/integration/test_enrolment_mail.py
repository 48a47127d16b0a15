"""Invitations reach people through a real SMTP server on loopback (docs/RULES.md "Sessions and
enrolment", calendars): each received message carries an .ics attachment, parsed here with
icalendar: METHOD, one stable UID, a rising SEQUENCE, all-day dates and the attendee."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from icalendar import Calendar

from app.services import enrolment
from tests.integration.enrolment_support import as_date, csrs, event_of, new_session, persona
from tests.mailbox import LoopbackSMTP, Received, configure


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


def _calendars(messages: list[Received]) -> list[Calendar]:
    found = []
    for received in messages:
        for part in received.message.walk():
            name = part.get_filename() or ""
            if name.endswith(".ics"):
                found.append(Calendar.from_ical(part.get_content()))
    return found


def _wait_calendars(box: Any, address: str, count: int) -> list[Calendar]:
    for _ in range(50):
        calendars = _calendars(box.to(address))
        if len(calendars) >= count:
            return calendars
        box.wait_for(len(box.messages) + 1, timeout=0.1)
    return _calendars(box.to(address))


def test_book_move_and_cancel_each_email_an_invitation_with_one_uid(demo_db, smtp):
    hr = persona("hr")
    person = csrs(1)[0]
    email = person.user.email
    first = new_session(seats=2, days=2, starts_in=20)
    second = new_session(seats=2, days=3, starts_in=40, location="Room 7")

    booking = enrolment.book(first, person, actor=hr)
    enrolment.move(booking, second, actor=hr)
    enrolment.transition(booking, "cancel", actor=hr)

    calendars = _wait_calendars(smtp, email, 3)
    assert len(calendars) == 3, f"three invitations received, got {len(calendars)}"
    assert [str(c["METHOD"]) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [event_of(c) for c in calendars]
    uids = {str(e["UID"]) for e in events}
    assert uids == {str(events[0]["UID"])} and str(events[0]["UID"]).startswith(
        f"enrolment-{booking.id}@"
    )
    sequences = [int(e["SEQUENCE"]) for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert as_date(events[0]["DTSTART"]) == first.starts_on
    assert as_date(events[0]["DTEND"]) == first.ends_on + timedelta(days=1)
    assert as_date(events[1]["DTSTART"]) == second.starts_on
    assert as_date(events[1]["DTEND"]) == second.ends_on + timedelta(days=1)
    assert str(events[1]["LOCATION"]) == "Room 7"
    assert str(events[2]["STATUS"]) == "CANCELLED"
    for event in events:
        assert str(event["ATTENDEE"]).lower() == f"mailto:{email}".lower()


def test_a_waitlisted_person_promoted_to_a_freed_seat_is_emailed_a_confirmed_invitation(
    demo_db, smtp
):
    hr = persona("hr")
    holder, waiting = csrs(2)
    session = new_session(seats=1)
    seat = enrolment.book(session, holder, actor=hr)
    queued = enrolment.book(session, waiting, actor=hr)
    assert queued.status == "waitlisted"
    enrolment.transition(seat, "cancel", actor=hr)

    calendars = _wait_calendars(smtp, waiting.user.email, 2)
    assert len(calendars) == 2
    tentative, confirmed = (event_of(c) for c in calendars)
    assert str(tentative["STATUS"]) == "TENTATIVE"
    assert str(confirmed["STATUS"]) == "CONFIRMED"
    assert str(calendars[1]["METHOD"]) == "REQUEST"
    assert str(confirmed["UID"]) == str(tentative["UID"])
    assert int(confirmed["SEQUENCE"]) > int(tentative["SEQUENCE"])
    assert str(confirmed["ATTENDEE"]).lower() == f"mailto:{waiting.user.email}".lower()
