"""Notifications: the single entry point for telling people that something concerns them.

docs/RULES.md "Reminders" and issue 5 "Notifications": every state change is shown in the app to
the people it concerns; email goes out too once mail is configured. Every notice in Echelon is
created through `notify`, so the mail delivery (added by the reminders work) hooks in here once.

The caller owns the transaction: `notify` adds rows to the session and never commits, so a
notice is stored if and only if the change it announces is.

Mail (issue 8): every notification row is also emailed to its recipient through
app/services/mailer.py, *after* the transaction that created it commits (a session event), so a
rolled-back change never sends mail. `Notification.emailed_at` is the outbox marker: a message is
claimed by a conditional UPDATE (``WHERE id = ? AND emailed_at IS NULL``) before it is sent, so
two senders never send it twice, and it is released again when the server refuses it, so the
next `send-reminders` run (`deliver()`) retries it. Without MAIL_SERVER the message goes to the
app log and counts as delivered.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import CursorResult, Select, func, or_, select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.extensions import db, on_session
from app.kernel.uow import unit_of_work
from app.models import Employee, Notification, User
from app.services import mailer

SUBJECT_MAX = 300
BODY_MAX = 4000
LINK_MAX = 300
KIND_MAX = 30


def stored_dedupe_key(dedupe_key: str, user_id: int) -> str:
    """The key stored for one recipient: a notice with a dedupe_key reaches each user once."""
    return f"{dedupe_key}#u{user_id}"[:200]


def notify(
    user_ids: Iterable[int | None],
    kind: str,
    subject: str,
    body: str,
    link: str | None,
    dedupe_key: str | None = None,
    attachment: mailer.Attachment | None = None,
) -> list[Notification]:
    """Create one in-app notification per distinct user; answer the rows created.

    ``user_ids`` may contain None and duplicates (they are dropped). With ``dedupe_key``, a user
    who already has that notice is skipped, so calling twice never notifies twice (reminder
    sending is idempotent, docs/RULES.md "Reminders"). ``attachment`` goes with the email (an
    iCalendar invitation); the app shows the notice without it.
    """
    recipients = sorted({int(uid) for uid in user_ids if uid is not None})
    if not recipients:
        return []
    keys: dict[int, str | None] = {uid: None for uid in recipients}
    if dedupe_key:
        keys = {uid: stored_dedupe_key(dedupe_key, uid) for uid in recipients}
        existing = set(
            db.session.scalars(
                select(Notification.dedupe_key).where(
                    Notification.dedupe_key.in_([k for k in keys.values() if k])
                )
            )
        )
        recipients = [uid for uid in recipients if keys[uid] not in existing]
    at = now()
    rows = [
        Notification(
            user_id=uid,
            kind=kind[:KIND_MAX],
            subject=subject[:SUBJECT_MAX],
            body=body[:BODY_MAX],
            link=link[:LINK_MAX] if link else None,
            dedupe_key=keys[uid],
            created_at=at,
            attachment_name=attachment.filename if attachment else None,
            attachment_type=attachment.content_type if attachment else None,
            attachment=attachment.content if attachment else None,
        )
        for uid in recipients
    ]
    db.session.add_all(rows)
    return rows


def users_with_role(role: str, exclude: Iterable[int | None] = ()) -> list[int]:
    """Ids of the active sign-ins holding an app role (e.g. every hr user), minus ``exclude``."""
    from app.models import Employee, UserRole

    skip = {uid for uid in exclude if uid is not None}
    ids = db.session.scalars(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Employee, Employee.id == User.employee_id)
        .where(UserRole.role == role, User.active.is_(True), Employee.status != "terminated")
    ).all()
    return [uid for uid in ids if uid not in skip]


# --------------------------------------------------------------------------- the inbox


def inbox_query(user_id: int, unread_only: bool = False) -> Any:
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


@unit_of_work
def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) read; commits; answers how many."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result: CursorResult[Any] = db.session.execute(stmt.values(read_at=now()))  # type: ignore[assignment]
    return result.rowcount or 0


INBOX_SORTS = {
    "created_at": Notification.created_at,
    "subject": Notification.subject,
    "kind": Notification.kind,
    "read_at": Notification.read_at,
}
INBOX_STATUSES = ("unread", "read")


def unread_count_query(user: User) -> Select:
    """A SELECT of the user's unread count, for the navigation badge (run with the others)."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )


def search_inbox(user_id: int, q: str | None = None, status: str | None = None) -> Select:
    """The user's notifications, optionally only unread or read ones, matching ``q``."""
    stmt = inbox_query(user_id, unread_only=status == "unread")
    if status == "read":
        stmt = stmt.where(Notification.read_at.is_not(None))
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Notification.subject.ilike(like), Notification.body.ilike(like)))
    return stmt


def safe_link(link: str | None) -> str | None:
    """Only in-app paths are followed (never another site: no open redirect)."""
    if link and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return None


def open_notification(notification: Notification) -> str | None:
    """Mark a notification read (commits); answers where its link points."""
    link = safe_link(notification.link)
    mark_read(notification.user_id, notification.id)
    return link


# --------------------------------------------------------------------------- mail delivery

