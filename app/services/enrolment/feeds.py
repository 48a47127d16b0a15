"""Private calendar feeds: one secret URL per user (docs/RULES.md "Sessions and enrolment").

The token is ``secrets.token_urlsafe(32)`` (256 bits); only its SHA-256 hex digest is stored
(``CalendarFeed.token_hash``), so the full URL is shown once, right after it is made. Resetting
replaces the hash: the old URL answers 404 from that moment. An unknown token and a reset one
look the same.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select

from app.clock import now
from app.extensions import db
from app.kernel.uow import unit_of_work
from app.models import CalendarFeed, User

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    """The user's feed (when and whether one was made); never its token."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


@unit_of_work
def create_or_reset(user: User) -> tuple[CalendarFeed, str]:
    """Make the user's feed, or reset it (a new token ends the old URL); answers the row and
    the token, which is never stored and shown only in this answer."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=hash_token(token), created_at=now())
        db.session.add(feed)
    else:
        feed.token_hash = hash_token(token)
        feed.created_at = now()
    return feed, token


def user_for_token(token: object) -> User | None:
    """The active user whose feed carries ``token``; None for an unknown or reset token."""
    if not isinstance(token, str) or not TOKEN_SHAPE.match(token):
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token))
    )
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not user.is_active:
        return None
    return user
