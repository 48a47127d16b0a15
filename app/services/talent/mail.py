"""360 invitations and reminders by email (docs/RULES.md "Collecting 360 feedback").

One message per rater with their personal link (BASE_URL + /feedback/<token>); the secret
exists only in that message. A reminder cannot repeat the link (only its hash is kept), so it
says where to find the invitation. Reminders go once per invitation: running the command twice
sends nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import escape

from app.clock import today
from app.services import mailer
from app.services.notify import absolute_url
from app.services.talent import rounds
from app.services.talent.rounds import Opened


@dataclass(frozen=True)
class MailRun:
    """What a send did: messages delivered, and the addresses that failed."""

    sent: int
    failed: tuple[str, ...] = ()


def feedback_path(token: str) -> str:
    return f"/feedback/{token}"


def _invitation(to: str, subject_name: str, link: str, closes_on: date) -> mailer.Mail:
    text = (
        f"You are invited to give feedback on {subject_name} in a 360 review.\n\n"
        f"Open your personal link to answer (no sign-in needed; it works once):\n{link}\n\n"
        f"Answers are anonymous: only your rater group is kept with them, never your name.\n"
        f"The round closes on {closes_on.isoformat()}.\n"
    )
    html = (
        f"<p>You are invited to give feedback on {escape(subject_name)} in a 360 review.</p>"
        f'<p><a href="{escape(link)}">Open your personal feedback form</a> '
        "(no sign-in needed; the link works once).</p>"
        "<p>Answers are anonymous: only your rater group is kept with them, never your name.</p>"
        f"<p>The round closes on {closes_on.isoformat()}.</p>"
    )
    return mailer.Mail(to, f"360 feedback for {subject_name}", text, html)


def send_invitations(opened: Opened) -> MailRun:
    """Email each rater of a round just opened their personal link."""
    feedback_round = opened.round
    name = feedback_round.employee.name
    sent, failed = 0, []
    try:
        with mailer.transport() as deliver:
            for rater, secret in opened.links:
                link = absolute_url(feedback_path(secret)) or feedback_path(secret)
                try:
                    deliver(_invitation(rater.email, name, link, feedback_round.closes_on))
                    sent += 1
                except mailer.MailError:
                    failed.append(rater.email)
    except mailer.MailError:
        return MailRun(sent, tuple(r.email for r, _ in opened.links[sent:]))
    return MailRun(sent, tuple(failed))


def _reminder(to: str, subject_name: str, closes_on: date) -> mailer.Mail:
    text = (
        f"A reminder: your 360 feedback on {subject_name} is still open until "
        f"{closes_on.isoformat()}.\n\nUse the personal link in the invitation email titled "
        f'"360 feedback for {subject_name}". Answers are anonymous.\n'
    )
    html = (
        f"<p>A reminder: your 360 feedback on {escape(subject_name)} is still open until "
        f"{closes_on.isoformat()}.</p><p>Use the personal link in the invitation email titled "
        f"&ldquo;360 feedback for {escape(subject_name)}&rdquo;. Answers are anonymous.</p>"
    )
    return mailer.Mail(to, f"Reminder: 360 feedback for {subject_name}", text, html)


def send_reminders(on: date | None = None) -> MailRun:
    """Remind, once, every rater who has not answered a round closing within the reminder
    days (cfg FEEDBACK_REMINDER_DAYS, default 3)."""
    day = on or today()
    due = rounds.due_reminders(day)
    if not due:
        return MailRun(0)
    done: list[int] = []
    failed: list[str] = []
    try:
        with mailer.transport() as deliver:
            for invitation, feedback_round in due:
                assert invitation.email is not None
                try:
                    deliver(
                        _reminder(
                            invitation.email,
                            feedback_round.employee.name,
                            feedback_round.closes_on,
                        )
                    )
                    done.append(invitation.id)
                except mailer.MailError:
                    failed.append(invitation.email)
    finally:
        rounds.mark_reminded(done)
    return MailRun(len(done), tuple(failed))
