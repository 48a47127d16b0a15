"""The status of an assignment on D, at every boundary (docs/RULES.md "Assignments")."""

from __future__ import annotations

from datetime import date

import pytest

from app.readiness.assignments import (
    DONE,
    DUE,
    NOT_REQUIRED,
    OVERDUE,
    RECERTIFY,
    assignment_status,
    due_date,
    reminder_stage,
    stage_urgency,
)

DUE_ON = date(2026, 3, 31)
EXPIRES = date(2027, 3, 31)
WINDOW_OPENS = date(2026, 12, 31)  # EXPIRES - 90 days


def Held(completed_on: date, expires_on: date | None = None) -> tuple[date, date | None]:  # noqa: N802
    """The latest verified completion: its date and its expiry."""
    return (completed_on, expires_on)


@pytest.mark.parametrize(
    ("as_of", "held", "expected", "days_late"),
    [
        # not done: due up to and including the due day, overdue from the day after
        (date(2026, 3, 1), None, DUE, 0),
        (DUE_ON, None, DUE, 0),
        (date(2026, 4, 1), None, OVERDUE, 1),
        (date(2026, 4, 30), None, OVERDUE, 30),
        # a completion on the due date: done on the due date and after it
        (DUE_ON, Held(DUE_ON), DONE, 0),
        (date(2026, 4, 1), Held(DUE_ON), DONE, 0),
        # a completion dated after D is not yet known on D
        (date(2026, 3, 30), Held(DUE_ON), DUE, 0),
        # a completion after the due date ends the overdue status on its day
        (date(2026, 4, 10), Held(date(2026, 4, 10)), DONE, 0),
        # a certification: done until the window opens, recertify from its first day
        (date(2026, 12, 30), Held(DUE_ON, EXPIRES), DONE, 0),
        (WINDOW_OPENS, Held(DUE_ON, EXPIRES), RECERTIFY, 0),
        (date(2027, 3, 30), Held(DUE_ON, EXPIRES), RECERTIFY, 0),
        # expired on its expiry date: owed again from that date, overdue the day after
        (EXPIRES, Held(DUE_ON, EXPIRES), DUE, 0),
        (date(2027, 4, 1), Held(DUE_ON, EXPIRES), OVERDUE, 1),
    ],
)
def test_status_on_each_boundary(
    as_of: date, held: tuple[date, date | None] | None, expected: str, days_late: int
) -> None:
    result = assignment_status(DUE_ON, held, as_of, recertify_days=90)
    assert (result.status, result.days_overdue) == (expected, days_late)


def test_window_is_configurable_per_rule() -> None:
    held = Held(DUE_ON, EXPIRES)
    assert assignment_status(DUE_ON, held, date(2027, 3, 1), recertify_days=29).status == DONE
    assert assignment_status(DUE_ON, held, date(2027, 3, 1), recertify_days=30).status == RECERTIFY


def test_closed_assignment_is_not_required_from_its_closing_day() -> None:
    closed = date(2026, 4, 15)
    assert assignment_status(DUE_ON, None, date(2026, 4, 14), closed_on=closed).status == OVERDUE
    assert assignment_status(DUE_ON, None, closed, closed_on=closed).status == NOT_REQUIRED


@pytest.mark.parametrize(
    ("hire", "since", "days", "fixed", "expected"),
    [
        (date(2026, 1, 1), None, 30, None, date(2026, 1, 31)),
        # the later of hire and role start
        (date(2026, 1, 1), date(2026, 2, 1), 30, None, date(2026, 3, 3)),
        (date(2026, 2, 1), date(2026, 1, 1), 30, None, date(2026, 3, 3)),
        (date(2026, 1, 1), None, None, None, date(2026, 1, 31)),  # default 30
        (date(2026, 1, 1), None, 0, None, date(2026, 1, 1)),
        (date(2026, 1, 1), date(2026, 2, 1), None, date(2026, 6, 30), date(2026, 6, 30)),
    ],
)
def test_due_date(
    hire: date, since: date | None, days: int | None, fixed: date | None, expected: date
) -> None:
    assert due_date(hire, since, days, fixed) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 3, 16), None),  # 15 days left
        (date(2026, 3, 17), "14d"),  # 14 days left: the first reminder
        (date(2026, 3, 27), "14d"),  # 4 days left
        (date(2026, 3, 28), "3d"),  # 3 days left
        (DUE_ON, "3d"),  # the due day itself is not overdue yet
        (date(2026, 4, 1), "overdue"),  # the day it becomes overdue
        (date(2026, 5, 1), "overdue"),  # after missed runs: the most urgent stage
    ],
)
def test_reminder_stage(as_of: date, expected: str | None) -> None:
    assert reminder_stage(DUE_ON, as_of, (14, 3)) == expected


def test_stage_urgency_orders_overdue_then_nearest() -> None:
    assert stage_urgency("overdue") > stage_urgency("3d") > stage_urgency("14d")
