"""Calendar arithmetic shared by the readiness and tuition rules (pure)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """Return ``start`` moved by ``months`` calendar months, clamped to the month's last day.

    docs/RULES.md: expires_on = completed_on + validity_months; valid_until = completed_on +
    rescreen_months. 31 January + 1 month is 28/29 February.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is before ``start``).

    docs/RULES.md tenure: "whole months in the current role from role_since to D". A month is
    complete on the same day-of-month, or on the last day of a shorter month.
    """
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def add_business_days(start: date, days: int) -> date:
    """Return the date ``days`` business days (Monday to Friday) after ``start``.

    docs/RULES.md adverse action: the final notice waits 5 business days after the pre-adverse
    notice.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
