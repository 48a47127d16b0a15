"""The one clock: every "today" in Echelon comes from here.

docs/API.md: setting ECHELON_TODAY=YYYY-MM-DD pins the date for demos, training and
acceptance tests.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def today() -> date:
    """Return the pinned date (ECHELON_TODAY, or app config ECHELON_TODAY) or the real date."""
    pinned = os.environ.get("ECHELON_TODAY")
    if not pinned:
        try:
            from flask import current_app

            pinned = current_app.config.get("ECHELON_TODAY")
        except RuntimeError:
            pinned = None
    if pinned:
        return date.fromisoformat(str(pinned))
    return date.today()


def now() -> datetime:
    """Return the current UTC timestamp (for audit rows and token timestamps)."""
    return datetime.now(UTC)


def moment() -> datetime:
    """The current UTC time on the app's day: with ECHELON_TODAY pinned, the time of day now on
    the pinned date, so a demo or a test that moves the day moves time-limited links too."""
    current = now()
    day = today()
    if day == current.date():
        return current
    return datetime.combine(day, current.timetz())
