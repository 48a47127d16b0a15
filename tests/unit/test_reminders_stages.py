"""The pure reminder rules: which stage is due on a date and who hears of it.

docs/RULES.md "Reminders": reminders at 90, 60, 30 and 7 days before expiry (cfg); the employee gets
every reminder, the manager is added from 30 days (cfg), hr gets the expired ones.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services.reminders import EXPIRED, audiences, reminder_stage, thresholds_from

EXPIRY = date(2027, 3, 1)
DEFAULT = (90, 60, 30, 7)


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [
        (200, None),
        (91, None),
        (90, 90),
        (61, 90),
        (60, 60),
        (31, 60),
        (30, 30),
        (8, 30),
        (7, 7),
        (1, 7),
        (0, EXPIRED),  # docs/RULES.md: expired once D >= expires_on
        (-400, EXPIRED),
    ],
)
def test_the_most_urgent_stage_crossed(days_left, stage):
    assert reminder_stage(EXPIRY, EXPIRY - timedelta(days=days_left), DEFAULT) == stage


def test_configured_thresholds_are_cleaned():
    assert thresholds_from([7, "30", 90, 30, 0, -5, "x", " 14 "]) == (90, 30, 14, 7)
    assert reminder_stage(EXPIRY, EXPIRY - timedelta(days=14), (90, 30, 14, 7)) == 14


def test_with_no_thresholds_only_expiry_is_reminded():
    assert reminder_stage(EXPIRY, EXPIRY - timedelta(days=3), ()) is None
    assert reminder_stage(EXPIRY, EXPIRY, ()) == EXPIRED


@pytest.mark.parametrize(
    ("stage", "who"),
    [
        (90, ("employee",)),
        (60, ("employee",)),
        (31, ("employee",)),
        (30, ("employee", "manager")),
        (7, ("employee", "manager")),
        (EXPIRED, ("employee", "manager", "hr")),
    ],
)
def test_who_hears_of_each_stage(stage, who):
    assert audiences(stage, manager_from_days=30) == who