_OUTBOX = "echelon_mail_outbox"
_HOLD = "echelon_hold_mail"


@dataclass
class DeliveryReport:
    """What one delivery pass did: emailed over SMTP, written to the log, or left pending."""

    sent: int = 0
    logged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return self.sent + self.logged


def absolute_url(link: str | None) -> str | None:
    """BASE_URL + an in-app path, for email (notifications store the path only)."""
    if not link:
        return None
    if link.startswith("/") and not link.startswith("//"):
        return str(current_app.config.get("BASE_URL") or "").rstrip("/") + link
    return None


def compose(
    to: str,
    name: str,
    subject: str,
    body: str,
    link: str | None,
    attachments: tuple[mailer.Attachment, ...] = (),
) -> mailer.Mail:
    """The email of one notification: the text part and its HTML alternative, from templates."""
    env = current_app.jinja_env
    context: dict[str, Any] = {
        "name": name,
        "first_name": (name or "").split(" ")[0] or name,
        "subject": subject,
        "paragraphs": [part.strip() for part in body.split("\n\n") if part.strip()],
        "body": body,
        "url": absolute_url(link),
        "inbox_url": absolute_url("/notifications/"),
        "organisation_name": current_app.config.get("ORGANISATION_NAME", "Echelon"),
    }
    text = env.get_template("email/notification.txt").render(**context)
    html = env.get_template("email/notification.html").render(**context)
    return mailer.Mail(to=to, subject=subject, text=text, html=html, attachments=attachments)


def _mail_of(row: Any) -> mailer.Mail:
    files: tuple[mailer.Attachment, ...] = ()
    if row.attachment is not None:
        kind = row.attachment_type or "application/octet-stream"
        files = (mailer.Attachment(row.attachment_name or "attachment", kind, row.attachment),)
    return compose(row.email, row.name, row.subject, row.body, row.link, files)


def _claim(notification_id: int) -> bool:
    """Take one message out of the outbox; False when another sender already has it."""
    table = Notification.__table__
    with db.engine.begin() as conn:
        result = conn.execute(
            update(table)
            .where(table.c.id == notification_id, table.c.emailed_at.is_(None))
            .values(emailed_at=now())
        )
        return result.rowcount == 1


def _release(notification_id: int) -> None:
    table = Notification.__table__
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == notification_id).values(emailed_at=None))


def deliver(ids: Iterable[int] | None = None) -> DeliveryReport:
    """Email the notifications not emailed yet (those ``ids``, or every pending one).

    Runs outside the request's transaction on its own connections: each message is claimed
    (conditional UPDATE), sent, and released again if the server refuses it, so a later run
    retries it and no message is ever sent twice. Recipients whose sign-in is inactive or whose
    employee record is terminated get no mail.
    """
    report = DeliveryReport()
    n = Notification.__table__
    stmt = (
        select(
            n.c.id,
            n.c.subject,
            n.c.body,
            n.c.link,
            n.c.attachment_name,
            n.c.attachment_type,
            n.c.attachment,
            User.email,
            Employee.name,
        )
        .join(User, User.id == n.c.user_id)
        .join(Employee, Employee.id == User.employee_id)
        .where(n.c.emailed_at.is_(None), User.active.is_(True), Employee.status != "terminated")
        .order_by(n.c.id)
    )
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return report
        stmt = stmt.where(n.c.id.in_(wanted))
    with db.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        return report
    try:
        with mailer.transport() as send:
            for row in rows:
                if not _claim(row.id):
                    continue
                try:
                    how = send(_mail_of(row))
                except Exception as error:  # refused: back to the outbox for the next run
                    _release(row.id)
                    report.failed += 1
                    report.errors.append(str(error))
                    continue
                if how == "smtp":
                    report.sent += 1
                else:
                    report.logged += 1
    except mailer.MailError as error:  # the server could not be reached: all stay pending
        report.failed += len(rows) - report.delivered - report.failed
        report.errors.append(str(error))
    if report.errors:
        current_app.logger.error(
            "Mail delivery: %d failed, left in the outbox for the next run: %s",
            report.failed,
            "; ".join(report.errors[:3]),
        )
    return report


@contextlib.contextmanager
def hold_mail() -> Iterator[None]:
    """Inside this block, commits do not send mail; the caller calls `deliver()` itself."""
    session = db.session()
    session.info[_HOLD] = True
    try:
        yield
    finally:
        session.info.pop(_HOLD, None)


def _collect_new_notifications(session: Session, flush_context: Any) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if ids:
        session.info.setdefault(_OUTBOX, []).extend(ids)


def _send_after_commit(session: Session) -> None:
    ids = session.info.pop(_OUTBOX, None)
    if not ids or session.info.get(_HOLD) or not has_app_context():
        return
    try:
        deliver(ids)
    except Exception:  # mail must never break the change that was just committed
        current_app.logger.exception("Mail delivery after commit failed; the mail stays pending")


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_OUTBOX, None)


def install() -> None:
    """Attach the outbox listeners once per process (app/registry.py calls it)."""
    on_session(
        after_flush=_collect_new_notifications,
        after_commit=_send_after_commit,
        after_rollback=_forget_after_rollback,
    )
