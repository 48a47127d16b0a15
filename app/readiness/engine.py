"""Readiness of an employee for a role on date D: statuses, score, gates, projection, band.

DOMAIN.md "Readiness of an employee for a role on date D" with the met-rules of "Requirements of
a role", "Competencies", "Training" and "Background checks". Pure: ``as_of`` is an argument and
every fact dated after it is ignored.

Choices made where DOMAIN.md is silent (keep this list in step with the code):

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
  after the course's certification lapses (the DOMAIN rule has no expiry for grants). A
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
- projected_ready_on follows DOMAIN.md literally: D when ready, otherwise the latest close date
  of the unmet requirements, mandatory or not, i.e. the date every gap is closed. We do not
  project an earlier date at which a subset of the optional gaps would already reach the
  threshold: the path lists and costs every gap, so its date must cover them all. Renewals of
  expiring requirements do not move the date (they are assumed to be renewed in time).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from typing import Final, Literal

from app.readiness.dates import add_months, whole_months_between
from app.readiness.model import (
    CHECK_CLEAR,
    Assessment,
    Catalogue,
    Check,
    Completion,
    EmployeeFacts,
    FundedStudy,
    Rating,
    ReadinessConfig,
    Requirement,
    Role,
)

Status = Literal["met", "unmet", "expiring"]
Band = Literal["ready_now", "ready_1y", "ready_2y", "not_ready"]

MET: Final = "met"
UNMET: Final = "unmet"
EXPIRING: Final = "expiring"
ZERO: Final = Decimal("0.00")
ONE_DECIMAL: Final = Decimal("0.1")
FULLY: Final = Fraction(1)
NOT_AT_ALL: Final = Fraction(0)
#: Distinct requirement situations kept per (role, date, config) before the store starts over.
SHARED_LIMIT: Final = 500_000
#: How close (in tenths of a point) a float score may come to a rounding tie before the score
#: is recomputed exactly; float error on a sum of weights is many orders of magnitude smaller.
_TIE_MARGIN: Final = 1e-6

#: DOMAIN.md "Promotion path" order of gap actions; tenure and ratings come last.
ACTION_KINDS: Final = (
    "enrol",
    "renew",
    "request_check",
    "schedule_assessment",
    "apply_tuition",
    "gain_tenure",
    "rate_competency",
)


@dataclass(frozen=True)
class Action:
    """One gap-closing step, assumed done on ``due_on`` (DOMAIN.md "Promotion path").

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

    DOMAIN.md: status met / unmet / expiring (met, but lapses within 90 days (cfg) after D);
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

    @property
    def met(self) -> bool:
        """True when met or expiring (an expiring requirement is still met)."""
        return self.status != UNMET


@dataclass(frozen=True)
class ReadinessResult:
    """Score, gates, readiness, projection and band of an employee for a role on D.

    DOMAIN.md: score = 100 x sum(weight x attainment) / sum(weight), one decimal; gates_met =
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


def order_actions(actions: Iterable[Action]) -> tuple[Action, ...]:
    """De-duplicate actions (earliest due wins) and order them by due date, then kind.

    DOMAIN.md "Promotion path": the gap actions in order; a prerequisite is always due before
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
    """Sort key of the plan: due date, then the DOMAIN.md order of action kinds, then target."""
    return (action.due_on, _KIND_RANK.get(action.kind, len(_KIND_RANK)), action.target)


# --------------------------------------------------------------------------- fact index


@dataclass(frozen=True)
class _Granted:
    level: int
    course: str
    completed_on: date


