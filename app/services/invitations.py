"""Invitations, password resets and password changes (docs/RULES.md "Invitations and resets").

DOMAIN.md "Accounts and sign-in": a person gets an invitation email with a one-time link, valid
INVITATION_VALID_DAYS (default 7), to set their password; anyone can change their password with
the current one, and ask for a reset link by email (valid PASSWORD_RESET_VALID_MINUTES, default
60). None of these answers reveals whether an address has an account.

- A link is ``/auth/invitation/<secret>`` or ``/auth/reset/<secret>`` on BASE_URL. The secret
  (256 random bits) exists only in the message; the database keeps its SHA-256
  (``AccountToken.secret_hash``), bound to one sign-in. It is spent by a conditional UPDATE
  (``WHERE used_at IS NULL AND expires_at > now``), so it works once even when two tabs race.
- A newer link of the same purpose ends the older unused ones; setting a password by any link
  ends every other outstanding link of that sign-in.
- Setting, resetting or changing a password ends the person's other sessions
  (``accounts.end_sessions``) and clears the lockout counters. Every change is audited: the
  links are audited rows, and each password change writes its own entry on ``users``.
- Sign-ins whose password the directory manages (``UNUSABLE_PASSWORD``) are neither reset nor
  changed here; a reset request for one gets a message saying so.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash

from app.audit import acting_as, record_change
from app.clock import moment
from app.extensions import db
from app.kernel.errors import Conflict, Gone, NotDelivered, NotFound
from app.kernel.uow import batch, unit_of_work
from app.models import AccountToken, User
from app.services import accounts, mailer
from app.services.accounts import AccountError
from app.services.directory.identity import UNUSABLE_PASSWORD, password_form_allowed
from app.services.notify import absolute_url

INVITATION = "invitation"
RESET = "reset"
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
# A reset request for an address is honoured this many times an hour; more are answered the
# same way and send nothing (nobody can flood a mailbox through the form).
RESETS_PER_HOUR = 3

DIRECTORY_MANAGED = (
    "Your password is managed by your organisation's directory, so it cannot be changed "
    "here. Change it where you change your directory password, or ask your IT service desk."
)
UNKNOWN_LINK = (
    "This link is not valid. Check that you opened the whole address from the email, or ask "
    "for a new one."
)
SPENT_INVITATION = (
    "This invitation link has already been used, or a newer invitation replaced it. If you "
    "have set your password, sign in with it; otherwise ask HR or your administrator to send "
    "you a new invitation."
)
EXPIRED_INVITATION = (
    "This invitation link has expired. Ask HR or your administrator to send you a new invitation."
)
SPENT_RESET = (
    "This reset link has already been used, or a newer one replaced it. Ask for a new link "
    "on the “Forgot your password?” page."
)
EXPIRED_RESET = (
    "This reset link has expired. Ask for a new one on the “Forgot your password?” page."
)


class InvitationError(AccountError):
    """An invitation could not be sent, or a password could not be set; the message says why."""


class LinkRefused(InvitationError, Gone):
    """A link that is used, replaced or expired (410 Gone); nothing was changed."""


class UnknownLink(InvitationError, NotFound):
    """A link that never existed, or a mistyped one (404); nothing was changed."""


class DirectoryManaged(InvitationError, Conflict):
    """This sign-in's password is kept by the directory; Echelon does not set it (409)."""


class InvitationNotSent(InvitationError, NotDelivered):
    """The mail server refused or could not be reached; the link was made but not delivered."""


# ---------------------------------------------------------------- the links


