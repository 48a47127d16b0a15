"""Required training: an assignment's due date and its status on a date D, pure
(docs/RULES.md "Assignments").

- due date: N days after the later of hire_date and role_since, or the rule's fixed date;
- status on D: ``done`` (a valid completion on D), ``recertify`` (done, but it expires within
  the recertification window), ``due`` (not done, due date >= D), ``overdue`` (not done, due
  date < D), and ``not_required`` once the assignment is closed;
- a completion that has expired leaves the person owing it again from its expiry date: the
  assignment is due on the later of its own due date and that expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DONE = "done"
RECERTIFY = "recertify"
DUE = "due"
OVERDUE = "overdue"
NOT_REQUIRED = "not_required"

STATUSES = (DONE, RECERTIFY, DUE, OVERDUE, NOT_REQUIRED)
OPEN_STATUSES = (DONE, RECERTIFY, DUE, OVERDUE)
OWED = (DUE, OVERDUE)
"""The statuses that still need the person to take the course."""

DEFAULT_DUE_DAYS = 30
DEFAULT_RECERTIFY_DAYS = 90


Held = tuple[date, date | None]
"""The person's latest verified completion of the course: (completed_on, expires_on)."""


@dataclass(frozen=True)
class AssignmentStatus:
    """An assignment's status on D, the date it is (or was) owed by, and days late."""

    status: str
    due_on: date
    days_overdue: int = 0

    @property
    def owed(self) -> bool:
        return self.status in OWED


def due_date(
    hire_date: date, role_since: date | None, due_days: int | None, fixed_on: date | None
) -> date:
    """docs/RULES.md "Assignments": due within N days of the later of hire_date and
    role_since, or by a fixed date."""
    if fixed_on is not None:
        return fixed_on
    start = max(hire_date, role_since) if role_since is not None else hire_date
    return start + timedelta(days=DEFAULT_DUE_DAYS if due_days is None else due_days)


def assignment_status(
    due_on: date,
    held: Held | None,
    as_of: date,
    *,
    recertify_days: int = DEFAULT_RECERTIFY_DAYS,
    closed_on: date | None = None,
) -> AssignmentStatus:
    """The status on ``as_of`` (docs/RULES.md "Assignments").

    A completion counts from its completed_on (a completion dated after D is not yet known on
    D) until its expires_on (expired once D >= expires_on, as for certifications). Done and
    expiring within ``recertify_days`` (D >= expires_on - window) is ``recertify``.
    """
    if closed_on is not None and closed_on <= as_of:
        return AssignmentStatus(NOT_REQUIRED, due_on)
    return AssignmentStatus(*status_parts(due_on, held, as_of, timedelta(days=recertify_days)))


def status_parts(
    due_on: date, held: Held | None, as_of: date, window: timedelta
) -> tuple[str, date, int]:
    """``assignment_status`` of an open assignment as a plain (status, due_on, days_overdue)
    tuple, the recertification window given as a timedelta: the same rule, cheap enough to run
    over hundreds of thousands of rows (bulk statuses, issue 21)."""
    if held is not None and held[0] <= as_of:
        expires = held[1]
        if expires is None:
            return DONE, due_on, 0
        if as_of < expires:
            return (RECERTIFY if as_of >= expires - window else DONE), due_on, 0
        if expires > due_on:
            due_on = expires
    if as_of <= due_on:
        return DUE, due_on, 0
    return OVERDUE, due_on, (as_of - due_on).days


def reminder_stage(due_on: date, as_of: date, thresholds: tuple[int, ...]) -> str | None:
    """The most urgent reminder stage crossed on ``as_of`` by an owed assignment:
    ``"overdue"`` from the day after the due date, else ``"<t>d"`` for the smallest threshold t
    with ``due_on - as_of <= t``, else None (docs/RULES.md "Assignments", reminders)."""
    days_left = (due_on - as_of).days
    if days_left < 0:
        return OVERDUE
    crossed = [t for t in thresholds if days_left <= t]
    return f"{min(crossed)}d" if crossed else None


def stage_urgency(stage: str) -> int:
    """A stage's rank, larger is more urgent: overdue beats every day count, 3d beats 14d."""
    if stage == OVERDUE:
        return 1_000_000
    return -int(stage.rstrip("d"))
