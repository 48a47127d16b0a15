"""Single sign-on with OpenID Connect, against a real provider (oidc-provider under Node.js).

The app is driven with Flask's test client; the browser's part at the provider (its login form
and redirects) with a requests session. Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from tests import oidc_provider

CALLBACK = "http://localhost/auth/oidc/callback"
SECRET = "test-client-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def provider() -> Iterator[oidc_provider.Provider]:
    clients = [
        {"client_id": "echelon", "client_secret": SECRET, "redirect_uris": [CALLBACK]},
        {"client_id": "other-app", "client_secret": SECRET, "redirect_uris": [CALLBACK]},
    ]
    running = oidc_provider.start(clients)
    yield running
    running.stop()


@pytest.fixture
def sso_app(demo_app: Any, provider: oidc_provider.Provider) -> Any:
    demo_app.config.update(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID="echelon",
        OIDC_CLIENT_SECRET=SECRET,
        OIDC_NAME="Acme ID",
        OIDC_SCOPES="openid email profile groups employee_no",
        SSO_GROUP_ROLES={"echelon-hr": "hr", "echelon-finance": "finance"},
    )
    return demo_app


def at_provider(location: str, login: str) -> str:
    """Walk the provider's side (its login form) as a browser would; the callback URL it ends on."""
    browser = requests.Session()
    while not location.startswith(CALLBACK):
        page = browser.get(location, allow_redirects=False, timeout=10)
        if page.status_code == 200 and "<form" in page.text:
            page = browser.post(
                location,
                data={"login": login, "password": "provider-pass"},
                allow_redirects=False,
                timeout=10,
            )
        assert page.status_code in (302, 303), page.text[:500]
        location = requests.compat.urljoin(location, page.headers["Location"])
    return location


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client: Any, login: str) -> Any:
    start = client.get("/auth/oidc/login")
    assert start.status_code == 302
    assert "code_challenge_method=S256" in start.location
    return client.get(callback_path(at_provider(start.location, login)))


def employee(app: Any, name: str) -> tuple[int, str]:
    from app.models import Employee

    with app.app_context():
        from app.extensions import db

        found = db.session.scalar(select(Employee).where(Employee.status == "active"))
        if name:
            found = db.session.scalar(select(Employee).where(Employee.name == name))
        assert found is not None
        return found.id, found.email


def roles_of(app: Any, email: str) -> set[str]:
    from tests.factories import user_of

    with app.app_context():
        return set(user_of(email).app_roles)


def test_the_login_page_offers_the_directory_button(sso_app: Any) -> None:
    page = sso_app.test_client().get("/login")
    assert "Sign in with Acme ID" in page.get_data(as_text=True)


def test_a_known_employee_signs_in_through_the_provider(
    sso_app: Any, provider: oidc_provider.Provider
) -> None:
    from tests.factories import PERSONAS

    email = PERSONAS["employee"]
    provider.set_user("emp1", email=email, groups=[])
    client = sso_app.test_client()
    answer = sign_in(client, "emp1")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:400]
    home = client.get(answer.location)
    assert home.status_code == 200
    assert "Welcome" in home.get_data(as_text=True)


def test_a_person_without_a_sign_in_gets_one_linked_to_their_record(
    sso_app: Any, provider: oidc_provider.Provider
) -> None:
    from app.extensions import db
    from app.models import Employee, User

    with sso_app.app_context():
        person = db.session.scalar(
            select(Employee)
            .outerjoin(User, User.employee_id == Employee.id)
            .where(User.id.is_(None), Employee.status == "active")
        )
        assert person is not None
        person_id, email = person.id, person.email
    provider.set_user("newbie", email=email.upper(), groups=["echelon-hr"])
    answer = sign_in(sso_app.test_client(), "newbie")
    assert answer.status_code == 302
    with sso_app.app_context():
        made = db.session.scalar(select(User).where(User.employee_id == person_id))
        assert made is not None and made.app_roles == {"employee", "hr"}
    # the made sign-in has no password: the form cannot open it
    form = sso_app.test_client().post("/login", data={"email": email, "password": "!directory"})
    assert form.status_code == 401


