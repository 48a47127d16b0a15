"""Sign-in accounts: creation, password checks, lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.clock import now
from app.extensions import db
from app.kernel.errors import Invalid
from app.kernel.fields import EMAIL_HINT, email_address
from app.kernel.uow import unit_of_work
from app.kernel.words import plural
from app.models import Employee, SignInFailure, User, UserRole
from app.models.people import APP_ROLES


class AccountError(Invalid):
    """A sign-in could not be created or used; the message says why."""


class SignInThrottled(AccountError):
    """Too many failed sign-ins from one client address: wait ``retry_after`` seconds."""

    status = 429  # Too Many Requests: no kernel kind says "wait", so it keeps its own

    def __init__(self, minutes: int) -> None:
        super().__init__(
            "Too many failed sign-ins from your network address. "
            f"Try again in {minutes} minute{'' if minutes == 1 else 's'}."
        )
        self.retry_after = minutes * 60


def _ip_window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_IP_WINDOW_MINUTES"])


def check_ip_throttle(client_ip: str | None) -> None:
    """Refuse a sign-in attempt from an address with too many recent failures (any account).

    The failures are rows in the database, so every worker process counts the same ones.
    """
    if not client_ip:
        return
    moment = now()
    since = moment - _ip_window()
    count, oldest = db.session.execute(
        select(func.count(SignInFailure.id), func.min(SignInFailure.at)).where(
            SignInFailure.ip == client_ip[:45], SignInFailure.at >= since
        )
    ).one()
    if count < current_app.config["LOGIN_IP_MAX_FAILURES"]:
        return
    if oldest.tzinfo is None:
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    seconds = (oldest + _ip_window() - moment).total_seconds()
    raise SignInThrottled(max(1, int(seconds // 60) + 1))


def _record_ip_failure(client_ip: str | None) -> None:
    """Count a failure against the address, and forget the ones past the window (no commit)."""
    if not client_ip:
        return
    moment = now()
    db.session.execute(delete(SignInFailure).where(SignInFailure.at < moment - _ip_window()))
    db.session.add(SignInFailure(ip=client_ip[:45], at=moment))


def user_by_email(email: str) -> User | None:
    """The sign-in with this email (any case), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"
    return generate_password_hash(password, method=method)


def validate_password(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(f"The password must be at least {minimum} characters long.")


def create_user(
    email: str,
    password: str,
    roles: list[str] | tuple[str, ...] = (),
    name: str | None = None,
) -> User:
    """Create a sign-in, linked to the employee with that email or to a new employee record."""
    address = email_address(email)
    if address is None:
        raise AccountError(f"{email.strip()!r} is not {EMAIL_HINT}.")
    email = address
    validate_password(password)
    unknown = set(roles) - set(APP_ROLES)
    if unknown:
        raise AccountError(
            f"Unknown app {plural(len(unknown), 'role', counted=False)}: "
            f"{', '.join(sorted(unknown))}. Use: {', '.join(APP_ROLES)}."
        )
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise AccountError(f"A sign-in for {email} already exists.")
    employee = db.session.scalar(select(Employee).where(func.lower(Employee.email) == email))
    if employee is None:
        from app.clock import today

        count = db.session.scalar(select(func.count(Employee.id))) or 0
        employee = Employee(
            employee_no=f"U{count + 1:05d}",
            email=email,
            name=name or email.split("@")[0].replace(".", " ").title(),
            hire_date=today(),
        )
        db.session.add(employee)
        db.session.flush()
    user = User(email=email, employee_id=employee.id, password_hash=hash_password(password))
    user.role_rows = [UserRole(role=r) for r in sorted(set(roles)) if r != "employee"]
    db.session.add(user)
    db.session.flush()
    return user


@unit_of_work
def authenticate(
    email: str, password: str, client_ip: str | None = None
) -> tuple[User | None, str | None]:
    """Check a password with lockout: answers (user, None) or (None, message for the form).

    Raises SignInThrottled, before looking at the account, when ``client_ip`` has had too many
    failures lately (LOGIN_IP_MAX_FAILURES in LOGIN_IP_WINDOW_MINUTES); every failure counts
    against the address, whatever the account. Every path commits (the unit of work): a
    failure is counted even though the answer refuses.
    """
    check_ip_throttle(client_ip)
    email = (email or "").strip().lower()
    user = db.session.scalar(
        # with the person: whether they have left decides, and the greeting names them
        select(User).options(joinedload(User.employee)).where(func.lower(User.email) == email)
    )
    generic = "That email and password do not match. Check both and try again."
    if user is None:
        check_password_hash(hash_password("timing-equaliser"), password or "")
        _record_ip_failure(client_ip)
        return None, generic
    moment = now()
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        from datetime import UTC

        locked_until = locked_until.replace(tzinfo=UTC)
    if locked_until is not None and locked_until > moment:
        minutes = max(1, int((locked_until - moment).total_seconds() // 60) + 1)
        return None, (
            f"Too many failed attempts. This sign-in is locked; try again in {minutes} minutes."
        )
    if not check_password_hash(user.password_hash, password or ""):
        _record_ip_failure(client_ip)
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = moment + timedelta(
                minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]
            )
            user.failed_logins = 0
        return None, generic
    if not user.is_active:
        return None, "This sign-in is disabled. Ask HR to restore it."
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = moment
    return user, None


@unit_of_work
def end_sessions(user: User) -> None:
    """Invalidate every session of the user (sign-out everywhere)."""
    user.session_epoch = (user.session_epoch or 0) + 1
