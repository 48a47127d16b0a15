"""The in-app notification list and the unread count in the navigation (issue 8).

docs/RULES.md "Reminders": reminders are shown in the app as well as emailed.
"""

from __future__ import annotations

import re

import pytest
from flask_login import login_user
from sqlalchemy import select

from app.clock import now
from app.models import Notification, User
from app.services import notify
from app.services.reminders import send_reminders
from tests.conftest import TEST_TODAY

# These tests run reminders from nothing sent: without the demo's own run of its date.
pytestmark = pytest.mark.usefixtures("reminders_not_yet_run")

MARIA = "maria.lopez@example.com"


def _user(db, email: str) -> User:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(User).where(User.email == email))


def _nav_count(html: str) -> int | None:
    match = re.search(
        r'href="/notifications/"[^>]*>Notifications <span class="count"[^>]*>(\d+)<', html
    )
    return int(match.group(1)) if match else None


def _add(db, user: User, n: int, subject: str = "Notice", link: str | None = None) -> list[int]:  # type: ignore[no-untyped-def]
    rows = [
        Notification(
            user_id=user.id,
            kind="test",
            subject=f"{subject} {i}",
            body=f"Body {i}",
            link=link,
            created_at=now(),
            emailed_at=now(),
        )
        for i in range(n)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def test_a_reminder_shows_in_the_list_with_an_unread_count(login_as, demo_db):
    send_reminders(TEST_TODAY)  # Maria's PCI refresher expired (the demo case)
    client = login_as("employee")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Expired: your PCI DSS awareness (yearly) (PCI-AWARE) certification expired on" in page
    # she is booked on the next PCI session (the demo), so the reminder names that booking
    assert "You are booked on the session of" in page and "Attending renews it." in page
    assert "Book your seat" not in page
    assert _nav_count(page) == 1
    assert _nav_count(client.get("/").get_data(as_text=True)) == 1  # on every page


def test_marking_read_clears_the_count(login_as, demo_db):
    maria = _user(demo_db, MARIA)
    first, second = _add(demo_db, maria, 2)
    client = login_as("employee")
    assert _nav_count(client.get("/notifications/").get_data(as_text=True)) == 2
    response = client.post(f"/notifications/{first}/read", data={"next": "/notifications/?q=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications/?q=1"
    assert _nav_count(client.get("/notifications/").get_data(as_text=True)) == 1
    client.post("/notifications/read-all")
    page = client.get("/notifications/").get_data(as_text=True)
    assert _nav_count(page) is None
    demo_db.session.expire_all()
    assert demo_db.session.get(Notification, second).read_at is not None


def test_opening_a_notification_marks_it_read_and_follows_its_link(login_as, demo_db):
    maria = _user(demo_db, MARIA)
    (nid,) = _add(demo_db, maria, 1, link=f"/employees/{maria.employee_id}/plan")
    response = login_as("employee").post(f"/notifications/{nid}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/employees/{maria.employee_id}/plan"
    demo_db.session.expire_all()
    assert demo_db.session.get(Notification, nid).read_at is not None


def test_a_link_to_another_site_is_never_followed(login_as, demo_db):
    maria = _user(demo_db, MARIA)
    (nid,) = _add(demo_db, maria, 1, link="//evil.example.com/phish")
    client = login_as("employee")
    response = client.post(f"/notifications/{nid}/open")
    assert response.headers["Location"] == "/notifications/"
    bad_next = client.post(f"/notifications/{nid}/read", data={"next": "https://evil.example.com"})
    assert bad_next.headers["Location"] == "/notifications/"


def test_someone_elses_notification_looks_like_none(login_as, demo_db):
    sam = _user(demo_db, "sam.rivera@example.com")
    (nid,) = _add(demo_db, sam, 1, subject="For Sam only")
    client = login_as("employee")
    assert client.post(f"/notifications/{nid}/read").status_code == 404
    assert client.post(f"/notifications/{nid}/open").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert "For Sam only" not in client.get("/notifications/").get_data(as_text=True)
    demo_db.session.expire_all()
    assert demo_db.session.get(Notification, nid).read_at is None


def test_marking_read_is_a_post(login_as, demo_db):
    maria = _user(demo_db, MARIA)
    (nid,) = _add(demo_db, maria, 1)
    assert login_as("employee").get(f"/notifications/{nid}/read").status_code == 405


def test_search_filters_and_empty_states(login_as, demo_db):
    maria = _user(demo_db, MARIA)
    _add(demo_db, maria, 3, subject="Certification")
    ids = _add(demo_db, maria, 2, subject="Tuition")
    client = login_as("employee")
    client.post(f"/notifications/{ids[0]}/read")
    found = client.get("/notifications/?q=tuition").get_data(as_text=True)
    assert "Tuition 0" in found and "Tuition 1" in found and "Certification" not in found
    read = client.get("/notifications/?status=read").get_data(as_text=True)
    assert "Tuition 0" in read and "Tuition 1" not in read
    unread = client.get("/notifications/?status=unread").get_data(as_text=True)
    assert "Tuition 0" not in unread and "Certification 2" in unread
    nothing = client.get("/notifications/?q=zzz").get_data(as_text=True)
    assert "No notification matches these filters" in nothing
    assert client.get("/notifications/?status=bogus&sort=bogus&page=x").status_code == 200


def test_an_empty_list_says_what_will_appear(login_as):
    page = login_as("finance").get("/notifications/").get_data(as_text=True)
    assert "You have no notifications." in page


def test_the_list_is_paged_and_sorted_newest_first(login_as, demo_db):
    maria = _user(demo_db, MARIA)
    _add(demo_db, maria, 30)
    client = login_as("employee")
    first = client.get("/notifications/").get_data(as_text=True)
    assert "30 results · page 1 of 2" in first
    by_subject = client.get("/notifications/?sort=subject&dir=asc").get_data(as_text=True)
    assert by_subject.index("Notice 0<") < by_subject.index("Notice 1<")


def test_the_list_runs_the_same_queries_for_few_and_many_rows(login_as, demo_db, count_queries):
    maria = _user(demo_db, MARIA)
    client = login_as("employee")
    _add(demo_db, maria, 2)
    client.get("/notifications/")
    with count_queries() as few:
        client.get("/notifications/")
    _add(demo_db, maria, 40)
    client.get("/notifications/?per_page=50")  # the same warm-up after the commit
    with count_queries() as many:
        client.get("/notifications/?per_page=50")
    assert few() == many()


def test_navigation_counts_take_one_query_however_many_there_are(
    demo_app, demo_db, count_queries, monkeypatch
):
    from app import navigation, registry

    maria = _user(demo_db, MARIA)
    _add(demo_db, maria, 3)
    entries = [
        ("Notifications", "notifications.index", lambda user: True, notify.unread_count_query),
        ("Again", "notifications.index", lambda user: True, notify.unread_count_query),
        ("Hidden", "notifications.index", lambda user: False, notify.unread_count_query),
    ]
    monkeypatch.setattr(registry, "NAVIGATION", entries)
    with demo_app.test_request_context("/"):
        login_user(maria)
        with count_queries() as queries:
            items = navigation.navigation_for(maria)
    assert [(i["label"], i["count"]) for i in items] == [("Notifications", 3), ("Again", 3)]
    assert queries() == 1
