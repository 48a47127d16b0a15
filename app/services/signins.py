"""Sign-ins as HR and admins manage them (docs/RULES.md "Sign-ins"): the list, creating one for
a person (which sends the invitation), app roles, disabling, unlocking, resending.

- HR or an admin creates a sign-in for an active employee who has none, and resends an
  invitation; only an admin grants or removes ``hr``, ``finance`` and ``admin``, disables,
  enables and unlocks.
- Nobody removes their own admin role or disables their own sign-in, and the last active admin
  keeps the role and the sign-in.
- Disabling ends the sign-in's sessions (``session_epoch``, as ``accounts.end_sessions``) and
  revokes its API tokens in the same commit; every request after it is refused.
- Every change is audited: the rows are ``Audited``; an unlock (its columns are bookkeeping the
  trail leaves out) and a token revocation write their own entries.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, update
from sqlalchemy.orm import contains_eager

from app.audit import record_change
from app.clock import now
from app.extensions import db
from app.kernel.errors import Conflict, DomainError, Forbidden, NotDelivered
from app.kernel.fields import ID_MAX, FieldErrors
from app.kernel.uow import UnitOfWork, batch
from app.kernel.words import plural
from app.models import ApiToken, Employee, User, UserRole
from app.models.people import APP_ROLES
from app.policy import signins as signin_policy
from app.services import invitations
from app.services.directory.identity import UNUSABLE_PASSWORD, password_form_allowed
from app.services.joins import search

SIGNIN_STATES = ("active", "invited", "locked", "disabled")
STATE_LABELS = {
    "active": "Active",
    "invited": "Invited",
    "locked": "Locked",
    "disabled": "Disabled",
}
GRANTABLE_ROLES = tuple(r for r in APP_ROLES if r != "employee")  # hr, finance, admin
SIGNIN_SORTS: dict[str, Any] = {
    "name": Employee.name,
    "email": User.email,
    "employee_no": Employee.employee_no,
    "last_login_at": User.last_login_at,
    "created_at": User.created_at,
}


class SignInError(DomainError):
    """A change to a sign-in was refused; the message says why (422 unless its kind says)."""


class SignInForbidden(SignInError, Forbidden):
    """The caller may not make this change (403)."""


class SignInConflict(SignInError, Conflict):
    """The sign-in's state does not allow this now (409)."""


class InvitationNotSent(SignInError, NotDelivered):
    """The mail server refused or could not be reached: the invitation was not delivered."""


unit_of_work = UnitOfWork(
    conflict=lambda: SignInConflict(
        "Someone changed this sign-in at the same moment. Reload the page and try again."
    )
)


# ----------------------------------------------------------------------------- states


def _outstanding_invitation() -> ColumnElement[bool]:
    """A usable invitation is outstanding and the sign-in was never used (services/invitations)."""
    return invitations.pending_invitation_exists()


def _locked(at: datetime) -> ColumnElement[bool]:
    return and_(User.locked_until.is_not(None), User.locked_until > at)


def _disabled() -> ColumnElement[bool]:
    return or_(User.active.is_(False), Employee.status == "terminated")


def state_clause(state: str, at: datetime | None = None) -> ColumnElement[bool]:
    """The WHERE clause of one state; a sign-in is in exactly one (disabled first, then
    locked, then invited: an invitation not used yet, then active)."""
    at = at or now()
    disabled, locked, invited = _disabled(), _locked(at), _outstanding_invitation()
    if state == "disabled":
        return disabled
    if state == "locked":
        return and_(~disabled, locked)
    if state == "invited":
        return and_(~disabled, ~locked, invited)
    if state == "active":
        return and_(~disabled, ~locked, ~invited)
    return false()


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive times; they are stored in UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def states_of(users: Iterable[User]) -> dict[int, str]:
    """Each user's state, in one query for the invitations (a list page's rows)."""
    users = list(users)
    ids = [u.id for u in users]
    invited: set[int] = set()
    if ids:
        invited = set(
            db.session.scalars(select(User.id).where(User.id.in_(ids), _outstanding_invitation()))
        )
    at = now()
    out: dict[int, str] = {}
    for user in users:
        locked = _aware(user.locked_until)
        if not user.is_active:
            out[user.id] = "disabled"
        elif locked is not None and locked > at:
            out[user.id] = "locked"
        elif user.id in invited:
            out[user.id] = "invited"
        else:
            out[user.id] = "active"
    return out


