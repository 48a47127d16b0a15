"""Promotion paths up the role ladder and the what-if "tick planned actions" (pure).

docs/RULES.md "Promotion path": walk the ladder (L1 -> L2 -> L3); readiness for the next role is
projected as in "Readiness"; after the projected promotion date, tenure in the new role counts
from that date. Each step lists the role, the gap actions in order, the estimated cost and the
projected date.

Choices made where docs/RULES.md is silent (keep this list in step with the code):

- The walk uses the shortest chains of ladder edges (fewest promotions) from the current role;
  when several shortest chains exist (at most 32 are compared), the one projected ready first
  wins, then the cheaper, then the role codes in order. ``typical_months`` of an edge is
  informational: the minimum time in a role is what the role's tenure requirement says.
- A step starts on the previous step's projected date (``as_of`` for the first). Its readiness
  is evaluated then; its actions are those of the unmet and expiring requirements that are due
  on or before the step's projected date (a renewal due after a ready-now promotion is not
  needed for it; the next role lists it again if it needs it), de-duplicated and ordered by due
  date, so prerequisites come first.
- The step's projected date is ``projected_ready_on``, then re-checked: the actions are assumed
  done on their due dates and readiness is evaluated again on the projected date; if something
  lapsed meanwhile (a certification, check or assessment that expires before the projected
  date), its renewal is planned from the projected date and the date moves to the new
  projection (at most 5 re-checks). This is cautious by the renewal's lead time: we do not try
  to time a renewal so that it lands exactly on the projected date. A re-check that cannot
  find anything (``may_lapse_by``: nothing expires by the date, every gap is closed by its
  action, no fact is dated after the step's start) is not evaluated: it would be ready, or
  find nothing to renew, and the step would be the same.
- For the next step the person is assumed promoted on the projected date (role and role_since
  change) and every action of the earlier steps done on its due date: a course completion (with
  its expiry, so certifications can lapse again), a clear check valid for the rescreen months,
  an assessment scoring exactly the required minimum (or the scale minimum when none is
  required), a manager rating at the required level, a completed qualification.
- Costs: enrol/renew cost the course's cost; apply_tuition costs the approved funded study's
  cost (0 when there is none: the amount is not known yet); checks, assessments, ratings and
  tenure cost 0 (the catalogue has no price for them).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Final

from app.readiness.dates import add_months
from app.readiness.engine import evaluate
from app.readiness.facts import FactIndex
from app.readiness.model import (
    Assessment,
    Catalogue,
    Check,
    Completion,
    Education,
    EmployeeFacts,
    LadderEdge,
    Rating,
    ReadinessConfig,
    Role,
)
from app.readiness.results import (
    EXPIRING,
    UNMET,
    ZERO,
    Action,
    ReadinessResult,
    action_order,
    order_actions,
)
from app.readiness.vocabulary import CHECK_CLEAR

MAX_CHAINS: Final = 32
MAX_RECHECKS: Final = 5


@dataclass(frozen=True)
class PathStep:
    """One promotion on the path: the role, its ordered actions, their cost and the date.

    ``starts_on`` is the date the step is evaluated from; ``readiness`` is that evaluation.
    """

    role: str
    projected_ready_on: date | None
    actions: tuple[Action, ...]
    cost: Decimal
    starts_on: date | None = None
    readiness: ReadinessResult | None = None


@dataclass(frozen=True)
class PromotionPath:
    """The steps to ``target_role``; empty with a ``reason`` when there is no path to walk."""

    target_role: str
    steps: tuple[PathStep, ...]
    total_cost: Decimal
    projected_ready_on: date | None
    reason: str | None = None


def apply_actions(
    facts: EmployeeFacts,
    actions: Iterable[Action],
    catalogue: Catalogue,
    config: ReadinessConfig = ReadinessConfig(),  # noqa: B008 - frozen, safe as a default
) -> EmployeeFacts:
    """Facts as if each action were done on its ``due_on`` (the what-if mode).

    docs/RULES.md "Promotion path": planned gap actions close their requirements; evaluating on a
    date >= due_on counts them, an earlier date does not.
    """
    completions = list(facts.completions)
    ratings = list(facts.ratings)
    checks = list(facts.checks)
    assessments = list(facts.assessments)
    education = list(facts.education)
    for action in actions:
        if action.kind in ("enrol", "renew"):
            course = catalogue.courses.get(action.target)
            validity = course.validity_months if course else None
            expires = add_months(action.due_on, validity) if validity else None
            completions.append(Completion(action.target, action.due_on, expires))
        elif action.kind == "request_check":
            check_type = catalogue.check_types.get(action.target)
            months = (
                check_type.rescreen_months if check_type else config.unknown_check_rescreen_months
            )
            checks.append(
                Check(action.target, CHECK_CLEAR, action.due_on, add_months(action.due_on, months))
            )
        elif action.kind == "schedule_assessment":
            instrument = catalogue.instruments.get(action.target)
            score = action.score
            if score is None:
                score = float(instrument.scale_min) if instrument else 1.0
            assessments.append(Assessment(action.target, action.due_on, score))
        elif action.kind == "rate_competency" and action.level is not None:
            ratings.append(Rating(action.target, action.level, action.due_on, "manager"))
        elif action.kind == "apply_tuition":
            education.append(Education(action.target, action.due_on))
        # gain_tenure needs no fact: tenure grows with the date.
    return replace(
        facts,
        completions=tuple(completions),
        ratings=tuple(ratings),
        checks=tuple(checks),
        assessments=tuple(assessments),
        education=tuple(education),
    )


def may_lapse_by(
    facts: EmployeeFacts,
    result: ReadinessResult,
    catalogue: Catalogue,
    config: ReadinessConfig,
    projected: date,
) -> bool:
    """Whether the path's re-check on ``projected`` could find something to do, so that the
    date may move (``_plan_step``): a met requirement that expires by then, a course, check or
    assessment the step's actions would take that would expire by then, a gap its actions do
    not close (no action or no date, tenure with no start date), or a fact of ``facts`` dated
    after ``result.as_of`` (it counts on the later date). Otherwise every gap is closed by its
    action and nothing lapses: the person is ready on the projected date and the step ends on
    it. Cautious: any doubt re-checks."""
    if _dated_after(facts, result.as_of):
        return True
    planned: dict[tuple[str, str], Action] = {}
    for requirement in result.requirements:
        if requirement.met:
            expires = requirement.expires_on
            if expires is not None and expires <= projected:
                return True
            continue
        if not requirement.actions or requirement.projected_close_on is None:
            return True
        if requirement.requirement.kind == "tenure" and facts.role_since is None:
            return True
        for action in requirement.actions:
            # One action per (kind, target) is kept: two gaps asking differently may not both close.
            if action.due_on > projected or planned.setdefault(action.key, action) != action:
                return True
            months = _validity_months(action, catalogue, config)
            if months is not None and add_months(action.due_on, months) <= projected:
                return True
    return False


def _validity_months(action: Action, catalogue: Catalogue, config: ReadinessConfig) -> int | None:
    """How long what the action takes stays valid (None: for good, or nothing to lapse)."""
    if action.kind in ("enrol", "renew"):
        course = catalogue.courses.get(action.target)
        return course.validity_months if course else None
    if action.kind == "request_check":
        check_type = catalogue.check_types.get(action.target)
        return check_type.rescreen_months if check_type else config.unknown_check_rescreen_months
    if action.kind == "schedule_assessment":
        instrument = catalogue.instruments.get(action.target)
        return instrument.validity_months if instrument else 1
    return None


def _dated_after(facts: EmployeeFacts, day: date) -> bool:
    """Whether any fact is dated after ``day`` (a pending check has no date yet)."""
    return (
        any(c.completed_on > day for c in facts.completions)
        or any(r.rated_on > day for r in facts.ratings)
        or any(c.completed_on is not None and c.completed_on > day for c in facts.checks)
        or any(a.conducted_on > day for a in facts.assessments)
        or any(e.completed_on > day for e in facts.education)
    )


def _step_actions(result: ReadinessResult, projected: date | None) -> tuple[Action, ...]:
    """Actions of unmet and expiring requirements that are due by the projected date."""
    return order_actions(
        action
        for requirement in result.requirements
        if requirement.status in (UNMET, EXPIRING)
        for action in requirement.actions
        if projected is None or action.due_on <= projected
    )


def _plan_step(
    facts: EmployeeFacts,
    role: Role,
    catalogue: Catalogue,
    starts_on: date,
    config: ReadinessConfig,
    readiness: ReadinessResult | None = None,
    always_recheck: bool = False,
    index: FactIndex | None = None,
    then: bool = True,
) -> tuple[PathStep, EmployeeFacts | None, FactIndex | None]:
    """Project one promotion from ``starts_on`` and return the facts with its actions done
    (``readiness``: the evaluation of ``facts`` for ``role`` on ``starts_on``, when known;
    ``index``: the index of ``facts`` on ``starts_on``, likewise), and the index of those
    facts on the step's projected date when a re-check made it (None otherwise). With
    ``then`` False (the last step: nothing follows it) the facts are made only if a re-check
    needs them, and may be None.

    A re-check that could not find anything to renew (``may_lapse_by`` is False) is skipped;
    ``always_recheck`` evaluates it anyway and builds every index afresh (the reference the
    tests compare with)."""
    if always_recheck:
        index = None
    if readiness is None:
        readiness = evaluate(facts, role, catalogue, starts_on, config, index)
    projected = readiness.projected_ready_on
    actions = _step_actions(readiness, projected)
    planned: EmployeeFacts | None = None  # ``facts`` with ``actions`` done, once needed
    planned_index: FactIndex | None = None  # of ``planned`` on ``projected``
    latest = readiness
    for _ in range(MAX_RECHECKS):
        if projected is None:
            break
        if not always_recheck and not may_lapse_by(facts, latest, catalogue, config, projected):
            break  # every gap closed by its action and nothing lapsing: ready on projected
        if planned is None:
            planned = apply_actions(facts, actions, catalogue, config)
        planned_index = FactIndex(planned, catalogue, projected, config)
        recheck = evaluate(planned, role, catalogue, projected, config, planned_index)
        if recheck.ready:
            break
        extra = _step_actions(recheck, recheck.projected_ready_on)
        if not extra:
            break
        # A renewal found here is a second, later step on the same target: keep both.
        actions = tuple(sorted((*actions, *extra), key=action_order))
        planned = apply_actions(planned, extra, catalogue, config)
        planned_index = None
        projected = recheck.projected_ready_on
        latest = recheck
    if planned is None and then:
        planned = apply_actions(facts, actions, catalogue, config)
    cost = sum((action.cost for action in actions), ZERO)
    step = PathStep(role.code, projected, actions, cost, starts_on, readiness)
    return step, planned, None if always_recheck else planned_index


def _distances(start: str, neighbours: Mapping[str, list[str]]) -> dict[str, int]:
    distance = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in neighbours.get(node, []):
            if nxt not in distance:
                distance[nxt] = distance[node] + 1
                queue.append(nxt)
    return distance


def shortest_chains(
    start: str, target: str, ladder: Iterable[LadderEdge], limit: int = MAX_CHAINS
) -> list[tuple[str, ...]]:
    """Every shortest chain of ladder edges from ``start`` to ``target`` (at most ``limit``).

    docs/RULES.md "Role ladder": a path can skip levels only through the roles in between.
    """
    return list(_shortest_chains(start, target, tuple(ladder), limit))


@lru_cache(maxsize=1024)
def _shortest_chains(
    start: str, target: str, ladder: tuple[LadderEdge, ...], limit: int
) -> tuple[tuple[str, ...], ...]:
    """``shortest_chains`` of one ladder (frozen edges: the whole ladder is the cache key)."""
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    for edge in ladder:
        forward.setdefault(edge.from_role, []).append(edge.to_role)
        backward.setdefault(edge.to_role, []).append(edge.from_role)
    for targets in forward.values():
        targets.sort()
    from_start = _distances(start, forward)
    if target not in from_start:
        return ()
    to_target = _distances(target, backward)
    length = from_start[target]
    chains: list[tuple[str, ...]] = []

    def walk(node: str, chain: tuple[str, ...]) -> None:
        if len(chains) >= limit:
            return
        if node == target:
            chains.append(chain)
            return
        for nxt in dict.fromkeys(forward.get(node, [])):
            if (
                from_start.get(nxt) == from_start[node] + 1
                and to_target.get(nxt) == length - from_start[nxt]
            ):
                walk(nxt, (*chain, nxt))

    walk(start, (start,))
    return tuple(chains)


def _plan_chain(
    facts: EmployeeFacts,
    chain: tuple[str, ...],
    roles: Mapping[str, Role],
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig,
    first: ReadinessResult | None = None,
    always_recheck: bool = False,
    index: FactIndex | None = None,
) -> PromotionPath:
    current = facts
    starts_on = as_of
    steps: list[PathStep] = []
    for position, code in enumerate(chain[1:], start=2):
        known = first if not steps and first is not None and first.role == code else None
        then = position < len(chain)
        step, done, index = _plan_step(
            current, roles[code], catalogue, starts_on, config, known, always_recheck, index, then
        )
        steps.append(step)
        if step.projected_ready_on is None or done is None:
            break
        current = replace(done, role=code, role_since=step.projected_ready_on)
        starts_on = step.projected_ready_on
    projected = steps[-1].projected_ready_on if steps else None
    return PromotionPath(
        target_role=chain[-1],
        steps=tuple(steps),
        total_cost=sum((step.cost for step in steps), ZERO),
        projected_ready_on=projected,
        reason=None if projected else "Readiness cannot be projected along this path.",
    )


def _empty(target_role: str, reason: str) -> PromotionPath:
    return PromotionPath(target_role, (), ZERO, None, reason)


def plan_path(
    facts: EmployeeFacts,
    target_role: str,
    roles: Mapping[str, Role],
    ladder: Iterable[LadderEdge],
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig = ReadinessConfig(),  # noqa: B008 - frozen, safe as a default
    first: ReadinessResult | None = None,
    *,
    always_recheck: bool = False,
    index: FactIndex | None = None,
) -> PromotionPath:
    """The promotion path from the employee's current role to ``target_role``.

    ``first``: the readiness of ``facts`` on ``as_of`` for the first step's role, when the
    caller has it already (it is not evaluated again); ``index``: the ``FactIndex`` of
    ``facts`` on ``as_of``, likewise (the role is no part of it). ``always_recheck``: evaluate
    every re-check, even one that cannot find anything, and build every fact index afresh
    (the reference; the path is the same).

    docs/RULES.md "Promotion path": per step the role, the ordered gap actions, the estimated cost
    and the projected date; tenure in a new role counts from the projected promotion date.
    """
    if target_role not in roles:
        return _empty(target_role, f"Unknown target role {target_role}.")
    if facts.role is None:
        return _empty(target_role, "The employee has no current role.")
    if facts.role == target_role:
        return _empty(target_role, f"Already in {target_role}.")
    chains = shortest_chains(facts.role, target_role, ladder)
    if not chains:
        return _empty(target_role, f"No ladder path from {facts.role} to {target_role}.")
    usable = [chain for chain in chains if all(code in roles for code in chain[1:])]
    if not usable:
        missing = sorted({code for chain in chains for code in chain[1:] if code not in roles})
        return _empty(target_role, f"Roles on the ladder are not defined: {', '.join(missing)}.")
    plans = [
        _plan_chain(facts, chain, roles, catalogue, as_of, config, first, always_recheck, index)
        for chain in usable
    ]
    return min(
        plans,
        key=lambda p: (
            p.projected_ready_on is None,
            p.projected_ready_on or date.max,
            p.total_cost,
            tuple(step.role for step in p.steps),
        ),
    )
