"""Invitations, password resets and password changes (docs/RULES.md "Invitations and resets").

Every message goes through the real SMTP server on loopback; the tests take the link from the
message received and follow it, set the password and sign in through the real sign-in form.
Time passes through the app's one clock (ECHELON_TODAY, ``travel``).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccountToken, AuditEntry, Employee, User
from app.services import invitations
from app.services.directory.identity import UNUSABLE_PASSWORD
from tests.conftest import TEST_TODAY
from tests.factories import DEMO_PASSWORD, persona_user, user_of
from tests.integration.tuition_support import travel
from tests.mailbox import LoopbackSMTP, configure

NEW_PASSWORD = "a-brand-new-passphrase"
LINK = re.compile(r"https://echelon\.example\.com(/auth/(?:invitation|reset)/[A-Za-z0-9_\-]{43})")


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


def invitee(name_hint: int = 0) -> User:
    """A sign-in made for a demo employee who has none yet, with no password (as HR makes it)."""
    employee = db.session.scalars(
        select(Employee)
        .where(Employee.status == "active", ~Employee.user.has())
        .order_by(Employee.id)
        .offset(name_hint)
        .limit(1)
    ).one()
    user = User(
        email=employee.email,
        employee_id=employee.id,
        password_hash=UNUSABLE_PASSWORD + secrets.token_hex(8),
    )
    db.session.add(user)
    db.session.commit()
    return user


def link_in(box, address: str, count: int = 1) -> str:  # type: ignore[no-untyped-def]
    """The path of the link in the ``count``-th message to ``address`` (waits for it)."""
    deadline = time.monotonic() + 5
    while len(box.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    received = box.to(address)
    assert len(received) >= count, f"no message {count} to {address}"
    message = received[count - 1]
    text_link = LINK.search(message.text)
    html_link = LINK.search(message.html)
    assert text_link and html_link, message.text
    assert text_link.group(1) == html_link.group(1)
    return text_link.group(1)


def sign_in(app, email: str, password: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    return client, client.post("/login", data={"email": email, "password": password})


def audit_rows(table: str, record_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.table_name == table, AuditEntry.record_id == str(record_id))
            .order_by(AuditEntry.id)
        )
    )


# ---------------------------------------------------------------- service level


def test_an_invitation_sets_the_password_once_and_is_audited(demo_app, demo_db, smtp):
    person = invitee()
    hr = persona_user("hr")
    assert invitations.invitation_state(person) is None
    invitations.send_invitation(person, actor=hr)
    path = link_in(smtp, person.email)
    message = smtp.to(person.email)[-1]
    assert message.subject.startswith("Your Echelon sign-in")
    assert "Set your password" in message.html
    secret = path.rsplit("/", 1)[1]
    # only the hash is stored, never the secret
    row = db.session.scalars(select(AccountToken).where(AccountToken.user_id == person.id)).one()
    assert row.secret_hash == invitations.hash_secret(secret) and secret not in row.secret_hash
    assert invitations.invitation_state(person) == "invited"
    invited = db.session.scalars(select(User.id).where(invitations.pending_invitation_exists()))
    assert person.id in set(invited)
    # the audit names hr as the one who invited
    made = [e for e in audit_rows("account_tokens", row.id) if e.action == "insert"]
    assert made and made[0].actor == hr.email and "secret_hash" not in (made[0].after or {})

    invitations.accept_invitation(secret, NEW_PASSWORD)
    _, answer = sign_in(demo_app, person.email, NEW_PASSWORD)
    assert answer.status_code == 302
    db.session.expire_all()
    assert invitations.invitation_state(user_of(person.email)) is None
    with pytest.raises(invitations.LinkRefused):
        invitations.accept_invitation(secret, "another-passphrase-1")
    entries = [e.after for e in audit_rows("users", person.id) if e.after]
    assert {"password": "set by invitation"} in entries


def test_a_newer_invitation_ends_the_older_link(demo_app, demo_db, smtp):
    person = invitee()
    invitations.send_invitation(person)
    first = link_in(smtp, person.email, 1).rsplit("/", 1)[1]
    invitations.send_invitation(person)
    second = link_in(smtp, person.email, 2).rsplit("/", 1)[1]
    assert first != second
    with pytest.raises(invitations.LinkRefused) as refused:
        invitations.accept_invitation(first, NEW_PASSWORD)
    assert refused.value.status == 410 and "newer invitation" in refused.value.message
    invitations.accept_invitation(second, NEW_PASSWORD)


def test_an_invitation_expires_after_the_configured_days(demo_app, demo_db, smtp):
    demo_app.config["INVITATION_VALID_DAYS"] = 3
    person = invitee()
    invitations.send_invitation(person)
    secret = link_in(smtp, person.email).rsplit("/", 1)[1]
    with travel(TEST_TODAY + timedelta(days=3)):
        with pytest.raises(invitations.LinkRefused) as refused:
            invitations.accept_invitation(secret, NEW_PASSWORD)
        assert "expired" in refused.value.message
        assert invitations.invitation_state(person) is None
    with travel(TEST_TODAY + timedelta(days=2)):
        invitations.accept_invitation(secret, NEW_PASSWORD)


def test_a_refused_password_changes_nothing_and_the_link_still_works(demo_app, demo_db, smtp):
    person = invitee()
    invitations.send_invitation(person)
    secret = link_in(smtp, person.email).rsplit("/", 1)[1]
    before = person.password_hash
    with pytest.raises(invitations.InvitationError) as refused:
        invitations.accept_invitation(secret, "short")
    assert "at least 10 characters" in refused.value.errors["password"][0]
    db.session.expire_all()
    assert user_of(person.email).password_hash == before
    invitations.accept_invitation(secret, NEW_PASSWORD)


def test_unknown_and_malformed_links_are_not_found(demo_app, demo_db):
    for secret in ("x" * 43, "short", "../../etc/passwd", "", "é" * 43):
        with pytest.raises(invitations.UnknownLink):
            invitations.accept_invitation(secret, NEW_PASSWORD)
        with pytest.raises(invitations.UnknownLink):
            invitations.reset_password(secret, NEW_PASSWORD)


def test_an_invitation_link_cannot_reset_and_a_reset_link_cannot_invite(demo_app, demo_db, smtp):
    person = invitee()
    invitations.send_invitation(person)
    secret = link_in(smtp, person.email).rsplit("/", 1)[1]
    with pytest.raises(invitations.UnknownLink):
        invitations.reset_password(secret, NEW_PASSWORD)
    maria = persona_user("employee")
    invitations.request_reset(maria.email)
    reset = link_in(smtp, maria.email).rsplit("/", 1)[1]
    with pytest.raises(invitations.UnknownLink):
        invitations.accept_invitation(reset, NEW_PASSWORD)


def test_a_disabled_sign_in_gets_no_invitation(demo_app, demo_db, smtp):
    person = invitee()
    person.active = False
    db.session.commit()
    with pytest.raises(invitations.InvitationError, match="disabled"):
        invitations.send_invitation(person)
    assert smtp.to(person.email) == []
    assert db.session.scalar(select(func.count(AccountToken.id))) == 0


def test_a_reset_sets_only_its_own_accounts_password(demo_app, demo_db, smtp):
    maria, sam = persona_user("employee"), persona_user("manager")
    invitations.request_reset(maria.email)
    invitations.request_reset(sam.email)
    marias = link_in(smtp, maria.email).rsplit("/", 1)[1]
    link_in(smtp, sam.email)
    user = invitations.reset_password(marias, NEW_PASSWORD)
    assert user.id == maria.id
    assert sign_in(demo_app, maria.email, NEW_PASSWORD)[1].status_code == 302
    assert sign_in(demo_app, maria.email, DEMO_PASSWORD)[1].status_code == 401
    assert sign_in(demo_app, sam.email, NEW_PASSWORD)[1].status_code == 401
    assert sign_in(demo_app, sam.email, DEMO_PASSWORD)[1].status_code == 302
    entries = [e.after for e in audit_rows("users", maria.id) if e.after]
    assert {"password": "reset"} in entries


def test_a_reset_ends_other_sessions_and_clears_the_lockout(demo_app, demo_db, smtp):
    maria = persona_user("employee")
    signed_in, _ = sign_in(demo_app, maria.email, DEMO_PASSWORD)
    assert signed_in.get("/profile/").status_code == 200
    maria.failed_logins = 3
    db.session.commit()
    invitations.request_reset(maria.email)
    invitations.reset_password(link_in(smtp, maria.email).rsplit("/", 1)[1], NEW_PASSWORD)
    db.session.expire_all()
    assert user_of(maria.email).failed_logins == 0
    assert signed_in.get("/profile/").status_code == 302  # sent to sign in again


def test_reset_requests_for_unknown_addresses_send_nothing_and_floods_are_capped(
    demo_app, demo_db, smtp
):
    invitations.request_reset("nobody.here@example.com")
    maria = persona_user("employee")
    for _ in range(invitations.RESETS_PER_HOUR + 2):
        invitations.request_reset(maria.email.upper())
    smtp.wait_for(invitations.RESETS_PER_HOUR, timeout=5)
    smtp.wait_for(invitations.RESETS_PER_HOUR + 1, timeout=0.5)
    assert smtp.to("nobody.here@example.com") == []
    assert len(smtp.to(maria.email)) == invitations.RESETS_PER_HOUR


def test_a_reset_link_expires_within_the_hour(demo_app, demo_db, smtp):
    maria = persona_user("employee")
    invitations.request_reset(maria.email)
    secret = link_in(smtp, maria.email).rsplit("/", 1)[1]
    with (
        travel(TEST_TODAY + timedelta(days=1)),
        pytest.raises(invitations.LinkRefused, match="expired"),
    ):
        invitations.reset_password(secret, NEW_PASSWORD)
    assert sign_in(demo_app, maria.email, DEMO_PASSWORD)[1].status_code == 302


def test_directory_sign_ins_get_no_reset_link(demo_app, demo_db, smtp):
    maria = persona_user("employee")
    maria.password_hash = UNUSABLE_PASSWORD + "0123"
    maria.last_login_at = maria.created_at
    db.session.commit()
    invitations.request_reset(maria.email)
    smtp.wait_for(1)
    message = smtp.to(maria.email)[-1]
    assert "managed by your organisation's directory" in message.text
    assert not LINK.search(message.text)
    with pytest.raises(invitations.DirectoryManaged):
        invitations.change_password(maria, "anything", NEW_PASSWORD)


def test_an_invited_person_who_asks_for_a_reset_gets_a_fresh_invitation(demo_app, demo_db, smtp):
    person = invitee()
    invitations.send_invitation(person)
    first = link_in(smtp, person.email, 1)
    invitations.request_reset(person.email)
    second = link_in(smtp, person.email, 2)
    assert "/auth/invitation/" in second and first != second
    invitations.accept_invitation(second.rsplit("/", 1)[1], NEW_PASSWORD)


def test_changing_a_password_needs_the_current_one(demo_app, demo_db):
    maria = persona_user("employee")
    with pytest.raises(invitations.InvitationError) as refused:
        invitations.change_password(maria, "not-my-password", NEW_PASSWORD)
    assert "current" in refused.value.errors
    with pytest.raises(invitations.InvitationError) as refused:
        invitations.change_password(maria, DEMO_PASSWORD, "short")
    assert "new" in refused.value.errors
    with pytest.raises(invitations.InvitationError) as refused:
        invitations.change_password(maria, DEMO_PASSWORD, DEMO_PASSWORD)
    assert "same" in refused.value.message
    assert sign_in(demo_app, maria.email, DEMO_PASSWORD)[1].status_code == 302
    invitations.change_password(maria, DEMO_PASSWORD, NEW_PASSWORD)
    assert sign_in(demo_app, maria.email, DEMO_PASSWORD)[1].status_code == 401
    assert sign_in(demo_app, maria.email, NEW_PASSWORD)[1].status_code == 302
    entries = [e.after for e in audit_rows("users", maria.id) if e.after]
    assert {"password": "changed"} in entries


# ---------------------------------------------------------------- the pages


def test_an_invited_person_follows_the_emailed_link_sets_a_password_and_signs_in(
    demo_app, demo_db, smtp
):
    person = invitee()
    invitations.send_invitation(person, actor=persona_user("hr"))
    path = link_in(smtp, person.email)
    browser = demo_app.test_client()
    page = browser.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set your password" in html and person.email in html
    assert "no-store" in page.headers.get("Cache-Control", "")
    differ = browser.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert differ.status_code == 422 and "The two passwords differ" in differ.get_data(True)
    short = browser.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(True)
    done = browser.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    signed_in = browser.post(
        "/login", data={"email": person.email, "password": NEW_PASSWORD}, follow_redirects=True
    )
    assert f"Welcome, {person.employee.name}" in signed_in.get_data(as_text=True)
    # the link is spent: it says so, and who to ask
    again = demo_app.test_client().get(path)
    words = again.get_data(as_text=True)
    assert again.status_code == 410 and "already been used" in words and "Ask HR" in words
    posted = demo_app.test_client().post(path, data={"password": "x" * 12, "confirm": "x" * 12})
    assert posted.status_code == 410
    assert sign_in(demo_app, person.email, NEW_PASSWORD)[1].status_code == 302


def test_expired_and_unknown_links_say_so_and_change_nothing(demo_app, demo_db, smtp):
    person = invitee()
    invitations.send_invitation(person)
    path = link_in(smtp, person.email)
    before = fingerprint_of(person)
    with travel(TEST_TODAY + timedelta(days=8)):
        expired = demo_app.test_client().post(
            path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        )
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    tampered = path[:-1] + ("A" if path[-1] != "A" else "B")
    assert demo_app.test_client().get(tampered).status_code == 404
    assert demo_app.test_client().get("/auth/reset/" + "x" * 43).status_code == 404
    assert demo_app.test_client().get("/auth/invitation/short").status_code == 404
    assert fingerprint_of(person) == before


def fingerprint_of(user: User) -> tuple:
    db.session.expire_all()
    row = db.session.get(User, user.id)
    assert row is not None
    return (row.password_hash, row.session_epoch, row.failed_logins)


def test_the_forgot_page_answers_alike_for_known_and_unknown_addresses(demo_app, demo_db, smtp):
    login = demo_app.test_client().get("/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in login and "Forgot your password?" in login
    maria = persona_user("employee")
    answers = []
    for address in (maria.email, "nobody.here@example.com"):
        response = demo_app.test_client().post("/auth/forgot", data={"email": address})
        assert response.status_code == 200
        answers.append(response.get_data(as_text=True).replace(address, "ADDRESS"))
    assert answers[0] == answers[1]
    assert "a message is on its way" in answers[0]
    path = link_in(smtp, maria.email)
    assert smtp.to("nobody.here@example.com") == []
    browser = demo_app.test_client()
    assert browser.get(path).status_code == 200
    done = browser.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert sign_in(demo_app, maria.email, DEMO_PASSWORD)[1].status_code == 401
    assert sign_in(demo_app, maria.email, NEW_PASSWORD)[1].status_code == 302
    bad = demo_app.test_client().post("/auth/forgot", data={"email": "not an address"})
    assert bad.status_code == 422 and "Enter" in bad.get_data(as_text=True)


def test_a_reset_link_cannot_set_another_accounts_password(demo_app, demo_db, smtp):
    maria, sam = persona_user("employee"), persona_user("manager")
    invitations.request_reset(maria.email)
    path = link_in(smtp, maria.email)
    sams = fingerprint_of(sam)
    # extra fields naming another account are ignored: the link decides whose password it is
    browser = demo_app.test_client()
    page = browser.post(
        path,
        data={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "email": sam.email,
            "user_id": str(sam.id),
        },
    )
    assert page.status_code == 302
    assert fingerprint_of(sam) == sams
    assert sign_in(demo_app, sam.email, NEW_PASSWORD)[1].status_code == 401
    assert sign_in(demo_app, maria.email, NEW_PASSWORD)[1].status_code == 302


def test_the_forgot_page_is_throttled_per_client_address(demo_app, demo_db, smtp):
    demo_app.config["LOGIN_IP_MAX_FAILURES"] = 3
    browser = demo_app.test_client()
    statuses = [
        browser.post("/auth/forgot", data={"email": f"someone{i}@example.com"}).status_code
        for i in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    refused = browser.post("/auth/forgot", data={"email": "someone@example.com"})
    assert "Too many" in refused.get_data(as_text=True) and refused.headers["Retry-After"]


def test_with_password_sign_in_off_the_forgot_page_says_so(demo_app, demo_db, smtp):
    demo_app.config.update(PASSWORD_SIGN_IN=False, BREAK_GLASS_ADMINS=["ada.ng@example.com"])
    page = demo_app.test_client().get("/auth/forgot").get_data(as_text=True)
    assert "Password sign-in is switched off here" in page
    demo_app.test_client().post("/auth/forgot", data={"email": "maria.lopez@example.com"})
    demo_app.test_client().post("/auth/forgot", data={"email": "ada.ng@example.com"})
    link_in(smtp, "ada.ng@example.com")
    assert smtp.to("maria.lopez@example.com") == []


def test_the_profile_page_changes_the_password_with_the_current_one(demo_app, demo_db, smtp):
    maria = persona_user("employee")
    here, _ = sign_in(demo_app, maria.email, DEMO_PASSWORD)
    elsewhere, _ = sign_in(demo_app, maria.email, DEMO_PASSWORD)
    page = here.get("/profile/").get_data(as_text=True)
    assert "Change my password" in page and 'autocomplete="current-password"' in page
    wrong = here.post(
        "/profile/password",
        data={"current": "not-it-at-all", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(True)
    differ = here.post(
        "/profile/password",
        data={"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": "something-else-1"},
    )
    assert differ.status_code == 422 and "differ" in differ.get_data(True)
    assert sign_in(demo_app, maria.email, DEMO_PASSWORD)[1].status_code == 302
    done = here.post(
        "/profile/password",
        data={"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Your password is changed" in done.get_data(as_text=True)
    assert here.get("/profile/").status_code == 200  # this session stays
    assert elsewhere.get("/profile/").status_code == 302  # the other one ended
    assert sign_in(demo_app, maria.email, DEMO_PASSWORD)[1].status_code == 401
    assert sign_in(demo_app, maria.email, NEW_PASSWORD)[1].status_code == 302


def test_a_directory_sign_in_is_told_its_password_lives_in_the_directory(demo_app, demo_db):
    maria = persona_user("employee")
    client, _ = sign_in(demo_app, maria.email, DEMO_PASSWORD)
    maria.password_hash = UNUSABLE_PASSWORD + "0123"
    db.session.commit()
    page = client.get("/profile/").get_data(as_text=True)
    assert "managed by your organisation's directory" in page
    assert "Change my password" not in page
    refused = client.post(
        "/profile/password",
        data={"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert refused.status_code == 409
    assert "managed by your organisation's directory" in refused.get_data(as_text=True)


def test_two_tabs_racing_with_one_link_set_one_password(demo_app, demo_db, smtp, monkeypatch):
    """Both pass the link's checks before either spends it: the conditional UPDATE lets one
    through; the other is refused and its password is never set."""
    maria = persona_user("employee")
    invitations.request_reset(maria.email)
    secret = link_in(smtp, maria.email).rsplit("/", 1)[1]
    barrier = threading.Barrier(2, timeout=20)
    original = invitations._spend

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(invitations, "_spend", held)
    outcomes: list[str] = ["", ""]
    passwords = ["first-racing-passphrase", "second-racing-passphrase"]

    def attempt(index: int) -> None:
        with demo_app.app_context():
            try:
                invitations.reset_password(secret, passwords[index])
                outcomes[index] = "set"
            except invitations.LinkRefused:
                outcomes[index] = "refused"
            except BaseException as error:  # report it, never leave a thread's error unseen
                barrier.abort()
                outcomes[index] = f"crashed: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["refused", "set"], outcomes
    winner = passwords[outcomes.index("set")]
    loser = passwords[outcomes.index("refused")]
    assert sign_in(demo_app, maria.email, winner)[1].status_code == 302
    assert sign_in(demo_app, maria.email, loser)[1].status_code == 401


def test_with_password_sign_in_off_only_break_glass_admins_are_invited(demo_app, demo_db, smtp):
    demo_app.config.update(PASSWORD_SIGN_IN=False, BREAK_GLASS_ADMINS=[])
    person = invitee()
    with pytest.raises(invitations.InvitationError, match="switched off"):
        invitations.send_invitation(person)
    assert db.session.scalar(select(func.count(AccountToken.id))) == 0
    demo_app.config["BREAK_GLASS_ADMINS"] = [person.email]
    invitations.send_invitation(person)
    link_in(smtp, person.email)


def test_guessing_the_current_password_on_the_profile_page_is_throttled(demo_app, demo_db):
    demo_app.config["LOGIN_IP_MAX_FAILURES"] = 2
    maria = persona_user("employee")
    client, _ = sign_in(demo_app, maria.email, DEMO_PASSWORD)
    statuses = [
        client.post(
            "/profile/password",
            data={"current": f"guess-number-{i}", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ).status_code
        for i in range(3)
    ]
    assert statuses == [422, 422, 429]
    refused = client.post(
        "/profile/password",
        data={"current": DEMO_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert refused.status_code == 429 and "Too many" in refused.get_data(as_text=True)
    assert sign_in(demo_app, maria.email, NEW_PASSWORD)[1].status_code == 429  # same address