def state_of(user: User) -> str:
    return states_of([user])[user.id]


# ----------------------------------------------------------------------------- reading


def signin_list_query(
    q: str | None = None, role: str | None = None, state: str | None = None
) -> Select:
    """Every sign-in with its person, searched by name, email or employee number, filtered by
    app role and state; the caller adds ordering and pagination."""
    stmt = (
        select(User)
        .join(Employee, User.employee_id == Employee.id)
        .options(contains_eager(User.employee))
    )
    if q:
        stmt = stmt.where(search(q, Employee.name, User.email, Employee.employee_no))
    if role == "employee":  # nothing but the employee role every sign-in has
        stmt = stmt.where(~exists().where(UserRole.user_id == User.id))
    elif role in GRANTABLE_ROLES:
        stmt = stmt.where(exists().where(UserRole.user_id == User.id, UserRole.role == role))
    if state in SIGNIN_STATES:
        stmt = stmt.where(state_clause(state))
    return stmt


def without_signin_query(q: str | None = None) -> Select:
    """Active and on-leave employees who have no sign-in yet, by name."""
    stmt = select(Employee).where(
        Employee.status != "terminated", ~exists().where(User.employee_id == Employee.id)
    )
    if q:
        stmt = stmt.where(search(q, Employee.name, Employee.email, Employee.employee_no))
    return stmt.order_by(Employee.name, Employee.id)


def people_without_signin(q: str | None, limit: int) -> list[Employee]:
    """The new sign-in picker's people (at most ``limit``)."""
    return list(db.session.scalars(without_signin_query(q).limit(limit)))


def without_signin_ids(among: Iterable[int] | None = None) -> list[int]:
    """The ids of the people without a sign-in (of ``among``, when given), by name."""
    stmt = without_signin_query().with_only_columns(Employee.id)
    if among is not None:
        stmt = stmt.where(Employee.id.in_(list(among)))
    return list(db.session.scalars(stmt))


def count_without_signin() -> int:
    stmt = without_signin_query().order_by(None).with_only_columns(func.count(Employee.id))
    return int(db.session.scalar(stmt) or 0)


def newest_employee_id() -> int:
    """The highest employee id so far (an import's new people come after it)."""
    return int(db.session.scalar(select(func.max(Employee.id))) or 0)


def created_between(after: int, upto: int) -> list[int]:
    """The ids of the employees created after id ``after`` up to ``upto`` (one import)."""
    return list(
        db.session.scalars(
            select(Employee.id)
            .where(Employee.id > after, Employee.id <= upto)
            .order_by(Employee.id)
        )
    )


def signin_of(employee: Employee) -> User | None:
    return db.session.scalar(select(User).where(User.employee_id == employee.id))


def signin_summary(employee: Employee) -> dict[str, Any]:
    """What a person's page shows hr about their sign-in."""
    account = signin_of(employee)
    state = state_of(account) if account else None
    return {
        "account": account,
        "state": state,
        "label": STATE_LABELS[state] if state else None,
        "may_have": employee.status != "terminated",
    }


def find_user(user_id: Any) -> User | None:
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id <= ID_MAX:
        return None
    return db.session.get(User, user_id)


# ----------------------------------------------------------------------------- rules


def _is_admin(user: User | None) -> bool:
    return signin_policy.manages_signins(user)


def _require_admin(actor: User | None, what: str) -> None:
    if not _is_admin(actor):
        raise SignInForbidden(f"Only an admin may {what}.")


def _require_hr_or_admin(actor: User | None, what: str) -> None:
    if not signin_policy.creates_signins(actor):
        raise SignInForbidden(f"Only HR or an admin may {what}.")


