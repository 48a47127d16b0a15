"""Renewal offers (docs/RULES.md "Sessions and enrolment"): an expiry reminder names the next
session of the renewing course that has a free seat, with a link; the link, followed from the
email the loopback SMTP server received, lands on a confirmation page; one click books.

Grace Okafor holds a "First aid at work" certification expiring on 2027-03-01. Of its sessions,
the first is full (one seat, taken by another CSR), so the offer is the second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Completion, Course, CourseSession, Employee, Enrolment
from app.services import enrolment
from app.services.accounts import create_user
from app.services.reminders import send_reminders
from tests.integration.enrolment_support import csrs, persona
from tests.mailbox import LoopbackSMTP, configure

EXPIRY = date(2027, 3, 1)
GRACE = "grace.okafor@example.com"
PASSWORD = "a-long-password"


@dataclass
class Offer:
    grace: Employee
    full: CourseSession
    open: CourseSession


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


@pytest.fixture
def offer(demo_db) -> Offer:  # type: ignore[no-untyped-def]
    grace = db.session.scalar(select(Employee).where(Employee.email == GRACE))
    create_user(GRACE, PASSWORD)
    course = Course(
        code="FIRST-AID",
        title="First aid at work",
        category="compliance",
        validity_months=12,
        default_duration_days=30,
    )
    db.session.add(course)
    db.session.flush()
    full = CourseSession(
        course_id=course.id,
        starts_on=EXPIRY - timedelta(days=25),
        ends_on=EXPIRY - timedelta(days=25),
        location="Small room",
        seats=1,
    )
    open_one = CourseSession(
        course_id=course.id,
        starts_on=EXPIRY - timedelta(days=20),
        ends_on=EXPIRY - timedelta(days=19),
        location="Training room 4",
        seats=2,
    )
    db.session.add_all([full, open_one])
    db.session.add(
        Completion(
            employee_id=grace.id,
            course_id=course.id,
            completed_on=date(2026, 3, 1),
            expires_on=EXPIRY,
            verification="verified",
        )
    )
    db.session.commit()
    other = next(p for p in csrs(3) if p.id != grace.id)
    assert enrolment.book(full, other, actor=persona("hr")).status == "enrolled"
    return Offer(grace, full, open_one)


def _received_link(box, address: str) -> str:  # type: ignore[no-untyped-def]
    box.wait_for(1)
    (message,) = [m for m in box.to(address) if "First aid at work" in m.subject]
    found = re.search(r"Book your seat: (\S+)", message.text)
    assert found, message.text
    return found.group(1)


def test_the_reminder_names_the_next_session_with_a_free_seat_and_its_offer_link(
    demo_db, offer, smtp
):
    send_reminders(EXPIRY - timedelta(days=30))
    link = _received_link(smtp, GRACE)
    assert link.endswith(f"/calendar/offer/{offer.open.id}")
    (message,) = [m for m in smtp.to(GRACE) if "First aid at work" in m.subject]
    assert "Next session that renews it: 2027-02-09 to 2027-02-10, Training room 4." in message.text
    assert "Small room" not in message.text  # the full session is not offered


def test_following_the_emailed_link_shows_the_session_and_one_click_books_it(
    demo_db, offer, smtp, login_as
):
    send_reminders(EXPIRY - timedelta(days=30))
    path = re.sub(r"^https?://[^/]+", "", _received_link(smtp, GRACE))
    client = login_as(GRACE, PASSWORD)
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "First aid at work" in html and "Training room 4" in html
    assert "2 of 2" in html  # seats left
    assert "Book this seat" in html

    answer = client.post(path)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/sessions/{offer.open.id}")
    booking = db.session.scalar(
        select(Enrolment).where(
            Enrolment.session_id == offer.open.id, Enrolment.employee_id == offer.grace.id
        )
    )
    assert booking is not None and booking.status == "enrolled"
    # the page now says she is booked, and a second click books nothing twice
    assert "already booked" in client.get(path).get_data(as_text=True)


def test_a_session_that_filled_up_meanwhile_waitlists_and_says_so(demo_db, offer, login_as):
    hr = persona("hr")
    takers = [p for p in csrs(4) if p.id != offer.grace.id][1:3]
    for person in takers:
        enrolment.book(offer.open, person, actor=hr)
    client = login_as(GRACE, PASSWORD)
    answer = client.post(f"/calendar/offer/{offer.open.id}", follow_redirects=False)
    assert answer.status_code == 302
    booking = db.session.scalar(
        select(Enrolment).where(
            Enrolment.session_id == offer.open.id, Enrolment.employee_id == offer.grace.id
        )
    )
    assert booking.status == "waitlisted"
    with client.session_transaction() as flask_session:
        flashes = " ".join(text for _, text in flask_session.get("_flashes", []))
    assert "filled up" in flashes and "waitlist" in flashes


def test_a_refused_booking_shows_its_message_and_books_nothing(demo_db, offer, login_as):
    offer.open.cancelled = True
    db.session.commit()
    client = login_as(GRACE, PASSWORD)
    assert "was cancelled" in client.get(f"/calendar/offer/{offer.open.id}").get_data(as_text=True)
    answer = client.post(f"/calendar/offer/{offer.open.id}")
    assert answer.status_code == 409
    assert "choose another session of the course" in answer.get_data(as_text=True)
    assert (
        db.session.scalar(select(Enrolment).where(Enrolment.employee_id == offer.grace.id)) is None
    )


def test_an_unknown_session_answers_404(demo_db, offer, login_as):
    client = login_as(GRACE, PASSWORD)
    assert client.get("/calendar/offer/999999").status_code == 404
    assert client.post("/calendar/offer/999999").status_code == 404


def test_a_session_that_has_started_offers_no_button(demo_db, offer, login_as):
    from app.clock import today

    offer.open.starts_on = today()
    offer.open.ends_on = today()
    db.session.commit()
    client = login_as(GRACE, PASSWORD)
    html = client.get(f"/calendar/offer/{offer.open.id}").get_data(as_text=True)
    assert "has already started" in html and "Book this seat" not in html
    answer = client.post(f"/calendar/offer/{offer.open.id}")
    assert answer.status_code == 409
    assert "choose a later session" in answer.get_data(as_text=True)
