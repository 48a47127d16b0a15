"""The navigation each user sees: only what they may use."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from app import policy
from app.extensions import db


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    count: int | None = None


# (label, endpoint, predicate[, count]). Later areas append to this list from their own package.
# The optional count is a callable(user) -> a SELECT of one number (e.g. unread notifications);
# navigation_for runs the counts of all visible items together in ONE query.
NAV_ENTRIES: list[tuple] = [
    ("Home", "dashboard.home", lambda user: True),
    ("My records", "employees.me", lambda user: True),
    (
        "People",
        "employees.index",
        lambda user: user.has_role("hr", "admin") or policy.is_manager(user),
    ),
    ("Catalogue", "catalogue.index", lambda user: user.has_role("hr", "admin")),
    ("Settings", "settings.index", lambda user: user.has_role("hr", "admin")),
    ("My plan", "readiness.my_plan", lambda user: True),
    (
        "Bench strength",
        "readiness.bench_strength",
        lambda user: user.has_role("hr") or policy.is_manager(user),
    ),
    ("Organisation", "readiness.organisation", lambda user: user.has_role("hr")),
    (
        "Training needs",
        "readiness.training_needs",
        lambda user: user.has_role("hr") or policy.is_manager(user),
    ),
    # Reports (issue 7): everyone has at least their own readiness report.
    ("Reports", "reports.index", lambda user: True),
]


def navigation_for(user) -> list[dict]:  # type: ignore[no-untyped-def]
    items = []
    counters = []
    for label, endpoint, predicate, *count in NAV_ENTRIES:
        if callable(predicate) and predicate(user):
            try:
                href = url_for(endpoint)
            except Exception:  # an area that is not registered in this build
                continue
            item = {"label": label, "href": href, "endpoint": endpoint}
            if count and callable(count[0]):
                counters.append((item, count[0](user)))
            items.append(item)
    if counters:
        values = db.session.execute(select(*(stmt.scalar_subquery() for _, stmt in counters)))
        for (item, _), value in zip(counters, values.one(), strict=True):
            item["count"] = int(value or 0)
    return items
