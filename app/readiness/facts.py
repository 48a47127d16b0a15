"""The employee's facts known on D, indexed once per evaluation, and the dates facts lapse on.

docs/RULES.md "Competencies", "Training", "Background checks", "Leadership assessments" and
"Education and tuition reimbursement": facts dated after D are ignored; self ratings never
count; an unscored assessment is not scored yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.readiness.dates import add_months
from app.readiness.model import (
    Assessment,
    Catalogue,
    Check,
    Completion,
    EmployeeFacts,
    FundedStudy,
    Rating,
    ReadinessConfig,
)


@dataclass(frozen=True)
class Granted:
    level: int
    course: str
    completed_on: date


class FactIndex:
    """The employee's facts known on D, indexed once per evaluation (O(facts)).

    It reads no role: evaluations of the same facts on the same date for several roles (the
    path's step, the target in the feeder role) share one index (``engine.evaluate``)."""

    def __init__(
        self, facts: EmployeeFacts, catalogue: Catalogue, as_of: date, config: ReadinessConfig
    ) -> None:
        self.as_of = as_of
        self.catalogue = catalogue
        self.completions, self.granted = _completions_and_grants(facts, catalogue, as_of)
        self.ratings = _latest_ratings(facts, as_of)
        self.checks = _known_checks(facts, as_of)
        self.assessments = _latest_assessments(facts, as_of)
        self.education = _first_education(facts, as_of)
        self.funded = _approved_studies(facts)
        self.seats = None if facts.seats is None else {seat.course: seat for seat in facts.seats}

    def done(self, course: str) -> bool:
        """A course is done (as a prerequisite) once completed on or before D."""
        return course in self.completions


@dataclass(frozen=True)
class Context:
    facts: EmployeeFacts
    index: FactIndex
    catalogue: Catalogue
    as_of: date
    config: ReadinessConfig


def _completions_and_grants(
    facts: EmployeeFacts, catalogue: Catalogue, as_of: date
) -> tuple[dict[str, list[Completion]], dict[str, Granted]]:
    """Completions by course, and the best course grant per competency (level, then date)."""
    completions: dict[str, list[Completion]] = {}
    granted: dict[str, Granted] = {}
    for completion in facts.completions:
        if completion.completed_on > as_of:
            continue
        completions.setdefault(completion.course, []).append(completion)
        course = catalogue.courses.get(completion.course)
        if course is None:
            continue
        for competency, level in course.grants:
            best = granted.get(competency)
            if best is None or (level, completion.completed_on) > (
                best.level,
                best.completed_on,
            ):
                granted[competency] = Granted(level, course.code, completion.completed_on)
    return completions, granted


def _latest_ratings(facts: EmployeeFacts, as_of: date) -> dict[str, Rating]:
    """The latest non-self rating per competency (same day: the higher level)."""
    ratings: dict[str, Rating] = {}
    for rating in facts.ratings:
        if rating.source == "self" or rating.rated_on > as_of:
            continue
        latest = ratings.get(rating.competency)
        if latest is None or (rating.rated_on, rating.level) > (latest.rated_on, latest.level):
            ratings[rating.competency] = rating
    return ratings


def _known_checks(facts: EmployeeFacts, as_of: date) -> dict[str, list[Check]]:
    """Checks by type, without those completed after D (a pending check is known)."""
    checks: dict[str, list[Check]] = {}
    for check in facts.checks:
        if check.completed_on is not None and check.completed_on > as_of:
            continue
        checks.setdefault(check.type, []).append(check)
    return checks


def _latest_assessments(facts: EmployeeFacts, as_of: date) -> dict[str, Assessment]:
    """The latest scored assessment per instrument (same day: the higher score)."""
    assessments: dict[str, Assessment] = {}
    for assessment in facts.assessments:
        if assessment.overall is None or assessment.conducted_on > as_of:
            continue
        latest = assessments.get(assessment.instrument)
        if latest is None or (assessment.conducted_on, assessment.overall) > (
            latest.conducted_on,
            latest.overall or 0.0,
        ):
            assessments[assessment.instrument] = assessment
    return assessments


def _first_education(facts: EmployeeFacts, as_of: date) -> dict[str, date]:
    """The first completion date per qualification."""
    education: dict[str, date] = {}
    for record in facts.education:
        if record.completed_on > as_of:
            continue
        first = education.get(record.qualification)
        if first is None or record.completed_on < first:
            education[record.qualification] = record.completed_on
    return education


def _approved_studies(facts: EmployeeFacts) -> dict[str, list[FundedStudy]]:
    """Approved funded studies per qualification."""
    funded: dict[str, list[FundedStudy]] = {}
    for study in facts.funded_studies:
        if study.approved:
            funded.setdefault(study.qualification, []).append(study)
    return funded


def expires_on_of(completion: Completion, ctx: Context) -> date | None:
    if completion.expires_on is not None:
        return completion.expires_on
    course = ctx.catalogue.courses.get(completion.course)
    if course is None or course.validity_months is None:
        return None
    return add_months(completion.completed_on, course.validity_months)


def counting_certification(done: list[Completion], ctx: Context) -> tuple[Completion, date | None]:
    """The completion that lapses last (one that never lapses wins) and its expiry."""
    dated = [(c, expires_on_of(c, ctx)) for c in done]
    return max(dated, key=lambda ce: (ce[1] is None, ce[1] or date.min))


def check_valid_until(check: Check, ctx: Context) -> date | None:
    if check.valid_until is not None:
        return check.valid_until
    if check.completed_on is None:
        return None
    check_type = ctx.catalogue.check_types.get(check.type)
    months = check_type.rescreen_months if check_type else ctx.config.unknown_check_rescreen_months
    return add_months(check.completed_on, months)