class _Facts:
    """The employee's facts known on D, indexed once per evaluation (O(facts))."""

    def __init__(
        self, facts: EmployeeFacts, catalogue: Catalogue, as_of: date, config: ReadinessConfig
    ) -> None:
        self.completions: dict[str, list[Completion]] = {}
        self.granted: dict[str, _Granted] = {}
        for completion in facts.completions:
            if completion.completed_on > as_of:
                continue
            self.completions.setdefault(completion.course, []).append(completion)
            course = catalogue.courses.get(completion.course)
            if course is None:
                continue
            for competency, level in course.grants:
                best = self.granted.get(competency)
                if best is None or (level, completion.completed_on) > (
                    best.level,
                    best.completed_on,
                ):
                    self.granted[competency] = _Granted(level, course.code, completion.completed_on)

        self.ratings: dict[str, Rating] = {}
        for rating in facts.ratings:
            if rating.source == "self" or rating.rated_on > as_of:
                continue
            latest = self.ratings.get(rating.competency)
            if latest is None or (rating.rated_on, rating.level) > (latest.rated_on, latest.level):
                self.ratings[rating.competency] = rating

        self.checks: dict[str, list[Check]] = {}
        for check in facts.checks:
            if check.completed_on is not None and check.completed_on > as_of:
                continue
            self.checks.setdefault(check.type, []).append(check)

        self.assessments: dict[str, Assessment] = {}
        for assessment in facts.assessments:
            if assessment.overall is None or assessment.conducted_on > as_of:
                continue
            latest_a = self.assessments.get(assessment.instrument)
            if latest_a is None or (assessment.conducted_on, assessment.overall) > (
                latest_a.conducted_on,
                latest_a.overall or 0.0,
            ):
                self.assessments[assessment.instrument] = assessment

        self.education: dict[str, date] = {}
        for record in facts.education:
            if record.completed_on > as_of:
                continue
            first = self.education.get(record.qualification)
            if first is None or record.completed_on < first:
                self.education[record.qualification] = record.completed_on

        self.funded: dict[str, list[FundedStudy]] = {}
        for study in facts.funded_studies:
            if study.approved:
                self.funded.setdefault(study.qualification, []).append(study)

    def done(self, course: str) -> bool:
        """A course is done (as a prerequisite) once completed on or before D."""
        return course in self.completions


@dataclass(frozen=True)
class _Context:
    facts: EmployeeFacts
    index: _Facts
    catalogue: Catalogue
    as_of: date
    config: ReadinessConfig


@dataclass(frozen=True)
class _Plan:
    close_on: date
    cost: Decimal
    actions: tuple[Action, ...]


@lru_cache(maxsize=4096)
def _exact(value: float | int) -> Fraction:
    """The exact decimal value as written (0.1 is 1/10, not the binary float)."""
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def _ratio(value: Fraction | int, minimum: Fraction | int) -> Fraction:
    """DOMAIN.md attainment min(value / minimum, 1), floored at 0; a minimum of 0 is attained."""
    if minimum <= 0 or value >= minimum:
        return FULLY
    if value <= 0:
        return NOT_AT_ALL
    return Fraction(value) / minimum


def _days(n: int) -> timedelta:
    return timedelta(days=n)


# --------------------------------------------------------------------------- course plans


def _prerequisite_chain(course: str, catalogue: Catalogue, done: frozenset[str]) -> list[str]:
    """Courses to take for ``course``: open prerequisites depth first, then ``course`` itself."""
    order: list[str] = []
    placed: set[str] = set()

    def visit(code: str, path: frozenset[str]) -> None:
        found = catalogue.courses.get(code)
        for prerequisite in found.prerequisites if found else ():
            if prerequisite in placed or prerequisite in path or prerequisite in done:
                continue
            visit(prerequisite, path | {prerequisite})
        placed.add(code)
        order.append(code)

    visit(course, frozenset({course}))
    return order


def _done_prerequisites(course: str, ctx: _Context) -> frozenset[str]:
    """The prerequisites of ``course`` (direct or not) the employee has done by D."""
    closure = ctx.catalogue.prerequisite_closure(course)
    return frozenset(p for p in closure if ctx.index.done(p)) if closure else closure


def _plan_course(course: str, ctx: _Context, *, renew: bool = False) -> _Plan:
    """Plan ``course`` from D: prerequisites one after another, each in its next open session.

    DOMAIN.md projection: "the end of the next session that starts on or after D, else D +
    default_duration_days. Prerequisites not yet done come first, one after another."
    The plan depends only on the catalogue, D and which prerequisites are done, so it is
    memoized on the catalogue for bulk evaluation.
    """
    catalogue = ctx.catalogue
    done = _done_prerequisites(course, ctx)
    fallback_days = ctx.config.unknown_course_duration_days
    key = ("plan", course, ctx.as_of, renew, done, fallback_days)
    return catalogue.memoized(
        key, lambda: _compute_course_plan(course, catalogue, ctx.as_of, renew, done, fallback_days)
    )


