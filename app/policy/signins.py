"""Sign-ins (docs/RULES.md "Sign-ins"): hr and admins see every sign-in, create them and send
invitations; only admins grant and remove app roles, disable, enable and unlock."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import User
from app.policy import Load


def creates_signins(user: Any) -> bool:
    """May ``user`` create sign-ins and (re)send invitations? hr and admins."""
    return user is not None and user.has_role("hr", "admin")


def manages_signins(user: Any) -> bool:
    """May ``user`` grant roles, disable, enable and unlock sign-ins? Admins only."""
    return user is not None and user.has_role("admin")


def _fetch(user_id: Any) -> User | None:
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def signin(arg: str = "user_id", name: str = "account", missing: str = "") -> Load:
    """Load a sign-in by id; the route's permission (hr or admin) is the check."""
    return Load(arg, name, _fetch, lambda user, found: creates_signins(user), missing=missing)
