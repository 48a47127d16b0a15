"""Leadership assessments (docs/RULES.md Leadership assessments): a 360 takes anonymous
responses per rater group; a test or an assessment centre one score per dimension."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.kernel.fields import blank
from app.models import Assessment, AssessmentResponse, Employee, Instrument, User
from app.readiness.aggregate360 import Result360, aggregate_360, overall_of_scores
from app.readiness.vocabulary import RATER_GROUPS
from app.services import settings
from app.services.configuration import floored_minimums
from app.services.records.common import (
    RecordFields,
    actor_id,
    refuse_own,
    require_hr,
    unit_of_work,
)
from app.services.records.errors import RecordConflict

Scores = dict[str, float]


def _quantize(value: float | Decimal, places: str = "0.001") -> Decimal:
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _scores(
    raw: Any, instrument: Instrument, field: str, fields: RecordFields, *, every_dimension: bool
) -> Scores:
    """Validate {dimension: score} against the instrument's dimensions and scale."""
    if not isinstance(raw, Mapping) or not raw:
        fields.add(field, "Enter a score for each dimension.")
        return {}
    dimensions = list(instrument.dimensions or [])
    low, high = Decimal(instrument.scale_min), Decimal(instrument.scale_max)
    clean: Scores = {}
    for name, value in raw.items():
        key = f"{field}.{name}"
        if dimensions and name not in dimensions:
            fields.add(key, f"{name!r} is not a dimension of {instrument.code}.")
            continue
        if blank(value) and not every_dimension:
            continue
        number = fields.number(key, value, f"{name} score", low, high)
        if number is not None:
            clean[str(name)] = float(number)
    if every_dimension:
        for name in dimensions:
            if name not in raw:
                fields.add(f"{field}.{name}", f"Enter the {name} score.")
    if not clean and not fields:
        fields.add(field, "Enter at least one score.")
    return clean


def _response(
    index: int, item: Any, instrument: Instrument, fields: RecordFields
) -> tuple[str, Scores] | None:
    """One response: (rater_group, scores) or {rater_group, scores}."""
    if isinstance(item, Mapping):
        group, scores = item.get("rater_group"), item.get("scores")
    elif isinstance(item, tuple | list) and len(item) == 2:
        group, scores = item
    else:
        fields.add(f"responses.{index}", "Each response needs a rater_group and scores.")
        return None
    if group not in RATER_GROUPS:
        fields.add(
            f"responses.{index}.rater_group",
            f"The rater group must be one of {', '.join(RATER_GROUPS)}.",
        )
        return None
    clean = _scores(scores, instrument, f"responses.{index}.scores", fields, every_dimension=False)
    return (str(group), clean) if clean else None


def _responses(raw: Any, instrument: Instrument, fields: RecordFields) -> list[tuple[str, Scores]]:
    if raw is None:
        return []
    if not isinstance(raw, Iterable) or isinstance(raw, str | bytes | Mapping):
        fields.add("responses", "Give the responses as a list of {rater_group, scores}.")
        return []
    result = [_response(index, item, instrument, fields) for index, item in enumerate(raw)]
    return [response for response in result if response is not None]


def min_group_responses() -> dict[str, int]:
    """The 360 minimum responses per rater group (cfg); self shows with one response."""
    return floored_minimums(settings.get("min_responses"))


def minimums_of(assessment: Assessment) -> dict[str, int]:
    """The minimums kept with a 360 when it was collected (docs/RULES.md "Collecting 360
    feedback": they always apply to it); the settings' only for one that kept none."""
    kept = assessment.min_responses
    if not kept:
        return min_group_responses()
    return floored_minimums(kept)


def result_360(
    responses: Iterable[tuple[str, Mapping[str, float]]],
    minimums: Mapping[str, int] | None = None,
) -> Result360:
    """docs/RULES.md 360: group means; groups below their minimum hidden and excluded."""
    return aggregate_360(list(responses), minimums or min_group_responses())


def _responses_of(assessment: Assessment) -> list[AssessmentResponse]:
    return list(
        db.session.scalars(
            select(AssessmentResponse).where(AssessmentResponse.assessment_id == assessment.id)
        )
    )


def _overall_360(
    responses: Iterable[tuple[str, Mapping[str, float]]], minimums: Mapping[str, int]
) -> Decimal | None:
    result = result_360(responses, minimums)
    return _quantize(result.overall) if result.overall is not None else None


