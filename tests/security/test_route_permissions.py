"""Every route declares its permission (DESIGN.md principle 6)."""

from __future__ import annotations


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