def hash_secret(secret: str) -> str:
    """The stored form of a link's secret: its SHA-256 hex digest."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive times; they are stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _valid_for(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == INVITATION:
        return timedelta(days=int(config.get("INVITATION_VALID_DAYS") or 7))
    return timedelta(minutes=int(config.get("PASSWORD_RESET_VALID_MINUTES") or 60))


def _end_links(user_id: int, purpose: str | None, at: datetime) -> None:
    """Spend every outstanding link of the sign-in (of one purpose, or all), audited."""
    query = select(AccountToken).where(
        AccountToken.user_id == user_id, AccountToken.used_at.is_(None)
    )
    if purpose is not None:
        query = query.where(AccountToken.purpose == purpose)
    for row in db.session.scalars(query):
        row.used_at = at


def _issue(user: User, purpose: str) -> tuple[AccountToken, str]:
    """A fresh link for ``user`` (older unused ones of the purpose stop working)."""
    at = moment()
    _end_links(user.id, purpose, at)
    secret = secrets.token_urlsafe(32)
    row = AccountToken(
        user_id=user.id,
        purpose=purpose,
        secret_hash=hash_secret(secret),
        created_at=at,
        expires_at=at + _valid_for(purpose),
    )
    db.session.add(row)
    db.session.flush()
    return row, secret


def link_path(purpose: str, secret: str) -> str:
    return f"/auth/{purpose}/{secret}"


def link_for(purpose: str, secret: str) -> str:
    """The absolute URL of a link (BASE_URL, like every other mail)."""
    path = link_path(purpose, secret)
    return absolute_url(path) or path


def check_link(secret: str, purpose: str) -> AccountToken:
    """The usable link with this secret, or UnknownLink (404) / LinkRefused (410)."""
    if not isinstance(secret, str) or not SECRET_SHAPE.match(secret):
        raise UnknownLink(UNKNOWN_LINK)
    row = db.session.scalar(
        select(AccountToken)
        .options(joinedload(AccountToken.user).joinedload(User.employee))
        .where(AccountToken.secret_hash == hash_secret(secret), AccountToken.purpose == purpose)
    )
    if row is None:
        raise UnknownLink(UNKNOWN_LINK)
    invitation = purpose == INVITATION
    if row.used_at is not None:
        raise LinkRefused(SPENT_INVITATION if invitation else SPENT_RESET)
    if _aware(row.expires_at) <= moment():
        raise LinkRefused(EXPIRED_INVITATION if invitation else EXPIRED_RESET)
    if not row.user.is_active:
        raise LinkRefused(
            "This sign-in is disabled, so the link no longer works. Ask HR to restore it."
        )
    return row


def _spend(row: AccountToken, at: datetime) -> None:
    """Use the link once: a conditional UPDATE, so of two racing uses only one gets through."""
    spent = db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.id == row.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > at,
        )
        .values(used_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if spent != 1:
        raise LinkRefused(SPENT_INVITATION if row.purpose == INVITATION else SPENT_RESET)
    record_change(
        db.session(), "account_tokens", row.id, "update", {"used_at": None}, {"used_at": at}
    )


def _set_password(user: User, password: str, how: str, at: datetime) -> None:
    """The new password, the lockout cleared, the other sessions ended, and one audit entry."""
    user.password_hash = accounts.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    _end_links(user.id, None, at)
    with batch():
        accounts.end_sessions(user)
    db.session.flush()
    record_change(db.session(), "users", user.id, "update", None, {"password": how})


def is_directory_managed(user: User) -> bool:
    """Whether the directory keeps this sign-in's password (no password is set in Echelon)."""
    return (user.password_hash or "").startswith(UNUSABLE_PASSWORD)


# ---------------------------------------------------------------- invitations


def _mail(user: User, subject: str, paragraphs: list[str], **extra: Any) -> mailer.Mail:
    env = current_app.jinja_env
    name = user.employee.name if user.employee is not None else user.email
    context: dict[str, Any] = {
        "first_name": (name or "").split(" ")[0] or name,
        "paragraphs": paragraphs,
        "url": None,
        "url_label": "",
        "after": [],
        "organisation_name": current_app.config.get("ORGANISATION_NAME") or "Echelon",
        **extra,
    }
    text = env.get_template("email/account_link.txt").render(**context)
    html = env.get_template("email/account_link.html").render(**context)
    return mailer.Mail(to=user.email, subject=subject, text=text, html=html)


def _invitation_mail(user: User, secret: str, expires_at: datetime) -> mailer.Mail:
    organisation = current_app.config.get("ORGANISATION_NAME") or "Echelon"
    return _mail(
        user,
        f"Your Echelon sign-in for {organisation}",
        [
            f"You have been given a sign-in to Echelon, {organisation}'s place for promotion "
            "readiness, training and tuition.",
            f"Set your password with the link below. It works once, until "
            f"{_aware(expires_at).strftime('%Y-%m-%d %H:%M')} UTC. Then sign in with {user.email} "
            "and your new password.",
        ],
        url=link_for(INVITATION, secret),
        url_label="Set your password",
        after=[
            "If you did not expect this invitation, you can ignore this message: nothing "
            "happens until the link is used."
        ],
    )


