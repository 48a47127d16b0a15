"""The demo's reminders, already sent: the run of the expiry and the required-training reminders
that the daily job makes on the demo's date, with its mail marked sent, so each person's
notifications hold what reached them (docs/RULES.md "Demo organisation")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app.clock import now
from app.extensions import db
from app.models import Notification
from app.services.assignments.reminders import send_assignment_reminders
from app.services.reminders import send_reminders


def reminders_sent(as_of: date) -> None:
    """Run both reminder kinds on ``as_of`` without mailing, then mark their mail sent: the demo
    never emails its example addresses, and a later run on the same day sends nothing new."""
    send_reminders(as_of, deliver=False)
    send_assignment_reminders(as_of, deliver=False)
    db.session.execute(
        update(Notification).where(Notification.emailed_at.is_(None)).values(emailed_at=now())
    )
    db.session.commit()
