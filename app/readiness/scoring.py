"""Scoring and bands: exact attainment ratios, the half-up rounded score, the readiness band.

docs/RULES.md "Readiness of an employee for a role on date D": score = 100 x sum(weight x
attainment) / sum(weight), one decimal; band ready_now / ready_6m / ready_1y / ready_2y / not_ready,
with the horizons (cfg, default 6, 12 and 24 months) from ReadinessConfig.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from typing import Final

from app.readiness.dates import add_months
from app.readiness.model import ReadinessConfig
from app.readiness.results import Band

ONE_DECIMAL: Final = Decimal("0.1")
FULLY: Final = Fraction(1)
NOT_AT_ALL: Final = Fraction(0)
#: How close (in tenths of a point) a float score may come to a rounding tie before the score
#: is recomputed exactly; float error on a sum of weights is many orders of magnitude smaller.
TIE_MARGIN: Final = 1e-6


@lru_cache(maxsize=4096)
def exact_value(value: float | int) -> Fraction:
    """The exact decimal value as written (0.1 is 1/10, not the binary float)."""
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def ratio(value: Fraction | int, minimum: Fraction | int) -> Fraction:
    """docs/RULES.md attainment min(value / minimum, 1), floored at 0; a minimum of 0 is
    attained."""
    if minimum <= 0 or value >= minimum:
        return FULLY
    if value <= 0:
        return NOT_AT_ALL
    return Fraction(value) / minimum


def round_score(value: Fraction) -> float:
    """docs/RULES.md: the score is rounded to one decimal, half up (exact Decimal rounding)."""
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return float(exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def score_of(weighted: Iterable[tuple[float, Fraction]]) -> float:
    """docs/RULES.md score = 100 x sum(weight x attainment) / sum(weight), one decimal, half up.

    Sums in floats for speed and falls back to exact fractions of the decimal weights when the
    float lands within a hair of a rounding tie, so the result always equals exact half-up
    rounding (6.25 -> 6.3, and 43.75 from weights 2.1 and 2.7 -> 43.8). No weight scores 100.
    """
    pairs = list(weighted)
    total = math.fsum(weight for weight, _ in pairs)
    if total == 0:
        return 100.0
    tenths = 1000 * math.fsum(weight * float(attainment) for weight, attainment in pairs) / total
    if abs(tenths - 0.5 - round(tenths - 0.5)) > TIE_MARGIN:
        return math.floor(tenths + 0.5) / 10
    exact_weighted = sum((exact_value(w) * a for w, a in pairs), NOT_AT_ALL)
    exact_total = sum((exact_value(w) for w, _ in pairs), NOT_AT_ALL)
    return round_score(100 * exact_weighted / exact_total)


def band_for(
    ready: bool, projected_ready_on: date | None, as_of: date, config: ReadinessConfig
) -> Band:
    """docs/RULES.md band: ready_now; ready_6m when projected <= D + 6 months; ready_1y <= D +
    12; ready_2y <= D + 24 (horizons cfg); not_ready otherwise or with no projection."""
    if ready:
        return "ready_now"
    if projected_ready_on is None:
        return "not_ready"
    if projected_ready_on <= add_months(as_of, config.band_6m_months):
        return "ready_6m"
    if projected_ready_on <= add_months(as_of, config.band_1y_months):
        return "ready_1y"
    if projected_ready_on <= add_months(as_of, config.band_2y_months):
        return "ready_2y"
    return "not_ready"
