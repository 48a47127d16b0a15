"""Every route declares its permission (DESIGN.md principle 6)."""

from __future__ import annotations

import pytest

from tests.conftest import PERSONAS


def test_every_route_declares_a_permission(demo_app):
    undeclared = []
    for rule in demo_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = demo_app.view_functions[rule.endpoint]
        if not getattr(view, "_echelon_permission", None):
            undeclared.append(f"{rule.rule} -> {rule.endpoint}")
    assert undeclared == [], "routes without @permission: " + ", ".join(undeclared)


def test_anonymous_callers_are_sent_to_sign_in_everywhere_but_public_routes(demo_app):
    client = demo_app.test_client()
    checked = 0
    for rule in demo_app.url_map.iter_rules():
        view = demo_app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or view._echelon_permission == "public":
            continue
        if "GET" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
            url = url.replace(f"<string:{arg}>", "x")
        response = client.get(url)
        assert response.status_code in (302, 401, 404), f"{url} answered {response.status_code}"
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
        checked += 1
    assert checked >= 3


def test_every_url_argument_is_loaded_or_declared_open(demo_app):
    unchecked = []
    for rule in demo_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = demo_app.view_functions[rule.endpoint]
        checked = getattr(view, "_echelon_checked_args", frozenset())
        missing = sorted(set(rule.arguments) - set(rule.defaults or {}) - set(checked))
        if missing:
            unchecked.append(f"{rule.rule} -> {rule.endpoint} ({', '.join(missing)})")
    assert unchecked == [], "URL arguments neither loaded nor open: " + ", ".join(unchecked)


# Entries that narrow policy.admits, each for the reason app/registry.py gives.
NARROWED_ENTRIES = {"People", "Catalogue", "My data", "Data export"}


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_each_navigation_entry_shows_exactly_when_its_route_admits(demo_app, persona):
    from flask_login import login_user
    from sqlalchemy import func, select

    from app import navigation, policy, registry
    from app.extensions import db
    from app.models import User

    with demo_app.test_request_context("/"):
        user = db.session.scalar(select(User).where(func.lower(User.email) == PERSONAS[persona]))
        login_user(user)
        shown = [item["label"] for item in navigation.navigation_for(user)]
        expected = []
        for entry in registry.NAVIGATION:
            admitted = policy.admits(user, entry.endpoint)
            if entry.extra is None:
                assert entry.label not in NARROWED_ENTRIES
            else:
                assert entry.label in NARROWED_ENTRIES, f"{entry.label} narrows admits"
                admitted = admitted and entry.extra(user)
            if admitted:
                expected.append(entry.label)
        assert shown == expected
        assert all(
            policy.admits(user, item["endpoint"]) for item in navigation.navigation_for(user)
        )
