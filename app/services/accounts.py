"""Sign-in accounts: creation, password checks, lockout after repeated failures."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.clock import now
from app.extensions import db
from app.kernel.errors import DomainError
from app.kernel.fields import EMAIL_HINT, email_address
from app.kernel.uow import unit_of_work
from app.kernel.words import plural
from app.models import Employee, SignInFailure, User, UserRole
from app.models.people import APP_ROLES


class AccountError(DomainError):
    """A sign-in could not be created or used; the message says why (422 unless its kind
    says otherwise)."""


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


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive times; they are stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@unit_of_work
def _claim_address(client_ip: str, moment: datetime) -> int:
    """Count this attempt against the address before anything is checked (its own commit).

    The row is written first and the count read after: of attempts racing from one address, the
    k-th to commit sees at least k rows, so no more than the limit get through (issue 20,
    finding 1). A refused attempt takes its row back; a successful sign-in too.
    """
    db.session.execute(delete(SignInFailure).where(SignInFailure.at < moment - _ip_window()))
    row = SignInFailure(ip=client_ip[:45], at=moment)
    db.session.add(row)
    db.session.flush()
    return row.id


@unit_of_work
def _release_address(claim: int | None) -> None:
    if claim is not None:
        db.session.execute(delete(SignInFailure).where(SignInFailure.id == claim))


def check_ip_throttle(client_ip: str | None) -> int | None:
    """Claim a sign-in attempt for the client address, or refuse it (SignInThrottled) when the
    address has had LOGIN_IP_MAX_FAILURES failures in LOGIN_IP_WINDOW_MINUTES (any account).

    The failures are rows in the database, so every worker process counts the same ones.
    Answers the claim (a failure row, taken back with ``_release_address`` on success).
    """
    if not client_ip:
        return None
    moment = now()
    claim = _claim_address(client_ip, moment)
    count, oldest = db.session.execute(
        select(func.count(SignInFailure.id), func.min(SignInFailure.at)).where(
            SignInFailure.ip == client_ip[:45], SignInFailure.at >= moment - _ip_window()
        )
    ).one()
    db.session.rollback()  # ends the read: nothing else is held while the password is hashed
    if count <= current_app.config["LOGIN_IP_MAX_FAILURES"]:
        return claim
    _release_address(claim)
    seconds = (_aware(oldest) + _ip_window() - moment).total_seconds()
    raise SignInThrottled(max(1, int(seconds // 60) + 1))


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


REFUSED = (
    "That email and password do not match. Check both and try again. After {failures} failed "
    "attempts in a row a sign-in is locked for {minutes} minutes."
)


@functools.cache
def _equaliser(method: str) -> str:
    """A hash to check unknown and locked sign-ins against: made once, so that every attempt
    costs exactly one password check, whoever it names (issue 20, finding 8)."""
    return generate_password_hash("timing-equaliser", method=method)


def _check_once(stored: str | None, password: str) -> bool:
    method = current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"
    return check_password_hash(stored or _equaliser(method), password) and stored is not None


@unit_of_work
def _claim_account(user_id: int, moment: datetime) -> int | None:
    """Count an attempt on the account before its password is checked, atomically.

    ``UPDATE ... SET failed_logins = failed_logins + 1 ... RETURNING``: racing attempts each
    get their own number, so at most LOGIN_MAX_FAILURES passwords are checked before the lock.
    None when the account is locked.
    """
    return db.session.execute(
        update(User)
        .where(
            User.id == user_id,
            or_(User.locked_until.is_(None), User.locked_until <= moment),
        )
        .values(failed_logins=func.coalesce(User.failed_logins, 0) + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar()


@unit_of_work
def _lock_account(user_id: int, moment: datetime) -> None:
    until = moment + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(locked_until=until, failed_logins=0)
        .execution_options(synchronize_session=False)
    )


@unit_of_work
def _signed_in(user: User, moment: datetime, claim: int | None) -> None:
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=0, locked_until=None, last_login_at=moment)
        .execution_options(synchronize_session=False)
    )
    _release_address(claim)


def authenticate(
    email: str, password: str, client_ip: str | None = None
) -> tuple[User | None, str | None]:
    """Check a password with lockout: answers (user, None) or (None, message for the form).

    Raises SignInThrottled, before looking at the account, when ``client_ip`` has had too many
    failures lately (LOGIN_IP_MAX_FAILURES in LOGIN_IP_WINDOW_MINUTES); every failure counts
    against the address, whatever the account. Both counters are claimed before the password is
    checked, each in its own short commit, so concurrent attempts cannot outrun them. An unknown
    address, a wrong password and a locked sign-in get the same answer after the same single
    password check (docs/RULES.md "Sign-in").
    """
    claim = check_ip_throttle(client_ip)
    config = current_app.config
    refused = REFUSED.format(
        failures=config["LOGIN_MAX_FAILURES"], minutes=config["LOGIN_LOCKOUT_MINUTES"]
    )
    email = (email or "").strip().lower()
    user = db.session.scalar(
        # with the person: whether they have left decides, and the greeting names them
        select(User).options(joinedload(User.employee)).where(func.lower(User.email) == email)
    )
    moment = now()
    attempt = None if user is None else _claim_account(user.id, moment)
    limit = config["LOGIN_MAX_FAILURES"]
    if user is None or attempt is None or attempt > limit:
        _check_once(None, password or "")
        if user is not None and attempt is not None:  # raced past the limit: lock now
            _lock_account(user.id, moment)
        return None, refused
    if not _check_once(user.password_hash, password or ""):
        if attempt >= limit:
            _lock_account(user.id, moment)
        return None, refused
    if not user.is_active:
        return None, "This sign-in is disabled. Ask HR to restore it."
    _signed_in(user, moment, claim)
    db.session.refresh(user)
    return user, None


@unit_of_work
def end_sessions(user: User) -> None:
    """Invalidate every session of the user (sign-out everywhere)."""
    user.session_epoch = (user.session_epoch or 0) + 1