def _other_active_admins(user: User) -> int:
    """How many active sign-ins other than ``user`` hold the admin role.

    The admin rows are written first (an UPDATE that changes nothing): it takes their row
    locks on PostgreSQL and the write lock on SQLite, so of two admins removing each other at
    the same moment the second counts after the first has committed, and is refused."""
    table = UserRole.__table__
    db.session.execute(update(table).where(table.c.role == "admin").values(role=table.c.role))
    return int(
        db.session.scalar(
            select(func.count(User.id))
            .join(Employee, User.employee_id == Employee.id)
            .where(
                User.id != user.id,
                User.active.is_(True),
                Employee.status != "terminated",
                exists().where(UserRole.user_id == User.id, UserRole.role == "admin"),
            )
        )
        or 0
    )


def _keep_an_admin(user: User, actor: User | None, doing: str) -> None:
    """Refuse losing the admin role or the sign-in of oneself or of the last active admin."""
    if actor is not None and actor.id == user.id:
        if doing == "remove":
            raise SignInConflict("You cannot remove your own admin role. Ask another admin.")
        raise SignInConflict("You cannot disable your own sign-in. Ask another admin.")
    if user.has_role("admin") and user.is_active and _other_active_admins(user) == 0:
        raise SignInConflict(
            f"{user.employee.name} is the last active admin: "
            + ("the admin role" if doing == "remove" else "the sign-in")
            + " stays. Make someone else an admin first."
        )


def parse_roles(value: Any, *, field: str = "roles") -> list[str]:
    """A list of app roles (``employee`` is every sign-in's and may be named or not)."""
    errors = FieldErrors()
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split() if part]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.add(field, f"The roles must be a list of: {', '.join(APP_ROLES)}.")
        errors.raise_if_any(kind=SignInError)
    roles = [v.strip().lower() for v in value]
    unknown = sorted({r for r in roles if r not in APP_ROLES})
    if unknown:
        errors.add(
            field,
            f"Unknown app {plural(len(unknown), 'role', counted=False)}: "
            f"{', '.join(repr(u[:40]) for u in unknown)}. Use: {', '.join(APP_ROLES)}.",
        )
        errors.raise_if_any(kind=SignInError)
    return sorted({r for r in roles if r != "employee"})


# ----------------------------------------------------------------------------- writes


def _unusable_password() -> str:
    """No password yet: nothing the sign-in form checks matches it. The person sets their own
    from the invitation link (or signs in through the directory), as services/invitations and
    the directory sign-in expect of a sign-in made without a password."""
    return UNUSABLE_PASSWORD + secrets.token_hex(8)


def check_can_have_signin(employee: Employee) -> None:
    if employee.status == "terminated":
        raise SignInConflict(f"{employee.name} has left, so they cannot have a sign-in.")
    if signin_of(employee) is not None:
        raise SignInConflict(f"{employee.name} already has a sign-in.")
    taken = db.session.scalar(
        select(User).where(func.lower(User.email) == (employee.email or "").strip().lower())
    )
    if taken is not None:
        raise SignInConflict(f"Another sign-in already uses {employee.email}.")


@unit_of_work
def _create(employee: Employee, roles: list[str]) -> User:
    check_can_have_signin(employee)
    user = User(
        email=employee.email.strip().lower(),
        employee_id=employee.id,
        password_hash=_unusable_password(),
    )
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.flush()
    return user


def create_signin(employee: Employee, roles: Any = (), *, actor: User | None) -> User:
    """HR or an admin gives ``employee`` a sign-in and sends the invitation; only an admin
    names roles beyond ``employee``. Refused: a leaver, someone who already has one."""
    _require_hr_or_admin(actor, "create sign-ins")
    chosen = parse_roles(list(roles) if isinstance(roles, tuple) else roles)
    if chosen and not _is_admin(actor):
        raise SignInForbidden(
            "Only an admin grants the hr, finance and admin roles. Create the sign-in without "
            "them and ask an admin."
        )
    user = _create(employee, chosen)
    if not needs_invitation(user):
        return user
    try:
        send_invitation(user, actor=actor)
    except InvitationNotSent as error:
        raise InvitationNotSent(
            f"The sign-in of {employee.name} was created, but the invitation was not sent: "
            f"{error.message} Send it again with “Resend invitation” on the sign-ins page."
        ) from error
    return user


