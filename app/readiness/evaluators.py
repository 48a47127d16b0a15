"""One evaluator per requirement kind: status, actual, attainment and the plan to close a gap.

docs/RULES.md "Requirements of a role" with the met-rules of "Competencies", "Training",
"Background checks", "Leadership assessments" and "Education and tuition reimbursement"; the
choices made where the rules are silent are listed in engine.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from fractions import Fraction
from typing import Final

from app.kernel.words import a_or_an, plural
from app.readiness.dates import add_days, add_months, whole_months_between
from app.readiness.facts import Context, check_valid_until, counting_certification
from app.readiness.model import Check, Requirement
from app.readiness.projections import Plan, check_plan, plan_course, single
from app.readiness.results import EXPIRING, MET, UNMET, Action, RequirementResult, Status
from app.readiness.scoring import FULLY, NOT_AT_ALL, exact_value, ratio
from app.readiness.vocabulary import CHECK_CLEAR, CHECK_STATUS_LABELS

Evaluator = Callable[[Requirement, Context], tuple[RequirementResult, Fraction]]


def result_of(
    req: Requirement,
    status: Status,
    required: int | float | str,
    actual: int | float | str | date | None,
    attainment: Fraction,
    *,
    expires_on: date | None = None,
    evidence: str | None = None,
    plan: Plan | None = None,
) -> tuple[RequirementResult, Fraction]:
    if status == MET:
        plan = None
    if status != UNMET:
        attainment = FULLY
    actions = plan.actions if plan else ()
    reason = ""
    if status == UNMET and plan is not None:
        reason = plan.reason or (actions[-1].description if actions else "")
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
        reason=reason,
    )
    return result, attainment


def lapse_status(lapses_on: date, as_of: date, window_days: int) -> Status:
    """docs/RULES.md: expiring when D >= expires_on - 90 days (cfg), i.e. lapses within the
    window."""
    return EXPIRING if (lapses_on - as_of).days <= window_days else MET


def _eval_course(req: Requirement, ctx: Context) -> tuple[RequirementResult, Fraction]:
    """docs/RULES.md course: met when a completion exists with completed_on <= D."""
    code = req.target or ""
    done = ctx.index.completions.get(code)
    if done:
        latest = max(c.completed_on for c in done)
        return result_of(
            req, MET, "completed", latest, FULLY, evidence=f"{code} completed {latest}"
        )
    return result_of(req, UNMET, "completed", None, NOT_AT_ALL, plan=plan_course(code, ctx))


def _eval_certification(req: Requirement, ctx: Context) -> tuple[RequirementResult, Fraction]:
    """docs/RULES.md certification: met when completed_on <= D < expires_on (no grace by
    default)."""
    code = req.target or ""
    done = ctx.index.completions.get(code)
    if not done:
        return result_of(req, UNMET, "valid", None, NOT_AT_ALL, plan=plan_course(code, ctx))
    completion, expires = counting_certification(done, ctx)
    completed = completion.completed_on
    if expires is None:
        return result_of(
            req, MET, "valid", completed, FULLY, evidence=f"{code} completed {completed}"
        )
    lapses_on = add_days(expires, ctx.config.certification_grace_days)
    holds = ctx.as_of < lapses_on
    return result_of(
        req,
        lapse_status(expires, ctx.as_of, ctx.config.expiring_window_days) if holds else UNMET,
        "valid",
        completed,
        FULLY if holds else NOT_AT_ALL,
        expires_on=expires,
        evidence=f"{code} completed {completed}, {'expires' if holds else 'expired'} {expires}",
        plan=plan_course(code, ctx, renew=True),
    )


def _eval_competency(req: Requirement, ctx: Context) -> tuple[RequirementResult, Fraction]:
    """docs/RULES.md competency: met when the current level on D >= min_level.

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
    attainment = ratio(level or 0, minimum)
    if (level or 0) >= minimum:
        return result_of(req, MET, minimum, level, attainment, evidence=evidence)
    plans = [plan_course(course, ctx) for course in ctx.catalogue.courses_granting(code, minimum)]
    if plans:
        plan = min(plans, key=lambda p: (p.close_on, p.cost, p.actions[-1].target))
    else:
        missing = minimum - (level or 0)
        due = add_months(ctx.as_of, ctx.config.competency_months_per_level * missing)
        plan = single(
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
    return result_of(req, UNMET, minimum, level, attainment, evidence=evidence, plan=plan)


def _eval_background_check(req: Requirement, ctx: Context) -> tuple[RequirementResult, Fraction]:
    """docs/RULES.md background_check: a clear check of the type, completed_on <= D <
    valid_until."""
    code = req.target or ""
    checks = ctx.index.checks.get(code, [])
    valid: list[tuple[date, Check]] = []
    for check in checks:
        until = check_valid_until(check, ctx)
        if (
            check.status == CHECK_CLEAR
            and check.completed_on is not None
            and until is not None
            and ctx.as_of < until
        ):
            valid.append((until, check))
    if valid:
        until, check = max(valid, key=lambda uc: uc[0])
        status = lapse_status(until, ctx.as_of, ctx.config.expiring_window_days)
        return result_of(
            req,
            status,
            CHECK_CLEAR,
            CHECK_CLEAR,
            FULLY,
            expires_on=until,
            evidence=f"{code} clear on {check.completed_on}, valid until {until}",
            plan=check_plan(code, ctx),
        )
    if not checks:
        return result_of(req, UNMET, CHECK_CLEAR, None, NOT_AT_ALL, plan=check_plan(code, ctx))
    latest = max(checks, key=lambda c: c.completed_on or date.max)
    lapsed = latest.status == CHECK_CLEAR
    word = "expired" if lapsed else latest.status
    said = "expired" if lapsed else CHECK_STATUS_LABELS.get(word, word)  # never a raw code
    evidence = f"{code} {said}" + (f" on {latest.completed_on}" if latest.completed_on else "")
    return result_of(
        req,
        UNMET,
        CHECK_CLEAR,
        word,
        NOT_AT_ALL,
        expires_on=check_valid_until(latest, ctx) if latest.status == CHECK_CLEAR else None,
        evidence=evidence,
        plan=check_plan(code, ctx, None if lapsed else latest.status, latest.requested_on),
    )


def _eval_assessment(req: Requirement, ctx: Context) -> tuple[RequirementResult, Fraction]:
    """docs/RULES.md assessment: the latest assessment on or before D, within the instrument's
    validity, has overall >= min_score; attainment min(score / min_score, 1), 0 when none valid.
    """
    code = req.target or ""
    instrument = ctx.catalogue.instruments.get(code)
    validity = instrument.validity_months if instrument else 24
    required: float | str = req.min_score if req.min_score is not None else "valid"
    due = add_days(ctx.as_of, ctx.config.assessment_lead_days)
    plan = single(
        Action(
            kind="schedule_assessment",
            target=code,
            due_on=due,
            score=req.min_score,
            description=(
                f"Schedule {a_or_an(instrument.name if instrument else f'{code} assessment')}"
                f" by {due}"
                + (f" (needs {req.min_score:g} or more)" if req.min_score is not None else "")
            ),
        )
    )
    latest = ctx.index.assessments.get(code)
    if latest is None or latest.overall is None:
        return result_of(req, UNMET, required, None, NOT_AT_ALL, plan=plan)
    valid_until = add_months(latest.conducted_on, validity)
    if ctx.as_of >= valid_until:
        return result_of(
            req,
            UNMET,
            required,
            None,
            NOT_AT_ALL,
            expires_on=valid_until,
            evidence=f"{code} {latest.overall:.2f} on {latest.conducted_on}, lapsed {valid_until}",
            plan=plan,
        )
    score = latest.overall
    evidence = f"{code} {score:.2f} on {latest.conducted_on}, valid until {valid_until}"
    minimum = exact_value(req.min_score) if req.min_score is not None else NOT_AT_ALL
    attainment = ratio(exact_value(score), minimum)
    status: Status = UNMET
    if exact_value(score) >= minimum:
        status = lapse_status(valid_until, ctx.as_of, ctx.config.expiring_window_days)
    return result_of(
        req,
        status,
        required,
        score,
        attainment,
        expires_on=valid_until,
        evidence=evidence,
        plan=plan,
    )


def _eval_tenure(req: Requirement, ctx: Context) -> tuple[RequirementResult, Fraction]:
    """docs/RULES.md tenure: whole months in the current role from role_since to D >= min_months."""
    minimum = req.min_months or 0
    since = ctx.facts.role_since
    months = whole_months_between(since, ctx.as_of) if since is not None else 0
    attainment = ratio(months, minimum)
    role = ctx.facts.role or ""
    evidence = f"{plural(months, 'month')} in {role or 'the current role'}" + (
        f" since {since}" if since else ""
    )
    if months >= minimum:
        return result_of(req, MET, minimum, months, attainment, evidence=evidence)
    due = add_months(since if since is not None else ctx.as_of, minimum)
    plan = single(
        Action(
            kind="gain_tenure",
            target=role,
            due_on=due,
            description=f"Reach {minimum} months in {role or 'the current role'} on {due}",
        )
    )
    return result_of(req, UNMET, minimum, months, attainment, evidence=evidence, plan=plan)


def _eval_education(req: Requirement, ctx: Context) -> tuple[RequirementResult, Fraction]:
    """docs/RULES.md education: the qualification is completed on or before D."""
    code = req.target or ""
    completed = ctx.index.education.get(code)
    if completed is not None:
        return result_of(
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
    return result_of(req, UNMET, "completed", None, NOT_AT_ALL, plan=single(action))


EVALUATORS: Final[
    dict[str, Callable[[Requirement, Context], tuple[RequirementResult, Fraction]]]
] = {
    "competency": _eval_competency,
    "course": _eval_course,
    "certification": _eval_certification,
    "background_check": _eval_background_check,
    "assessment": _eval_assessment,
    "tenure": _eval_tenure,
    "education": _eval_education,
}