def _compute_course_plan(
    course: str,
    catalogue: Catalogue,
    as_of: date,
    renew: bool,
    done: frozenset[str],
    fallback_days: int,
) -> _Plan:
    earliest = as_of
    actions: list[Action] = []
    total = ZERO
    close_on = earliest
    for code in _prerequisite_chain(course, catalogue, done):
        found = catalogue.courses.get(code)
        title = found.title if found else code
        cost = found.cost if found else ZERO
        kind = "renew" if renew and code == course else "enrol"
        verb = "Renew" if kind == "renew" else "Enrol in"
        session = catalogue.next_session(code, earliest)
        if session is not None:
            close_on = session.ends_on
            description = (
                f"{verb} {title} ({code}): session {session.starts_on.isoformat()} "
                f"to {session.ends_on.isoformat()}"
            )
            starts_on: date | None = session.starts_on
            session_id = session.id
        else:
            duration = found.default_duration_days if found else fallback_days
            close_on = earliest + _days(duration)
            description = (
                f"{verb} {title} ({code}): no open session scheduled, "
                f"about {duration} days from {earliest.isoformat()}"
            )
            starts_on = None
            session_id = None
        actions.append(
            Action(
                kind=kind,
                target=code,
                due_on=close_on,
                cost=cost,
                session_id=session_id,
                description=description,
                starts_on=starts_on,
            )
        )
        total += cost
        earliest = close_on + _days(1)
    return _Plan(close_on, total, tuple(actions))


# --------------------------------------------------------------------------- requirement kinds


def _result(
    req: Requirement,
    status: Status,
    required: int | float | str,
    actual: int | float | str | date | None,
    attainment: Fraction,
    *,
    expires_on: date | None = None,
    evidence: str | None = None,
    plan: _Plan | None = None,
) -> tuple[RequirementResult, Fraction]:
    if status == MET:
        plan = None
    if status != UNMET:
        attainment = FULLY
    actions = plan.actions if plan else ()
    result = RequirementResult(
        requirement=req,
        status=status,
        required=required,
        actual=actual,
        attainment=1.0
        if attainment is FULLY
        else 0.0
        if attainment is NOT_AT_ALL
        else float(attainment),
        expires_on=expires_on,
        projected_close_on=plan.close_on if plan else None,
        evidence=evidence,
        next_action=actions[0] if actions else None,
        actions=actions,
    )
    return result, attainment


def _lapse_status(lapses_on: date, as_of: date, window_days: int) -> Status:
    """DOMAIN.md: expiring when D >= expires_on - 90 days (cfg), i.e. lapses within the window."""
    return EXPIRING if (lapses_on - as_of).days <= window_days else MET


def _single(action: Action) -> _Plan:
    return _Plan(action.due_on, action.cost, (action,))


def _eval_course(req: Requirement, ctx: _Context) -> tuple[RequirementResult, Fraction]:
    """DOMAIN.md course: met when a completion exists with completed_on <= D."""
    code = req.target or ""
    done = ctx.index.completions.get(code)
    if done:
        latest = max(c.completed_on for c in done)
        return _result(req, MET, "completed", latest, FULLY, evidence=f"{code} completed {latest}")
    return _result(req, UNMET, "completed", None, NOT_AT_ALL, plan=_plan_course(code, ctx))


def _expires_on(completion: Completion, ctx: _Context) -> date | None:
    if completion.expires_on is not None:
        return completion.expires_on
    course = ctx.catalogue.courses.get(completion.course)
    if course is None or course.validity_months is None:
        return None
    return add_months(completion.completed_on, course.validity_months)


def _counting_certification(
    done: list[Completion], ctx: _Context
) -> tuple[Completion, date | None]:
    """The completion that lapses last (one that never lapses wins) and its expiry."""
    dated = [(c, _expires_on(c, ctx)) for c in done]
    return max(dated, key=lambda ce: (ce[1] is None, ce[1] or date.min))


def _eval_certification(req: Requirement, ctx: _Context) -> tuple[RequirementResult, Fraction]:
    """DOMAIN.md certification: met when completed_on <= D < expires_on (no grace by default)."""
    code = req.target or ""
    done = ctx.index.completions.get(code)
    if not done:
        return _result(req, UNMET, "valid", None, NOT_AT_ALL, plan=_plan_course(code, ctx))
    completion, expires = _counting_certification(done, ctx)
    completed = completion.completed_on
    if expires is None:
        return _result(
            req, MET, "valid", completed, FULLY, evidence=f"{code} completed {completed}"
        )
    lapses_on = expires + _days(ctx.config.certification_grace_days)
    if ctx.as_of < lapses_on:
        status = _lapse_status(expires, ctx.as_of, ctx.config.expiring_window_days)
        return _result(
            req,
            status,
            "valid",
            completed,
            FULLY,
            expires_on=expires,
            evidence=f"{code} completed {completed}, expires {expires}",
            plan=_plan_course(code, ctx, renew=True),
        )
    return _result(
        req,
        UNMET,
        "valid",
        completed,
        NOT_AT_ALL,
        expires_on=expires,
        evidence=f"{code} completed {completed}, expired {expires}",
        plan=_plan_course(code, ctx, renew=True),
    )


