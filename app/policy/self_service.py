"""What a signed-in user keeps for themselves: their notifications and their API tokens.

Someone else's notification or token looks exactly like one that does not exist (404).
"""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import ApiToken, Notification
from app.policy import Load


def _owner_is(user: Any, found: Any) -> bool:
    return user is not None and found.user_id == user.id


def notification(arg: str = "notification_id", name: str = "notification") -> Load:
    """Load one of the caller's own notifications; anyone else's answers 404."""
    return Load(
        arg, name, lambda notification_id: db.session.get(Notification, notification_id), _owner_is
    )


def token(arg: str = "token_id", name: str = "token") -> Load:
    """Load one of the caller's own API tokens; anyone else's answers 404."""
    return Load(arg, name, lambda token_id: db.session.get(ApiToken, token_id), _owner_is)
