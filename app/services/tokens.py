"""API tokens: create (the secret is shown once), list, revoke, and authenticate a bearer token.

docs/API.md "Auth": a token acts as its user, with exactly that user's permissions; the server
stores only a hash of each token. A token is ``ech_`` followed by 43 URL-safe random
characters (256 bits). Only its SHA-256 hex digest is stored, with a short prefix so the owner
can tell tokens apart. Revocation is a conditional UPDATE (``WHERE id = ? AND revoked_at IS
NULL``), so it happens once, and it takes effect on the very next request: every API call looks
the token up again. A token stops working too when its user is disabled or its employee has left.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from app.audit import record_change
from app.clock import now
from app.extensions import db
from app.kernel.errors import Conflict, Invalid, NotFound
from app.kernel.uow import unit_of_work
from app.models import ApiToken, User

TOKEN_PREFIX = "ech_"
PREFIX_LENGTH = 12  # "ech_" and the first 8 random characters: enough to tell tokens apart
NAME_MAX = 100
MAX_ACTIVE_TOKENS = 25
TOKEN_SHAPE = re.compile(r"^ech_[A-Za-z0-9_-]{43}$")
# last_used_at is bookkeeping: write it at most once a minute per token, not on every call.
TOUCH_EVERY = timedelta(minutes=1)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

TOKEN_SORTS = {
    "name": ApiToken.name,
    "created_at": ApiToken.created_at,
    "last_used_at": ApiToken.last_used_at,
}
TOKEN_STATUSES = ("active", "revoked")


class TokenError(Invalid):
    """A token could not be created or revoked; nothing was changed."""


class TokenNotFound(TokenError, NotFound):
    """No such token among the user's own (other people's tokens look the same: absent)."""


class TokenConflict(TokenError, Conflict):
    """The token is already revoked."""


def hash_token(secret: str) -> str:
    """The stored form of a token: its SHA-256 hex digest."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _clean_name(name: object) -> str:
    text = "" if name is None else str(name).strip()
    if not text:
        raise TokenError(
            "Name the token after what will use it, e.g. 'HRIS nightly sync'.",
            {"name": ["Enter a name for the token, e.g. 'HRIS nightly sync'."]},
        )
    if len(text) > NAME_MAX:
        message = f"Keep the name to {NAME_MAX} characters."
        raise TokenError(message, {"name": [message]})
    if _CONTROL.search(text):
        message = "The name contains control characters; remove them."
        raise TokenError(message, {"name": [message]})
    return text


@unit_of_work
def create_token(user: User, name: object) -> tuple[ApiToken, str]:
    """Create a token for ``user``; answers the row and the secret (shown once, never stored).

    One commit point. Refused (TokenError, nothing stored) for a bad name, a disabled user or
    more than MAX_ACTIVE_TOKENS active tokens.
    """
    clean = _clean_name(name)
    if not user.is_active:
        raise TokenError(f"The sign-in {user.email} is disabled or has left: no new tokens.")
    active = db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use.",
            {"name": [f"At most {MAX_ACTIVE_TOKENS} active tokens per person."]},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=clean,
        token_hash=hash_token(secret),
        prefix=secret[:PREFIX_LENGTH],
        created_at=now(),
    )
    db.session.add(token)
    return token, secret


def tokens_query(user_id: int, q: str | None = None, status: str | None = None) -> Select:
    """The user's own tokens (never anyone else's), searched by name or prefix."""
    stmt = select(ApiToken).where(ApiToken.user_id == user_id)
    if q:
        like = f"%{_CONTROL.sub('', q).strip().lower()[:100]}%"
        stmt = stmt.where(func.lower(ApiToken.name).like(like) | ApiToken.prefix.like(like))
    if status == "active":
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    elif status == "revoked":
        stmt = stmt.where(ApiToken.revoked_at.is_not(None))
    return stmt


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens, at once and exactly once (conditional UPDATE)."""
    token = db.session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if token is None or token.user_id != user.id:
        raise TokenNotFound("There is no such token among yours.")
    _revoke(token)
    db.session.expire(token)
    return token


@unit_of_work
def _revoke(token: ApiToken) -> None:
    """The conditional UPDATE that revokes ``token`` once, and its audit row."""
    table = ApiToken.__table__
    moment = now()
    result = db.session.execute(
        update(table)
        .where(table.c.id == token.id, table.c.revoked_at.is_(None))
        .values(revoked_at=moment)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise TokenConflict(f"The token “{token.name}” was already revoked.")
    record_change(
        db.session(), table.name, token.id, "update", {"revoked_at": None}, {"revoked_at": moment}
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        from datetime import UTC

        return value.replace(tzinfo=UTC)
    return value


def authenticate(secret: str | None) -> User | None:
    """The user a bearer token acts as, or None when it is unknown, revoked or its user may
    no longer sign in. Records when the token was last used (at most once a minute)."""
    if not secret or not TOKEN_SHAPE.match(secret):
        return None
    token = db.session.scalar(
        select(ApiToken)
        # the user and their person in the same query: whether they may still sign in
        .options(joinedload(ApiToken.user).joinedload(User.employee))
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None:
        return None
    user = token.user
    if user is None or not user.is_active:
        return None
    moment = now()
    last = _aware(token.last_used_at)
    if last is None or moment - last >= TOUCH_EVERY:
        _touch(token.id, moment)
    return user


@unit_of_work
def _touch(token_id: int, moment: datetime) -> None:
    """Record when a token was last used (bookkeeping, not audited)."""
    table = ApiToken.__table__
    db.session.execute(update(table).where(table.c.id == token_id).values(last_used_at=moment))