def _eval_competency(req: Requirement, ctx: _Context) -> tuple[RequirementResult, Fraction]:
    """DOMAIN.md competency: met when the current level on D >= min_level.

    Current level = max(latest non-self rating on or before D, highest level granted by a
    course completed on or before D); attainment min(level / min_level, 1).
    """
    code = req.target or ""
    minimum = req.min_level or 0
    rating = ctx.index.ratings.get(code)
    granted = ctx.index.granted.get(code)
    level: int | None = None
    evidence: str | None = None
    if rating is not None:
        level = rating.level
        evidence = f"{code} level {rating.level} rated by {rating.source} on {rating.rated_on}"
    if granted is not None and (level is None or granted.level > level):
        level = granted.level
        evidence = (
            f"{code} level {granted.level} granted by {granted.course} "
            f"completed {granted.completed_on}"
        )
    attainment = _ratio(level or 0, minimum)
    if (level or 0) >= minimum:
        return _result(req, MET, minimum, level, attainment, evidence=evidence)
    plans = [_plan_course(course, ctx) for course in ctx.catalogue.courses_granting(code, minimum)]
    if plans:
        plan = min(plans, key=lambda p: (p.close_on, p.cost, p.actions[-1].target))
    else:
        missing = minimum - (level or 0)
        due = add_months(ctx.as_of, ctx.config.competency_months_per_level * missing)
        plan = _single(
            Action(
                kind="rate_competency",
                target=code,
                due_on=due,
                level=minimum,
                description=(
                    f"Develop {code} from level {level or 0} to {minimum} and have it rated by "
                    f"a manager or assessor (about {ctx.config.competency_months_per_level} "
                    f"months per level, by {due})"
                ),
            )
        )
    return _result(req, UNMET, minimum, level, attainment, evidence=evidence, plan=plan)


def _check_plan(code: str, ctx: _Context, pending: bool) -> _Plan:
    check_type = ctx.catalogue.check_types.get(code)
    turnaround = (
        check_type.turnaround_days if check_type else ctx.config.unknown_check_turnaround_days
    )
    due = ctx.as_of + _days(turnaround)
    verb = "Follow up the pending" if pending else "Request a"
    return _single(
        Action(
            kind="request_check",
            target=code,
            due_on=due,
            description=f"{verb} {code} background check (about {turnaround} days, by {due})",
        )
    )


def _check_valid_until(check: Check, ctx: _Context) -> date | None:
    if check.valid_until is not None:
        return check.valid_until
    if check.completed_on is None:
        return None
    check_type = ctx.catalogue.check_types.get(check.type)
    months = check_type.rescreen_months if check_type else ctx.config.unknown_check_rescreen_months
    return add_months(check.completed_on, months)


def _eval_background_check(req: Requirement, ctx: _Context) -> tuple[RequirementResult, Fraction]:
    """DOMAIN.md background_check: a clear check of the type, completed_on <= D < valid_until."""
    code = req.target or ""
    checks = ctx.index.checks.get(code, [])
    valid: list[tuple[date, Check]] = []
    for check in checks:
        until = _check_valid_until(check, ctx)
        if (
            check.status == CHECK_CLEAR
            and check.completed_on is not None
            and until is not None
            and ctx.as_of < until
        ):
            valid.append((until, check))
    if valid:
        until, check = max(valid, key=lambda uc: uc[0])
        status = _lapse_status(until, ctx.as_of, ctx.config.expiring_window_days)
        return _result(
            req,
            status,
            CHECK_CLEAR,
            CHECK_CLEAR,
            FULLY,
            expires_on=until,
            evidence=f"{code} clear on {check.completed_on}, valid until {until}",
            plan=_check_plan(code, ctx, pending=False),
        )
    if not checks:
        return _result(
            req, UNMET, CHECK_CLEAR, None, NOT_AT_ALL, plan=_check_plan(code, ctx, pending=False)
        )
    latest = max(checks, key=lambda c: c.completed_on or date.max)
    word = "expired" if latest.status == CHECK_CLEAR else latest.status
    pending = latest.completed_on is None and latest.status in ("requested", "in_progress")
    evidence = f"{code} {word}" + (f" on {latest.completed_on}" if latest.completed_on else "")
    return _result(
        req,
        UNMET,
        CHECK_CLEAR,
        word,
        NOT_AT_ALL,
        expires_on=_check_valid_until(latest, ctx) if latest.status == CHECK_CLEAR else None,
        evidence=evidence,
        plan=_check_plan(code, ctx, pending=pending),
    )


