"""Booking a session in a real browser (issue 17, docs/RULES.md "Sessions and enrolment"): an
employee books from their development plan, HR marks attendance once the session has ended, and
the completion then shows on the plan.

The journey arranges its own session of PRODUCT-ADV (the soonest, so the plan suggests it) for
Ari Cook, a demo employee no other journey uses, given a sign-in here. The live server's pinned
day moves past the session's end for HR, and back afterwards; the session is cancelled at the
end so the other journeys' plans are as before.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.support import arranged, flash, open_menu_item

SHOTS = "/tmp/sp"  # for people to look at; not compared


def _arrange(live_app):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.clock import today
    from app.extensions import db
    from app.models import Employee
    from app.services import catalogue
    from tests.factories import sign_in_for

    with arranged(live_app):
        person = db.session.scalar(select(Employee).where(Employee.name == "Ari Cook"))
        user = sign_in_for(person)
        start = today() + timedelta(days=2)
        session = catalogue.add_session("PRODUCT-ADV", start, start, 3, "E2E room 1")
        return user.email, session.id, session.ends_on


def test_an_employee_books_from_the_plan_and_hr_marks_attendance(page_as, live_app):
    email, session_id, ends_on = _arrange(live_app)
    pinned = live_app.config["ECHELON_TODAY"]
    try:
        _journey(page_as, live_app, email, session_id, ends_on)
    finally:
        live_app.config["ECHELON_TODAY"] = pinned
        from app.services import catalogue

        with arranged(live_app):
            catalogue.cancel_session(session_id)


def _product_row(page):  # type: ignore[no-untyped-def]
    requirements = page.get_by_role("table", name=re.compile("requirement", re.I)).first
    return requirements.get_by_role("row").filter(has_text="PRODUCT-ADV").first


def _journey(page_as, live_app, email: str, session_id: int, ends_on: date) -> None:  # type: ignore[no-untyped-def]
    page = page_as(email)
    open_menu_item(page, "My work", "My plan")
    row = _product_row(page)
    row.screenshot(path=f"{SHOTS}/plan-row-enrol.png")
    row.get_by_role("button", name=re.compile("^Enrol")).click()
    expect(flash(page)).to_contain_text("Ari Cook: booked")
    expect(_product_row(page)).to_contain_text("Booked")
    _product_row(page).screenshot(path=f"{SHOTS}/plan-row.png")

    open_menu_item(page, "My work", "My sessions")
    expect(page.get_by_role("region", name="Coming")).to_contain_text("PRODUCT-ADV")

    sessions = page_as("hr")
    sessions.goto("/sessions?course=PRODUCT-ADV")
    expect(sessions.get_by_role("link", name=re.compile("PRODUCT-ADV")).first).to_be_visible()
    sessions.screenshot(path=f"{SHOTS}/sessions-list.png", full_page=True)
    sessions.get_by_role("link", name="Month view").click()
    expect(sessions.locator("table.month-grid")).to_be_visible()
    sessions.screenshot(path=f"{SHOTS}/sessions-month.png", full_page=True)

    sessions.goto(f"/sessions/{session_id}")
    expect(sessions.get_by_role("region", name="Roster")).to_contain_text("Ari Cook")
    expect(sessions.get_by_role("region", name="Roster")).not_to_contain_text("Attendance")
    sessions.screenshot(path=f"{SHOTS}/session-before.png", full_page=True)

    live_app.config["ECHELON_TODAY"] = (ends_on + timedelta(days=1)).isoformat()
    sessions.reload()
    attendance = sessions.get_by_role("region", name="Attendance")
    attendance.get_by_role("row", name=re.compile("Ari Cook")).get_by_label("Attended").check()
    attendance.get_by_role("button", name="Record attendance").click()
    expect(flash(sessions)).to_contain_text("Attendance recorded for 1 person")
    expect(sessions.get_by_role("region", name="Roster")).to_contain_text("attended")
    sessions.screenshot(path=f"{SHOTS}/session-after.png", full_page=True)
    screenshot(sessions, "hr", "session-attendance")

    page.goto("/readiness/plan")
    row = _product_row(page)
    expect(row.locator(".badge", has_text=re.compile("^met$"))).to_be_visible()
    expect(row).not_to_contain_text("Enrol")
    page.goto("/employees/me")
    expect(page.get_by_text("PRODUCT-ADV").first).to_be_visible()