def _validate_results(
    instrument: Instrument, responses: Any, scores: Any, fields: RecordFields
) -> tuple[list[tuple[str, Scores]], Scores]:
    """A 360's responses, or a test's scores for every dimension: never both."""
    if instrument.kind == "360":
        if scores:
            fields.add("scores", "A 360 takes responses per rater group, not scores.")
        return _responses(responses, instrument, fields), {}
    if responses:
        fields.add("responses", f"A {instrument.kind} takes one score per dimension.")
    return [], _scores(scores, instrument, "scores", fields, every_dimension=True)


@unit_of_work
def record_assessment(
    employee: Employee,
    instrument_code: str,
    conducted_on: date | str,
    *,
    responses: Iterable[Any] | None = None,
    scores: Mapping[str, Any] | None = None,
    actor: User | None,
) -> Assessment:
    """Record a leadership assessment (docs/RULES.md Leadership assessments).

    A 360 takes ``responses`` [(rater_group, {dimension: score})] (possibly none yet: more
    come with ``add_360_response``); its overall is the mean of the group means of the non-self
    groups that reach their minimum. A test or assessment centre takes ``scores``
    {dimension: score} for every dimension; its overall is their mean.
    """
    require_hr(actor, "record assessments")
    refuse_own(actor, employee.id, "record an assessment")
    fields = RecordFields()
    instrument = fields.entry("instrument", Instrument, instrument_code, "instrument")
    when = fields.day("conducted_on", conducted_on, "date conducted")
    clean_responses: list[tuple[str, Scores]] = []
    clean_scores: Scores = {}
    if instrument is not None:
        clean_responses, clean_scores = _validate_results(instrument, responses, scores, fields)
    fields.raise_if_any()
    assert instrument is not None and when is not None
    assessment = Assessment(
        employee_id=employee.id,
        instrument_id=instrument.id,
        conducted_on=when,
        assessor_user_id=actor_id(actor),
    )
    assessment.instrument = instrument
    if instrument.kind == "360":
        assessment.min_responses = min_group_responses()
        assessment.responses = [
            AssessmentResponse(rater_group=g, scores=s) for g, s in clean_responses
        ]
        assessment.overall = _overall_360(clean_responses, assessment.min_responses)
    else:
        assessment.scores = clean_scores
        assessment.overall = _quantize(overall_of_scores(clean_scores))
    db.session.add(assessment)
    return assessment


@unit_of_work
def add_360_response(
    assessment: Assessment,
    rater_group: str,
    scores: Mapping[str, Any],
    *,
    actor: User | None,
) -> Assessment:
    """Add one anonymous 360 response and recompute the overall."""
    require_hr(actor, "record assessments")
    refuse_own(actor, assessment.employee_id, "add a response to an assessment")
    instrument = assessment.instrument
    if instrument.kind != "360":
        raise RecordConflict.on("rater_group", "Only a 360 takes responses by rater group.")
    fields = RecordFields()
    if rater_group not in RATER_GROUPS:
        fields.add("rater_group", f"The rater group must be one of {', '.join(RATER_GROUPS)}.")
    clean = _scores(scores, instrument, "scores", fields, every_dimension=False)
    fields.raise_if_any()
    db.session.add(
        AssessmentResponse(assessment_id=assessment.id, rater_group=rater_group, scores=clean)
    )
    db.session.flush()
    assessment.overall = _overall_360(
        ((r.rater_group, r.scores) for r in _responses_of(assessment)), minimums_of(assessment)
    )
    return assessment


@dataclass(frozen=True)
class AssessmentView:
    """What the result page shows: group results (never a rater), and the overall."""

    assessment: Assessment
    result: Result360 | None
    dimensions: tuple[str, ...]


def assessment_view(
    assessment: Assessment, responses: Iterable[AssessmentResponse] | None = None
) -> AssessmentView:
    """``responses``: the assessment's responses when the caller loaded them in bulk (lists)."""
    dimensions = tuple(assessment.instrument.dimensions or ())
    if assessment.instrument.kind != "360":
        return AssessmentView(assessment, None, dimensions)
    if responses is None:
        responses = _responses_of(assessment)
    return AssessmentView(
        assessment,
        result_360(((r.rater_group, r.scores) for r in responses), minimums_of(assessment)),
        dimensions,
    )