def _eval_assessment(req: Requirement, ctx: _Context) -> tuple[RequirementResult, Fraction]:
    """DOMAIN.md assessment: the latest assessment on or before D, within the instrument's
    validity, has overall >= min_score; attainment min(score / min_score, 1), 0 when none valid.
    """
    code = req.target or ""
    instrument = ctx.catalogue.instruments.get(code)
    validity = instrument.validity_months if instrument else 24
    required: float | str = req.min_score if req.min_score is not None else "valid"
    due = ctx.as_of + _days(ctx.config.assessment_lead_days)
    plan = _single(
        Action(
            kind="schedule_assessment",
            target=code,
            due_on=due,
            score=req.min_score,
            description=(
                f"Schedule a {code} assessment by {due}"
                + (f" (needs {req.min_score:g} or more)" if req.min_score is not None else "")
            ),
        )
    )
    latest = ctx.index.assessments.get(code)
    if latest is None or latest.overall is None:
        return _result(req, UNMET, required, None, NOT_AT_ALL, plan=plan)
    valid_until = add_months(latest.conducted_on, validity)
    if ctx.as_of >= valid_until:
        return _result(
            req,
            UNMET,
            required,
            None,
            NOT_AT_ALL,
            expires_on=valid_until,
            evidence=f"{code} {latest.overall:g} on {latest.conducted_on}, lapsed {valid_until}",
            plan=plan,
        )
    score = latest.overall
    evidence = f"{code} {score:g} on {latest.conducted_on}, valid until {valid_until}"
    minimum = _exact(req.min_score) if req.min_score is not None else NOT_AT_ALL
    attainment = _ratio(_exact(score), minimum)
    if _exact(score) >= minimum:
        status = _lapse_status(valid_until, ctx.as_of, ctx.config.expiring_window_days)
        return _result(
            req,
            status,
            required,
            score,
            attainment,
            expires_on=valid_until,
            evidence=evidence,
            plan=plan,
        )
    return _result(
        req,
        UNMET,
        required,
        score,
        attainment,
        expires_on=valid_until,
        evidence=evidence,
        plan=plan,
    )


def _eval_tenure(req: Requirement, ctx: _Context) -> tuple[RequirementResult, Fraction]:
    """DOMAIN.md tenure: whole months in the current role from role_since to D >= min_months."""
    minimum = req.min_months or 0
    since = ctx.facts.role_since
    months = whole_months_between(since, ctx.as_of) if since is not None else 0
    attainment = _ratio(months, minimum)
    role = ctx.facts.role or ""
    evidence = f"{months} months in {role or 'the current role'}" + (
        f" since {since}" if since else ""
    )
    if months >= minimum:
        return _result(req, MET, minimum, months, attainment, evidence=evidence)
    due = add_months(since if since is not None else ctx.as_of, minimum)
    plan = _single(
        Action(
            kind="gain_tenure",
            target=role,
            due_on=due,
            description=f"Reach {minimum} months in {role or 'the current role'} on {due}",
        )
    )
    return _result(req, UNMET, minimum, months, attainment, evidence=evidence, plan=plan)