def test_an_unknown_person_is_refused_and_gets_no_account(
    sso_app: Any, provider: oidc_provider.Provider
) -> None:
    from app.extensions import db
    from app.models import User

    provider.set_user("stranger", email="stranger@elsewhere.example", groups=["echelon-hr"])
    with sso_app.app_context():
        before = len(db.session.scalars(select(User.id)).all())
    answer = sign_in(sso_app.test_client(), "stranger")
    assert answer.status_code == 403
    assert "Ask HR to add you" in answer.get_data(as_text=True)
    with sso_app.app_context():
        assert len(db.session.scalars(select(User.id)).all()) == before


def test_group_mapping_grants_and_removes_roles_at_every_sign_in(
    sso_app: Any, provider: oidc_provider.Provider
) -> None:
    from tests.factories import PERSONAS

    email = PERSONAS["hr"]
    provider.set_user("hr1", email=email, groups=["echelon-finance", "unrelated"])
    assert sign_in(sso_app.test_client(), "hr1").status_code == 302
    assert roles_of(sso_app, email) == {"employee", "finance"}
    provider.set_user("hr1", email=email, groups=["echelon-hr"])
    assert sign_in(sso_app.test_client(), "hr1").status_code == 302
    assert roles_of(sso_app, email) == {"employee", "hr"}


def test_a_replayed_state_is_refused(sso_app: Any, provider: oidc_provider.Provider) -> None:
    from tests.factories import PERSONAS

    provider.set_user("emp2", email=PERSONAS["employee"])
    client = sso_app.test_client()
    start = client.get("/auth/oidc/login")
    path = callback_path(at_provider(start.location, "emp2"))
    copy = sso_app.test_client()  # someone who copied the session cookie before the callback
    with client.session_transaction() as old, copy.session_transaction() as new:
        new.update(dict(old))
    assert client.get(path).status_code == 302
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 401
    assert "expired or was already used" in again.get_data(as_text=True)
    # with the state still in the copied session, the provider refuses the used code
    replayed = copy.get(path)
    assert replayed.status_code == 401
    assert copy.get("/").status_code == 302  # signed out


def test_a_callback_from_another_session_is_refused(
    sso_app: Any, provider: oidc_provider.Provider
) -> None:
    from tests.factories import PERSONAS

    provider.set_user("emp3", email=PERSONAS["employee"])
    victim, attacker = sso_app.test_client(), sso_app.test_client()
    start = attacker.get("/auth/oidc/login")
    path = callback_path(at_provider(start.location, "emp3"))
    victim.get("/auth/oidc/login")  # the victim has a sign-in under way of their own
    refused = victim.get(path)
    assert refused.status_code == 401
    assert victim.get("/").status_code == 302  # still signed out


