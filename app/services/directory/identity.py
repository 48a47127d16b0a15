"""A directory identity becomes a sign-in: matched to its employee, roles from its groups.

DOMAIN.md "Accounts and sign-in": a directory user is matched to an employee by email (cfg: by
employee_no held in a claim or attribute). An unknown person is refused with a message to ask
HR, never given an account silently; a person who has left is refused too. A matched active
employee without a sign-in gets one, with no usable password. The configured group -> role
mapping (SSO_GROUP_ROLES) is applied at every sign-in: mapped roles the groups give are
granted, mapped roles they no longer give are removed; unmapped roles are left alone. Every
change is audited (the models are audited), attributed to the directory sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.audit import acting_as
from app.clock import now
from app.extensions import db
from app.kernel.uow import unit_of_work
from app.models import Employee, User, UserRole
from app.models.people import APP_ROLES
from app.services.accounts import AccountError, _release_address, check_ip_throttle

UNKNOWN = (
    "Your directory account is not linked to anyone in Echelon. Ask HR to add you, "
    "with the email address your organisation signs you in with."
)
LEFT = "Your employment has ended, so this sign-in is closed. Ask HR if this is a mistake."
DISABLED = "This sign-in is disabled. Ask HR to restore it."
UNUSABLE_PASSWORD = "!directory"  # no password hash matches it: the form cannot sign in


class DirectoryRefusal(AccountError):
    """The directory said who someone is, but Echelon will not sign them in; says why."""

    status = 403


class NotAuthenticated(DirectoryRefusal):
    """The directory did not confirm who is signing in (a wrong password, an answer that could
    not be verified): 401, as a wrong password on the form."""

    status = 401


@dataclass(frozen=True)
class Identity:
    """What a directory asserts about a person, whatever the protocol."""

    source: str  # "oidc" or "ldap"
    subject: str  # the directory's stable id (OIDC sub, LDAP DN)
    email: str | None
    employee_no: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)


def mapped_roles(groups: frozenset[str]) -> tuple[set[str], set[str]]:
    """(roles the mapping can give, roles these groups give) under SSO_GROUP_ROLES."""
    mapping: dict[str, str] = current_app.config.get("SSO_GROUP_ROLES") or {}
    managed = {role for role in mapping.values() if role in APP_ROLES and role != "employee"}
    given = {mapping[g] for g in groups if g in mapping and mapping[g] in managed}
    return managed, given


def _employee_for(identity: Identity) -> Employee | None:
    if current_app.config.get("SSO_MATCH_BY") == "employee_no":
        number = (identity.employee_no or "").strip()
        if not number:
            return None
        return db.session.scalar(select(Employee).where(Employee.employee_no == number))
    email = (identity.email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(select(Employee).where(func.lower(Employee.email) == email))


def _apply_roles(user: User, groups: frozenset[str]) -> None:
    managed, given = mapped_roles(groups)
    if not managed:
        return
    for row in list(user.role_rows):
        if row.role in managed and row.role not in given:
            user.role_rows.remove(row)
    have = {row.role for row in user.role_rows}
    for role in sorted(given - have):
        user.role_rows.append(UserRole(role=role))


@unit_of_work
def _link(identity: Identity) -> int:
    employee = _employee_for(identity)
    if employee is None:
        raise DirectoryRefusal(UNKNOWN)
    if employee.status == "terminated":
        raise DirectoryRefusal(LEFT)
    user = db.session.scalar(
        select(User).options(joinedload(User.employee)).where(User.employee_id == employee.id)
    )
    if user is None:
        email = (employee.email or identity.email or "").strip().lower()
        if not email or db.session.scalar(select(User).where(func.lower(User.email) == email)):
            raise DirectoryRefusal(UNKNOWN)
        user = User(
            email=email,
            employee_id=employee.id,
            password_hash=UNUSABLE_PASSWORD + secrets.token_hex(8),
        )
        db.session.add(user)
        db.session.flush()
    if not user.active:
        raise DirectoryRefusal(DISABLED)
    _apply_roles(user, identity.groups)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now()
    db.session.flush()
    return user.id


def sign_in(identity: Identity, client_ip: str | None) -> User:
    """The sign-in for a directory identity, or DirectoryRefusal (counted against the address).

    The attempt is claimed against the client address like a password attempt (SignInThrottled
    when the address has failed too often); a refusal keeps the claim, a success gives it back.
    """
    return signed_in_with(identity, check_ip_throttle(client_ip))


def signed_in_with(identity: Identity, claim: int | None) -> User:
    """As ``sign_in``, for an attempt already claimed against its address (LDAP claims it
    before asking the directory, so a throttled address cannot try passwords there)."""
    with acting_as(f"{identity.source}:{identity.email or identity.subject}"):
        user_id = _link(identity)
    _release_address(claim)
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def count_failure(client_ip: str | None) -> None:
    """A directory attempt that failed before any identity was known (a bad token, a bad
    password at the LDAP server): it counts against the address like a wrong password."""
    check_ip_throttle(client_ip)


def password_form_allowed(email: str) -> bool:
    """Whether this address may use the password form (PASSWORD_SIGN_IN, BREAK_GLASS_ADMINS)."""
    config = current_app.config
    if config.get("PASSWORD_SIGN_IN", True):
        return True
    allowed = {e.strip().lower() for e in config.get("BREAK_GLASS_ADMINS") or []}
    return (email or "").strip().lower() in allowed
