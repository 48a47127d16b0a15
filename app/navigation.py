"""The navigation each user sees: only what they may use, in a few groups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, url_for
from sqlalchemy import select

from app import policy
from app.extensions import db


@dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation, declared in app/registry.py (``NAVIGATION``).

    It shows exactly when ``policy.admits(user, endpoint)``; ``extra(user) -> bool``, when
    given, narrows that (the registry says why for each). The optional count is a
    callable(user) -> a SELECT of one number (e.g. unread notifications); navigation_for runs
    the counts of all visible items together in ONE query. count_label says what the number
    means to a screen reader ("3 unread", "4 to verify"). group names the menu it sits in; when
    empty, the endpoint decides (default_group). count_endpoint, when given, is where the
    counted things are (the home page's "4 to verify" opens the list to verify, not all records).
    """

    label: str
    endpoint: str
    extra: Callable[[Any], bool] | None = None
    count: Callable[[Any], Any] | None = None
    group: str | None = None
    count_label: str = "waiting"
    count_endpoint: str | None = None

    def shows_to(self, user: Any) -> bool:
        """Does this entry show to ``user``: the route admits them, and ``extra`` (if any)."""
        if not policy.admits(user, self.endpoint):
            return False
        return self.extra is None or bool(self.extra(user))


# The menus of the main navigation, in this order; a group nobody declared here comes last.
GROUPS = ("My work", "People", "Records", "Tuition", "Configuration", "Reports")

# Where an entry goes when it names no group: first by its exact endpoint, then by blueprint.
DEFAULT_GROUP_BY_ENDPOINT = {
    "employees.me": "My work",
    "readiness.my_plan": "My work",
}
DEFAULT_GROUP_BY_BLUEPRINT = {
    "dashboard": "My work",
    "notifications": "My work",
    "privacy": "My work",
    "profile": "My work",
    "employees": "People",
    "readiness": "People",
    "records": "Records",
    "tuition": "Tuition",
    "catalogue": "Configuration",
    "settings": "Configuration",
    "reports": "Reports",
}
OTHER_GROUP = "More"


def default_group(endpoint: str) -> str:
    """The menu an endpoint belongs to when its entry does not say."""
    if endpoint in DEFAULT_GROUP_BY_ENDPOINT:
        return DEFAULT_GROUP_BY_ENDPOINT[endpoint]
    return DEFAULT_GROUP_BY_BLUEPRINT.get(endpoint.split(".", 1)[0], OTHER_GROUP)


def navigation_for(user: Any) -> list[dict]:
    """The entries this user may use, in order, each with its group and (when any) its count.

    Worked out once per request (the menus and the home page's "Waiting for you" share it)."""
    cached = g.get("_navigation")
    if cached is not None and cached[0] == user.id:
        return [dict(item) for item in cached[1]]
    items = _navigation_for(user)
    g._navigation = (user.id, items)
    return [dict(item) for item in items]


def _count_href(target: str | None) -> str | None:
    """``endpoint`` or ``endpoint?query`` (a filtered list) as a URL."""
    if not target:
        return None
    endpoint, _, query = target.partition("?")
    return url_for(endpoint) + (f"?{query}" if query else "")


def _navigation_for(user: Any) -> list[dict]:
    items: list[dict[str, Any]] = []
    counters = []
    from app import registry

    for raw in registry.NAVIGATION:
        entry = raw if isinstance(raw, NavEntry) else NavEntry(*raw)
        if entry.shows_to(user):
            href = url_for(entry.endpoint)
            item: dict[str, Any] = {
                "label": entry.label,
                "href": href,
                "endpoint": entry.endpoint,
                "group": entry.group or default_group(entry.endpoint),
                "count_label": entry.count_label or "waiting",
                "count_href": _count_href(entry.count_endpoint) or href,
            }
            if callable(entry.count):
                counters.append((item, entry.count(user)))
            items.append(item)
    if counters:
        values = db.session.execute(select(*(stmt.scalar_subquery() for _, stmt in counters)))
        for (item, _), value in zip(counters, values.one(), strict=True):
            item["count"] = int(value or 0)
    return items


def group_navigation(items: list[dict], current_endpoint: str | None) -> list[dict]:
    """Items in their menus, in GROUPS order: each group with its items, the sum of their
    counts (so a closed menu still shows that work waits), what that sum means in words, and
    whether the page on screen belongs to it. A group of one item is shown as a plain link."""
    groups: dict[str, dict] = {}
    for item in items:
        group = groups.setdefault(
            item["group"], {"label": item["group"], "items": [], "count": 0, "current": False}
        )
        item["current"] = item["endpoint"] == current_endpoint
        group["items"].append(item)
        group["count"] += item.get("count") or 0
        group["current"] = group["current"] or item["current"]
    if current_endpoint and not any(g["current"] for g in groups.values()):
        # A page with no entry of its own (a profile, a request) lights up its section.
        home = default_group(current_endpoint)
        if home in groups:
            groups[home]["current"] = True
    for group in groups.values():
        by_meaning: dict[str, int] = {}
        for item in group["items"]:
            if item.get("count"):
                by_meaning[item["count_label"]] = (
                    by_meaning.get(item["count_label"], 0) + item["count"]
                )
        group["count_text"] = ", ".join(f"{n} {words}" for words, n in by_meaning.items())
    order = {name: i for i, name in enumerate(GROUPS)}
    return sorted(groups.values(), key=lambda g: order.get(g["label"], len(GROUPS)))