def needs_invitation(user: User) -> bool:
    """Does this sign-in get an invitation? Not when password sign-in is switched off for it:
    the person signs in through the organisation's directory (PASSWORD_SIGN_IN)."""
    return password_form_allowed(user.email)


def send_invitation(user: User, *, actor: User | None) -> None:
    """Email ``user`` a fresh invitation (services/invitations); a refusal becomes this area's."""
    try:
        invitations.send_invitation(user, actor=actor)
    except invitations.InvitationNotSent as error:
        raise InvitationNotSent(error.message) from error
    except invitations.InvitationError as error:
        raise SignInConflict(error.message) from error


def resend_invitation(user: User, *, actor: User | None) -> None:
    """A fresh invitation for a sign-in not yet used (older links stop working)."""
    _require_hr_or_admin(actor, "send invitations")
    if not user.is_active:
        raise SignInConflict(f"The sign-in of {user.employee.name} is disabled: enable it first.")
    send_invitation(user, actor=actor)


@unit_of_work
def set_roles(user: User, roles: Any, *, actor: User | None) -> User:
    """An admin sets the app roles of a sign-in to exactly ``roles``."""
    _require_admin(actor, "grant or remove app roles")
    wanted = set(parse_roles(roles))
    held = {r.role for r in user.role_rows}
    if "admin" in held and "admin" not in wanted:
        _keep_an_admin(user, actor, "remove")
    user.role_rows = [r for r in user.role_rows if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - held)
    ]
    db.session.flush()
    return user


def grant_role(user: User, role: Any, *, actor: User | None) -> User:
    name = _one_role(role)
    if user.has_role(name):
        raise SignInConflict(f"{user.employee.name} already has the {name} role.")
    return set_roles(user, [*(r.role for r in user.role_rows), name], actor=actor)


def remove_role(user: User, role: Any, *, actor: User | None) -> User:
    name = _one_role(role)
    if not user.has_role(name):
        raise SignInConflict(f"{user.employee.name} does not have the {name} role.")
    return set_roles(user, [r.role for r in user.role_rows if r.role != name], actor=actor)


def _one_role(role: Any) -> str:
    if not isinstance(role, str) or role.strip().lower() not in GRANTABLE_ROLES:
        raise SignInError.on("role", f"Choose a role to change: {', '.join(GRANTABLE_ROLES)}.")
    return role.strip().lower()