def _eval_education(req: Requirement, ctx: _Context) -> tuple[RequirementResult, Fraction]:
    """DOMAIN.md education: the qualification is completed on or before D."""
    code = req.target or ""
    completed = ctx.index.education.get(code)
    if completed is not None:
        return _result(
            req, MET, "completed", completed, FULLY, evidence=f"{code} completed {completed}"
        )
    studies = sorted(ctx.index.funded.get(code, []), key=lambda s: s.ends_on)
    upcoming = [s for s in studies if s.ends_on >= ctx.as_of]
    study = upcoming[0] if upcoming else (studies[-1] if studies else None)
    if study is not None:
        due = max(study.ends_on, ctx.as_of)
        action = Action(
            kind="apply_tuition",
            target=code,
            due_on=due,
            cost=study.cost,
            description=f"Complete the approved funded {code} study (ends {study.ends_on})",
        )
    else:
        due = add_months(ctx.as_of, ctx.config.education_default_months)
        action = Action(
            kind="apply_tuition",
            target=code,
            due_on=due,
            description=(
                f"Apply for tuition reimbursement and complete {code} "
                f"(about {ctx.config.education_default_months} months, by {due})"
            ),
        )
    return _result(req, UNMET, "completed", None, NOT_AT_ALL, plan=_single(action))


_EVALUATORS: Final[
    dict[str, Callable[[Requirement, _Context], tuple[RequirementResult, Fraction]]]
] = {
    "competency": _eval_competency,
    "course": _eval_course,
    "certification": _eval_certification,
    "background_check": _eval_background_check,
    "assessment": _eval_assessment,
    "tenure": _eval_tenure,
    "education": _eval_education,
}


# --------------------------------------------------------------------------- the result