def _deliver(mail: mailer.Mail) -> None:
    try:
        mailer.send(mail)
    except mailer.MailError as error:
        raise InvitationNotSent(
            f"The invitation to {mail.to} was not sent: {error} Try again when the mail "
            "server is reachable; the earlier links no longer work."
        ) from error


@unit_of_work
def _issue_invitation(user_id: int) -> tuple[User, AccountToken, str]:
    user = db.session.get(User, user_id)
    if user is None:
        raise InvitationError("That sign-in no longer exists.")
    if not user.is_active:
        raise InvitationError(
            f"The sign-in of {user.email} is disabled or its employee has left, so it gets no "
            "invitation. Restore it first."
        )
    if not password_form_allowed(user.email):
        raise InvitationError(
            f"Password sign-in is switched off here, so {user.email} signs in through the "
            "organisation's directory and needs no invitation."
        )
    row, secret = _issue(user, INVITATION)
    return user, row, secret


def send_invitation(user: User, *, actor: User | None = None) -> None:
    """Issue a fresh invitation for ``user`` (older unused ones stop working) and email the
    one-time link. Audited.

    Raises InvitationError when the sign-in is disabled (or its employee has left) or cannot use
    a password here, and InvitationNotSent when the mail server refuses the message (the new
    link exists but was never delivered; send again).
    """
    if actor is not None:
        with acting_as(actor.email, actor.id):
            invited, row, secret = _issue_invitation(user.id)
    else:
        invited, row, secret = _issue_invitation(user.id)
    _deliver(_invitation_mail(invited, secret, row.expires_at))


def _pending_invitation(at: datetime) -> ColumnElement[bool]:
    return exists(
        select(AccountToken.id).where(
            AccountToken.user_id == User.id,
            AccountToken.purpose == INVITATION,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > at,
        )
    )


def pending_invitation_exists() -> ColumnElement[bool]:
    """The SQL form of ``invitation_state(user) == "invited"``, for ``select(User).where(...)``:
    a usable invitation is outstanding and the sign-in has never been used."""
    return and_(_pending_invitation(moment()), User.last_login_at.is_(None))


def invitation_state(user: User) -> str | None:
    """ "invited" while a usable invitation is outstanding and the person has never signed in
    (nor set a password by the link), else None."""
    if user.last_login_at is not None:
        return None
    found = db.session.scalar(
        select(func.count(AccountToken.id)).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == INVITATION,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > moment(),
        )
    )
    return "invited" if found else None


@unit_of_work
def _accept(secret: str, purpose: str, password: str) -> User:
    row = check_link(secret, purpose)
    user = row.user
    if purpose == RESET and is_directory_managed(user):
        raise DirectoryManaged(DIRECTORY_MANAGED)
    try:
        accounts.validate_password(password or "")
    except AccountError as error:
        raise InvitationError(error.message, {"password": [error.message]}) from error
    at = moment()
    with acting_as(user.email, user.id):  # the person sets it: the audit names them
        _spend(row, at)
        _set_password(user, password, "set by invitation" if purpose == INVITATION else "reset", at)
    return user


def accept_invitation(secret: str, password: str) -> User:
    """Set the password of the invited person; the link is spent. Answers the sign-in.

    UnknownLink (404) or LinkRefused (410) for a link that cannot be used, InvitationError (with
    ``errors["password"]``) for a password the rules refuse; nothing changes then.
    """
    return _accept(secret, INVITATION, password)


# ---------------------------------------------------------------- resets


def _reset_mail(user: User, secret: str, expires_at: datetime) -> mailer.Mail:
    return _mail(
        user,
        "Reset your Echelon password",
        [
            "Someone, probably you, asked to reset the password of your Echelon sign-in.",
            "Choose a new password with the link below. It works once, until "
            f"{_aware(expires_at).strftime('%Y-%m-%d %H:%M')} UTC.",
        ],
        url=link_for(RESET, secret),
        url_label="Choose a new password",
        after=["If you did not ask for this, ignore this message: your password stays as it is."],
    )


