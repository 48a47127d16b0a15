"""Expiry reminders for certifications and background checks (docs/RULES.md "Reminders").

docs/RULES.md: expiring certifications and background checks get reminders at 90, 60, 30 and 7 days
before expiry (cfg ``reminder_days``). The employee gets every reminder, the manager is added from
30 days (cfg ``manager_reminder_from_days``), hr gets the expired ones. Reminders are emailed and
shown in the app, and no reminder is ever sent twice.

What is reminded about:
- certifications: the LATEST verified completion per employee and course (completed on or before
  the run date) that has an expiry date; an older completion superseded by a renewal never
  triggers;
- background checks: the latest check per employee and type that has ``valid_until``, when its
  status is ``clear`` (only a clear check makes anyone ready, docs/RULES.md requirement table);
- never for terminated employees.

Stages: an item with ``days_left = expires_on - as_of`` has crossed threshold ``t`` when
``days_left <= t``; it is expired when ``days_left <= 0`` (docs/RULES.md: expired once D >= expiry).
Idempotence: each (item, its expiry date, stage, recipient) has a dedupe key, stored unique in
``notifications``. Catching up after missed days, only the MOST URGENT stage crossed is sent (one
message that says how many days are really left), never a burst of stale ones; the stages it
supersedes are never sent later, because a run only ever looks at the most urgent stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.clock import today
from app.extensions import db
from app.kernel.errors import Invalid
from app.kernel.uow import UnitOfWork
from app.kernel.words import plural
from app.models import (
    BackgroundCheck,
    CheckType,
    Completion,
    Course,
    CourseSession,
    Employee,
    Enrolment,
    User,
)
from app.models.enrolment import ACTIVE_STATUSES
from app.services import notify as notifications
from app.services import settings

EXPIRED = 0
KIND = "reminder"


class ReminderError(Invalid):
    """A reminder run was refused or could not be stored; nothing was sent."""


# --------------------------------------------------------------------------- pure rules


def thresholds_from(values: Iterable[object]) -> tuple[int, ...]:
    """The configured reminder days as distinct positive whole days, most distant first."""
    days: set[int] = set()
    for value in values:
        try:
            number = int(str(value).strip())
        except ValueError:
            continue
        if number > 0:
            days.add(number)
    return tuple(sorted(days, reverse=True))


def reminder_stage(expires_on: date, as_of: date, thresholds: Iterable[int]) -> int | None:
    """The most urgent stage crossed on ``as_of``: EXPIRED (0), a threshold in days, or None.

    docs/RULES.md "Reminders": reminders at 90, 60, 30 and 7 days before expiry (cfg), and the
    expired ones. Threshold t is crossed once ``expires_on - as_of <= t`` days.
    """
    days_left = (expires_on - as_of).days
    if days_left <= 0:
        return EXPIRED
    crossed = [t for t in thresholds if days_left <= t]
    return min(crossed) if crossed else None


def audiences(stage: int, manager_from_days: int) -> tuple[str, ...]:
    """Who gets a stage: the employee always, the manager from N days, hr once expired."""
    who = ["employee"]
    if stage == EXPIRED or stage <= manager_from_days:
        who.append("manager")
    if stage == EXPIRED:
        who.append("hr")
    return tuple(who)


def stage_label(stage: int) -> str:
    return "expired" if stage == EXPIRED else f"{stage}d"


# --------------------------------------------------------------------------- loading facts


@dataclass(frozen=True)
class ExpiringItem:
    """A certification completion or a background check with an expiry date."""

    kind: str  # "certification" or "check"
    record_id: int
    employee_id: int
    code: str
    title: str
    expires_on: date
    course_id: int | None = None
    turnaround_days: int | None = None

    @property
    def item_key(self) -> str:
        return f"{self.kind}:{self.record_id}:{self.expires_on.isoformat()}"


def expiring_items(as_of: date, horizon_days: int) -> list[ExpiringItem]:
    """Items that expire on or before ``as_of + horizon_days`` (two queries, bulk)."""
    horizon = as_of + timedelta(days=horizon_days)
    return _expiring_certifications(as_of, horizon) + _expiring_checks(as_of, horizon)


def _latest_of_each(model: Any, catalogue_id: Any, *columns: Any, where: Any) -> Any:
    """Rows of ``model`` (a completion, a check) ranked newest first within each person's
    entry of a catalogue: ``rank == 1`` is the latest, ``completed_on`` then id deciding."""
    return (
        select(
            model.id,
            model.employee_id,
            catalogue_id,
            *columns,
            func.row_number()
            .over(
                partition_by=(model.employee_id, catalogue_id),
                order_by=(model.completed_on.desc(), model.id.desc()),
            )
            .label("rank"),
        )
        .where(*where)
        .subquery()
    )


def _latest_expiring(
    ranked: Any,
    expiry: str,
    entry: Any,
    entry_id: str,
    columns: tuple[Any, ...],
    horizon: date,
    *where: Any,
) -> list[Any]:
    """The latest rows of ``ranked`` (``_latest_of_each``) whose ``expiry`` falls by
    ``horizon``, of people still employed: id, employee id, that date, then ``columns`` of
    their catalogue ``entry``; soonest first (one query)."""
    expires = ranked.c[expiry]
    return list(
        db.session.execute(
            select(ranked.c.id, ranked.c.employee_id, expires, *columns)
            .join(entry, entry.id == ranked.c[entry_id])
            .join(Employee, Employee.id == ranked.c.employee_id)
            .where(ranked.c.rank == 1, *where, expires <= horizon)
            .where(Employee.status != "terminated")
            .order_by(expires, ranked.c.id)
        ).all()
    )


def _expiring_certifications(as_of: date, horizon: date) -> list[ExpiringItem]:
    """Each person's latest verified completion of a course, when it expires by ``horizon``."""
    ranked_completions = _latest_of_each(
        Completion,
        Completion.course_id,
        Completion.expires_on,
        where=(Completion.verification == "verified", Completion.completed_on <= as_of),
    )
    columns = (Course.id, Course.code, Course.title)
    has_expiry = ranked_completions.c.expires_on.is_not(None)
    found = _latest_expiring(
        ranked_completions, "expires_on", Course, "course_id", columns, horizon, has_expiry
    )
    return [
        ExpiringItem("certification", cid, eid, code, title, expires, course_id=course_id)
        for cid, eid, expires, course_id, code, title in found
    ]


