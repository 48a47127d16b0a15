"""The wiring module declares every area's template helpers (docs/DESIGN.md "Wiring"): a
blueprint that offers helpers and is not listed would leave its pages without them."""

from __future__ import annotations

import importlib
from pathlib import Path

from app import registry

BLUEPRINTS = Path(__file__).resolve().parents[2] / "app" / "blueprints"


def test_every_area_with_template_helpers_is_wired_and_none_wires_itself():
    offering = {
        name
        for name in registry.BLUEPRINTS
        if hasattr(importlib.import_module(f"app.blueprints.{name}.routes"), "template_helpers")
    }
    assert offering == set(registry.TEMPLATE_HELPERS)
    self_wired = [
        str(path.relative_to(BLUEPRINTS))
        for path in BLUEPRINTS.rglob("*.py")
        if "context_processor" in path.read_text()
    ]
    assert self_wired == []


def test_the_pages_see_each_areas_helpers(app):
    """Every area's helpers reach the templates (one context for one request)."""
    with app.test_request_context("/"):
        context: dict = {}
        app.update_template_context(context)
    for name in registry.TEMPLATE_HELPERS:
        helpers = importlib.import_module(f"app.blueprints.{name}.routes").template_helpers
        with app.test_request_context("/"):
            expected = set(helpers())
        assert expected <= set(context), name