def _swap_id_token(sso_app: Any, monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    from app.services.directory import oidc

    with sso_app.test_request_context():
        remote = oidc.client()
    real = remote.fetch_access_token

    def fetch(**params: Any) -> dict:
        token = real(**params)
        return {**token, "id_token": change(token["id_token"])}

    monkeypatch.setattr(remote, "fetch_access_token", fetch)


def test_a_tampered_id_token_is_refused(
    sso_app: Any, provider: oidc_provider.Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    import json

    from tests.factories import PERSONAS

    provider.set_user("emp4", email="someone@example.com")

    def tamper(token: str) -> str:
        header, body, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        claims["email"] = PERSONAS["admin"]  # become the admin
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{forged}.{signature}"

    _swap_id_token(sso_app, monkeypatch, tamper)
    client = sso_app.test_client()
    answer = sign_in(client, "emp4")
    assert answer.status_code == 401
    assert "could not be verified" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_an_id_token_for_another_client_is_refused(
    sso_app: Any, provider: oidc_provider.Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app validates the audience: a genuine token the provider issued to another app
    (here: the app configured as that other client) does not sign anyone in."""
    from tests.factories import PERSONAS

    provider.set_user("emp5", email=PERSONAS["employee"])
    sso_app.config["OIDC_CLIENT_ID"] = "other-app"
    issued: list[str] = []
    _swap_id_token(sso_app, monkeypatch, lambda token: issued.append(token) or token)
    sign_in(sso_app.test_client(), "emp5")  # genuine token with aud=other-app
    sso_app.extensions.pop(oidc_client_key())
    sso_app.config["OIDC_CLIENT_ID"] = "echelon"
    _swap_id_token(sso_app, monkeypatch, lambda token: issued[0])
    client = sso_app.test_client()
    answer = sign_in(client, "emp5")
    assert answer.status_code == 401
    assert client.get("/").status_code == 302


def test_an_id_token_replayed_from_an_earlier_sign_in_is_refused(
    sso_app: Any, provider: oidc_provider.Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nonce is checked: a genuine, unexpired ID token that signed someone in before does
    not sign anyone in again, since it carries that earlier sign-in's nonce."""
    from tests.factories import PERSONAS

    provider.set_user("emp6", email=PERSONAS["employee"])
    issued: list[str] = []
    _swap_id_token(sso_app, monkeypatch, lambda token: issued.append(token) or token)
    assert sign_in(sso_app.test_client(), "emp6").status_code == 302  # genuine, first use
    _swap_id_token(sso_app, monkeypatch, lambda token: issued[0])
    client = sso_app.test_client()
    answer = sign_in(client, "emp6")
    assert answer.status_code == 401
    assert client.get("/").status_code == 302


def test_an_expired_id_token_is_refused(
    sso_app: Any, provider: oidc_provider.Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expiry is checked: the same genuine token read a day later (the provider issues
    ID tokens for an hour) does not sign anyone in."""
    import time
    import types

    from joserfc._rfc7519 import claims  # the clock the ID token's exp is checked against

    from tests.factories import PERSONAS

    provider.set_user("emp7", email=PERSONAS["employee"])
    monkeypatch.setattr(claims, "time", types.SimpleNamespace(time=lambda: time.time() + 86400))
    client = sso_app.test_client()
    answer = sign_in(client, "emp7")
    assert answer.status_code == 401
    assert client.get("/").status_code == 302


def oidc_client_key() -> str:
    from app.services.directory import oidc

    return oidc.EXTENSION


def test_failed_directory_sign_ins_count_towards_the_address_throttle(
    sso_app: Any, provider: oidc_provider.Provider
) -> None:
    provider.set_user("stranger2", email="nobody@elsewhere.example")
    sso_app.config["LOGIN_IP_MAX_FAILURES"] = 2
    client = sso_app.test_client()
    assert sign_in(client, "stranger2").status_code == 403
    assert client.get("/auth/oidc/callback?code=x&state=forged").status_code == 401
    third = sign_in(client, "stranger2")
    assert third.status_code == 429
    assert "Too many failed sign-ins" in third.get_data(as_text=True)
    # and the password form shares the count
    form = client.post("/login", data={"email": "a@example.com", "password": "whatever12"})
    assert form.status_code == 429


def test_password_sign_in_can_be_switched_off_except_for_break_glass_admins(
    sso_app: Any,
) -> None:
    from tests.factories import DEMO_PASSWORD, PERSONAS

    sso_app.config.update(PASSWORD_SIGN_IN=False, BREAK_GLASS_ADMINS=[PERSONAS["admin"]])
    page = sso_app.test_client().get("/login").get_data(as_text=True)
    assert "Sign in with Acme ID" in page and "Administrator sign-in" in page
    refused = sso_app.test_client().post(
        "/login", data={"email": PERSONAS["employee"], "password": DEMO_PASSWORD}
    )
    assert refused.status_code == 403
    assert "Password sign-in is switched off" in refused.get_data(as_text=True)
    admin = sso_app.test_client().post(
        "/login", data={"email": PERSONAS["admin"].upper(), "password": DEMO_PASSWORD}
    )
    assert admin.status_code == 302
