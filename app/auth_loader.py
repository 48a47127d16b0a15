"""Flask-Login wiring: users are loaded by id and session epoch, so sign-out ends every copy."""

from __future__ import annotations

import time

from flask import Flask, current_app, session
from sqlalchemy.orm import joinedload

from app.extensions import db, login_manager
from app.models import Employee, JobRole, User

# Every request loads its user in one query: with the person, their job role and department
# (the dashboard's heading), but not the role's requirements (no page header needs them).
SIGNED_IN_USER = [
    joinedload(User.employee).joinedload(Employee.job_role).lazyload(JobRole.requirements),
    joinedload(User.employee).joinedload(Employee.department),
]


IDLE_REFRESH_SECONDS = 60


def install(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            raw_id, raw_epoch = user_id.split(":", 1)
            user = db.session.get(User, int(raw_id), options=SIGNED_IN_USER)
            epoch = int(raw_epoch)
        except (ValueError, TypeError):
            return None
        if user is None or user.session_epoch != epoch or not user.is_active:
            return None
        if idle_too_long():
            return None
        return user


def idle_too_long() -> bool:
    """A signed-in session ends after SESSION_IDLE_HOURS without a request (default 8; issue
    20, finding 12). The last request's time is kept in the signed session cookie, refreshed at
    most once a minute."""
    hours = current_app.config.get("SESSION_IDLE_HOURS") or 0
    moment = int(time.time())
    seen = session.get("seen_at")
    if hours and isinstance(seen, int) and moment - seen > float(hours) * 3600:
        session.clear()
        return True
    if not isinstance(seen, int) or moment - seen >= IDLE_REFRESH_SECONDS:
        session["seen_at"] = moment
    return False