def _directory_mail(user: User) -> mailer.Mail:
    return _mail(
        user,
        "Your Echelon password",
        [
            "Someone, probably you, asked to reset the password of your Echelon sign-in.",
            DIRECTORY_MANAGED,
        ],
    )


def _too_many_resets(user_id: int, at: datetime) -> bool:
    recent = db.session.scalar(
        select(func.count(AccountToken.id)).where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == RESET,
            AccountToken.created_at > at - timedelta(hours=1),
        )
    )
    return (recent or 0) >= RESETS_PER_HOUR


@unit_of_work
def _prepare_reset(email: str) -> tuple[str, mailer.Mail | None]:
    """What a reset request leads to: ("reset" | "invitation" | "directory" | "none", mail)."""
    user = accounts.user_by_email(email or "")
    if user is None or not user.is_active or not password_form_allowed(user.email):
        return "none", None
    with acting_as(user.email, user.id):
        if is_directory_managed(user):
            if user.last_login_at is None:  # invited, never came: a fresh invitation instead
                row, secret = _issue(user, INVITATION)
                return "invitation", _invitation_mail(user, secret, row.expires_at)
            return "directory", _directory_mail(user)
        if _too_many_resets(user.id, moment()):
            return "none", None
        row, secret = _issue(user, RESET)
        return "reset", _reset_mail(user, secret, row.expires_at)


def _send_in_background(mail: mailer.Mail) -> threading.Thread:
    """Deliver after the answer: the page takes as long whether or not the address is known."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def deliver() -> None:
        with app.app_context():
            try:
                mailer.send(mail)
            except mailer.MailError as error:
                app.logger.warning("A password reset message was not sent: %s", error)

    thread = threading.Thread(target=deliver, name="password-reset-mail", daemon=True)
    thread.start()
    return thread


def request_reset(email: str) -> None:
    """Email a reset link to the sign-in with this address, if there is one that may use a
    password here; otherwise nothing. Answers nothing either way (nothing to reveal).

    A directory sign-in gets a message saying its password is kept by the directory; an invited
    person who never came gets a fresh invitation. At most RESETS_PER_HOUR links an hour go to
    one address. The message is sent from a background thread, after the answer.
    """
    _kind, mail = _prepare_reset(email)
    if mail is not None:
        _send_in_background(mail)


def reset_password(secret: str, password: str) -> User:
    """Set a new password through a reset link; the link is spent and only ever sets the
    password of the sign-in it was made for. Answers that sign-in.

    Refusals as for ``accept_invitation``; DirectoryManaged for a directory sign-in.
    """
    return _accept(secret, RESET, password)


# ---------------------------------------------------------------- change


def change_password(user: User, current: str, new: str, *, client_ip: str | None = None) -> None:
    """Change one's own password, given the current one. The other sessions end (the caller
    keeps its own by signing in again with the new session epoch).

    Each attempt counts against ``client_ip`` like a sign-in (SignInThrottled past the limit),
    so a borrowed session cannot be used to guess the current password; a success gives the
    claim back.
    """
    claim = accounts.check_ip_throttle(client_ip)
    _change_password(user.id, current, new)
    accounts._release_address(claim)


@unit_of_work
def _change_password(user_id: int, current: str, new: str) -> None:
    user = db.session.get(User, user_id)
    if user is None:
        raise InvitationError("That sign-in no longer exists.")
    if is_directory_managed(user):
        raise DirectoryManaged(DIRECTORY_MANAGED)
    if not current or not check_password_hash(user.password_hash, current):
        message = "That is not your current password. Check it and try again."
        raise InvitationError(message, {"current": [message]})
    try:
        accounts.validate_password(new or "")
    except AccountError as error:
        raise InvitationError(error.message, {"new": [error.message]}) from error
    if check_password_hash(user.password_hash, new):
        message = "The new password is the same as the current one. Choose a different one."
        raise InvitationError(message, {"new": [message]})
    _set_password(user, new, "changed", moment())