def _expiring_checks(as_of: date, horizon: date) -> list[ExpiringItem]:
    """Each person's latest clear check of a type, when its validity ends by ``horizon``."""
    ranked_checks = _latest_of_each(
        BackgroundCheck,
        BackgroundCheck.check_type_id,
        BackgroundCheck.status,
        BackgroundCheck.valid_until,
        where=(
            BackgroundCheck.valid_until.is_not(None),
            BackgroundCheck.completed_on.is_not(None),
            BackgroundCheck.completed_on <= as_of,
        ),
    )
    checks = _latest_expiring(
        ranked_checks,
        "valid_until",
        CheckType,
        "check_type_id",
        (CheckType.code, CheckType.name, CheckType.turnaround_days),
        horizon,
        ranked_checks.c.status == "clear",
    )
    return [
        ExpiringItem("check", kid, eid, code, name, valid_until, turnaround_days=turnaround)
        for kid, eid, valid_until, code, name, turnaround in checks
    ]


@dataclass(frozen=True)
class People:
    """Who hears about one employee: their name, their user, their direct manager's user."""

    name: str
    user_id: int | None
    manager_user_id: int | None


def people_for(employee_ids: Iterable[int]) -> dict[int, People]:
    """Names and active sign-ins of the employees and their direct managers (one query)."""
    ids = sorted(set(employee_ids))
    if not ids:
        return {}
    manager = aliased(Employee)
    manager_user = aliased(User)
    rows = db.session.execute(
        select(
            Employee.id,
            Employee.name,
            User.id,
            User.active,
            manager.status,
            manager_user.id,
            manager_user.active,
        )
        .outerjoin(User, User.employee_id == Employee.id)
        .outerjoin(manager, manager.id == Employee.manager_id)
        .outerjoin(manager_user, manager_user.employee_id == manager.id)
        .where(Employee.id.in_(ids))
    ).all()
    result: dict[int, People] = {}
    for eid, name, uid, active, mgr_status, mgr_uid, mgr_active in rows:
        result[eid] = People(
            name=name,
            user_id=uid if uid is not None and active else None,
            manager_user_id=(
                mgr_uid
                if mgr_uid is not None and mgr_active and mgr_status != "terminated"
                else None
            ),
        )
    return result


@dataclass(frozen=True)
class NextSession:
    starts_on: date
    ends_on: date
    location: str | None
    session_id: int | None = None
    seats_left: int | None = None


SESSION_COLUMNS = (
    CourseSession.course_id,
    CourseSession.starts_on,
    CourseSession.ends_on,
    CourseSession.location,
)
"""What a reminder says of a session: its course, dates and place."""


