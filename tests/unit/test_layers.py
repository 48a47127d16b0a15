"""The layers import only downwards (docs/DESIGN.md "Layers").

- the readiness core and the tuition rules are pure: no flask, no sqlalchemy, no app layer;
- the kernel knows no area;
- services import no blueprint;
- views (blueprint modules) import no sqlalchemy and never touch ``db.session``: reads and
  writes go through a service.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
WEB_FRAMEWORK = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "werkzeug", "wtforms")
DATABASE = ("sqlalchemy",)
APP_LAYERS = ("app.models", "app.extensions", "app.services", "app.blueprints", "app.policy")


def modules(folder: str) -> list[Path]:
    return sorted((APP / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offending(path: Path, prefixes: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in imported(path)
        if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)
    )


def relative(path: Path) -> str:
    return str(path.relative_to(APP.parent))


@pytest.mark.parametrize("folder", ["readiness", "tuition"])
def test_the_pure_core_imports_no_framework_database_or_app_layer(folder):
    found = {
        relative(path): offending(path, WEB_FRAMEWORK + DATABASE + APP_LAYERS)
        for path in modules(folder)
    }
    assert {k: v for k, v in found.items() if v} == {}
    assert found, f"app/{folder} has modules"


def test_the_kernel_knows_no_area():
    found = {
        relative(path): offending(path, ("app.services", "app.blueprints", "app.policy"))
        for path in modules("kernel")
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_services_import_no_blueprint():
    found = {relative(path): offending(path, ("app.blueprints",)) for path in modules("services")}
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) > 10


def touches_the_session(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "session"
            and isinstance(node.value, ast.Name)
            and node.value.id == "db"
        ):
            lines.append(node.lineno)
    return lines


def test_views_import_no_sqlalchemy_and_never_touch_the_session():
    imports = {relative(p): offending(p, DATABASE) for p in modules("blueprints")}
    sessions = {relative(p): touches_the_session(p) for p in modules("blueprints")}
    assert {k: v for k, v in imports.items() if v} == {}
    assert {k: v for k, v in sessions.items() if v} == {}
    assert len(imports) > 10
