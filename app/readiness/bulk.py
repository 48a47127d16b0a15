"""Bulk evaluation: requirement results shared between employees in the same situation.

docs/RULES.md "Readiness of an employee for a role on date D", evaluated for a population: the
results equal one-by-one evaluation (``engine.evaluate_unshared``) result for result.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from fractions import Fraction
from typing import Final

from app.readiness.evaluators import EVALUATORS
from app.readiness.facts import Context, FactIndex, Granted, counting_certification
from app.readiness.model import Catalogue, EmployeeFacts, Rating, ReadinessConfig, Requirement, Role
from app.readiness.projections import done_prerequisites, seats_key
from app.readiness.results import (
    UNMET,
    Band,
    ReadinessResult,
    RequirementResult,
    readiness_result,
)
from app.readiness.scoring import band_for, score_of

#: Distinct requirement situations kept per (role, date, config) before the store starts over.
SHARED_LIMIT: Final = 500_000

# --------------------------------------------------------------------------- bulk evaluation
#
# An organisation of thousands holds few distinct situations per requirement: most people's
# PCI certification was renewed on one of a few hundred dates, most have the same check status.
# evaluate_many keys each requirement by exactly the facts its evaluator reads and evaluates
# each distinct key once; results are frozen, so equal keys share one RequirementResult.
# Each key function below must name every input its evaluator reads (tests/unit/
# test_readiness_bulk.py checks evaluate_many against evaluate on random organisations).


def _key_course(req: Requirement, ctx: Context) -> Hashable:
    code = req.target or ""
    done = ctx.index.completions.get(code)
    if done:
        return ("met", max(c.completed_on for c in done))
    prerequisites = done_prerequisites(code, ctx)
    return ("open", prerequisites, seats_key(code, ctx, prerequisites))


def _key_certification(req: Requirement, ctx: Context) -> Hashable:
    code = req.target or ""
    done = ctx.index.completions.get(code)
    prerequisites = done_prerequisites(code, ctx)
    seated = seats_key(code, ctx, prerequisites)
    if not done:
        return ("none", prerequisites, seated)
    completion, expires = counting_certification(done, ctx)
    return ("held", completion.completed_on, expires, prerequisites, seated)


def _key_competency(req: Requirement, ctx: Context) -> Hashable:
    code = req.target or ""
    rating = ctx.index.ratings.get(code)
    granted = ctx.index.granted.get(code)
    # Only the source that sets the level is read (a grant wins only when strictly higher).
    source: Rating | Granted | None = rating
    if granted is not None and (rating is None or granted.level > rating.level):
        source = granted
    if (source.level if source else 0) >= (req.min_level or 0):
        return ("met", source)
    plans = tuple(
        (prerequisites, seats_key(course, ctx, prerequisites))
        for course in ctx.catalogue.courses_granting(code, req.min_level or 0)
        for prerequisites in (done_prerequisites(course, ctx),)
    )
    return ("open", source, plans)


def _key_background_check(req: Requirement, ctx: Context) -> Hashable:
    return tuple(ctx.index.checks.get(req.target or "", ()))


def _key_assessment(req: Requirement, ctx: Context) -> Hashable:
    return ctx.index.assessments.get(req.target or "")


def _key_tenure(req: Requirement, ctx: Context) -> Hashable:
    return (ctx.facts.role_since, ctx.facts.role)


def _key_education(req: Requirement, ctx: Context) -> Hashable:
    code = req.target or ""
    return (ctx.index.education.get(code), tuple(ctx.index.funded.get(code, ())))


KEYS: Final[dict[str, Callable[[Requirement, Context], Hashable]]] = {
    "competency": _key_competency,
    "course": _key_course,
    "certification": _key_certification,
    "background_check": _key_background_check,
    "assessment": _key_assessment,
    "tenure": _key_tenure,
    "education": _key_education,
}


class Shared:
    """Results shared between evaluations of one role on one date under one config.

    Held in the catalogue's bounded memo, which also keeps ``role`` and ``config`` alive, so
    their ids (part of the memo key) cannot be reused by other objects meanwhile. It holds no
    reference back to the catalogue: no reference cycle outlives a request.
    """

    def __init__(self, role: Role, config: ReadinessConfig) -> None:
        self.role = role
        self.config = config
        self.requirements = tuple(enumerate(role.requirements))
        self.weights = [requirement.weight for requirement in role.requirements]
        self.mandatory = [requirement.mandatory for requirement in role.requirements]
        self.results: dict[Hashable, tuple[RequirementResult, Fraction]] = {}
        # Equal attainments are made one object, kept alive here, so ids identify them.
        self.attainments: dict[Fraction, Fraction] = {}
        self.scores: dict[tuple[int, ...], float] = {}
        self.bands: dict[tuple[bool, date | None], Band] = {}


def shared_for(role: Role, catalogue: Catalogue, as_of: date, config: ReadinessConfig) -> Shared:
    key = ("shared", id(role), id(config), as_of)
    shared = catalogue.memoized(key, lambda: Shared(role, config))
    if shared.role is not role or shared.config is not config:  # pragma: no cover - see Shared
        raise RuntimeError("shared readiness results out of step with their role")
    return shared


def evaluate_shared(
    facts: EmployeeFacts,
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig,
    shared: Shared,
    index: FactIndex | None = None,
) -> ReadinessResult:
    """``engine.evaluate`` with the results of ``shared``; ``index``: the index of ``facts``
    on ``as_of``, when the caller has it (it is not built again)."""
    if index is None:
        index = FactIndex(facts, catalogue, as_of, config)
    elif index.as_of != as_of or index.catalogue is not catalogue:
        raise ValueError("the fact index is not the index of this date and catalogue")
    ctx = Context(facts, index, catalogue, as_of, config)
    memo = shared.results
    results: list[RequirementResult] = []
    attainments: list[Fraction] = []
    for position, requirement in shared.requirements:
        key = (position, KEYS[requirement.kind](requirement, ctx))
        pair = memo.get(key)
        if pair is None:
            if len(memo) >= SHARED_LIMIT:
                memo.clear()
            result, attainment = EVALUATORS[requirement.kind](requirement, ctx)
            attainment = shared.attainments.setdefault(attainment, attainment)
            pair = memo[key] = (result, attainment)
        results.append(pair[0])
        attainments.append(pair[1])
    signature = tuple(map(id, attainments))
    score = shared.scores.get(signature)
    if score is None:
        score = shared.scores[signature] = score_of(zip(shared.weights, attainments, strict=True))
    gates_met = all(
        r.status != UNMET for r, gate in zip(results, shared.mandatory, strict=True) if gate
    )
    ready = gates_met and score >= config.ready_threshold
    if ready:
        projected: date | None = as_of
    else:
        projected = max(
            (r.projected_close_on for r in results if r.status == UNMET and r.projected_close_on),
            default=None,
        )
    band = shared.bands.get((ready, projected))
    if band is None:
        band = shared.bands[(ready, projected)] = band_for(ready, projected, as_of, config)
    summary = (score, gates_met, ready, band, projected)
    return readiness_result(facts.employee_id, shared.role.code, as_of, summary, results)
