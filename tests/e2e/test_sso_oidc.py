"""Single sign-on in Chromium: the OpenID Connect button, against a real provider.

The provider (oidc-provider under Node.js, tests/oidc_provider.py) runs on 127.0.0.1 with one
client whose redirect URI is the live server's callback; the browser fills in the provider's
own login page and allows its consent page. The live app is pointed at the provider for these
tests only (the settings, the OIDC client the app builds from them, and Maria's roles are put
back afterwards).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from app.services.directory import oidc
from tests import oidc_provider
from tests.conftest import PERSONAS
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.support import open_menu_item

ACME = "Acme ID"
SECRET = "e2e-client-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def provider(live_server: str) -> Iterator[oidc_provider.Provider]:
    clients = [
        {
            "client_id": "echelon",
            "client_secret": SECRET,
            "redirect_uris": [f"{live_server}/auth/oidc/callback"],
        }
    ]
    running = oidc_provider.start(clients, consent_page=True)
    running.set_user("maria", email=PERSONAS["employee"], groups=[])
    running.set_user("stranger", email="stranger@elsewhere.example", groups=["echelon-hr"])
    running.set_user("maria-hr", email=PERSONAS["employee"], groups=["echelon-hr", "unrelated"])
    yield running
    running.stop()


@pytest.fixture
def oidc_on(live_app: Any, provider: oidc_provider.Provider, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for key, value in {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": "echelon",
        "OIDC_CLIENT_SECRET": SECRET,
        "OIDC_NAME": ACME,
        "OIDC_SCOPES": "openid email profile groups",
        "SSO_GROUP_ROLES": {"echelon-hr": "hr"},
    }.items():
        monkeypatch.setitem(live_app.config, key, value)
    live_app.extensions.pop(oidc.EXTENSION, None)  # the client is built from these settings
    yield provider
    live_app.extensions.pop(oidc.EXTENSION, None)


def sign_in_at_provider(page: Any, provider: oidc_provider.Provider, login: str) -> None:
    """From Echelon's sign-in page, through the provider's login and consent pages, back."""
    page.goto("/login")
    page.get_by_role("link", name=f"Sign in with {ACME}").click()
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    expect(page.get_by_role("heading", name="Test provider")).to_be_visible()
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill("provider-pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("echelon asks to know your email address")).to_be_visible()
    page.get_by_role("button", name="Allow").click()


def test_a_person_signs_in_with_the_button_through_the_provider_and_reaches_home(  # type: ignore[no-untyped-def]
    oidc_on, new_page, live_server
):
    page = new_page()
    page.goto("/login")
    expect(page.get_by_role("link", name=f"Sign in with {ACME}")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "anonymous", "login-oidc")
    sign_in_at_provider(page, oidc_on, "maria")
    page.wait_for_url(f"{live_server}/")
    expect(page.get_by_text("Welcome, Maria Lopez.")).to_be_visible()
    expect(page.get_by_role("heading", name="Good to see you, Maria")).to_be_visible()
    expect(page.get_by_role("heading", name="Your records")).to_be_visible()
    screenshot(page, "employee", "home-oidc")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_an_unknown_directory_person_is_told_to_ask_hr_and_is_not_signed_in(  # type: ignore[no-untyped-def]
    oidc_on, new_page, live_server
):
    page = new_page()
    sign_in_at_provider(page, oidc_on, "stranger")
    page.wait_for_url(re.compile(re.escape(f"{live_server}/auth/oidc/callback")))
    expect(page.get_by_role("alert")).to_contain_text("Ask HR to add you")
    expect(page.get_by_role("heading", name="Sign in to Echelon")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    screenshot(page, "anonymous", "login-oidc-unknown")
    page.goto("/employees/me")
    expect(page).to_have_url(re.compile(r"/login"))


@pytest.fixture
def roles_put_back(oidc_on: oidc_provider.Provider, live_app: Any) -> Iterator[None]:
    """Maria's roles as the directory without groups gives them, whatever the test did."""
    yield
    from app.services.directory import identity as directory

    with live_app.test_request_context():
        plain = directory.Identity(source="oidc", subject="maria", email=PERSONAS["employee"])
        assert directory.sign_in(plain, None).app_roles == {"employee"}


def test_a_directory_group_mapped_to_hr_gives_the_hr_menus_at_sign_in(  # type: ignore[no-untyped-def]
    oidc_on, roles_put_back, new_page, live_server
):
    page = new_page()
    sign_in_at_provider(page, oidc_on, "maria-hr")
    page.wait_for_url(f"{live_server}/")
    expect(page.get_by_text("Welcome, Maria Lopez.")).to_be_visible()
    open_menu_item(page, "Tuition", "HR tuition queue")
    expect(page.get_by_role("heading", name="HR tuition queue", level=1)).to_be_visible()
    screenshot(page, "hr", "tuition-queue-oidc")
    page.get_by_role("button", name="Sign out").click()
    # out of the group: the next sign-in takes the role away again
    page = new_page()
    sign_in_at_provider(page, oidc_on, "maria")
    page.wait_for_url(f"{live_server}/")
    expect(page.get_by_role("heading", name="Good to see you, Maria")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="HR tuition queue", include_hidden=True)).to_have_count(0)
    page.goto("/tuition/queue/hr")
    expect(page.get_by_role("heading", name="403 · Not allowed")).to_be_visible()
