"""360 and assessor score aggregation (pure): group means, hidden groups, overall.

docs/RULES.md "Leadership assessments": rater groups self, manager, peer, direct_report and other;
a group counts only with at least its minimum responses (manager 1, peer 3, direct_report 3,
other 1 (cfg)); a group below its minimum is hidden and excluded, never folded into another;
overall = the mean of the group means of the non-self groups that count. Rater identities never
enter this module: a response is only (rater group, {dimension: score}).

Choices where docs/RULES.md is silent: a response without any score is not counted (so it cannot
help a group reach its minimum and expose the others); a group's mean is the mean of its
dimension means (each dimension weighs the same even when some raters skipped it); self is shown
with at least 1 response unless ``min_group_responses`` says otherwise; a hidden group reports
only its response count, never a mean. Means are computed exactly from the decimal values given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from app.readiness.vocabulary import RATER_GROUPS

SELF = "self"


@dataclass(frozen=True)
class GroupResult:
    """One rater group: its response count, whether it is shown, and its means when shown."""

    group: str
    responses: int
    shown: bool
    mean: float | None
    dimension_means: tuple[tuple[str, float], ...] = ()
    minimum: int = 1


@dataclass(frozen=True)
class Result360:
    """All rater groups in canonical order and the overall score (None when no group counts)."""

    groups: tuple[GroupResult, ...]
    overall: float | None

    def group(self, name: str) -> GroupResult:
        """The result of rater group ``name``."""
        for result in self.groups:
            if result.group == name:
                return result
        raise KeyError(name)


def _exact(value: float) -> Fraction:
    return Fraction(value) if isinstance(value, int) else Fraction(repr(float(value)))


def _mean(values: Iterable[Fraction]) -> Fraction:
    items = list(values)
    return sum(items, Fraction(0)) / len(items)


def aggregate_360(
    responses: Iterable[tuple[str, Mapping[str, float]]],
    min_group_responses: Mapping[str, int] | Iterable[tuple[str, int]],
) -> Result360:
    """Aggregate 360 responses into group results and the overall score.

    docs/RULES.md "360": groups below their minimum are hidden and excluded; overall = the mean of
    the group means of the non-self groups that count.
    """
    minimums = dict(
        min_group_responses.items()
        if isinstance(min_group_responses, Mapping)
        else min_group_responses
    )
    by_group: dict[str, list[Mapping[str, float]]] = {group: [] for group in RATER_GROUPS}
    for group, scores in responses:
        if group not in by_group:
            raise ValueError(f"Unknown rater group {group!r}; use one of {RATER_GROUPS}.")
        if scores:
            by_group[group].append(scores)

    results: list[GroupResult] = []
    counted_means: list[Fraction] = []
    for group in RATER_GROUPS:
        answers = by_group[group]
        minimum = max(1, minimums.get(group, 1))
        if len(answers) < minimum:
            results.append(GroupResult(group, len(answers), False, None, (), minimum))
            continue
        per_dimension: dict[str, list[Fraction]] = {}
        for scores in answers:
            for dimension, score in scores.items():
                per_dimension.setdefault(dimension, []).append(_exact(score))
        dimension_means = {d: _mean(v) for d, v in sorted(per_dimension.items())}
        group_mean = _mean(dimension_means.values())
        if group != SELF:
            counted_means.append(group_mean)
        results.append(
            GroupResult(
                group,
                len(answers),
                True,
                float(group_mean),
                tuple((d, float(m)) for d, m in dimension_means.items()),
                minimum,
            )
        )
    overall = float(_mean(counted_means)) if counted_means else None
    return Result360(tuple(results), overall)


def overall_of_scores(scores: Mapping[str, float]) -> float:
    """Overall of a test or assessment centre: the mean of the assessor's dimension scores.

    docs/RULES.md "Test and assessment centre": overall = the mean of those scores.
    """
    if not scores:
        raise ValueError("An overall needs at least one dimension score.")
    return float(_mean(_exact(score) for score in scores.values()))