def _end_sessions_and_tokens(user: User) -> None:
    """Every session (``session_epoch``, as accounts.end_sessions) and every API token of the
    user stop working, in the caller's transaction."""
    user.session_epoch = (user.session_epoch or 0) + 1
    moment = now()
    table = ApiToken.__table__
    revoked = list(
        db.session.scalars(
            select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )
    if revoked:
        db.session.execute(update(table).where(table.c.id.in_(revoked)).values(revoked_at=moment))
        for token_id in revoked:
            record_change(
                db.session(),
                table.name,
                token_id,
                "update",
                {"revoked_at": None},
                {"revoked_at": moment},
            )


@unit_of_work
def disable(user: User, *, actor: User | None) -> User:
    """An admin disables a sign-in: its sessions and API tokens end at once."""
    _require_admin(actor, "disable sign-ins")
    if not user.active:
        raise SignInConflict(f"The sign-in of {user.employee.name} is already disabled.")
    _keep_an_admin(user, actor, "disable")
    user.active = False
    _end_sessions_and_tokens(user)
    db.session.flush()
    return user


@unit_of_work
def enable(user: User, *, actor: User | None) -> User:
    """An admin enables a disabled sign-in again (its old tokens stay revoked)."""
    _require_admin(actor, "enable sign-ins")
    if user.active:
        raise SignInConflict(f"The sign-in of {user.employee.name} is not disabled.")
    if user.employee.status == "terminated":
        raise SignInConflict(f"{user.employee.name} has left, so their sign-in stays disabled.")
    user.active = True
    db.session.flush()
    return user


@unit_of_work
def unlock(user: User, *, actor: User | None) -> User:
    """An admin unlocks a sign-in locked after failed attempts (audited here: the lock's
    columns are bookkeeping the trail leaves out)."""
    _require_admin(actor, "unlock sign-ins")
    locked = _aware(user.locked_until)
    if locked is None or locked <= now():
        raise SignInConflict(f"The sign-in of {user.employee.name} is not locked.")
    before = {"locked_until": locked, "failed_logins": user.failed_logins}
    table = User.__table__
    db.session.execute(
        update(table).where(table.c.id == user.id).values(locked_until=None, failed_logins=0)
    )
    record_change(
        db.session(),
        table.name,
        user.id,
        "update",
        before,
        {"locked_until": None, "failed_logins": 0},
    )
    db.session.flush()
    db.session.expire(user)
    return user


@unit_of_work
def update_signin(user: User, data: Any, *, actor: User | None) -> User:
    """The API's PATCH: ``{roles?, disabled?}``, admin only, in one commit: a refused part
    changes nothing."""
    _require_admin(actor, "change sign-ins")
    if not isinstance(data, dict):
        raise SignInError.on("body", "Send a JSON object: {roles, disabled}.")
    errors = FieldErrors()
    disabled = data.get("disabled")
    if "disabled" in data and not isinstance(disabled, bool):
        errors.add("disabled", "disabled must be true or false.")
    errors.raise_if_any(kind=SignInError)
    with batch():
        if "roles" in data:
            wanted = parse_roles(data["roles"])
            if sorted(r.role for r in user.role_rows) != wanted:
                set_roles(user, wanted, actor=actor)
        if disabled is True and user.active:
            disable(user, actor=actor)
        elif disabled is False and not user.active:
            enable(user, actor=actor)
    return user


# ----------------------------------------------------------------------------- bulk


@dataclass
class Outcome:
    employee_id: int
    name: str
    status: str  # invited | created (directory sign-in, no invitation) | not sent | skipped
    reason: str = ""


def invite_one(employee_id: int, *, actor: User | None) -> Outcome:
    """Create a sign-in for one person and send the invitation, or say why not (bulk)."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        return Outcome(employee_id, f"#{employee_id}", "skipped", "no longer exists")
    try:
        account = create_signin(employee, (), actor=actor)
    except SignInForbidden:
        raise
    except InvitationNotSent as failed:
        return Outcome(employee.id, employee.name, "not sent", failed.message)
    except SignInError as refused:
        reason = refused.message
        if signin_of(employee) is not None:
            reason = "already has a sign-in"
        elif employee.status == "terminated":
            reason = "has left"
        return Outcome(employee.id, employee.name, "skipped", reason)
    if not needs_invitation(account):
        return Outcome(employee.id, employee.name, "created")
    return Outcome(employee.id, employee.name, "invited")


# ----------------------------------------------------------------------------- API


def user_to_dict(user: User, state: str | None = None) -> dict[str, Any]:
    return {
        "id": user.id,
        "employee_id": user.employee_id,
        "name": user.employee.name,
        "email": user.email,
        "roles": sorted(user.app_roles),
        "state": state or state_of(user),
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def users_to_dicts(users: list[User]) -> list[dict[str, Any]]:
    states = states_of(users)
    return [user_to_dict(u, states[u.id]) for u in users]


def employee_for(value: Any) -> Employee:
    """The employee an API body names by id, or a field message."""
    errors = FieldErrors()
    number = errors.integer("employee_id", value, "employee", minimum=1, maximum=ID_MAX)
    errors.raise_if_any(kind=SignInError)
    employee = db.session.get(Employee, number)
    if employee is None:
        raise SignInError.on("employee_id", f"There is no employee with id {number}.")
    return employee
