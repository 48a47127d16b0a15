"""Readiness for any rung of the ladder: who is a candidate, and targets two steps up (pure).

docs/RULES.md "Readiness of an employee for a role on date D":

- **Who is a candidate**: people whose current role has a path up the ladder to the target.
  Anyone else (staff outside the ladder, people at or above the target) is not: they appear in
  no bench and no count. ``candidate_roles`` answers the roles with such a path.
- **Targets more than one step up** (L1 to L3): the requirements, score and gates are evaluated
  on D as for the next role, but tenure counts whole months in the **feeder role**, the role
  just below the target on the path (0 for someone not yet in it, closing min_months after the
  projected promotion into it), and projected_ready_on is the promotion path's date for the
  target. ``evaluate_target`` does both; for the next role it is ``engine.evaluate``.

Choices made where docs/RULES.md is silent (keep this list in step with the code):

- The feeder role and the promotion date into it come from the promotion path that
  ``path.plan_path`` picks (the shortest chain projected ready first).
- A person who is ready on D (every gate met, score at the threshold) is ``ready_now`` even two
  steps up: "ready" is defined on D's facts. The path's date only replaces the projection of
  someone who is not ready.
- For the next role too, a candidate who is not ready takes the path's date: the engine's date,
  unless something lapses before it and its renewal closes later (the path plans that renewal,
  path.py). The bench, the plan and the path then give one date; the critical gap is that
  renewal, "PCI-AWARE lapses before then and must be renewed first (ends 2027-08-09)".
- When the path cannot be projected (a step has no date), neither can the target: the band is
  ``not_ready`` and the critical gap is the one that cannot be projected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from app.readiness.dates import add_months
from app.readiness.engine import DEFAULT_CONFIG, evaluate
from app.readiness.facts import FactIndex
from app.readiness.model import Catalogue, EmployeeFacts, LadderEdge, ReadinessConfig, Role
from app.readiness.path import PromotionPath, may_lapse_by, plan_path, shortest_chains
from app.readiness.results import (
    UNMET,
    Action,
    CriticalGap,
    ReadinessResult,
    RequirementResult,
    action_order,
    critical_gap,
)
from app.readiness.scoring import band_for

# The requirement kind an action renews, for the critical gap of a renewal the path plans.
RENEWED_KIND = {
    "renew": "certification",
    "request_check": "background_check",
    "schedule_assessment": "assessment",
}


def steps_to(
    current: str | None, target: str, roles: Mapping[str, Role], ladder: Iterable[LadderEdge]
) -> int | None:
    """How many promotions the ladder needs from ``current`` to ``target`` through defined
    roles; None when there is no such path (not a candidate)."""
    if current is None or current == target or target not in roles:
        return None
    chains = [
        chain
        for chain in shortest_chains(current, target, ladder)
        if all(code in roles for code in chain[1:])
    ]
    return len(chains[0]) - 1 if chains else None


def candidate_roles(
    target: str, roles: Mapping[str, Role], ladder: Iterable[LadderEdge]
) -> frozenset[str]:
    """The current roles whose holders are candidates for ``target``: a path up the ladder."""
    edges = tuple(ladder)
    codes = set(roles) | {e.from_role for e in edges} | {e.to_role for e in edges}
    return frozenset(code for code in codes if steps_to(code, target, roles, edges) is not None)


def evaluate_target(
    facts: EmployeeFacts,
    role: Role,
    roles: Mapping[str, Role],
    ladder: Iterable[LadderEdge],
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig = DEFAULT_CONFIG,
) -> ReadinessResult:
    """Readiness of ``facts`` for ``role`` on ``as_of``, however far up the ladder it is.

    A candidate who is not ready is projected to the promotion path's date for the role, so the
    bench, the plan and the path give one date: for the next role that is the engine's date,
    moved later only when something lapses before it and must be renewed first (see path.py).
    """
    edges = tuple(ladder)
    steps = steps_to(facts.role, role.code, roles, edges)
    if steps is None:
        return evaluate(facts, role, catalogue, as_of, config)
    if steps == 1:
        result = evaluate(facts, role, catalogue, as_of, config)
        if result.ready or result.projected_ready_on is None:
            return result
        if not may_lapse_by(facts, result, catalogue, config, result.projected_ready_on):
            return result  # the path's step would end on the same date: no walk needed
        path = plan_path(facts, role.code, roles, edges, catalogue, as_of, config, result)
        return _on_path_date(result, result.requirements, path, as_of, config)
    # One index of the facts on D for the path's first step and the target in the feeder role.
    index = FactIndex(facts, catalogue, as_of, config)
    path = plan_path(facts, role.code, roles, edges, catalogue, as_of, config, index=index)
    if len(path.steps) < 2:  # the walk stopped before the feeder role
        feeder, promoted = _feeder_of(facts.role, role.code, edges), None
    else:
        feeder, promoted = path.steps[-2].role, path.steps[-2].projected_ready_on
    in_feeder = replace(facts, role=feeder, role_since=None)
    result = evaluate(in_feeder, role, catalogue, as_of, config, index)
    requirements = tuple(_feeder_tenure(r, feeder, promoted) for r in result.requirements)
    if result.ready:
        return replace(result, requirements=requirements)
    return _on_path_date(result, requirements, path, as_of, config)


def _on_path_date(
    result: ReadinessResult,
    requirements: tuple[RequirementResult, ...],
    path: PromotionPath,
    as_of: date,
    config: ReadinessConfig,
) -> ReadinessResult:
    """The result projected to the path's date, with the gap that decides it."""
    projected = path.projected_ready_on
    if projected == result.projected_ready_on and requirements is result.requirements:
        return result
    critical = critical_gap(False, requirements, projected)
    if projected is not None and (critical is None or critical.projected_close_on != projected):
        critical = _path_critical(path, projected) or critical
    return replace(
        result,
        requirements=requirements,
        projected_ready_on=projected,
        band=band_for(False, projected, as_of, config),
        critical=critical,
    )