def round_score(value: Fraction) -> float:
    """DOMAIN.md: the score is rounded to one decimal, half up (exact Decimal rounding)."""
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return float(exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def score_of(weighted: Iterable[tuple[float, Fraction]]) -> float:
    """DOMAIN.md score = 100 x sum(weight x attainment) / sum(weight), one decimal, half up.

    Sums in floats for speed and falls back to exact fractions of the decimal weights when the
    float lands within a hair of a rounding tie, so the result always equals exact half-up
    rounding (6.25 -> 6.3, and 43.75 from weights 2.1 and 2.7 -> 43.8). No weight scores 100.
    """
    pairs = list(weighted)
    total = math.fsum(weight for weight, _ in pairs)
    if total == 0:
        return 100.0
    tenths = 1000 * math.fsum(weight * float(attainment) for weight, attainment in pairs) / total
    if abs(tenths - 0.5 - round(tenths - 0.5)) > _TIE_MARGIN:
        return math.floor(tenths + 0.5) / 10
    exact_weighted = sum((_exact(w) * a for w, a in pairs), NOT_AT_ALL)
    exact_total = sum((_exact(w) for w, _ in pairs), NOT_AT_ALL)
    return round_score(100 * exact_weighted / exact_total)


def band_for(
    ready: bool, projected_ready_on: date | None, as_of: date, config: ReadinessConfig
) -> Band:
    """DOMAIN.md band: ready_now; ready_1y when projected <= D + 12 months; ready_2y <= D + 24."""
    if ready:
        return "ready_now"
    if projected_ready_on is None:
        return "not_ready"
    if projected_ready_on <= add_months(as_of, config.band_1y_months):
        return "ready_1y"
    if projected_ready_on <= add_months(as_of, config.band_2y_months):
        return "ready_2y"
    return "not_ready"


DEFAULT_CONFIG: Final = ReadinessConfig()


def evaluate(
    facts: EmployeeFacts,
    role: Role,
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig = DEFAULT_CONFIG,
) -> ReadinessResult:
    """Readiness of ``facts`` for ``role`` on ``as_of``.

    DOMAIN.md "Readiness of an employee for a role on date D": per requirement status, actual
    and attainment; score, gates_met, ready, projected_ready_on and band. Calls for the same
    role, date and config on one catalogue share the results of identical situations (see
    "bulk evaluation" below), so evaluating a population one by one is also fast.
    """
    _check_as_of(as_of)
    shared = _shared(role, catalogue, as_of, config)
    return _evaluate_shared(facts, catalogue, as_of, config, shared)


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
    ctx = _Context(facts, _Facts(facts, catalogue, as_of, config), catalogue, as_of, config)
    results: list[RequirementResult] = []
    weighted: list[tuple[float, Fraction]] = []
    for requirement in role.requirements:
        result, attainment = _EVALUATORS[requirement.kind](requirement, ctx)
        results.append(result)
        weighted.append((requirement.weight, attainment))
    score, gates_met, ready, band, projected = _summary(results, weighted, as_of, config)
    return ReadinessResult(
        employee_id=facts.employee_id,
        role=role.code,
        as_of=as_of,
        score=score,
        gates_met=gates_met,
        ready=ready,
        band=band,
        projected_ready_on=projected,
        requirements=tuple(results),
    )


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


# --------------------------------------------------------------------------- bulk evaluation
#
# An organisation of thousands holds few distinct situations per requirement: most people's
# PCI certification was renewed on one of a few hundred dates, most have the same check status.
# evaluate_many keys each requirement by exactly the facts its evaluator reads and evaluates
# each distinct key once; results are frozen, so equal keys share one RequirementResult.
# Each key function below must name every input its evaluator reads (tests/unit/
# test_readiness_bulk.py checks evaluate_many against evaluate on random organisations).


def _key_course(req: Requirement, ctx: _Context) -> Hashable:
    code = req.target or ""
    done = ctx.index.completions.get(code)
    if done:
        return ("met", max(c.completed_on for c in done))
    return ("open", _done_prerequisites(code, ctx))


def _key_certification(req: Requirement, ctx: _Context) -> Hashable:
    code = req.target or ""
    done = ctx.index.completions.get(code)
    prerequisites = _done_prerequisites(code, ctx)
    if not done:
        return ("none", prerequisites)
    completion, expires = _counting_certification(done, ctx)
    return ("held", completion.completed_on, expires, prerequisites)


def _key_competency(req: Requirement, ctx: _Context) -> Hashable:
    code = req.target or ""
    rating = ctx.index.ratings.get(code)
    granted = ctx.index.granted.get(code)
    # Only the source that sets the level is read (a grant wins only when strictly higher).
    source: Rating | _Granted | None = rating
    if granted is not None and (rating is None or granted.level > rating.level):
        source = granted
    if (source.level if source else 0) >= (req.min_level or 0):
        return ("met", source)
    plans = tuple(
        _done_prerequisites(course, ctx)
        for course in ctx.catalogue.courses_granting(code, req.min_level or 0)
    )
    return ("open", source, plans)


def _key_background_check(req: Requirement, ctx: _Context) -> Hashable:
    return tuple(ctx.index.checks.get(req.target or "", ()))


def _key_assessment(req: Requirement, ctx: _Context) -> Hashable:
    return ctx.index.assessments.get(req.target or "")


def _key_tenure(req: Requirement, ctx: _Context) -> Hashable:
    return (ctx.facts.role_since, ctx.facts.role)


def _key_education(req: Requirement, ctx: _Context) -> Hashable:
    code = req.target or ""
    return (ctx.index.education.get(code), tuple(ctx.index.funded.get(code, ())))


_KEYS: Final[dict[str, Callable[[Requirement, _Context], Hashable]]] = {
    "competency": _key_competency,
    "course": _key_course,
    "certification": _key_certification,
    "background_check": _key_background_check,
    "assessment": _key_assessment,
    "tenure": _key_tenure,
    "education": _key_education,
}


class _Shared:
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


def _shared(role: Role, catalogue: Catalogue, as_of: date, config: ReadinessConfig) -> _Shared:
    key = ("shared", id(role), id(config), as_of)
    shared = catalogue.memoized(key, lambda: _Shared(role, config))
    if shared.role is not role or shared.config is not config:  # pragma: no cover - see _Shared
        raise RuntimeError("shared readiness results out of step with their role")
    return shared


def _evaluate_shared(
    facts: EmployeeFacts,
    catalogue: Catalogue,
    as_of: date,
    config: ReadinessConfig,
    shared: _Shared,
) -> ReadinessResult:
    ctx = _Context(facts, _Facts(facts, catalogue, as_of, config), catalogue, as_of, config)
    memo = shared.results
    results: list[RequirementResult] = []
    attainments: list[Fraction] = []
    for position, requirement in shared.requirements:
        key = (position, _KEYS[requirement.kind](requirement, ctx))
        pair = memo.get(key)
        if pair is None:
            if len(memo) >= SHARED_LIMIT:
                memo.clear()
            result, attainment = _EVALUATORS[requirement.kind](requirement, ctx)
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
    return ReadinessResult(
        employee_id=facts.employee_id,
        role=shared.role.code,
        as_of=as_of,
        score=score,
        gates_met=gates_met,
        ready=ready,
        band=band,
        projected_ready_on=projected,
        requirements=tuple(results),
    )


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
    shared = _shared(role, catalogue, as_of, config)
    return [_evaluate_shared(f, catalogue, as_of, config, shared) for f in population]
