"""Calendar arithmetic shared by the readiness and tuition rules (pure).

Every function here is total: a date near the ends of the calendar (a stored 9999-12-31, or
0001-01-01) gives the calendar's last or first day instead of raising (issue 20, finding 3;
tests/unit/test_dates_total.py feeds it extreme dates).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """Return ``start`` moved by ``months`` calendar months, clamped to the month's last day.

    docs/RULES.md: expires_on = completed_on + validity_months; valid_until = completed_on +
    rescreen_months. 31 January + 1 month is 28/29 February. Past the calendar's ends the
    answer is ``date.max`` or ``date.min``.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_days(start: date, days: int) -> date:
    """``start`` + ``days``, held at ``date.max`` / ``date.min`` past the calendar's ends."""
    ordinal = start.toordinal() + days
    if ordinal > date.max.toordinal():
        return date.max
    if ordinal < date.min.toordinal():
        return date.min
    return date.fromordinal(ordinal)


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
    notice. Held at ``date.max`` past the calendar's end.
    """
    if days <= 0:
        return start
    weeks, rest = divmod(days, 5)
    # From a weekend, count as from the Friday before: the same business days follow it.
    anchor = add_days(start, -max(0, start.weekday() - 4))
    current = add_days(anchor, 7 * weeks)
    while rest > 0 and current < date.max:
        current += timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    return current
