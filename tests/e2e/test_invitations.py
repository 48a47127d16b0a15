"""Invitations and resets in a real browser (docs/RULES.md "Invitations and password resets").

HR's invitation (sent through the service the sign-ins page calls) reaches the loopback SMTP
server; the person opens the link from the message in Chromium, sets a password, signs in, sees
the home page and signs out. The used link then says so. A person who forgot their password asks
for a link on the sign-in page, follows it from the email and signs in with the new password.
"""

from __future__ import annotations

import re
import secrets
import time

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.support import arranged, flash
from tests.mailbox import LoopbackSMTP, configure

PASSWORD = "correct horse battery staple"


def _link(box, address: str, count: int = 1) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 10
    while len(box.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    messages = box.to(address)
    assert len(messages) >= count, f"no message to {address}"
    found = re.search(
        r"(https?://\S+/auth/(?:invitation|reset)/[A-Za-z0-9_-]{43})", messages[-1].text
    )
    assert found, messages[-1].text
    return found.group(1)


def _invite(live_app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A sign-in for a demo employee who has none, without a password, and HR's invitation."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Employee, User
    from app.services import invitations
    from app.services.directory.identity import UNUSABLE_PASSWORD

    with arranged(live_app):
        person = db.session.scalars(
            select(Employee)
            .where(Employee.status == "active", ~Employee.user.has())
            .order_by(Employee.id.desc())
            .limit(1)
        ).one()
        user = User(
            email=person.email,
            employee_id=person.id,
            password_hash=UNUSABLE_PASSWORD + secrets.token_hex(8),
        )
        db.session.add(user)
        db.session.commit()
        hr = db.session.scalar(select(User).where(User.email == "hannah.reid@example.com"))
        invitations.send_invitation(user, actor=hr)
        email, name = user.email, person.name
        db.session.remove()
    return email, name


def test_an_invited_person_sets_a_password_from_the_email_signs_in_and_out(
    new_page, live_app, live_server
):
    saved = {k: live_app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "BASE_URL")}
    with LoopbackSMTP() as box:
        configure(live_app, box, BASE_URL=live_server)
        try:
            email, name = _invite(live_app)
            link = _link(box, email)
            assert link.startswith(live_server + "/auth/invitation/")

            page = new_page()
            page.goto(link)
            expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
            expect(page.locator("main")).to_contain_text(email)
            assert axe_violations(page) == []
            screenshot(page, "anonymous", "invitation")
            page.get_by_label("New password", exact=True).fill(PASSWORD)
            page.get_by_label("Confirm the new password").fill(PASSWORD + " typo")
            page.get_by_role("button", name="Set my password").click()
            expect(page.get_by_role("alert")).to_contain_text("The two passwords differ")
            page.get_by_label("New password", exact=True).fill(PASSWORD)
            page.get_by_label("Confirm the new password").fill(PASSWORD)
            page.get_by_role("button", name="Set my password").click()
            expect(flash(page)).to_contain_text("Your password is set")

            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{live_server}/")
            expect(flash(page)).to_contain_text(f"Welcome, {name}.")
            expect(page.get_by_role("navigation", name="Main")).to_be_visible()
            screenshot(page, "anonymous", "invited-home")
            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_text("You have signed out.")).to_be_visible()

            page.goto(link)  # used: it says so, and who to ask
            expect(page.get_by_role("alert")).to_contain_text("already been used")
            expect(page.locator("main")).to_contain_text("Ask HR")
            assert axe_violations(page) == []
        finally:
            live_app.config.update(saved)


def test_a_person_who_forgot_their_password_resets_it_from_the_email(
    new_page, live_app, live_server
):
    saved = {k: live_app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "BASE_URL")}
    email = "felix.turner@example.com"
    with LoopbackSMTP() as box:
        configure(live_app, box, BASE_URL=live_server)
        try:
            page = new_page()
            page.goto("/login")
            page.get_by_role("link", name="Forgot your password?").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
            assert axe_violations(page) == []
            page.get_by_label("Email").fill(email)
            page.get_by_role("button", name="Email me a reset link").click()
            expect(page.get_by_role("status")).to_contain_text("a message is on its way")

            page.goto(_link(box, email))
            expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
            page.get_by_label("New password", exact=True).fill(PASSWORD)
            page.get_by_label("Confirm the new password").fill(PASSWORD)
            page.get_by_role("button", name="Set my password").click()
            expect(flash(page)).to_contain_text("Your password is set")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{live_server}/")
            expect(page.get_by_role("heading", name="Tuition queue")).to_be_visible()
        finally:
            live_app.config.update(saved)
            from tests.conftest import DEMO_PASSWORD

            with arranged(live_app):  # the next journeys sign Felix in with the demo password
                from app.extensions import db
                from app.services import accounts
                from tests.factories import user_of

                felix = user_of(email)
                felix.password_hash = accounts.hash_password(DEMO_PASSWORD)
                db.session.commit()
                db.session.remove()