def next_sessions(course_ids: Iterable[int], as_of: date) -> dict[int, NextSession]:
    """The first session of each course starting after ``as_of``, not cancelled, with a free
    seat (a renewal offer names a seat one can take)."""
    ids = sorted(set(course_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            *SESSION_COLUMNS, CourseSession.id, CourseSession.seats - CourseSession.enrolled_count
        )
        .where(
            CourseSession.course_id.in_(ids),
            CourseSession.starts_on > as_of,
            CourseSession.cancelled.is_(False),
            CourseSession.enrolled_count < CourseSession.seats,
        )
        .order_by(CourseSession.course_id, CourseSession.starts_on, CourseSession.id)
    ).all()
    first: dict[int, NextSession] = {}
    for course_id, starts_on, ends_on, location, session_id, left in rows:
        first.setdefault(
            course_id, NextSession(starts_on, ends_on, location, session_id, int(left))
        )
    return first


@dataclass(frozen=True)
class Booking:
    """A person's standing booking on a session of the course that has not ended yet."""

    status: str  # requested | enrolled | waitlisted
    starts_on: date
    ends_on: date
    location: str | None


def bookings_held(pairs: Iterable[tuple[int, int]], as_of: date) -> dict[tuple[int, int], Booking]:
    """(employee id, course id) -> the earliest standing booking of that person on a session of
    that course not cancelled and not ended on ``as_of``: a reminder then names the booking
    instead of offering a seat (one query)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Enrolment.employee_id, Enrolment.status, *SESSION_COLUMNS)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(
            Enrolment.employee_id.in_(sorted({e for e, _ in wanted})),
            CourseSession.course_id.in_(sorted({c for _, c in wanted})),
            Enrolment.status.in_(ACTIVE_STATUSES),
            CourseSession.cancelled.is_(False),
            CourseSession.ends_on >= as_of,
        )
        .order_by(CourseSession.starts_on, Enrolment.id)
    ).all()
    held: dict[tuple[int, int], Booking] = {}
    for employee_id, status, course_id, starts_on, ends_on, location in rows:
        if (employee_id, course_id) in wanted:
            held.setdefault((employee_id, course_id), Booking(status, starts_on, ends_on, location))
    return held


def booking_line(booking: Booking, own: bool, name: str) -> str:
    """What a reminder says of a booking already held, for the person or someone else."""
    where = f", {booking.location}" if booking.location else ""
    session = (
        f"the session of {booking.starts_on.isoformat()} to {booking.ends_on.isoformat()}{where}"
    )
    who = "You are" if own else f"{name} is"
    if booking.status == "waitlisted":
        return f"{who} on the waitlist of {session}; a seat is given as soon as one frees up."
    if booking.status == "requested":
        whose = "Your" if own else f"{name}'s"
        return f"{whose} booking on {session} waits for a manager's approval."
    return f"{who} booked on {session}."


# --------------------------------------------------------------------------- messages


def plan_link(employee_id: int) -> str:
    """The in-app path of the employee's promotion plan (the email adds BASE_URL)."""
    return f"/employees/{employee_id}/plan"


def offer_link(session_id: int) -> str:
    """The in-app path of the renewal offer: one page, one button that books the seat."""
    return f"/calendar/offer/{session_id}"


def _days(n: int) -> str:
    return plural(n, "day")


