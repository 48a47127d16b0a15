"""Sign-in attacks: throttling per client address, lockout per account, password length.

Issue 9 "Sign-in": throttling and a temporary lockout after repeated failures; passwords are
checked against a minimum length. The per-account lockout is tested in
tests/integration/test_foundation.py; session rotation, sign-out and cookies in
tests/security/test_hardening.py. Here: password spraying from one address (many accounts,
one or two guesses each, which no per-account lockout sees) is slowed down per client address,
and the count lives in the database so every worker process sees the same one.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app import create_app
from app.clock import now
from app.extensions import db
from app.models import Employee, SignInFailure, User
from tests.conftest import DEMO_PASSWORD, PERSONAS, base_config

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
COLLEAGUE = {"REMOTE_ADDR": "198.51.100.20"}


def _emails(limit: int) -> list[str]:
    """Addresses to spray: real people, none of the demo personas."""
    return list(
        db.session.scalars(
            select(Employee.email)
            .where(Employee.email.not_in(list(PERSONAS.values())))
            .order_by(Employee.id)
            .limit(limit)
        )
    )


def _spray(client, emails: list[str], environ: dict) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        client.post(
            "/login", data={"email": e, "password": "Summer2026!"}, environ_base=environ
        ).status_code
        for e in emails
    ]


def test_password_spraying_from_one_address_is_throttled(demo_app, demo_db):
    limit = demo_app.config["LOGIN_IP_MAX_FAILURES"]
    client = demo_app.test_client()
    statuses = _spray(client, _emails(limit), ATTACKER)
    assert statuses == [401] * limit  # each a plain "do not match"
    # Now even the right password of a real account is refused from that address ...
    refused = client.post(
        "/login",
        data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD},
        environ_base=ATTACKER,
    )
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your network" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/", environ_base=ATTACKER).status_code == 302  # still signed out
    # ... while people elsewhere sign in as usual, and no account got locked by the spray.
    elsewhere = demo_app.test_client().post(
        "/login",
        data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD},
        environ_base=COLLEAGUE,
    )
    assert elsewhere.status_code == 302
    assert (
        demo_db.session.scalar(select(func.count(User.id)).where(User.locked_until.is_not(None)))
        == 0
    )


def test_the_throttle_is_shared_by_every_worker_through_the_database(demo_app, demo_db, tmp_path):
    """Two app instances on one database, as two gunicorn workers: failures counted by one
    throttle the other."""
    other_worker = create_app({**base_config(demo_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)})
    limit = demo_app.config["LOGIN_IP_MAX_FAILURES"]
    emails = _emails(limit)
    half = limit // 2
    _spray(demo_app.test_client(), emails[:half], ATTACKER)
    _spray(other_worker.test_client(), emails[half:], ATTACKER)
    for app in (demo_app, other_worker):
        answer = app.test_client().post(
            "/login",
            data={"email": PERSONAS["finance"], "password": DEMO_PASSWORD},
            environ_base=ATTACKER,
        )
        assert answer.status_code == 429
    with other_worker.app_context():
        db.session.remove()
        db.engine.dispose()


def test_old_failures_age_out_of_the_window(demo_app, demo_db):
    window = demo_app.config["LOGIN_IP_WINDOW_MINUTES"]
    limit = demo_app.config["LOGIN_IP_MAX_FAILURES"]
    long_ago = now() - timedelta(minutes=window + 1)
    demo_db.session.add_all(
        [SignInFailure(ip=ATTACKER["REMOTE_ADDR"], at=long_ago) for _ in range(limit * 2)]
    )
    demo_db.session.commit()
    answer = demo_app.test_client().post(
        "/login",
        data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD},
        environ_base=ATTACKER,
    )
    assert answer.status_code == 302
    # A failure clears out the expired rows, so the table does not grow without end.
    demo_app.test_client().post(
        "/login", data={"email": PERSONAS["hr"], "password": "nope"}, environ_base=ATTACKER
    )
    demo_db.session.expire_all()
    assert demo_db.session.scalar(select(func.count(SignInFailure.id))) == 1


def test_a_throttled_attempt_does_not_extend_the_wait_or_check_the_password(demo_app, demo_db):
    limit = demo_app.config["LOGIN_IP_MAX_FAILURES"]
    client = demo_app.test_client()
    _spray(client, _emails(limit), ATTACKER)
    for _ in range(3):
        assert _spray(client, [PERSONAS["hr"]], ATTACKER) == [429]
    demo_db.session.expire_all()
    assert demo_db.session.scalar(select(func.count(SignInFailure.id))) == limit
    hannah = demo_db.session.scalar(select(User).where(User.email == PERSONAS["hr"]))
    assert hannah.failed_logins == 0  # throttled guesses never reached her account


def test_failed_sign_ins_are_not_in_the_audit_trail_nor_their_addresses_elsewhere(demo_app):
    """The failures table is bookkeeping: an address and a time, no email and no password."""
    columns = {c.name for c in SignInFailure.__table__.columns}
    assert columns == {"id", "ip", "at"}
    assert not getattr(SignInFailure, "__audited__", False)


def test_passwords_shorter_than_the_minimum_are_refused(runner, demo_db, demo_app):
    minimum = demo_app.config["PASSWORD_MIN_LENGTH"]
    assert minimum >= 10
    short = "x" * (minimum - 1)
    result = runner.invoke(args=["create-user", "new.person@example.com", "--password", short])
    assert result.exit_code != 0
    assert f"at least {minimum} characters" in result.output
    assert (
        demo_db.session.scalar(
            select(func.count(User.id)).where(User.email == "new.person@example.com")
        )
        == 0
    )
    ok = runner.invoke(args=["create-user", "new.person@example.com", "--password", "x" * minimum])
    assert ok.exit_code == 0, ok.output


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(demo_app, demo_db):
    """Without a trusted proxy (the default) the header is ignored: the address is the peer's."""
    limit = demo_app.config["LOGIN_IP_MAX_FAILURES"]
    client = demo_app.test_client()
    _spray(client, _emails(limit), ATTACKER)
    forged = client.post(
        "/login",
        data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD},
        environ_base=ATTACKER,
        headers={"X-Forwarded-For": "192.0.2.99"},
    )
    assert forged.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_throttled(
    demo_app, demo_db, tmp_path
):
    """TRUSTED_PROXY_HOPS=1: every request comes from the proxy; the client is in the header, so
    one sprayer behind the proxy does not lock everyone else out."""
    url = demo_app.config["SQLALCHEMY_DATABASE_URI"]
    proxied = create_app({**base_config(url, tmp_path), "TRUSTED_PROXY_HOPS": 1})
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    limit = proxied.config["LOGIN_IP_MAX_FAILURES"]
    client = proxied.test_client()
    for email in _emails(limit):
        client.post(
            "/login",
            data={"email": email, "password": "Summer2026!"},
            environ_base=proxy,
            headers={"X-Forwarded-For": ATTACKER["REMOTE_ADDR"]},
        )

    def sign_in(address: str) -> int:
        return (
            proxied.test_client()
            .post(
                "/login",
                data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD},
                environ_base=proxy,
                headers={"X-Forwarded-For": address},
            )
            .status_code
        )

    assert sign_in(ATTACKER["REMOTE_ADDR"]) == 429
    assert sign_in(COLLEAGUE["REMOTE_ADDR"]) == 302
    assert demo_db.session.scalar(select(func.count(SignInFailure.id))) == limit
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_sign_in_fields_tell_password_managers_what_they_hold(demo_app):
    """The email field is the username and the password the current one, so a browser or a
    password manager fills them (and never offers to generate a new password here)."""
    page = demo_app.test_client().get("/login").get_data(as_text=True)
    email = re.search(r'<input[^>]*name="email"[^>]*>', page)
    password = re.search(r'<input[^>]*name="password"[^>]*>', page)
    assert email is not None and 'autocomplete="username"' in email.group(0)
    assert password is not None and 'autocomplete="current-password"' in password.group(0)
