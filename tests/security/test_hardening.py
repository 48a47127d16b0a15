"""Hardening: CSRF with the protection switched on, headers, cookies, durability, backups."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import func, select, text

from app.models import AuditEntry, Employee, User
from tests.conftest import DEMO_PASSWORD, PERSONAS

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def csrf_app(demo_app):
    demo_app.config["WTF_CSRF_ENABLED"] = True
    yield demo_app
    demo_app.config["WTF_CSRF_ENABLED"] = False


def _csrf_token(client, path="/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _signed_in(app, persona="hr"):
    client = app.test_client()
    token = _csrf_token(client)
    response = client.post(
        "/login", data={"email": PERSONAS[persona], "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def _fill(rule) -> str:
    url = re.sub(r"<any\(([^,)]+)[^)]*\):[a-z_]+>", lambda m: m.group(1).strip("'\" "), rule.rule)
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", url)


def test_sign_in_without_a_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out


def test_every_state_changing_page_route_refuses_a_request_without_a_token(csrf_app, demo_db):
    """DESIGN.md: every state change is a POST carrying the token, even a bare button."""
    client = _signed_in(csrf_app, "hr")
    audit_before = demo_db.session.scalar(select(func.count(AuditEntry.id)))
    checked = []
    for rule in csrf_app.url_map.iter_rules():
        methods = (rule.methods or set()) & STATE_CHANGING
        if not methods or rule.rule.startswith("/api/") or rule.endpoint == "auth.login":
            continue
        for method in methods:
            response = client.open(_fill(rule), method=method, data={"anything": "x"})
            assert response.status_code == 400, f"{method} {rule.rule} -> {response.status_code}"
            checked.append((method, rule.rule))
    assert len(checked) >= 5
    demo_db.session.expire_all()
    assert demo_db.session.scalar(select(func.count(AuditEntry.id))) == audit_before


def test_security_headers_are_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(login_as):
    page = login_as("hr").get("/").get_data(as_text=True)
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert " onclick=" not in page and " style=" not in page


def test_session_cookie_is_httponly_and_samesite(demo_app):
    client = demo_app.test_client()
    response = client.post("/login", data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    demo_app.config["SESSION_COOKIE_SECURE"] = True
    secure = demo_app.test_client().post(
        "/login", data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD}
    )
    assert "Secure" in secure.headers["Set-Cookie"]


def test_the_session_identifier_is_rotated_at_sign_in(demo_app):
    client = demo_app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    client.post("/login", data={"email": PERSONAS["hr"], "password": DEMO_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_passwords_are_hashed_with_a_modern_algorithm(demo_db, demo_app):
    from app.services.accounts import hash_password

    stored = demo_db.session.scalar(select(User.password_hash))
    assert DEMO_PASSWORD not in stored
    with demo_app.app_context():
        demo_app.config["PASSWORD_HASH_METHOD"] = None
        assert hash_password("correct horse battery").startswith("scrypt:")


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(demo_db, backend):
    if backend != "sqlite":
        pytest.skip("SQLite only")
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_backup_is_consistent_and_restores_everything(demo_app, demo_db, backend, tmp_path):
    if backend != "sqlite":
        pytest.skip("the PostgreSQL backup is pg_dump, documented in the README")
    people = demo_db.session.scalar(select(func.count(Employee.id)))
    audit = demo_db.session.scalar(select(func.count(AuditEntry.id)))
    result = demo_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    restored = sqlite3.connect(tmp_path / "copy.db")
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert restored.execute("SELECT count(*) FROM employees").fetchone()[0] == people
    assert restored.execute("SELECT count(*) FROM audit_entries").fetchone()[0] == audit
    names = {row[0] for row in restored.execute("SELECT name FROM employees")}
    assert "Grace Okafor" in names


def test_backup_refuses_a_folder_as_destination(demo_app, tmp_path):
    result = demo_app.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    assert result.exit_code != 0 and "folder" in result.output