def compose_reminder(
    item: ExpiringItem,
    stage: int,
    audience: str,
    employee_name: str,
    as_of: date,
    session: NextSession | None,
    booking: Booking | None = None,
) -> tuple[str, str]:
    """(subject, body) of one reminder, worded for the employee, their manager or hr; a
    ``booking`` the person already holds is named instead of the next session's seat."""
    days_left = (item.expires_on - as_of).days
    when = item.expires_on.isoformat()
    own = audience == "employee"
    whose = "your" if own else f"{employee_name}'s"
    whose_start = "Your" if own else whose
    what = (
        f"{item.title} ({item.code}) certification"
        if item.kind == "certification"
        else f"{item.title} ({item.code}) background check"
    )
    if stage == EXPIRED:
        subject = f"Expired: {whose} {what} expired on {when}"
        ago = -days_left
        first = (
            f"{whose_start} {what} expired on {when}"
            + (f", {_days(ago)} ago." if ago else ", today.")
            + f" Until it is renewed it no longer counts toward {'your' if own else 'their'}"
            " readiness."
        )
    else:
        subject = f"Reminder: {whose} {what} expires on {when} (in {_days(days_left)})"
        first = f"{whose_start} {what} expires on {when}, in {_days(days_left)}."
    if audience == "manager":
        first += f" You get this as {employee_name}'s manager."
    elif audience == "hr":
        first += " You get this because you work in HR."
    if item.kind == "certification":
        if booking is not None:
            renewal = booking_line(booking, own, employee_name) + " Attending renews it."
        elif session is not None:
            where = f", {session.location}" if session.location else ""
            renewal = (
                f"Next session that renews it: {session.starts_on.isoformat()} to "
                f"{session.ends_on.isoformat()}{where}."
            )
            if own and session.session_id is not None:
                link = notifications.absolute_url(offer_link(session.session_id))
                renewal += f"\nBook your seat: {link}"
        else:
            renewal = (
                "Next session that renews it: none is scheduled yet with a free seat. "
                "Ask HR to schedule one or to record a renewal taken elsewhere."
            )
    else:
        turnaround = item.turnaround_days or 0
        renewal = (
            f"Renewal: HR requests a new {item.code} check, with "
            f"{'your' if own else 'their'} written consent; it typically takes "
            f"{_days(turnaround)}."
        )
    closing = ("Your" if own else "Their") + " development plan in Echelon shows what to do next."
    return subject, f"{first}\n\n{renewal}\n\n{closing}"


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder of one item to one audience, and whether this run created it."""

    item: ExpiringItem
    stage: int
    audience: str
    employee_name: str
    created: int  # notifications created now (0 when every recipient had it already)
    recipients: int


@dataclass
class ReminderRun:
    as_of: date
    reminders: list[PlannedReminder] = field(default_factory=list)
    delivery: notifications.DeliveryReport | None = None

    @property
    def items_due(self) -> int:
        return len({(r.item.kind, r.item.record_id) for r in self.reminders})

    @property
    def created(self) -> int:
        return sum(r.created for r in self.reminders)

    @property
    def already_sent(self) -> int:
        return sum(r.recipients - r.created for r in self.reminders)


def _recipients(audience: str, who: People, hr_users: list[int]) -> list[int]:
    if audience == "employee":
        return [who.user_id] if who.user_id else []
    if audience == "manager":
        return [who.manager_user_id] if who.manager_user_id else []
    return list(hr_users)


STORED_TWICE = UnitOfWork(
    conflict=lambda: ReminderError(
        "Another reminder run stored the same reminders at the same moment; this run "
        "changed nothing. Run it again to send anything still due."
    )
)
"""The reminder runs' unit of work: a run that stored the same reminders at the same moment
as another is refused whole, so nobody is told twice (expiry and assignment reminders)."""


@STORED_TWICE
def _store_reminders(
    run: ReminderRun,
    staged: list[tuple[ExpiringItem, int]],
    people: dict[int, People],
    sessions: dict[int, NextSession],
    hr_users: list[int],
    manager_from: int,
) -> None:
    """Create the notifications of every staged item (one commit: all or none)."""
    held = bookings_held(
        ((item.employee_id, item.course_id) for item, _ in staged if item.course_id is not None),
        run.as_of,
    )
    for item, stage in staged:
        who = people.get(item.employee_id)
        if who is None:
            continue
        taken: set[int] = set()
        for audience in audiences(stage, manager_from):
            # one message per person per item and stage, in the most personal wording
            user_ids = [uid for uid in _recipients(audience, who, hr_users) if uid not in taken]
            taken.update(user_ids)
            if not user_ids:
                continue
            session = sessions.get(item.course_id) if item.course_id else None
            booking = held.get((item.employee_id, item.course_id)) if item.course_id else None
            subject, body = compose_reminder(
                item, stage, audience, who.name, run.as_of, session, booking
            )
            created = notifications.notify(
                user_ids,
                KIND,
                subject,
                body,
                plan_link(item.employee_id),
                dedupe_key=f"reminder:{item.item_key}:{stage_label(stage)}",
            )
            run.reminders.append(
                PlannedReminder(item, stage, audience, who.name, len(created), len(user_ids))
            )


def send_reminders(as_of: date | None = None, deliver: bool = True) -> ReminderRun:
    """Create the reminders due on ``as_of`` (default today), commit, then email them.

    Safe to run any number of times a day and after missed days: the dedupe keys make it
    idempotent, and mail left pending by an unreachable server is retried by the next run.
    """
    as_of = as_of or today()
    thresholds = thresholds_from(settings.get("reminder_days") or [])
    manager_from = int(settings.get("manager_reminder_from_days"))
    horizon = max(thresholds, default=0)
    items = expiring_items(as_of, horizon)
    staged = [
        (item, stage)
        for item in items
        if (stage := reminder_stage(item.expires_on, as_of, thresholds)) is not None
    ]
    people = people_for(item.employee_id for item, _ in staged)
    sessions = next_sessions(
        (item.course_id for item, _ in staged if item.course_id is not None), as_of
    )
    hr_users = notifications.users_with_role("hr") if any(s == EXPIRED for _, s in staged) else []

    run = ReminderRun(as_of=as_of)
    with notifications.hold_mail():
        _store_reminders(run, staged, people, sessions, hr_users, manager_from)
    current_app.logger.info(
        "Reminders as of %s: %d items due, %d notifications created, %d already sent",
        as_of.isoformat(),
        run.items_due,
        run.created,
        run.already_sent,
    )
    if deliver:
        run.delivery = notifications.deliver()
    return run
