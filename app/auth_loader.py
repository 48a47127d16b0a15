"""Flask-Login wiring: users are loaded by id and session epoch, so sign-out ends every copy."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import joinedload

from app.extensions import db, login_manager
from app.models import Employee, JobRole, User

# Every request loads its user in one query: with the person, their job role and department
# (the dashboard's heading), but not the role's requirements (no page header needs them).
SIGNED_IN_USER = [
    joinedload(User.employee).joinedload(Employee.job_role).lazyload(JobRole.requirements),
    joinedload(User.employee).joinedload(Employee.department),
]


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
        return user
