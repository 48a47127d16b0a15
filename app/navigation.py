"""The navigation each user sees: only what they may use."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    count: int | None = None


# (label, endpoint, predicate). Later areas append to this list from their own package.
NAV_ENTRIES: list[tuple[str, str, object]] = [
    ("Home", "dashboard.home", lambda user: True),
    ("My records", "employees.me", lambda user: True),
    (
        "People",
        "employees.index",
        lambda user: user.has_role("hr", "admin") or policy.is_manager(user),
    ),
]


def navigation_for(user) -> list[dict]:  # type: ignore[no-untyped-def]
    items = []
    for label, endpoint, predicate in NAV_ENTRIES:
        if callable(predicate) and predicate(user):
            try:
                href = url_for(endpoint)
            except Exception:  # an area that is not registered in this build
                continue
            items.append({"label": label, "href": href, "endpoint": endpoint})
    return items
