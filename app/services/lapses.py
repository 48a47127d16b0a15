"""When a held item lapses, in SQL: shared by the compliance report and the stored lines.

A certification lapses on its completion's stored expiry, else ``validity_months`` after the
day it was completed; a clear background check on its ``valid_until``, else ``rescreen_months``
after the day it completed (docs/RULES.md "Compliance"). Months are added as ``add_months``
does, clamped to the month's last day, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, String, cast, func, literal_column, select, type_coerce
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Assignment, BackgroundCheck, CheckType, Completion, Course

CERTIFICATION = "certification"
BACKGROUND_CHECK = "background_check"


def plus_months(day: Any, months: Any) -> Any:
    """``day`` + ``months`` calendar months in SQL, clamped to the month's last day (31 January
    + 1 month is 28/29 February), as ``add_months``."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite's '+N months' overflows into the next month: take the lesser of the same day
        # of the target month and that month's last day.
        start = func.date(day, "start of month", func.printf("+%d months", months))
        day_of_month = cast(func.strftime("%d", day), Integer)
        same_day = func.date(start, func.printf("+%d days", day_of_month - 1))
        last_day = func.date(start, "+1 month", "-1 day")
        return type_coerce(func.min(same_day, last_day), Date)
    return cast(day + func.make_interval(0, months), Date)


def later_of(first: Any, second: Any) -> Any:
    """The later of two dates in SQL (SQLite's scalar max, PostgreSQL's greatest)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return type_coerce(func.max(first, second), Date)
    return func.greatest(first, second)


def kind_literal(kind: str) -> Any:
    """The item kind as a constant text column (``CERTIFICATION``, ``BACKGROUND_CHECK``, ...)."""
    return literal_column(f"'{kind}'", String)


def certification_lapse() -> Any:
    """The day a completion's certification lapses (a completion joined to its course)."""
    return func.coalesce(
        Completion.expires_on, plus_months(Completion.completed_on, Course.validity_months)
    )


def check_lapse() -> Any:
    """The day a clear check lapses (a check joined to its check type)."""
    return func.coalesce(
        BackgroundCheck.valid_until,
        plus_months(BackgroundCheck.completed_on, CheckType.rescreen_months),
    )


def latest_completion(value: Callable[[Any], Any], on_or_before: date | None = None) -> Any:
    """``value(completion)`` of the latest verified completion of an assignment's course (by
    the day it was completed, then id; of those done by ``on_or_before`` when given), as a
    scalar subquery correlated to ``Assignment``: None when there is none."""
    done = aliased(Completion)
    found = select(value(done)).where(
        done.employee_id == Assignment.employee_id,
        done.course_id == Assignment.course_id,
        done.verification == "verified",
    )
    if on_or_before is not None:
        found = found.where(done.completed_on <= on_or_before)
    return found.order_by(done.completed_on.desc(), done.id.desc()).limit(1).scalar_subquery()
