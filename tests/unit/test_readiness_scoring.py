"""Score, gates, readiness, projected_ready_on and bands (docs/RULES.md "Readiness ... on date D").

Pure unit tests of app.readiness: no app, no database. Each case cites the rule it checks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.readiness import (
    Catalogue,
    CheckType,
    Completion,
    Course,
    EmployeeFacts,
    ReadinessConfig,
    Requirement,
    Role,
    band_for,
    evaluate,
)

D = date(2025, 1, 31)
CATALOGUE = Catalogue.build(
    courses=[
        Course("A", "Course A", Decimal("100.00")),
        Course("B", "Course B", Decimal("100.00")),
        Course("PCI", "PCI awareness", Decimal("50.00"), validity_months=12),
    ],
    check_types=[CheckType("CRIMINAL", "Criminal", 36, 14)],
)
DONE_A = (Completion("A", date(2024, 1, 1)),)


def course(target: str, *, mandatory: bool = False, weight: float = 1.0) -> Requirement:
    return Requirement(None, "course", target, mandatory=mandatory, weight=weight)


def tenure(months: int, *, mandatory: bool = False, weight: float = 1.0) -> Requirement:
    return Requirement(None, "tenure", min_months=months, mandatory=mandatory, weight=weight)


def facts(**kwargs: object) -> EmployeeFacts:
    return EmployeeFacts(employee_id=7, role="L1-CSR", **kwargs)  # type: ignore[arg-type]


def role(*requirements: Requirement) -> Role:
    return Role("L2-CSS", "Customer Service Supervisor", 2, requirements)


# --------------------------------------------------------------------------- score


@pytest.mark.parametrize(
    ("requirements", "role_since", "score"),
    [
        pytest.param((course("A"), course("B")), None, 50.0, id="score: 100 x 1/2"),
        pytest.param(
            (course("A"), course("B"), course("PCI")), None, 33.3, id="score: 1/3 -> 33.3"
        ),
        pytest.param(
            (tenure(3),),
            date(2024, 11, 30),
            66.7,
            id="score: tenure 2 of 3 months attains 2/3 -> 66.7",
        ),
        pytest.param(
            (tenure(16),), date(2024, 12, 31), 6.3, id="score: 6.25 rounds half up to 6.3"
        ),
        pytest.param(
            (course("A", weight=2.1), course("B", weight=2.7)),
            None,
            43.8,
            id="score: weights summed exactly, 43.75 rounds half up to 43.8",
        ),
        pytest.param(
            (course("A", weight=3), course("B")), None, 75.0, id="score: weighted 3:1 -> 75.0"
        ),
        pytest.param(
            (course("A", weight=0), course("B")), None, 0.0, id="score: weight 0 adds nothing"
        ),
        pytest.param((), None, 100.0, id="score: a role without requirements scores 100"),
    ],
)
def test_score(
    requirements: tuple[Requirement, ...], role_since: date | None, score: float
) -> None:
    """docs/RULES.md: score = 100 x sum(weight x attainment) / sum(weight), rounded to one
    decimal."""
    result = evaluate(
        facts(role_since=role_since, completions=DONE_A), role(*requirements), CATALOGUE, D
    )
    assert result.score == score
    assert isinstance(result.score, float)


# --------------------------------------------------------------------------- gates and ready


def nine_met_one(unmet: Requirement) -> Role:
    """Ten requirements of weight 1: nine met tenure requirements and ``unmet``."""
    return role(*(tenure(0) for _ in range(9)), unmet)


@pytest.mark.parametrize(
    ("the_role", "score", "gates_met", "ready", "band"),
    [
        pytest.param(
            nine_met_one(course("B")),
            90.0,
            True,
            True,
            "ready_now",
            id="ready: gates met and score == 90 (cfg) is ready even with an optional gap",
        ),
        pytest.param(
            nine_met_one(course("B", mandatory=True)),
            90.0,
            False,
            False,
            "ready_6m",
            id="gates_met: a mandatory requirement unmet blocks readiness at score 90",
        ),
        pytest.param(
            role(*(tenure(0) for _ in range(8)), course("B"), tenure(24)),
            85.0,
            True,
            False,
            "ready_1y",
            id="ready: score 85 < 90 is not ready although every gate is met",
        ),
    ],
)
def test_gates_and_ready(
    the_role: Role, score: float, gates_met: bool, ready: bool, band: str
) -> None:
    """docs/RULES.md: gates_met = every mandatory requirement met; ready = gates_met and score >=
    90."""
    result = evaluate(facts(role_since=date(2024, 1, 31)), the_role, CATALOGUE, D)
    assert (result.score, result.gates_met, result.ready, result.band) == (
        score,
        gates_met,
        ready,
        band,
    )
    assert [r.requirement.target for r in result.blocking_gates] == ([] if gates_met else ["B"])


def test_ready_compares_the_rounded_score() -> None:
    """Choice (engine.py): ready compares the shown (rounded) score, 66.67 -> 66.7 >= 66.7."""
    config = ReadinessConfig(ready_threshold=66.7)
    result = evaluate(
        facts(completions=DONE_A), role(course("A"), course("A"), course("B")), CATALOGUE, D, config
    )
    assert (result.score, result.ready) == (66.7, True)


def test_expiring_requirement_is_met_and_keeps_readiness() -> None:
    """docs/RULES.md: expiring is met, but lapses within 90 days (cfg); attainment stays 1."""
    cert = Requirement(None, "certification", "PCI", mandatory=True)
    completion = (Completion("PCI", date(2024, 3, 1), date(2025, 3, 1)),)
    result = evaluate(facts(completions=completion), role(cert), CATALOGUE, D)
    assert (result.score, result.gates_met, result.ready) == (100.0, True, True)
    assert [r.status for r in result.requirements] == ["expiring"]
    assert result.projected_ready_on == D
    assert [r.requirement for r in result.expiring] == [cert]


# --------------------------------------------------------------------------- projection


def test_projected_ready_on_is_the_latest_close_date() -> None:
    """docs/RULES.md: projected_ready_on is D when ready, otherwise the latest close date; gaps
    close in parallel (course with no session D + 60 + 30 days, check D + 14 days, tenure on
    its date)."""
    result = evaluate(
        facts(role_since=date(2024, 5, 31)),
        role(
            course("B", mandatory=True),
            Requirement(None, "background_check", "CRIMINAL", mandatory=True),
            tenure(10),
        ),
        CATALOGUE,
        D,
    )
    closes = [r.projected_close_on for r in result.requirements]
    assert closes == [date(2025, 5, 1), date(2025, 2, 14), date(2025, 3, 31)]
    assert result.projected_ready_on == date(2025, 5, 1)
    assert result.band == "ready_6m"


def test_projected_ready_on_with_only_optional_gaps_waits_for_all_of_them() -> None:
    """Choice (engine.py): not ready with only optional gaps -> the latest of their close dates."""
    result = evaluate(
        facts(role_since=D),
        role(course("B"), tenure(18), tenure(0)),
        CATALOGUE,
        D,
    )
    assert (result.gates_met, result.ready) == (True, False)
    assert result.projected_ready_on == date(2026, 7, 31)
    assert result.band == "ready_2y"


def test_projected_ready_on_is_d_when_ready() -> None:
    """docs/RULES.md: projected_ready_on is D when ready."""
    result = evaluate(facts(completions=DONE_A), role(course("A")), CATALOGUE, D)
    assert (result.ready, result.projected_ready_on, result.band) == (True, D, "ready_now")


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("projected", "band"),
    [
        pytest.param(date(2025, 7, 31), "ready_6m", id="band: exactly D + 6 months is ready_6m"),
        pytest.param(date(2025, 8, 1), "ready_1y", id="band: D + 6 months + 1 day is ready_1y"),
        pytest.param(date(2026, 1, 31), "ready_1y", id="band: exactly D + 12 months is ready_1y"),
        pytest.param(date(2026, 2, 1), "ready_2y", id="band: D + 12 months + 1 day is ready_2y"),
        pytest.param(date(2027, 1, 31), "ready_2y", id="band: exactly D + 24 months is ready_2y"),
        pytest.param(date(2027, 2, 1), "not_ready", id="band: D + 24 months + 1 day not_ready"),
        pytest.param(None, "not_ready", id="band: no projection is not_ready"),
    ],
)
def test_band_thresholds(projected: date | None, band: str) -> None:
    """docs/RULES.md band: ready_6m when projected <= D + 6 months, ready_1y when <= D + 12,
    ready_2y when <= D + 24."""
    assert band_for(False, projected, D, ReadinessConfig()) == band


@pytest.mark.parametrize(
    ("months", "band"),
    [
        pytest.param(6, "ready_6m", id="band via tenure: reached exactly at D + 6 months"),
        pytest.param(7, "ready_1y", id="band via tenure: D + 7 months"),
        pytest.param(12, "ready_1y", id="band via tenure: reached exactly at D + 12 months"),
        pytest.param(13, "ready_2y", id="band via tenure: D + 13 months"),
        pytest.param(24, "ready_2y", id="band via tenure: reached exactly at D + 24 months"),
        pytest.param(25, "not_ready", id="band via tenure: D + 25 months"),
    ],
)
def test_band_from_evaluation(months: int, band: str) -> None:
    """docs/RULES.md band, computed from the projected tenure close date (month-end D = Jan 31)."""
    result = evaluate(facts(role_since=D), role(tenure(months, mandatory=True)), CATALOGUE, D)
    assert result.band == band


def test_bands_are_configurable() -> None:
    """docs/RULES.md: band months are (cfg)."""
    config = ReadinessConfig(band_6m_months=3, band_1y_months=6, band_2y_months=12)
    assert band_for(False, date(2025, 4, 30), D, config) == "ready_6m"
    assert band_for(False, date(2025, 5, 1), D, config) == "ready_1y"
    assert band_for(False, date(2025, 7, 31), D, config) == "ready_1y"
    assert band_for(False, date(2025, 8, 1), D, config) == "ready_2y"
    assert band_for(False, date(2026, 2, 1), D, config) == "not_ready"
