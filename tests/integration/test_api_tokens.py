"""API tokens: the CLI, the profile page, hashing, revocation, and bearer authentication.

docs/API.md "Auth": a token acts as its user with exactly that user's permissions; `flask --app app
create-token EMAIL` prints a new token; a user creates and revokes tokens on their profile
page; the server stores only a hash of each token. Issue 6: revocation takes effect at once.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from app.models import ApiToken, AuditEntry
from app.services import tokens
from tests.integration.api_support import Api, user_for


@pytest.fixture
def api(demo_app, demo_db):  # type: ignore[no-untyped-def]
    return Api(demo_app)


def _tokens_of(db, who: str) -> list[ApiToken]:  # type: ignore[no-untyped-def]
    user = user_for(who)
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))


# --------------------------------------------------------------------------- CLI


def test_create_token_cli_prints_a_token_that_works_and_stores_only_its_hash(
    demo_app, demo_db, runner
):
    result = runner.invoke(args=["create-token", "HANNAH.REID@example.com", "--name", "HRIS"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert re.fullmatch(r"ech_[A-Za-z0-9_-]{43}", secret)
    demo_db.session.expire_all()
    (stored,) = _tokens_of(demo_db, "hr")
    assert stored.name == "HRIS"
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:12]
    # Nothing in the database holds the secret itself: not the token row, not the audit trail.
    audit = demo_db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "api_tokens"))
    assert all(secret not in str(entry.after) for entry in audit)
    response = demo_app.test_client().get(
        "/api/v1/employees?per_page=1", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert response.get_json()["total"] > 50  # hr sees the whole organisation


def test_create_token_cli_refuses_an_unknown_email(runner, demo_db):
    result = runner.invoke(args=["create-token", "nobody@example.com"])
    assert result.exit_code != 0
    assert "no sign-in for nobody@example.com" in result.output
    assert demo_db.session.scalar(select(func.count(ApiToken.id))) == 0


# --------------------------------------------------------------------------- authentication


def test_calls_without_a_token_or_with_a_bad_one_get_401_json(api):
    for headers in (
        {},
        {"Authorization": "Basic aGFubmFoOnB3"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer ech_" + "x" * 43},
        {"Authorization": "Bearer not-even-the-shape"},
    ):
        response = api.client.get("/api/v1/employees", headers=headers)
        assert response.status_code == 401, headers
        body = response.get_json()
        assert body["errors"] == {} and "token" in body["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_does_not_authenticate_api_calls(login_as):
    browser = login_as("hr")
    assert browser.get("/profile/").status_code == 200
    response = browser.get("/api/v1/employees")
    assert response.status_code == 401


def test_revocation_takes_effect_on_the_very_next_call(api, demo_db):
    secret = api.token("manager")
    assert api.get("/employees", who="manager").status_code == 200
    token = demo_db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == tokens.hash_token(secret))
    )
    tokens.revoke_token(user_for("manager"), token.id)
    response = api.get("/employees", who="manager")
    assert response.status_code == 401
    assert "revoked" in response.get_json()["error"]


def test_revoking_twice_is_refused_and_changes_nothing(demo_db):
    user = user_for("employee")
    token, _ = tokens.create_token(user, "script")
    tokens.revoke_token(user, token.id)
    revoked_at = demo_db.session.get(ApiToken, token.id).revoked_at
    with pytest.raises(tokens.TokenConflict):
        tokens.revoke_token(user, token.id)
    assert demo_db.session.get(ApiToken, token.id).revoked_at == revoked_at


def test_nobody_revokes_someone_elses_token(demo_db):
    token, _ = tokens.create_token(user_for("employee"), "mine")
    with pytest.raises(tokens.TokenNotFound):
        tokens.revoke_token(user_for("hr"), token.id)
    assert demo_db.session.get(ApiToken, token.id).revoked_at is None


def test_a_token_stops_working_when_its_sign_in_is_disabled(api, demo_db):
    assert api.get("/employees", who="manager").status_code == 200
    user = user_for("manager")
    user.active = False
    demo_db.session.commit()
    assert api.get("/employees", who="manager").status_code == 401


def test_a_token_acts_with_exactly_its_users_permissions(api):
    # The employee sees only herself; the same call with hr's token sees everyone.
    mine = api.get("/employees", who="employee").get_json()
    assert [e["email"] for e in mine["items"]] == ["maria.lopez@example.com"]
    assert api.get("/employees", who="hr").get_json()["total"] > 50
    # And the audit trail attributes an API change to the token's user.
    api.post(
        "/competencies", {"code": "API-AUDIT", "name": "Audited", "category": "test"}, who="admin"
    )
    from app.extensions import db

    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.table_name == "competencies")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.actor == "ada.ng@example.com (api)"
    assert entry.user_id == user_for("admin").id


def test_last_used_is_recorded(api, demo_db):
    api.get("/employees", who="finance")
    (token,) = _tokens_of(demo_db, "finance")
    assert token.last_used_at is not None


def test_token_names_are_checked_and_a_refused_token_stores_nothing(demo_db):
    user = user_for("employee")
    for bad in ("", "   ", "x" * 101, "tab\there"):
        with pytest.raises(tokens.TokenError) as refused:
            tokens.create_token(user, bad)
        assert "name" in refused.value.errors
    assert _tokens_of(demo_db, "employee") == []


def test_api_calls_need_no_csrf_token_even_with_csrf_protection_on(api, demo_app):
    demo_app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = api.post(
            "/competencies", {"code": "NO-CSRF", "name": "Bearer only"}, who="admin"
        )
    finally:
        demo_app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 201


# --------------------------------------------------------------------------- profile page


def test_profile_page_creates_a_token_shows_it_once_and_it_works(login_as, demo_app, demo_db):
    browser = login_as("employee")
    page = browser.get("/profile/")
    assert page.status_code == 200
    assert "You have no API tokens yet" in page.get_data(as_text=True)
    created = browser.post("/profile/tokens", data={"name": "My laptop script"})
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    html = created.get_data(as_text=True)
    secret = re.search(r'value="(ech_[A-Za-z0-9_-]{43})"', html).group(1)
    assert "it will not be shown again" in html
    # The secret is never put in the (signed, not encrypted) session cookie.
    assert secret not in (created.headers.get("Set-Cookie") or "")
    again = browser.get("/profile/").get_data(as_text=True)
    assert secret not in again and secret[:12] in again and "My laptop script" in again
    me = demo_app.test_client().get(
        "/api/v1/employees", headers={"Authorization": f"Bearer {secret}"}
    )
    assert [e["name"] for e in me.get_json()["items"]] == ["Maria Lopez"]


def test_profile_page_refuses_an_empty_name_with_the_message_on_the_field(login_as, demo_db):
    browser = login_as("employee")
    response = browser.post("/profile/tokens", data={"name": "  "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html and "Enter a name for the token" in html
    assert _tokens_of(demo_db, "employee") == []


def test_profile_page_revokes_a_token_after_confirmation(login_as, demo_app, demo_db):
    token, secret = tokens.create_token(user_for("employee"), "old script")
    browser = login_as("employee")
    html = browser.get("/profile/").get_data(as_text=True)
    assert f"/profile/tokens/{token.id}/revoke" in html and "data-confirm=" in html
    response = browser.post(f"/profile/tokens/{token.id}/revoke", follow_redirects=True)
    assert "stopped working at once" in response.get_data(as_text=True)
    api_call = demo_app.test_client().get(
        "/api/v1/employees", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api_call.status_code == 401


def test_profile_page_cannot_revoke_someone_elses_token(login_as, demo_db):
    token, _ = tokens.create_token(user_for("hr"), "hr script")
    browser = login_as("employee")
    assert browser.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    demo_db.session.expire_all()
    assert demo_db.session.get(ApiToken, token.id).revoked_at is None
    assert "hr script" not in browser.get("/profile/").get_data(as_text=True)


def test_profile_token_list_is_searchable_and_filterable(login_as, demo_db):
    user = user_for("employee")
    keep, _ = tokens.create_token(user, "HRIS sync")
    gone, _ = tokens.create_token(user, "Old LMS feed")
    tokens.revoke_token(user, gone.id)
    browser = login_as("employee")
    found = browser.get("/profile/?q=hris").get_data(as_text=True)
    assert "HRIS sync" in found and "Old LMS feed" not in found
    revoked = browser.get("/profile/?status=revoked").get_data(as_text=True)
    assert "Old LMS feed" in revoked and "HRIS sync" not in revoked
    none = browser.get("/profile/?q=zzz").get_data(as_text=True)
    assert "No token matches these filters" in none


def test_navigation_has_a_profile_link_for_everyone(login_as):
    for who in ("employee", "finance"):
        html = login_as(who).get("/profile/").get_data(as_text=True)
        assert 'href="/profile/"' in html