def _path_critical(path: PromotionPath, projected: date) -> CriticalGap | None:
    """The gap of the path that closes last, on ``projected``: the last step's own critical
    gap, or the renewal the path plans because something lapses before it."""
    last = path.steps[-1] if path.steps else None
    if last is None:
        return None
    own = last.readiness.critical if last.readiness else None
    if own is not None and own.projected_close_on == projected:
        return own
    closing = [a for a in last.actions if a.due_on == projected]
    if not closing:
        return own
    action = max(closing, key=action_order)
    return CriticalGap(
        RENEWED_KIND.get(action.kind, action.kind),
        action.target,
        projected,
        f"{action.target} lapses before then and must be renewed first (ends {projected})"
        if action.kind in RENEWED_KIND
        else _clause(action.description),
    )


def evaluate_many_targets(
    population: Iterable[EmployeeFacts],
    role: Role,
    roles: Mapping[str, Role],
    ladder: Iterable[LadderEdge],
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig = DEFAULT_CONFIG,
) -> list[ReadinessResult]:
    """``evaluate_target`` for many people, in the order given. ``engine.evaluate`` shares the
    results of identical situations across calls on one catalogue, so this is a bulk
    evaluation too; the paths are walked per person."""
    edges = tuple(ladder)
    return [evaluate_target(f, role, roles, edges, catalogue, as_of, config) for f in population]


def _clause(text: str) -> str:
    """A sentence as a clause after "ready in 6 months: " (codes keep their capitals)."""
    return text[:1].lower() + text[1:]


def _feeder_of(current: str | None, target: str, ladder: tuple[LadderEdge, ...]) -> str:
    chains = shortest_chains(current or "", target, ladder) if current else []
    return chains[0][-2] if chains else target


def _feeder_tenure(
    result: RequirementResult, feeder: str, promoted: date | None
) -> RequirementResult:
    """A tenure requirement two steps up counts months in the feeder role: none yet, closing
    min_months after the projected promotion into it."""
    if result.requirement.kind != "tenure" or result.status != UNMET:
        return result
    minimum = result.requirement.min_months or 0
    if promoted is None:
        return replace(
            result,
            evidence=f"0 months in {feeder} (not in it yet)",
            projected_close_on=None,
            next_action=None,
            actions=(),
            reason=f"{minimum} months in {feeder}, once promoted to it (no date can be projected)",
        )
    due = add_months(promoted, minimum)
    action = Action(
        kind="gain_tenure",
        target=feeder,
        due_on=due,
        description=f"Reach {minimum} months in {feeder} on {due}",
    )
    return replace(
        result,
        evidence=f"0 months in {feeder} (not in it yet)",
        projected_close_on=due,
        next_action=action,
        actions=(action,),
        reason=f"{minimum} months in {feeder} after the projected promotion to it on {promoted}",
    )
