"""Sign-in counters hold under concurrency, and the answers do not tell accounts apart.

Issue 20, finding 1: the lockout counter and the per-address limit were read, incremented and
written in Python, so concurrent failures were lost (40 concurrent wrong passwords checked 20
before the lock). Here real concurrent requests go to a live loopback server; the password
check is given the cost of a production hash (the test config hashes fast), which is the
window the old code lost its counts in.

Finding 8: an unknown address and a known one get the same answer, after exactly one password
check each, locked or not.

Run on SQLite and, with ``--db=postgresql``, on PostgreSQL.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import SignInFailure, User
from app.services import accounts
from tests.conftest import DEMO_PASSWORD, PERSONAS
from tests.security import figures
from tests.security.live_support import at_once, live_server, request

PRODUCTION_HASH_SECONDS = 0.05


@pytest.fixture
def checked(monkeypatch):  # type: ignore[no-untyped-def]
    """Every password check, with the stored hash it was made against (slowed to production
    cost)."""
    real_check, real_hash = accounts.check_password_hash, accounts.generate_password_hash
    seen: list[str] = []
    lock = threading.Lock()

    def check(stored: str, password: str) -> bool:
        with lock:
            seen.append(stored)
        time.sleep(PRODUCTION_HASH_SECONDS)
        return real_check(stored, password)

    def make(password: str, method: str) -> str:
        with lock:
            seen.append("a new hash")
        time.sleep(PRODUCTION_HASH_SECONDS)
        return real_hash(password, method=method)

    monkeypatch.setattr(accounts, "check_password_hash", check)
    monkeypatch.setattr(accounts, "generate_password_hash", make)
    return seen


def _hash_of(email: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(User.password_hash).where(User.email == email))


def _sign_in(base: str, email: str, password: str) -> tuple[int, str]:
    status, _headers, text = request(
        f"{base}/login", method="POST", form={"email": email, "password": password}
    )
    return status, text


def test_concurrent_wrong_passwords_check_no_more_than_the_limit_and_lock(
    demo_app, demo_db, checked
):
    email = PERSONAS["finance"]
    limit = demo_app.config["LOGIN_MAX_FAILURES"]
    stored = _hash_of(email)
    with live_server(demo_app) as base:
        answers = at_once([lambda: _sign_in(base, email, "wrong-password") for _ in range(12)])
        assert all(isinstance(a, tuple) and a[0] == 401 for a in answers), answers
        checks_on_account = sum(1 for s in checked if s == stored)
        assert checks_on_account <= limit, (
            f"{checks_on_account} passwords were checked against the account; the limit is {limit}"
        )
        # The account is locked now: even the right password is refused.
        status, _text = _sign_in(base, email, DEMO_PASSWORD)
        assert status == 401
    demo_db.session.expire_all()
    finance = demo_db.session.scalar(select(User).where(User.email == email))
    assert finance.locked_until is not None
    figures.add("concurrent sign-in attempts raced", len(answers))


def test_concurrent_attempts_from_one_address_pass_no_more_than_its_limit(
    demo_app, demo_db, checked
):
    limit = 6
    demo_app.config["LOGIN_IP_MAX_FAILURES"] = limit
    with live_server(demo_app) as base:
        answers = at_once(
            [lambda i=i: _sign_in(base, f"nobody{i}@example.com", "guess") for i in range(16)]
        )
        statuses = sorted(a[0] for a in answers)
        assert statuses.count(401) <= limit, statuses
        assert set(statuses) <= {401, 429}, statuses
        assert len(checked) <= limit
    # Every failure that got through is counted against the address; no refused one is.
    demo_db.session.expire_all()
    counted = demo_db.session.scalar(select(func.count(SignInFailure.id)))
    assert counted == statuses.count(401)
    figures.add("concurrent sign-in attempts raced", len(answers))


def _answer(client, email: str, password: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"email": email, "password": password})
    alert = re.search(r'role="alert">(.*?)</div>', response.get_data(as_text=True), re.S)
    assert alert, "the sign-in page shows no message"
    return response.status_code, alert.group(1).strip()


def test_known_and_unknown_addresses_get_the_same_answers_after_one_check_each(
    demo_app, demo_db, checked
):
    client = demo_app.test_client()
    known, unknown = PERSONAS["finance"], "no.such.person@example.com"
    limit = demo_app.config["LOGIN_MAX_FAILURES"]
    _answer(demo_app.test_client(), "first.visitor@example.com", "x")  # a worker's first attempt
    for attempt in range(limit + 3):  # past the lockout of the known account
        before = len(checked)
        known_answer = _answer(client, known, "wrong-password")
        assert len(checked) == before + 1, f"attempt {attempt + 1}: not exactly one check"
        unknown_answer = _answer(client, unknown, "wrong-password")
        assert len(checked) == before + 2, f"attempt {attempt + 1}: not exactly one check"
        assert known_answer == unknown_answer, f"attempt {attempt + 1} tells them apart"
    # A locked account answers the same even to its right password, after one check.
    before = len(checked)
    assert _answer(client, known, DEMO_PASSWORD) == _answer(client, unknown, DEMO_PASSWORD)
    assert len(checked) == before + 2
    status, words = _answer(client, unknown, "wrong-password")
    assert status == 401 and "do not match" in words and "locked" in words
