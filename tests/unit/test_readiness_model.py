"""Facts, catalogue and configuration of the readiness core (docs/RULES.md, DESIGN.md principle 2).

Pure unit tests of app.readiness: no app, no database. Each case cites the rule it checks.
"""

from __future__ import annotations

import ast
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import app.readiness as readiness
from app.readiness import (
    Catalogue,
    Course,
    CourseSession,
    EmployeeFacts,
    Instrument,
    Rating,
    ReadinessConfig,
    Requirement,
    Role,
    evaluate,
)

PACKAGE = Path(readiness.__file__).parent


def test_config_defaults_are_the_domain_numbers_and_hashable() -> None:
    """docs/RULES.md (cfg) defaults: 90-day window, threshold 90, 6 months per level, 30 days for an
    assessment, 12 months for education, no grace, bands 12/24, 360 minimums 1/3/3/1."""
    config = ReadinessConfig()
    assert (
        config.expiring_window_days,
        config.ready_threshold,
        config.competency_months_per_level,
        config.assessment_lead_days,
        config.education_default_months,
        config.certification_grace_days,
        config.band_1y_months,
        config.band_2y_months,
    ) == (90, 90.0, 6, 30, 12, 0, 12, 24)
    assert dict(config.min_group_responses) == {
        "manager": 1,
        "peer": 3,
        "direct_report": 3,
        "other": 1,
    }
    assert hash(config) == hash(ReadinessConfig())
    custom = ReadinessConfig(min_group_responses={"peer": 5})
    assert custom.min_group_responses["peer"] == 5
    assert hash(custom) != hash(config)
    with pytest.raises(TypeError):
        custom.min_group_responses["peer"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"ready_threshold": 120.0}, id="config: threshold is a score 0-100"),
        pytest.param({"expiring_window_days": -1}, id="config: window cannot be negative"),
        pytest.param({"band_1y_months": 30}, id="config: band_1y <= band_2y"),
        pytest.param({"band_6m_months": 13}, id="config: band_6m <= band_1y"),
        pytest.param({"min_group_responses": {"friends": 1}}, id="config: known rater groups"),
        pytest.param({"min_group_responses": {"peer": 0}}, id="config: minimum at least 1"),
    ],
)
def test_config_rejects_nonsense(kwargs: dict[str, object]) -> None:
    """docs/RULES.md: (cfg) numbers are changed by HR; nonsense is refused with a reason."""
    with pytest.raises(ValueError):
        ReadinessConfig(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: Requirement(1, "charisma", "X"), id="requirement: unknown kind"),
        pytest.param(lambda: Requirement(1, "course", None), id="requirement: course needs target"),
        pytest.param(
            lambda: Requirement(1, "competency", "X", min_level=6), id="competency: level 0-5"
        ),
        pytest.param(lambda: Requirement(1, "tenure"), id="tenure: needs min_months"),
        pytest.param(
            lambda: Requirement(1, "course", "X", weight=-1), id="requirement: weight >= 0"
        ),
        pytest.param(
            lambda: Rating("X", 3, date(2025, 1, 1), "peer"), id="rating: source self/manager/..."
        ),
        pytest.param(lambda: Rating("X", 7, date(2025, 1, 1)), id="rating: level 0-5"),
        pytest.param(
            lambda: Course("X", "X", 10.0),  # type: ignore[arg-type]
            id="course: cost is Decimal money, never float",
        ),
        pytest.param(
            lambda: CourseSession(1, "X", date(2025, 2, 1), date(2025, 1, 1)),
            id="session: ends after it starts",
        ),
        pytest.param(lambda: Instrument("I", "I", "poll"), id="instrument: kind 360/test/centre"),
    ],
)
def test_invalid_facts_are_refused(build: object) -> None:
    """docs/RULES.md field rules: invalid catalogue or facts fail loudly, not silently score 0."""
    with pytest.raises((ValueError, TypeError)):
        build()  # type: ignore[operator]


def test_catalogue_indexes_sessions_by_course_and_start() -> None:
    """docs/RULES.md projection: the next session that starts on or after D (indexed, not
    scanned)."""
    catalogue = Catalogue.build(
        courses=[Course("A", "A", Decimal("1.00"), grants=(("COACH", 2),))],
        sessions=[
            CourseSession(3, "A", date(2025, 3, 1), date(2025, 3, 2)),
            CourseSession(1, "A", date(2025, 1, 1), date(2025, 1, 2), seats_left=0),
            CourseSession(2, "A", date(2025, 2, 1), date(2025, 2, 2)),
        ],
    )
    assert [s.id for s in catalogue.sessions_of("A")] == [1, 2, 3]
    assert catalogue.next_session("A", date(2024, 12, 1)).id == 2  # type: ignore[union-attr]
    assert catalogue.next_session("A", date(2025, 2, 2)).id == 3  # type: ignore[union-attr]
    assert catalogue.next_session("A", date(2025, 3, 2)) is None
    assert catalogue.next_session("B", date(2025, 1, 1)) is None
    assert catalogue.courses_granting("COACH", 2) == ("A",)
    assert catalogue.courses_granting("COACH", 3) == ()


def test_as_of_must_be_a_date() -> None:
    """DESIGN.md: as_of is always a date argument; a datetime would compare wrongly."""
    with pytest.raises(TypeError):
        evaluate(EmployeeFacts(1), Role("R", "R", 1), Catalogue(), datetime(2025, 1, 1))


def _imports_and_calls(path: Path) -> tuple[set[str], set[str]]:
    tree = ast.parse(path.read_text())
    modules: set[str] = set()
    calls: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
        elif isinstance(node, ast.Attribute) and node.attr in ("today", "now", "utcnow"):
            calls.add(node.attr)
    return modules, calls


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_readiness_core_is_pure(path: Path) -> None:
    """DESIGN.md principle 2: the core imports no flask or sqlalchemy and never reads a clock."""
    modules, calls = _imports_and_calls(path)
    assert not modules & {"flask", "flask_sqlalchemy", "sqlalchemy", "flask_login"}
    assert not calls
