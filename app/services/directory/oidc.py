"""OpenID Connect sign-in with Authlib's Flask client (issue 19).

The authorization code flow with PKCE (S256). Authlib keeps the state, the nonce and the PKCE
verifier in the signed session, checks the state on return (once: it is cleared on use), and in
``authorize_access_token`` verifies the ID token: its signature against the issuer's published
keys, its issuer, audience (our client id), expiry and nonce. Endpoints come from discovery
(``OIDC_ISSUER`` + /.well-known/openid-configuration). Any failure becomes an ``OidcRefusal``
with a plain message, never an error page.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc.errors import JoseError

from app.services.directory.identity import Identity, NotAuthenticated

log = logging.getLogger(__name__)
EXTENSION = "echelon.oidc"
FAILED = (
    "Single sign-on did not complete: {why}. Start again from the sign-in page; if it keeps "
    "failing, ask your IT team."
)


class OidcRefusal(NotAuthenticated):
    """The identity provider's answer was missing, wrong or could not be verified."""


def configured() -> bool:
    config = current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def client() -> Any:
    """The registered Authlib client of this app (made on first use)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    oauth = app.extensions.get(EXTENSION)
    if oauth is None:
        config = app.config
        oauth = OAuth(app)
        oauth.register(
            "oidc",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256"},
        )
        app.extensions[EXTENSION] = oauth
    return oauth.oidc


def begin(redirect_uri: str) -> Any:
    """The redirect to the provider (state, nonce and PKCE verifier kept in the session)."""
    try:
        return client().authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, KeyError) as error:
        log.warning("OIDC discovery failed: %s", error)
        raise OidcRefusal(FAILED.format(why="the identity provider cannot be reached")) from error


def finish() -> Identity:
    """Check the provider's answer on the callback; the verified identity or OidcRefusal."""
    try:
        token = client().authorize_access_token()
    except OAuthError as error:
        why = error.description or error.error or "the answer was not valid"
        if "state" in str(error).lower():
            why = "the sign-in request expired or was already used"
        raise OidcRefusal(FAILED.format(why=why)) from error
    except JoseError as error:
        log.warning("OIDC ID token refused: %r", error)
        raise OidcRefusal(FAILED.format(why="the identity token could not be verified")) from error
    except (requests.RequestException, ValueError, KeyError) as error:
        log.warning("OIDC token exchange failed: %r", error)
        raise OidcRefusal(FAILED.format(why="the identity provider did not answer")) from error
    claims = token.get("userinfo") if isinstance(token, dict) else None
    if not claims or not claims.get("sub"):
        raise OidcRefusal(FAILED.format(why="no identity token came back"))
    return _identity(claims)


def _identity(claims: dict[str, Any]) -> Identity:
    config = current_app.config
    groups = claims.get(config["OIDC_GROUPS_CLAIM"]) or []
    if isinstance(groups, str):
        groups = [groups]
    number = claims.get(config["SSO_EMPLOYEE_NO_CLAIM"])
    email = claims.get("email")
    if email and claims.get("email_verified") is False:
        email = None  # an unverified address names nobody
    return Identity(
        source="oidc",
        subject=str(claims["sub"]),
        email=email,
        employee_no=None if number is None else str(number),
        groups=frozenset(str(g) for g in groups),
    )
