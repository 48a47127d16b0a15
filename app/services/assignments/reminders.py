"""Reminders of required training (docs/RULES.md "Assignments").

14 and 3 days before the due date (cfg ``assignment_reminder_days``) the person is reminded;
on the day an assignment becomes overdue (the day after its due date) the person and their
direct manager are told. Idempotent like the expiry reminders: each stage of an assignment's
due date is logged once (``assignment_reminders``), a stage is sent only when no stage at
least as urgent was sent for that due date, and after missed runs only the most urgent stage
crossed is sent. Done, recertify and closed assignments get nothing; nor do terminated people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from app.clock import now, today
from app.extensions import db
from app.kernel.words import plural
from app.models import AssignmentReminder
from app.readiness.assignments import OVERDUE, reminder_stage, stage_urgency
from app.services import notify as notifications
from app.services import settings
from app.services.assignments.queries import AssignmentRow, assignment_rows
from app.services.reminders import (
    STORED_TWICE,
    Booking,
    NextSession,
    booking_line,
    bookings_held,
    next_sessions,
    offer_link,
    people_for,
    thresholds_from,
)

KIND = "assignment"


def compose(
    row: AssignmentRow,
    stage: str,
    audience: str,
    as_of: date,
    session: NextSession | Booking | None,
) -> tuple[str, str]:
    """(subject, body) of one reminder, for the person or their manager. ``session``: the
    booking the person already holds, else the next session with a seat, else None."""
    own = audience == "employee"
    whose = "Your" if own else f"{row.name}'s"
    what = f"{row.course_title} ({row.course_code})"
    when = row.due_on.isoformat()
    if stage == OVERDUE:
        late = plural((as_of - row.due_on).days, "day")
        subject = f"Overdue: {whose.lower() if own else whose} required {what} was due on {when}"
        first = f"{whose} required {what} was due on {when} and is overdue by {late}."
    else:
        left = plural((row.due_on - as_of).days, "day")
        subject = f"Reminder: {whose.lower() if own else whose} required {what} is due on {when}"
        first = f"{whose} required {what} is due on {when}, in {left}."
    if audience == "manager":
        first += f" You get this as {row.name}'s manager."
    if isinstance(session, Booking):
        book = booking_line(session, own, row.name)
    elif session is not None:
        where = f", {session.location}" if session.location else ""
        book = f"Next session: {session.starts_on.isoformat()} to {session.ends_on.isoformat()}"
        book += where + "."
        if own and session.session_id is not None:
            book += (
                f"\nBook your seat: {notifications.absolute_url(offer_link(session.session_id))}"
            )
    else:
        book = "No session with a free seat is scheduled yet; ask HR to schedule one."
    return subject, f"{first}\n\n{book}"


@dataclass
class AssignmentReminderRun:
    as_of: date
    sent: list[tuple[int, str]] = field(default_factory=list)  # (assignment id, stage)
    created: int = 0
    delivery: notifications.DeliveryReport | None = None


def _sent_stages(ids: list[int]) -> dict[tuple[int, date], int]:
    """The most urgent stage already sent per assignment and due date (one query)."""
    if not ids:
        return {}
    best: dict[tuple[int, date], int] = {}
    for aid, due_on, stage in db.session.execute(
        select(
            AssignmentReminder.assignment_id, AssignmentReminder.due_on, AssignmentReminder.stage
        ).where(AssignmentReminder.assignment_id.in_(ids))
    ):
        key = (aid, due_on)
        best[key] = max(best.get(key, -(10**9)), stage_urgency(stage))
    return best


@STORED_TWICE
def _store(run: AssignmentReminderRun, staged: list[tuple[AssignmentRow, str]]) -> None:
    people = people_for(row.employee_id for row, _ in staged)
    sessions = next_sessions((row.course_id for row, _ in staged), run.as_of)
    held = bookings_held(((row.employee_id, row.course_id) for row, _ in staged), run.as_of)
    at = now()
    for row, stage in staged:
        who = people.get(row.employee_id)
        if who is None:
            continue
        audiences = [("employee", who.user_id)]
        if stage == OVERDUE:
            audiences.append(("manager", who.manager_user_id))
        for audience, user_id in audiences:
            if user_id is None:
                continue
            session = held.get((row.employee_id, row.course_id)) or sessions.get(row.course_id)
            subject, body = compose(row, stage, audience, run.as_of, session)
            run.created += len(
                notifications.notify(
                    [user_id],
                    KIND,
                    subject,
                    body,
                    f"/employees/{row.employee_id}/plan",
                    dedupe_key=f"assignment:{row.id}:{row.due_on.isoformat()}:{stage}",
                )
            )
        db.session.add(
            AssignmentReminder(assignment_id=row.id, due_on=row.due_on, stage=stage, sent_at=at)
        )
        run.sent.append((row.id, stage))


def send_assignment_reminders(
    as_of: date | None = None, deliver: bool = True
) -> AssignmentReminderRun:
    """Create the reminders due on ``as_of`` (default today), commit, then email them."""
    as_of = as_of or today()
    thresholds = thresholds_from(settings.get("assignment_reminder_days") or [])
    owed = [row for row in assignment_rows(as_of) if row.owed]
    sent = _sent_stages([row.id for row in owed])
    staged = []
    for row in owed:
        stage = reminder_stage(row.due_on, as_of, thresholds)
        if stage is None:
            continue
        if sent.get((row.id, row.due_on), -(10**9)) >= stage_urgency(stage):
            continue  # this stage, or a more urgent one, was sent for this due date
        staged.append((row, stage))
    run = AssignmentReminderRun(as_of)
    with notifications.hold_mail():
        _store(run, staged)
    current_app.logger.info(
        "Assignment reminders as of %s: %d sent, %d notifications",
        as_of.isoformat(),
        len(run.sent),
        run.created,
    )
    if deliver:
        run.delivery = notifications.deliver()
    return run
