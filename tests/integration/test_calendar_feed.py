"""The private calendar feed (docs/RULES.md "Sessions and enrolment", calendars): made on the
profile page, fetched over real HTTP on loopback without a session, parsed with icalendar; a
reset ends the old URL."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from icalendar import Calendar
from werkzeug.serving import make_server

from app.extensions import db
from app.models import CalendarFeed
from app.services import enrolment
from tests.integration.enrolment_support import as_date, new_session, persona


@pytest.fixture
def live(demo_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def _make_feed(client: Any) -> str:
    """Press the profile page's feed button; answers the path of the URL it shows once."""
    page = client.get("/profile/").get_data(as_text=True)
    assert "Create my calendar feed" in page or "Reset my calendar feed" in page
    answer = client.post("/profile/calendar-feed")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "it will not be shown again" in html
    found = re.search(r'id="feed-url"[^>]*value="([^"]+)"', html)
    assert found, "the new feed URL is shown"
    return re.sub(r"^https?://[^/]+", "", found.group(1))


def test_the_feed_holds_sessions_and_expiry_dates_and_a_reset_ends_the_old_url(
    demo_db, login_as, live
):
    maria = persona("employee")
    session = new_session(seats=3, days=2)
    booking = enrolment.book(session, maria.employee, actor=maria)
    assert booking.status == "enrolled"

    client = login_as("employee")
    path = _make_feed(client)
    assert re.fullmatch(r"/calendar/[A-Za-z0-9_-]{43}\.ics", path)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    feed = db.session.query(CalendarFeed).filter_by(user_id=maria.id).one()
    assert token not in feed.token_hash and len(feed.token_hash) == 64

    # the profile page afterwards says a feed exists, without the URL
    later = client.get("/profile/").get_data(as_text=True)
    assert "You have a calendar feed" in later and token not in later

    status, kind, body = _get(live + path)
    assert status == 200 and kind.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    uid = next(u for u in events if u.startswith(f"enrolment-{booking.id}@"))
    event = events[uid]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert as_date(event["DTSTART"]) == session.starts_on
    assert as_date(event["DTEND"]) == session.ends_on + timedelta(days=1)
    expiries = [e for e in events.values() if str(e["SUMMARY"]).startswith("Expires:")]
    assert expiries, "Maria's expiring certifications and checks are in her feed"
    for expiry in expiries:
        assert as_date(expiry["DTEND"]) == as_date(expiry["DTSTART"]) + timedelta(days=1)
    # the same feed twice: the same UIDs
    again = Calendar.from_ical(_get(live + path)[2])
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)

    # reset: the old URL answers 404, the new one works
    new_path = _make_feed(client)
    assert new_path != path
    assert _get(live + path)[0] == 404
    status, _, body = _get(live + new_path)
    assert status == 200
    assert {str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")} == set(events)


def test_an_unknown_or_malformed_token_answers_404_without_signing_in(demo_db, live):
    assert _get(live + "/calendar/" + "A" * 43 + ".ics")[0] == 404
    assert _get(live + "/calendar/nope.ics")[0] == 404
