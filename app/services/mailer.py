"""Outgoing mail: SMTP from config, or the app log when no MAIL_SERVER is configured.

docs/RULES.md "Reminders": reminders are sent by email through SMTP (cfg). Config keys
(app/config.py):
MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL (implicit TLS), MAIL_USERNAME,
MAIL_PASSWORD, MAIL_FROM. Without MAIL_SERVER (development) every message is written to the app
log instead, so nothing fails. Every message is plain text with an HTML alternative, one message
per recipient (recipients never see each other's addresses).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app

from app.clock import now

SMTP_TIMEOUT_SECONDS = 20


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused a message; the message says which."""


@dataclass(frozen=True)
class Attachment:
    """A file a message carries: an iCalendar invitation, ``text/calendar; method=REQUEST``."""

    filename: str
    content_type: str
    content: str


@dataclass(frozen=True)
class Mail:
    """One outgoing message to one recipient."""

    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


def _one_line(value: str) -> str:
    """Header values never carry line breaks (no header injection)."""
    return " ".join(value.split())


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message: multipart/alternative with the text part first, then the HTML part."""
    message = EmailMessage()
    message["Subject"] = _one_line(mail.subject)
    message["From"] = _one_line(sender)
    message["To"] = _one_line(mail.to)
    message["Date"] = format_datetime(now())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    # RFC 3834: an automated message, so auto-responders do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        _attach(message, attachment)
    return message


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    """Add one file; a text type (``text/calendar; method=REQUEST``) keeps its parameters."""
    maintype, _, rest = attachment.content_type.partition("/")
    subtype, *parameters = [part.strip() for part in rest.split(";")]
    params = dict(part.split("=", 1) for part in parameters if "=" in part)
    params.pop("charset", None)
    if maintype == "text":
        message.add_attachment(
            attachment.content,
            subtype=subtype,
            charset="utf-8",
            filename=attachment.filename,
            params=params,
        )
        return
    message.add_attachment(
        attachment.content.encode("utf-8"),
        maintype=maintype,
        subtype=subtype,
        filename=attachment.filename,
        params=params,
    )


def is_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host = str(config["MAIL_SERVER"])
    port = int(config.get("MAIL_PORT") or (465 if config.get("MAIL_USE_SSL") else 25))
    try:
        if config.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
        try:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
        except BaseException:
            with suppress(Exception):
                smtp.close()
            raise
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"Could not connect to the mail server {host}:{port}: {error}") from error
    return smtp


@contextmanager
def transport() -> Iterator[Callable[[Mail], str]]:
    """Open one delivery channel for a batch: ``with transport() as send: send(mail)``.

    ``send`` answers "smtp" or "log" and raises MailError when the server refuses the message.
    Opening the channel raises MailError when the server cannot be reached.
    """
    config = current_app.config
    sender = str(config.get("MAIL_FROM") or "echelon@localhost")
    if not is_configured():

        def log_only(mail: Mail) -> str:
            current_app.logger.warning(
                "MAIL_SERVER is not set, so this message was logged instead of emailed.\n"
                "To: %s\nSubject: %s\n\n%s",
                mail.to,
                _one_line(mail.subject),
                mail.text,
            )
            return "log"

        yield log_only
        return

    smtp = _connect()

    def over_smtp(mail: Mail) -> str:
        try:
            smtp.send_message(build_message(mail, sender))
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"The mail server refused the message to {mail.to}: {error}") from error
        return "smtp"

    try:
        yield over_smtp
    finally:
        with suppress(Exception):
            smtp.quit()


def send(mail: Mail) -> str:
    """Send a single message (opens and closes its own connection)."""
    with transport() as deliver:
        return deliver(mail)
