"""Everyone: signs in and out; a wrong password shows an error; a forbidden page says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, screenshot

FIRST_SCREENS = {
    "employee": "Your records",
    "manager": re.compile(r"^Your team \("),
    "hr": "The organisation",
    "finance": "Tuition queue",
    "admin": "The organisation",
}


@pytest.mark.parametrize("persona", list(FIRST_SCREENS))
def test_each_persona_signs_in_sees_their_first_screen_and_signs_out(page_as, persona):
    page = page_as(persona)
    expect(page.get_by_role("heading", name=FIRST_SCREENS[persona])).to_be_visible()
    screenshot(page, persona, "home")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_wrong_password_shows_an_error(new_page):
    page = new_page()
    page.goto("/login")
    screenshot(page, "anonymous", "login")
    page.get_by_label("Email").fill("hannah.reid@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    screenshot(page, "anonymous", "login-error")


def test_a_forbidden_page_shows_the_not_found_page(page_as):
    page = page_as("employee")
    page.goto("/employees/1")
    expect(page.get_by_role("heading", name=re.compile("404"))).to_be_visible()
    expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
    screenshot(page, "employee", "not-found")


def test_the_sign_in_page_is_usable_by_keyboard_alone(new_page):
    page = new_page()
    page.goto("/login")
    page.keyboard.press("Tab")  # skip link first
    expect(page.get_by_text("Skip to content")).to_be_focused()
    page.get_by_label("Email").focus()
    page.keyboard.type("hannah.reid@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("echelon-demo-2026")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The organisation")).to_be_visible()


@pytest.mark.parametrize("persona", ["employee", "hr"])
def test_first_screens_have_no_serious_accessibility_violations(page_as, persona):
    page = page_as(persona)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
