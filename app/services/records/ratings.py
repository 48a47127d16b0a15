"""Competency ratings on the OPM 0-5 scale (docs/RULES.md Competencies): self-ratings are
shown but never count; who may rate whom with which source is ``allowed_rating_sources``."""

from __future__ import annotations

from datetime import date
from typing import Any

from app import policy
from app.kernel.fields import assign
from app.models import Competency, CompetencyRating, Employee, User
from app.readiness.vocabulary import MAX_LEVEL, MIN_LEVEL, RATING_SOURCES
from app.services.records.common import (
    RecordFields,
    actor_id,
    add_record,
    hr_correction,
    unit_of_work,
)
from app.services.records.errors import RecordForbidden


def allowed_rating_sources(actor: User | None, employee: Employee) -> tuple[str, ...]:
    """Which sources ``actor`` may rate ``employee`` with.

    hr: any source (but not as manager or assessor of themselves); a manager: ``manager`` for
    the people they manage; everyone: ``self`` for themselves only.
    """
    if actor is None:
        return RATING_SOURCES
    sources: list[str] = []
    own = policy.is_self(actor, employee)
    if own:
        sources.append("self")
    if policy.is_hr(actor) and not own:
        sources.extend(s for s in RATING_SOURCES if s != "self")
        sources.insert(0, "self")
    elif policy.manages(actor, employee):
        sources.append("manager")
    return tuple(dict.fromkeys(sources))


def _rating_values(
    level: Any, rated_on: Any, evidence: Any, fields: RecordFields
) -> dict[str, Any]:
    """A rating's level, date and evidence, checked: what a new rating and a correction set."""
    return {
        "level": fields.whole("level", level, "level", MIN_LEVEL, MAX_LEVEL),
        "rated_on": fields.day("rated_on", rated_on, "rating date"),
        "evidence": fields.text(
            "evidence", evidence, "evidence", max_length=1000, required=False, multiline=True
        ),
    }


def _refuse_source(actor: User | None, employee: Employee, source: str) -> None:
    """A known source the actor may not use for this person."""
    if actor is not None and policy.is_self(actor, employee):
        raise RecordForbidden.on("source", "You can only add self-ratings for yourself.")
    if source == "self":
        raise RecordForbidden.on("source", "Only the person themselves adds a self-rating.")
    raise RecordForbidden.on(
        "source", "You can rate only the people you manage, with the source manager."
    )


@unit_of_work
def record_rating(
    employee: Employee,
    competency_code: str,
    level: int | str,
    rated_on: date | str,
    source: str,
    evidence: str | None = None,
    *,
    actor: User | None,
) -> CompetencyRating:
    """Rate a competency on the OPM 0-5 scale (docs/RULES.md Competencies).

    Self-ratings are shown but never count; who may use which source is
    ``allowed_rating_sources``.
    """
    fields = RecordFields()
    competency = fields.entry("competency", Competency, competency_code, "competency")
    values = _rating_values(level, rated_on, evidence, fields)
    if source not in RATING_SOURCES:
        fields.add("source", f"The source must be one of {', '.join(RATING_SOURCES)}.")
    elif source not in allowed_rating_sources(actor, employee):
        _refuse_source(actor, employee, source)
    fields.raise_if_any()
    assert competency is not None
    values.update(competency_id=competency.id, competency=competency, source=source)
    return add_record(CompetencyRating, employee, {**values, "rated_by_user_id": actor_id(actor)})


@unit_of_work
def update_rating(
    rating: CompetencyRating,
    level: int | str,
    rated_on: date | str,
    evidence: str | None = None,
    *,
    actor: User | None,
    expected_version: int | str | None = None,
) -> CompetencyRating:
    """HR corrects a rating's level, date or evidence (its source stays)."""
    hr_correction(rating, expected_version, actor=actor, doing="correct ratings")
    fields = RecordFields()
    values = _rating_values(level, rated_on, evidence, fields)
    fields.raise_if_any()
    return assign(rating, values)
