"""What an evaluation answers: requirement and readiness results, and the gap-closing actions.

docs/RULES.md "Readiness of an employee for a role on date D" (status met / unmet / expiring,
score, gates, band, the critical gap) and "Promotion path" (the order of gap actions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from app.readiness.model import Requirement
from app.readiness.vocabulary import ACTION_KINDS

Status = Literal["met", "unmet", "expiring"]
Band = Literal["ready_now", "ready_6m", "ready_1y", "ready_2y", "not_ready"]

MET: Final = "met"
UNMET: Final = "unmet"
EXPIRING: Final = "expiring"
ZERO: Final = Decimal("0.00")


@dataclass(frozen=True)
class Action:
    """One gap-closing step, assumed done on ``due_on`` (docs/RULES.md "Promotion path").

    ``level`` is the competency level a rate_competency action aims at; ``score`` the assessment
    score a schedule_assessment action must reach; ``starts_on`` the chosen session's start.
    """

    kind: str
    target: str
    due_on: date
    cost: Decimal = ZERO
    session_id: int | None = None
    description: str = ""
    starts_on: date | None = None
    level: int | None = None
    score: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Identity for de-duplication: enrolling and renewing the same course are one step."""
        kind = "course" if self.kind in ("enrol", "renew") else self.kind
        return (kind, self.target)


@dataclass(frozen=True)
class RequirementResult:
    """Status, actual value, attainment and projection of one requirement on D.

    docs/RULES.md: status met / unmet / expiring (met, but lapses within 90 days (cfg) after D);
    attainment in [0, 1].
    """

    requirement: Requirement
    status: Status
    required: int | float | str
    actual: int | float | str | date | None
    attainment: float
    expires_on: date | None = None
    projected_close_on: date | None = None
    evidence: str | None = None
    next_action: Action | None = None
    actions: tuple[Action, ...] = ()
    #: Why the gap closes on ``projected_close_on``, a clause a page can show after "ready in
    #: 6 months: " (docs/RULES.md "Why this band"); empty when met.
    reason: str = ""

    @property
    def met(self) -> bool:
        """True when met or expiring (an expiring requirement is still met)."""
        return self.status != UNMET


@dataclass(frozen=True)
class CriticalGap:
    """The requirement whose close date decides projected_ready_on (docs/RULES.md "Why this
    band"): its kind and target code, its close date, and a reason a page can show, e.g.
    "waiting for a seat in SUP-101 (the session of 2027-04-06 is full; planned for
    2027-06-02)". ``projected_close_on`` None: the gap cannot be projected."""

    kind: str
    target: str
    projected_close_on: date | None
    reason: str


@dataclass(frozen=True)
class ReadinessResult:
    """Score, gates, readiness, projection and band of an employee for a role on D.

    docs/RULES.md: score = 100 x sum(weight x attainment) / sum(weight), one decimal; gates_met =
    every mandatory requirement met; ready = gates_met and score >= 90 (cfg). Advisory only.
    """

    employee_id: int
    role: str
    as_of: date
    score: float
    gates_met: bool
    ready: bool
    band: Band
    projected_ready_on: date | None
    requirements: tuple[RequirementResult, ...]
    #: None when ready; otherwise the gap that decides projected_ready_on.
    critical: CriticalGap | None = None

    @property
    def blocking_gates(self) -> tuple[RequirementResult, ...]:
        """The mandatory requirements that are unmet (why gates_met is False)."""
        return tuple(r for r in self.requirements if r.requirement.mandatory and not r.met)

    @property
    def unmet(self) -> tuple[RequirementResult, ...]:
        """Every unmet requirement, mandatory or not."""
        return tuple(r for r in self.requirements if not r.met)

    @property
    def expiring(self) -> tuple[RequirementResult, ...]:
        """Requirements met on D that lapse within the expiring window."""
        return tuple(r for r in self.requirements if r.status == EXPIRING)

    @property
    def actions(self) -> tuple[Action, ...]:
        """All actions of unmet and expiring requirements, de-duplicated and in plan order."""
        return order_actions(a for r in self.requirements for a in r.actions)


def readiness_result(
    employee_id: int,
    role: str,
    as_of: date,
    summary: tuple[float, bool, bool, Band, date | None],
    requirements: list[RequirementResult],
) -> ReadinessResult:
    """The readiness answer from the requirement results and their summary (score,
    gates_met, ready, band, projected_ready_on), with its critical gap."""
    score, gates_met, ready, band, projected = summary
    return ReadinessResult(
        employee_id=employee_id,
        role=role,
        as_of=as_of,
        score=score,
        gates_met=gates_met,
        ready=ready,
        band=band,
        projected_ready_on=projected,
        requirements=tuple(requirements),
        critical=critical_gap(ready, requirements, projected),
    )


def critical_gap(
    ready: bool, requirements: Iterable[RequirementResult], projected: date | None
) -> CriticalGap | None:
    """docs/RULES.md "Why this band": the unmet requirement whose close date is
    projected_ready_on (the latest close date; on a tie a gate before an optional one, then the
    role's order); None when ready. With no projection at all, the first unmet gate (or the
    first unmet requirement) that cannot be projected."""
    if ready:
        return None
    chosen: RequirementResult | None = None
    for result in requirements:
        if result.status != UNMET:
            continue
        if chosen is None or _decides(result, chosen, projected):
            chosen = result
    if chosen is None:
        return None
    return critical_of(chosen)


def _decides(result: RequirementResult, chosen: RequirementResult, projected: date | None) -> bool:
    """True when ``result`` decides the projection rather than ``chosen`` (found earlier)."""
    if projected is None:
        return chosen.projected_close_on is not None and (
            result.projected_close_on is None
            or (result.requirement.mandatory and not chosen.requirement.mandatory)
        )
    mine, theirs = result.projected_close_on, chosen.projected_close_on
    if mine is None:
        return False
    if theirs is None or mine > theirs:
        return True
    return mine == theirs and result.requirement.mandatory and not chosen.requirement.mandatory


def critical_of(result: RequirementResult) -> CriticalGap:
    """The critical gap of one unmet requirement result, with its reason."""
    requirement = result.requirement
    target = requirement.target or (result.next_action.target if result.next_action else "")
    reason = result.reason or "no close date can be projected"
    return CriticalGap(requirement.kind, target, result.projected_close_on, reason)


def order_actions(actions: Iterable[Action]) -> tuple[Action, ...]:
    """De-duplicate actions (earliest due wins) and order them by due date, then kind.

    docs/RULES.md "Promotion path": the gap actions in order; a prerequisite is always due before
    the course that needs it, so ordering by due date keeps prerequisites first.
    """
    kept: dict[tuple[str, str], Action] = {}
    for action in actions:
        current = kept.get(action.key)
        if current is None or action.due_on < current.due_on:
            kept[action.key] = action
    return tuple(sorted(kept.values(), key=action_order))


_KIND_RANK: Final = {kind: index for index, kind in enumerate(ACTION_KINDS)}


def action_order(action: Action) -> tuple[date, int, str]:
    """Sort key of the plan: due date, then the docs/RULES.md order of action kinds, then target."""
    return (action.due_on, _KIND_RANK.get(action.kind, len(_KIND_RANK)), action.target)
