"""Mail: SMTP from config, plain text + HTML, the log in development, the outbox (issue 8).

Every test here talks to a real SMTP server on loopback (aiosmtpd) and asserts on what it
received. docs/RULES.md "Reminders": reminders are sent by email through SMTP (cfg).
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from app.models import Notification, User
from app.services import mailer, notify
from tests.mailbox import LoopbackSMTP, configure, free_port


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


def _user(db, email: str) -> User:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(User).where(User.email == email))


def test_a_notification_is_emailed_as_text_with_an_html_alternative(demo_db, smtp):
    maria = _user(demo_db, "maria.lopez@example.com")
    notify.notify(
        [maria.id],
        "test",
        "Your PCI refresher expired",
        "Your PCI DSS awareness certification expired on 2026-10-18.\n\nBook the next session.",
        "/employees/17/plan",
    )
    demo_db.session.commit()

    (received,) = smtp.wait_for(1)
    assert received.rcpt_tos == ["maria.lopez@example.com"]
    assert received.mail_from == "echelon@example.com"
    assert received.subject == "Your PCI refresher expired"
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.message["Auto-Submitted"] == "auto-generated"
    text, html = received.text, received.html
    assert "Hello Maria," in text
    assert "expired on 2026-10-18" in text
    assert "https://echelon.example.com/employees/17/plan" in text
    assert "<p" in html and "expired on 2026-10-18" in html
    assert 'href="https://echelon.example.com/employees/17/plan"' in html
    demo_db.session.expire_all()
    row = demo_db.session.scalar(select(Notification).where(Notification.user_id == maria.id))
    assert row.emailed_at is not None


def test_html_part_escapes_what_people_typed(demo_db, smtp):
    maria = _user(demo_db, "maria.lopez@example.com")
    notify.notify([maria.id], "test", "Note <b>bold</b>", "Reason: <script>x()</script>", None)
    demo_db.session.commit()
    (received,) = smtp.wait_for(1)
    assert "<script>" not in received.html
    assert "&lt;script&gt;x()&lt;/script&gt;" in received.html
    assert "Reason: <script>x()</script>" in received.text


def test_each_recipient_gets_their_own_message(demo_db, smtp):
    users = [_user(demo_db, e) for e in ("maria.lopez@example.com", "sam.rivera@example.com")]
    notify.notify([u.id for u in users], "test", "Shared news", "Body", None)
    demo_db.session.commit()
    received = smtp.wait_for(2)
    assert sorted(r.rcpt_tos[0] for r in received) == [
        "maria.lopez@example.com",
        "sam.rivera@example.com",
    ]
    assert all(len(r.rcpt_tos) == 1 and "," not in str(r.message["To"]) for r in received)
    assert {r.text.splitlines()[0] for r in received} == {"Hello Maria,", "Hello Sam,"}


def test_a_subject_with_line_breaks_cannot_inject_headers(demo_db, smtp):
    maria = _user(demo_db, "maria.lopez@example.com")
    notify.notify([maria.id], "test", "Hello\r\nBcc: victim@example.com", "Body", None)
    demo_db.session.commit()
    (received,) = smtp.wait_for(1)
    assert received.rcpt_tos == ["maria.lopez@example.com"]
    assert received.message["Bcc"] is None
    assert received.subject == "Hello Bcc: victim@example.com"


def test_a_rolled_back_change_sends_no_mail(demo_db, smtp):
    maria = _user(demo_db, "maria.lopez@example.com")
    notify.notify([maria.id], "test", "Never happened", "Body", None)
    demo_db.session.flush()
    demo_db.session.rollback()
    notify.notify([maria.id], "test", "This one happened", "Body", None)
    demo_db.session.commit()
    received = smtp.wait_for(1)
    assert [r.subject for r in received] == ["This one happened"]


def test_smtp_login_uses_the_configured_user_and_password(demo_app, demo_db):
    with LoopbackSMTP(with_auth=True) as box:
        configure(demo_app, box, MAIL_USERNAME="echelon", MAIL_PASSWORD="s3cret-pass")
        maria = _user(demo_db, "maria.lopez@example.com")
        notify.notify([maria.id], "test", "Signed in to send", "Body", None)
        demo_db.session.commit()
        received = box.wait_for(1)
    assert box.logins == [("echelon", "s3cret-pass")]
    assert [r.subject for r in received] == ["Signed in to send"]


def test_wrong_smtp_password_leaves_the_mail_queued(demo_app, demo_db):
    with LoopbackSMTP(with_auth=True) as box:
        configure(demo_app, box, MAIL_USERNAME="echelon", MAIL_PASSWORD="wrong")
        maria = _user(demo_db, "maria.lopez@example.com")
        notify.notify([maria.id], "test", "Queued", "Body", None)
        demo_db.session.commit()
        assert box.messages == []
    demo_db.session.expire_all()
    row = demo_db.session.scalar(select(Notification).where(Notification.subject == "Queued"))
    assert row.emailed_at is None  # still in the outbox for the next run


@pytest.mark.usefixtures("reminders_not_yet_run")  # runs reminders from nothing sent
def test_without_mail_server_messages_go_to_the_log_and_the_list(demo_app, demo_db, caplog):
    assert not demo_app.config.get("MAIL_SERVER")
    maria = _user(demo_db, "maria.lopez@example.com")
    with caplog.at_level(logging.WARNING, logger=demo_app.logger.name):
        notify.notify([maria.id], "test", "Logged, not emailed", "Body text here", "/x")
        demo_db.session.commit()
    logged = [r.getMessage() for r in caplog.records if "MAIL_SERVER is not set" in r.getMessage()]
    assert len(logged) == 1
    assert "To: maria.lopez@example.com" in logged[0]
    assert "Subject: Logged, not emailed" in logged[0]
    assert "Body text here" in logged[0]
    demo_db.session.expire_all()
    row = demo_db.session.scalar(select(Notification).where(Notification.user_id == maria.id))
    assert row.subject == "Logged, not emailed" and row.read_at is None
    assert row.emailed_at is not None  # handled: it will not be emailed later


def test_an_unreachable_server_keeps_the_change_and_a_later_run_sends_it_once(demo_app, demo_db):
    demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens
    maria = _user(demo_db, "maria.lopez@example.com")
    notify.notify([maria.id], "test", "Sent later", "Body", None)
    demo_db.session.commit()  # the change itself must not fail
    demo_db.session.expire_all()
    row = demo_db.session.scalar(select(Notification).where(Notification.subject == "Sent later"))
    assert row is not None and row.emailed_at is None

    with LoopbackSMTP() as box:
        configure(demo_app, box)
        first = notify.deliver()
        second = notify.deliver()
        received = box.wait_for(1)
    assert (first.sent, first.failed, second.sent) == (1, 0, 0)
    assert [r.subject for r in received] == ["Sent later"]


def test_deliver_reports_failure_when_the_server_is_down(demo_app, demo_db):
    demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    maria = _user(demo_db, "maria.lopez@example.com")
    with notify.hold_mail():
        notify.notify([maria.id], "test", "Held", "Body", None)
        demo_db.session.commit()
    report = notify.deliver()
    assert report.sent == 0 and report.failed == 1
    assert "Could not connect to the mail server 127.0.0.1" in report.errors[0]
    pending = demo_db.session.scalar(
        select(func.count(Notification.id)).where(Notification.emailed_at.is_(None))
    )
    assert pending == 1


def test_a_claimed_message_is_never_sent_twice(demo_db, smtp):
    """Two senders racing: the conditional UPDATE lets only one of them send (claim first)."""
    maria = _user(demo_db, "maria.lopez@example.com")
    with notify.hold_mail():
        (row,) = notify.notify([maria.id], "test", "Once only", "Body", None)
        demo_db.session.commit()
    row_id = row.id
    assert notify._claim(row_id) is True  # another sender got there first
    assert notify.deliver().sent == 0
    assert smtp.messages == []


def test_inactive_or_terminated_users_get_no_mail(demo_db, smtp):
    maria = _user(demo_db, "maria.lopez@example.com")
    maria.active = False
    demo_db.session.commit()
    notify.notify([maria.id], "test", "Not for a disabled sign-in", "Body", None)
    demo_db.session.commit()
    assert smtp.wait_for(1, timeout=0.5) == []


def test_build_message_has_the_standard_headers(demo_app):
    with demo_app.app_context():
        mail = mailer.Mail("a@example.com", "Subject", "text", "<p>html</p>")
        message = mailer.build_message(mail, "Echelon <echelon@example.com>")
    assert message["From"] == "Echelon <echelon@example.com>"
    assert message["Message-ID"].endswith("@example.com>")
    assert message["Date"]
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
