"""Readiness of an employee for a role on date D: statuses, score, gates, projection, band.

docs/RULES.md "Readiness of an employee for a role on date D" with the met-rules of "Requirements of
a role", "Competencies", "Training" and "Background checks". Pure: ``as_of`` is an argument and
every fact dated after it is ignored.

Choices made where docs/RULES.md is silent (keep this list in step with the code):

- Facts: a completion without ``expires_on`` expires ``validity_months`` after it when the
  catalogue course has a validity; a clear check without ``valid_until`` is valid for the check
  type's ``rescreen_months``. An assessment with ``overall`` None is not scored yet and ignored.
- course requirement: any completion on or before D meets it, even of a course that has a
  validity (use a certification requirement for a course that must stay valid). It never expires.
- certification: the completion that lapses last counts (renewal counts from the new
  completion). It is "expiring" when D >= expires_on - window, and stays met (expiring) during
  ``certification_grace_days`` after expires_on. A certification whose course has no validity
  is met for good.
- competency: same-day non-self ratings resolve to the higher level. Course grants still count
  after the course's certification lapses (the rule has no expiry for grants). A
  min_level of 0 is always met. No evidence at all gives ``actual`` None (level 0 for attainment).
- background check: the clear check that lapses last counts; "expiring" when
  valid_until - D <= window. When unmet, ``actual`` is the status word of the most recent check
  (a pending check without completed_on counts as the most recent; a lapsed clear check shows as
  "expired"). The projection is D + turnaround_days even for review_required / not_cleared.
- assessment: a valid assessment is "expiring" when it lapses within the window. min_score None
  means any valid scored assessment meets it.
- tenure: counts months in the current role (facts.role) whatever the target role is; with no
  role_since the months are 0 and the projection is D + min_months.
- education: the projection uses the approved funded study with the earliest ends_on on or after
  D (one that already ended but is not yet recorded closes on D); else D + 12 months (cfg).
- Projection of a course: its prerequisites not yet completed (a completion on or before D, even
  expired, satisfies a prerequisite) are taken first, in declaration order, depth first, one
  after another: each session must start after the previous one ends (the day after it at the
  earliest). With no session with seats, a course takes default_duration_days from its earliest
  start. A competency gap takes the granting course (with its prerequisites) that closes first,
  then the cheaper (course costs summed over the chain), then the course code; a gap no course
  can close takes 6 months (cfg) per missing level.
- ``projected_close_on`` of an expiring requirement is the date its renewal would complete under
  the same rules (next session, D + turnaround_days, D + 30 days); it is None when met.
- ``next_action`` is the first thing to do: for a course with open prerequisites it is the first
  prerequisite's enrolment; ``actions`` holds the whole ordered plan for the requirement.
- Score: rounded half-up to one decimal as if computed exactly from the decimal values given
  (floats for speed, exact fractions near a tie); all weights 0 (or no requirements) scores
  100. ``ready`` compares the rounded score with the threshold, so what is shown is what decides.
- projected_ready_on follows docs/RULES.md literally: D when ready, otherwise the latest close date
  of the unmet requirements, mandatory or not, i.e. the date every gap is closed. We do not
  project an earlier date at which a subset of the optional gaps would already reach the
  threshold: the path lists and costs every gap, so its date must cover them all. Renewals of
  expiring requirements do not move the date (they are assumed to be renewed in time).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from fractions import Fraction
from typing import Final

from app.readiness.bulk import evaluate_shared, shared_for
from app.readiness.evaluators import EVALUATORS
from app.readiness.facts import Context, FactIndex
from app.readiness.model import Catalogue, EmployeeFacts, ReadinessConfig, Role
from app.readiness.results import Band, ReadinessResult, RequirementResult, readiness_result
from app.readiness.scoring import band_for, score_of

DEFAULT_CONFIG: Final = ReadinessConfig()


def evaluate(
    facts: EmployeeFacts,
    role: Role,
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig = DEFAULT_CONFIG,
    index: FactIndex | None = None,
) -> ReadinessResult:
    """Readiness of ``facts`` for ``role`` on ``as_of`` (``index``: the ``FactIndex`` of the
    same facts on ``as_of``, when the caller has it: it is not built again).

    docs/RULES.md "Readiness of an employee for a role on date D": per requirement status, actual
    and attainment; score, gates_met, ready, projected_ready_on and band. Calls for the same
    role, date and config on one catalogue share the results of identical situations (see
    "bulk evaluation" below), so evaluating a population one by one is also fast.
    """
    _check_as_of(as_of)
    shared = shared_for(role, catalogue, as_of, config)
    return evaluate_shared(facts, catalogue, as_of, config, shared, index)


def evaluate_unshared(
    facts: EmployeeFacts,
    role: Role,
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig = DEFAULT_CONFIG,
) -> ReadinessResult:
    """The reference evaluation: every requirement evaluated afresh, nothing shared.

    Equal to ``evaluate``; tests compare the shared evaluation with it.
    """
    _check_as_of(as_of)
    ctx = Context(facts, FactIndex(facts, catalogue, as_of, config), catalogue, as_of, config)
    results: list[RequirementResult] = []
    weighted: list[tuple[float, Fraction]] = []
    for requirement in role.requirements:
        result, attainment = EVALUATORS[requirement.kind](requirement, ctx)
        results.append(result)
        weighted.append((requirement.weight, attainment))
    summary = _summary(results, weighted, as_of, config)
    return readiness_result(facts.employee_id, role.code, as_of, summary, results)


def _check_as_of(as_of: object) -> None:
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise TypeError("as_of must be a date (not a datetime).")


def _summary(
    results: list[RequirementResult],
    weighted: list[tuple[float, Fraction]],
    as_of: date,
    config: ReadinessConfig,
) -> tuple[float, bool, bool, Band, date | None]:
    """Score, gates_met, ready, band and projected_ready_on from the requirement results."""
    score = score_of(weighted)
    gates_met = all(r.met for r in results if r.requirement.mandatory)
    ready = gates_met and score >= config.ready_threshold
    if ready:
        projected: date | None = as_of
    else:
        closes = [r.projected_close_on for r in results if not r.met and r.projected_close_on]
        projected = max(closes) if closes else None
    return score, gates_met, ready, band_for(ready, projected, as_of, config), projected


def evaluate_many(
    population: Iterable[EmployeeFacts],
    role: Role,
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig = DEFAULT_CONFIG,
) -> list[ReadinessResult]:
    """Readiness of many employees for one role on one date, in the order given.

    Equal, result for result, to ``[evaluate_unshared(f, role, catalogue, as_of, config) for f
    in population]``, but each distinct situation of a requirement is evaluated once.
    """
    _check_as_of(as_of)
    shared = shared_for(role, catalogue, as_of, config)
    return [evaluate_shared(f, catalogue, as_of, config, shared) for f in population]
