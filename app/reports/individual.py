"""The individual readiness report (pure): one person, one target role, one as-of date.

Issue 7: the requirement table with status, evidence and expiry; the score, band and projected
date; the promotion path with actions and costs; a chart of attainment per requirement; the
date it was generated, the as-of date and the fingerprint of the facts. docs/RULES.md: the result is
advisory, shown as a recommendation with its reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.kernel.words import plural
from app.readiness import Action, PathStep, PromotionPath, ReadinessResult, RequirementResult
from app.readiness.vocabulary import ACTION_LABELS, BAND_LABELS, KIND_LABELS
from app.reports import charts
from app.reports import fingerprint as fp

LEVEL_NAMES = ("Not needed", "Awareness", "Basic", "Intermediate", "Advanced", "Expert")
STATUS_TONES = {"met": "good", "expiring": "warn", "unmet": "bad"}


@dataclass(frozen=True)
class Person:
    """Who the report is about (the profile facts a report header shows)."""

    employee_id: int
    employee_no: str
    name: str
    role_code: str | None
    role_title: str | None
    department: str | None
    manager_name: str | None


@dataclass(frozen=True)
class RequirementRow:
    name: str
    code: str | None
    kind: str
    kind_label: str
    mandatory: bool
    weight: float
    required: str
    actual: str
    status: str
    attainment_pct: int
    evidence: str | None
    expires_on: date | None
    projected_close_on: date | None
    next_action: str | None
    findings: str | None = None  # only when the reader may see check findings


@dataclass(frozen=True)
class ActionRow:
    kind: str
    kind_label: str
    name: str
    description: str
    due_on: date
    cost: Decimal


@dataclass(frozen=True)
class PathStepRow:
    role_code: str
    role_title: str
    starts_on: date | None
    projected_ready_on: date | None
    cost: Decimal
    actions: tuple[ActionRow, ...]


@dataclass(frozen=True)
class IndividualReport:
    title: str
    person: Person
    target_role: str
    target_role_title: str
    as_of: date
    generated_on: date
    score: float
    band: str
    band_label: str
    band_reason: str | None  # why this band: the critical gap's reason (None when ready)
    ready: bool
    gates_met: bool
    ready_threshold: float
    projected_ready_on: date | None
    requirements: tuple[RequirementRow, ...]
    blocking: tuple[RequirementRow, ...]
    path_steps: tuple[PathStepRow, ...]
    path_total_cost: Decimal
    path_projected_ready_on: date | None
    path_reason: str | None
    chart: charts.Chart
    fingerprint: str
    currency: str

    @property
    def fingerprint_short(self) -> str:
        return fp.short(self.fingerprint)

    @property
    def summary(self) -> str:
        """One sentence a reader can quote: the recommendation and why."""
        if self.ready:
            return (
                f"Recommended as ready now for {self.target_role_title}: every gate is met and "
                f"the score {self.score:.1f} reaches {self.ready_threshold:g}."
            )
        reasons = []
        if self.blocking:
            names = ", ".join(r.name for r in self.blocking)
            reasons.append(f"{plural(len(self.blocking), 'gate')} not met ({names})")
        if self.score < self.ready_threshold:
            reasons.append(f"score {self.score:.1f} below {self.ready_threshold:g}")
        when = (
            f"projected ready on {self.projected_ready_on.isoformat()}"
            if self.projected_ready_on
            else "no projected date"
        )
        return f"Not ready yet for {self.target_role_title}: {'; '.join(reasons)}; {when}."

    @property
    def band_sentence(self) -> str:
        """The band and why, as one line: "Ready in 6 months: waiting for a seat in ..."."""
        if self.ready:
            return f"{self.band_label}: every gate is met and the score reaches the threshold"
        if self.band_reason:
            return f"{self.band_label}: {self.band_reason}"
        return self.band_label


def _name(kind: str, code: str | None, names: Mapping[tuple[str, str], str]) -> str:
    if kind == "tenure" or code is None:
        return "Time in current role"
    lookup = "course" if kind in ("course", "certification") else kind
    return names.get((lookup, code), code)


def _number(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def score_text(value: float | int) -> str:
    """An assessment score as the record shows it: two decimals (4.09, never 4.089)."""
    return f"{value:.2f}"


def required_text(result: RequirementResult) -> str:
    req = result.requirement
    if req.kind == "competency":
        level = req.min_level or 0
        return f"level {level} ({LEVEL_NAMES[level]}) or above"
    if req.kind == "assessment":
        return f"score {_number(req.min_score)} or above" if req.min_score is not None else "scored"
    if req.kind == "tenure":
        return f"{plural(req.min_months or 0, 'month')} in role"
    if req.kind == "certification":
        return "valid"
    if req.kind == "background_check":
        return "clear"
    return "completed"


def actual_text(result: RequirementResult) -> str:
    kind, actual = result.requirement.kind, result.actual
    if actual is None:
        return {
            "competency": "no rating",
            "assessment": "no valid assessment",
            "background_check": "no check",
            "tenure": "0 months",
        }.get(kind, "not done")
    if kind == "competency":
        return f"level {actual}"
    if kind == "tenure":
        return f"{actual} months"
    if isinstance(actual, date):
        return f"completed {actual.isoformat()}"
    if kind == "assessment" and isinstance(actual, float | int):
        return score_text(actual)
    if isinstance(actual, float):
        return f"{actual:g}"
    return str(actual).replace("_", " ")


def _action_row(action: Action, names: Mapping[tuple[str, str], str]) -> ActionRow:
    kind_for_name = {
        "enrol": "course",
        "renew": "course",
        "request_check": "background_check",
        "schedule_assessment": "assessment",
        "apply_tuition": "education",
        "rate_competency": "competency",
    }.get(action.kind)
    name = (
        names.get((kind_for_name, action.target), action.target) if kind_for_name else action.target
    )
    return ActionRow(
        kind=action.kind,
        kind_label=ACTION_LABELS.get(action.kind, action.kind.replace("_", " ")),
        name=name,
        description=action.description,
        due_on=action.due_on,
        cost=action.cost,
    )


def build_individual_report(
    *,
    person: Person,
    result: ReadinessResult,
    path: PromotionPath,
    names: Mapping[tuple[str, str], str],
    role_titles: Mapping[str, str],
    fingerprint: str,
    generated_on: date,
    ready_threshold: float,
    currency: str = "USD",
    findings: Mapping[str, str] | None = None,
) -> IndividualReport:
    """The report of ``result`` and ``path`` for ``person``.

    ``findings`` maps a check type code to the findings of the person's latest check of that
    type; pass it only when the reader may see findings (hr, or the person themselves): for
    anyone else the report carries the status word alone (docs/RULES.md data minimisation).
    """
    rows = [_requirement_row(r, names, findings) for r in result.requirements]
    chart = _attainment_chart(rows, result.score)
    steps = tuple(_path_step_row(step, names, role_titles) for step in path.steps)
    title_role = role_titles.get(result.role, result.role)
    return IndividualReport(
        title=f"Readiness report: {person.name} for {title_role}",
        person=person,
        target_role=result.role,
        target_role_title=title_role,
        as_of=result.as_of,
        generated_on=generated_on,
        score=result.score,
        band=result.band,
        band_label=BAND_LABELS.get(result.band, result.band),
        band_reason=result.critical.reason if result.critical else None,
        ready=result.ready,
        gates_met=result.gates_met,
        ready_threshold=ready_threshold,
        projected_ready_on=result.projected_ready_on,
        requirements=tuple(rows),
        blocking=tuple(row for row in rows if row.mandatory and row.status == "unmet"),
        path_steps=steps,
        path_total_cost=path.total_cost,
        path_projected_ready_on=path.projected_ready_on,
        path_reason=path.reason,
        chart=chart,
        fingerprint=fingerprint,
        currency=currency,
    )


def _requirement_row(
    r: RequirementResult,
    names: Mapping[tuple[str, str], str],
    findings: Mapping[str, str] | None,
) -> RequirementRow:
    """One row of the requirement table; findings only for a check the reader may see."""
    req = r.requirement
    return RequirementRow(
        name=_name(req.kind, req.target, names),
        code=req.target,
        kind=req.kind,
        kind_label=KIND_LABELS.get(req.kind, req.kind),
        mandatory=req.mandatory,
        weight=req.weight,
        required=required_text(r),
        actual=actual_text(r),
        status=r.status,
        attainment_pct=int(round(r.attainment * 100)),
        evidence=r.evidence,
        expires_on=r.expires_on,
        projected_close_on=r.projected_close_on,
        next_action=r.next_action.description if r.next_action else None,
        findings=(
            findings.get(req.target or "") if findings and req.kind == "background_check" else None
        ),
    )


def _attainment_chart(rows: Sequence[RequirementRow], score: float) -> charts.Chart:
    """The attainment of each requirement as a bar, coloured by its status."""
    return charts.bar_chart(
        "Attainment per requirement",
        [
            charts.BarInput(
                label=f"{row.name}{' (gate)' if row.mandatory else ''}",
                value=row.attainment_pct,
                tone=STATUS_TONES.get(row.status, "neutral"),
                value_text=f"{row.attainment_pct}% {row.status}",
            )
            for row in rows
        ],
        maximum=100,
        value_format=charts.percent,
        legend=(("met", "good"), ("expiring", "warn"), ("unmet", "bad")),
        description=(
            f"{sum(1 for r in rows if r.status != 'unmet')} of {len(rows)} requirements met; "
            f"score {score:.1f}."
        ),
    )


def _path_step_row(
    step: PathStep, names: Mapping[tuple[str, str], str], role_titles: Mapping[str, str]
) -> PathStepRow:
    """One step of the promotion path with its actions."""
    return PathStepRow(
        role_code=step.role,
        role_title=role_titles.get(step.role, step.role),
        starts_on=step.starts_on,
        projected_ready_on=step.projected_ready_on,
        cost=step.cost,
        actions=tuple(_action_row(a, names) for a in step.actions),
    )
