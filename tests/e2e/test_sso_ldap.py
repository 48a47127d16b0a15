"""Directory sign-in in Chromium: the LDAP form on the sign-in page, against a real slapd.

The directory (tests/ldap_server.py) runs on 127.0.0.1 with StartTLS; the live app is pointed
at it for these tests only (the settings are put back afterwards).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import ldap_server
from tests.conftest import PERSONAS
from tests.e2e.conftest import axe_violations, screenshot

ACME = "your Acme account"


@pytest.fixture(scope="module")
def directory() -> Iterator[ldap_server.Directory]:
    running = ldap_server.start()
    running.add_person("maria", PERSONAS["employee"])
    running.add_person("stranger", "stranger@elsewhere.example")
    yield running
    running.stop()


@pytest.fixture
def ldap_on(live_app: Any, directory: ldap_server.Directory, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for key, value in {
        "LDAP_URL": directory.ldap_url,
        "LDAP_CA_FILE": str(directory.ca_file),
        "LDAP_NAME": ACME,
        "LDAP_BASE_DN": ldap_server.PEOPLE,
        "LDAP_BIND_DN": ldap_server.SERVICE_DN,
        "LDAP_BIND_PASSWORD": ldap_server.SERVICE_PW,
    }.items():
        monkeypatch.setitem(live_app.config, key, value)
    return directory


def directory_form(page: Any, username: str, password: str) -> None:
    form = page.locator("form[action^='/auth/ldap/login']")
    form.get_by_label("User name").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()


def test_a_person_signs_in_with_their_directory_account_and_reaches_home(ldap_on, new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto("/login")
    expect(page.get_by_role("heading", name=f"Sign in with {ACME}")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "anonymous", "login-ldap")
    directory_form(page, "maria", ldap_server.PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_text("Welcome, Maria Lopez.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your records")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_an_unknown_directory_person_is_told_to_ask_hr(ldap_on, new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto("/login")
    directory_form(page, "stranger", ldap_server.PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Ask HR to add you")
    screenshot(page, "anonymous", "login-ldap-unknown")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
