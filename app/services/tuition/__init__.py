"""Tuition reimbursement use cases: requests, the three-stage approval, payment, caps, leavers.

DOMAIN.md "Education and tuition reimbursement" on top of the pure rules in app/tuition/rules.py.
The web pages and the JSON API both call these functions: plain arguments in, domain objects
out. Each public function that writes owns the transaction (one commit point) and raises one of
the exceptions below on refusal, after rolling back, so a refused write changes nothing:

- ``ValidationFailed`` (422): bad input, with ``errors`` = {field: [messages]};
- ``NotAllowed`` (403) / ``NotFound`` (404): the caller may not do this / may not even see it;
- ``Conflict`` (409) and its kinds ``IllegalTransition``, ``StaleTransition`` (someone else
  acted first), ``LateSubmission`` and ``CapExceeded``.

Every transition is a conditional ``UPDATE tuition_requests ... WHERE id = ? AND state = ?``
checked by its rowcount, so two approvers (or a double click) apply it exactly once; the loser
gets a ``StaleTransition`` that says what happened. Choices where DOMAIN.md is silent are listed
in docs/DECISIONS.md under "Tuition reimbursement".
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import defaultload, joinedload, lazyload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.audit import acting_as, record_change
from app.clock import now, today
from app.extensions import db
from app.models import (
    Competency,
    CompetencyRating,
    Completion,
    CourseGrant,
    Department,
    Employee,
    JobRole,
    LadderEdge,
    QualificationType,
    Repayment,
    Requirement,
    TuitionEvent,
    TuitionRequest,
    Upload,
    User,
)
from app.readiness.dates import whole_months_between
from app.services import notify as notices
from app.services import settings
from app.tuition import rules
from app.tuition.rules import (
    APPROVE,
    CANCEL,
    COMPLETE,
    DRAFT,
    FLAG_DOCUMENTS,
    PAY,
    REIMBURSED,
    REJECT,
    RESERVING_STATES,
    RESUBMIT_DOCUMENTS,
    SUBMIT,
    TuitionConfig,
)

OVERRIDE_LATE = "override_late"
"""HR allows a late draft to be submitted, with a reason (not a state change)."""

SERVICE_ACTIONS: tuple[str, ...] = (*rules.ACTIONS, OVERRIDE_LATE)
MONEY_MAX = Decimal("1000000.00")
TEXT_LIMITS = {"title": 200, "institution": 200, "justification": 2000}
REASON_MAX = 1000
TR = TuitionRequest.__table__

# Human words for states and actions, for messages and notifications.
STATE_WORDS = {
    "draft": "a draft",
    "submitted": "waiting for the manager",
    "manager_approved": "waiting for HR",
    "hr_approved": "waiting for finance",
    "finance_approved": "pre-approved (amount reserved)",
    "completed": "completed, waiting for payment",
    "documents_missing": "waiting for missing documents",
    "reimbursed": "reimbursed",
    "rejected": "rejected",
    "cancelled": "cancelled",
}
ACTION_WORDS = {
    "create": "created",
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "cancel": "cancelled",
    "complete": "completed",
    "flag_documents": "flagged documents missing",
    "resubmit_documents": "sent the missing documents",
    "pay": "paid",
    OVERRIDE_LATE: "allowed a late submission",
}
STAGE_WORDS = {"manager": "the manager", "hr": "HR", "finance": "finance"}


# --------------------------------------------------------------------------- errors


class TuitionError(ValueError):
    """A refused tuition operation; ``message`` is for the user, ``errors`` per field."""

    status = 400

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class ValidationFailed(TuitionError):
    """Bad input (API 422); ``errors`` maps each field to what to fix."""

    status = 422


class NotAllowed(TuitionError):
    """The caller may see the request but may not do this to it (API 403)."""

    status = 403


class NotFound(NotAllowed):
    """Unknown, or the caller may not know it exists (API 404)."""

    status = 404


class Conflict(TuitionError):
    """The request's current state (or the cap) does not allow this now (API 409)."""

    status = 409


class IllegalTransition(Conflict):
    """The state machine does not allow this action from the current state (DOMAIN.md States)."""


class StaleTransition(Conflict):
    """Someone else changed the request first; this action was not applied."""


class LateSubmission(Conflict):
    """DOMAIN.md Timing: submitted on or after the course start, without an HR override."""


class CapExceeded(Conflict):
    """DOMAIN.md Annual cap: the finance reservation would exceed the employee's annual cap."""


# --------------------------------------------------------------------------- configuration


def tuition_config() -> TuitionConfig:
    """The (cfg) tuition numbers of DOMAIN.md from the settings HR or an admin may change."""
    grades: dict[str, Decimal] = {}
    for grade, pct in dict(settings.get("grade_percentages")).items():
        grades[str(grade).strip().upper()] = Decimal(str(pct))
    for failing in ("D", "F", "FAIL"):  # "lower 0%": letters below C and a fail pay nothing
        grades.setdefault(failing, Decimal("0"))
    schedule = tuple(
        (int(bound), Decimal(str(share))) for bound, share in settings.get("repayment_schedule")
    )
    return TuitionConfig(
        currency=str(settings.get("currency")),
        annual_cap=Decimal(str(settings.get("annual_cap"))),
        tax_free_limit=Decimal(str(settings.get("tax_free_limit"))),
        grade_percentages=tuple(grades.items()),
        repayment_schedule=schedule,
    )


def grades_for(req: TuitionRequest | None, config: TuitionConfig | None = None) -> list[str]:
    """The grades a request may be completed with: PASS/FAIL for pass/fail courses, else letters."""
    config = config or tuition_config()
    pass_fail = {"PASS", "FAIL"}
    if req is not None and req.pass_fail:
        return [g for g in config.grades if g in pass_fail]
    return [g for g in config.grades if g not in pass_fail]


# --------------------------------------------------------------------------- parsing input


def _text(
    data: Mapping[str, Any], key: str, errors: dict[str, list[str]], label: str, required: bool
) -> str:
    raw = data.get(key)
    value = "" if raw is None else str(raw).strip()
    limit = TEXT_LIMITS.get(key, REASON_MAX)
    if required and not value:
        errors.setdefault(key, []).append(f"Enter the {label}.")
    elif len(value) > limit:
        errors.setdefault(key, []).append(
            f"The {label} is {len(value)} characters long; keep it to {limit}."
        )
    return value


def parse_date(raw: Any, key: str, label: str, errors: dict[str, list[str]]) -> date | None:
    """An ISO date (YYYY-MM-DD) or a date; records an error and answers None otherwise."""
    if isinstance(raw, date):
        return raw
    value = "" if raw is None else str(raw).strip()
    if not value:
        errors.setdefault(key, []).append(f"Enter the {label} as YYYY-MM-DD.")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        errors.setdefault(key, []).append(
            f"{value!r} is not a date: enter the {label} as YYYY-MM-DD, e.g. 2026-09-01."
        )
        return None
    if len(value) != 10 or not 1900 <= parsed.year <= 2200:
        errors.setdefault(key, []).append(f"Enter the {label} as YYYY-MM-DD, e.g. 2026-09-01.")
        return None
    return parsed


def parse_money(raw: Any, key: str, label: str, errors: dict[str, list[str]]) -> Decimal | None:
    """Money as an exact Decimal with at most two decimals; blank means 0.00."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Decimal("0.00")
    if isinstance(raw, bool):
        errors.setdefault(key, []).append(f"Enter the {label} as an amount such as 1500.00.")
        return None
    text = str(raw).strip().replace(",", "") if not isinstance(raw, Decimal) else raw
    try:
        # A JSON number arrives as int or float; str() keeps its decimal digits exactly.
        value = Decimal(str(text)) if not isinstance(text, Decimal) else text
    except InvalidOperation:
        errors.setdefault(key, []).append(
            f"{raw!r} is not an amount: enter the {label} like 1500.00."
        )
        return None
    if not value.is_finite():
        errors.setdefault(key, []).append(f"Enter the {label} as an amount such as 1500.00.")
        return None
    if value < 0:
        errors.setdefault(key, []).append(f"The {label} cannot be negative.")
        return None
    if value > MONEY_MAX:  # before quantize: a huge number would overflow its precision
        errors.setdefault(key, []).append(f"The {label} cannot be more than {MONEY_MAX:,.2f}.")
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.setdefault(key, []).append(f"The {label} has more than two decimals (cents).")
        return None
    return value.quantize(Decimal("0.01"))


def parse_bool(raw: Any, key: str, label: str, errors: dict[str, list[str]]) -> bool | None:
    if isinstance(raw, bool):
        return raw
    value = "" if raw is None else str(raw).strip().lower()
    if value in {"1", "true", "yes", "y", "on"}:
        return True
    if value in {"0", "false", "no", "n", "off"}:
        return False
    errors.setdefault(key, []).append(f"Say whether {label}: yes or no.")
    return None


# --------------------------------------------------------------------------- development plan


@dataclass(frozen=True)
class PlanOptions:
    """What a request may say it closes: roles up the ladder and competency gaps for them."""

    roles: list[JobRole]
    competencies: list[Competency]


def _current_levels(employee_id: int, on: date) -> dict[int, int]:
    """DOMAIN.md Competencies: the larger of the latest non-self rating and course grants."""
    levels: dict[int, int] = {}
    latest: dict[int, tuple[date, int]] = {}
    for comp_id, level, rated_on in db.session.execute(
        select(CompetencyRating.competency_id, CompetencyRating.level, CompetencyRating.rated_on)
        .where(
            CompetencyRating.employee_id == employee_id,
            CompetencyRating.source != "self",
            CompetencyRating.rated_on <= on,
        )
        .order_by(CompetencyRating.rated_on, CompetencyRating.id)
    ):
        latest[comp_id] = (rated_on, level)
    for comp_id, (_, level) in latest.items():
        levels[comp_id] = level
    for comp_id, level in db.session.execute(
        select(CourseGrant.competency_id, CourseGrant.level)
        .join(Completion, Completion.course_id == CourseGrant.course_id)
        .where(Completion.employee_id == employee_id, Completion.completed_on <= on)
    ):
        levels[comp_id] = max(levels.get(comp_id, 0), level)
    return levels


def plan_options(employee: Employee) -> PlanOptions:
    """The employee's development plan: the roles up the ladder from theirs, and the competency
    requirements of those roles that their current level does not meet yet."""
    roles = list(
        db.session.scalars(
            select(JobRole).where(JobRole.retired.is_(False)).order_by(JobRole.level)
        )
    )
    if employee.job_role_id is None:
        targets = roles
    else:
        edges: dict[int, list[int]] = defaultdict(list)
        for src, dst in db.session.execute(select(LadderEdge.from_role_id, LadderEdge.to_role_id)):
            edges[src].append(dst)
        reachable: set[int] = set()
        frontier = [employee.job_role_id]
        while frontier:
            for nxt in edges.get(frontier.pop(), []):
                if nxt not in reachable and nxt != employee.job_role_id:
                    reachable.add(nxt)
                    frontier.append(nxt)
        targets = [r for r in roles if r.id in reachable]
    gaps: set[int] = set()
    if targets:
        levels = _current_levels(employee.id, today())
        for comp_id, min_level in db.session.execute(
            select(Requirement.competency_id, Requirement.min_level).where(
                Requirement.job_role_id.in_([r.id for r in targets]),
                Requirement.kind == "competency",
                Requirement.competency_id.is_not(None),
            )
        ):
            if comp_id is not None and levels.get(comp_id, 0) < (min_level or 0):
                gaps.add(comp_id)
    competencies = (
        list(
            db.session.scalars(
                select(Competency).where(Competency.id.in_(gaps)).order_by(Competency.name)
            )
        )
        if gaps
        else []
    )
    return PlanOptions(roles=targets, competencies=competencies)


def qualification_options() -> list[QualificationType]:
    return list(
        db.session.scalars(
            select(QualificationType)
            .where(QualificationType.retired.is_(False))
            .order_by(QualificationType.name)
        )
    )


def _validate_request_data(
    employee: Employee, data: Mapping[str, Any], existing: TuitionRequest | None = None
) -> dict[str, Any]:
    """Check a request's fields; answer model values or raise ValidationFailed (all errors)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "title": _text(data, "title", errors, "programme or course title", True),
        "institution": _text(data, "institution", errors, "institution", True),
        "justification": _text(data, "justification", errors, "justification", True),
    }
    starts = parse_date(data.get("starts_on"), "starts_on", "start date", errors)
    ends = parse_date(data.get("ends_on"), "ends_on", "end date", errors)
    if starts and ends and ends < starts:
        errors.setdefault("ends_on", []).append(
            f"The course cannot end ({ends.isoformat()}) before it starts ({starts.isoformat()})."
        )
    values["starts_on"], values["ends_on"] = starts, ends
    for key in ("tuition", "fees", "books"):
        values[key] = parse_money(data.get(key), key, key, errors)
    costs = [values[k] for k in ("tuition", "fees", "books")]
    if all(c is not None for c in costs) and sum(costs) <= 0:
        errors.setdefault("tuition", []).append(
            "Enter the costs: tuition, fees and books cannot all be 0.00."
        )
    if "job_related" not in data or data.get("job_related") in (None, ""):
        errors.setdefault("job_related", []).append(
            "Say whether the course is job-related: it decides the tax treatment."
        )
    else:
        values["job_related"] = parse_bool(
            data.get("job_related"), "job_related", "the course is job-related", errors
        )
    values["pass_fail"] = (
        parse_bool(data.get("pass_fail"), "pass_fail", "the course is graded pass/fail", errors)
        if data.get("pass_fail") not in (None, "")
        else False
    )

    qualification = data.get("qualification")
    values["qualification_id"] = None
    if qualification not in (None, ""):
        qual = db.session.scalar(
            select(QualificationType).where(QualificationType.code == str(qualification).strip())
        )
        if qual is None or (
            qual.retired and (existing is None or existing.qualification_id != qual.id)
        ):
            errors.setdefault("qualification", []).append(
                f"Unknown qualification {qualification!r}: pick one from the list."
            )
        else:
            values["qualification_id"] = qual.id

    options = plan_options(employee)
    role_code = data.get("target_role")
    values["target_role_id"] = None
    if role_code not in (None, ""):
        role = db.session.scalar(select(JobRole).where(JobRole.code == str(role_code).strip()))
        allowed = {r.id for r in options.roles}
        if existing is not None and existing.target_role_id:
            allowed.add(existing.target_role_id)
        if role is None or role.id not in allowed:
            errors.setdefault("target_role", []).append(
                f"{role_code!r} is not a role in your development plan: pick one of "
                + (", ".join(r.code for r in options.roles) or "none (no role above yours)")
                + "."
            )
        else:
            values["target_role_id"] = role.id
    comp_code = data.get("target_competency")
    values["target_competency_id"] = None
    if comp_code not in (None, ""):
        comp = db.session.scalar(
            select(Competency).where(Competency.code == str(comp_code).strip())
        )
        allowed = {c.id for c in options.competencies}
        if existing is not None and existing.target_competency_id:
            allowed.add(existing.target_competency_id)
        if comp is None or comp.id not in allowed:
            errors.setdefault("target_competency", []).append(
                f"{comp_code!r} is not a competency gap in your development plan: pick one "
                "from the list, or leave it empty."
            )
        else:
            values["target_competency_id"] = comp.id
    if errors:
        raise ValidationFailed("Some of the values are not valid.", errors)
    return values


# --------------------------------------------------------------------------- loading


def _actor_context(actor: User) -> contextlib.AbstractContextManager[None]:
    """Outside a web request (API jobs, tests), attribute audit rows to the acting user."""
    from flask import has_request_context

    if has_request_context():
        return contextlib.nullcontext()
    return acting_as(actor.email, actor.id)


def load_request(request_id: int, actor: User | None) -> TuitionRequest:
    """A request the actor may see (DOMAIN.md people: self, managers, hr, finance) or NotFound."""
    req = db.session.get(TuitionRequest, request_id) if isinstance(request_id, int) else None
    if req is None or actor is None or not policy.can_view(actor, req.employee_id, "tuition"):
        raise NotFound("There is no such tuition request, or you may not see it.")
    return req


def history(req: TuitionRequest) -> list[TuitionEvent]:
    return list(
        db.session.scalars(
            select(TuitionEvent)
            .where(TuitionEvent.request_id == req.id)
            .order_by(TuitionEvent.at, TuitionEvent.id)
        )
    )


# --------------------------------------------------------------------------- who approves


def _has_sign_in(employee: Employee | None) -> bool:
    user = employee.user if employee is not None else None
    return bool(
        employee is not None
        and employee.status != "terminated"
        and user is not None
        and user.active
    )


def manager_approver(employee: Employee) -> Employee | None:
    """Who acts at the manager stage: the employee's own (direct) manager.

    When the direct manager has no active sign-in (or has left), the stage passes up the
    reporting line to the nearest manager who has one; with nobody above, HR acts at it.
    """
    seen: set[int] = {employee.id}
    manager_id = employee.manager_id
    while manager_id is not None and manager_id not in seen:
        seen.add(manager_id)
        manager = db.session.get(Employee, manager_id)
        if manager is None:
            return None
        if _has_sign_in(manager):
            return manager
        manager_id = manager.manager_id
    return None


def _signed_in(emp: Any) -> Any:
    """SQL: the employee row ``emp`` has an active sign-in and has not left."""
    users = User.__table__
    return and_(
        emp.c.status != "terminated",
        exists().where(users.c.employee_id == emp.c.id, users.c.active.is_(True)),
    )


def _approvees_cte(roots: Select, name: str) -> Any:
    """Everyone whose manager-stage approver is one of ``roots`` (a SELECT of employee ids):
    their direct reports, and further down through reports who have no sign-in themselves.
    UNION (not UNION ALL) so even a cycle in bad data ends."""
    emp = Employee.__table__
    flag = case((_signed_in(emp), 1), else_=0)
    base = (
        select(emp.c.id.label("id"), flag.label("signed_in"))
        .where(emp.c.manager_id.in_(roots))
        .cte(name, recursive=True)
    )
    below = emp.alias(f"{name}_below")
    step = select(below.c.id, case((_signed_in(below), 1), else_=0)).join(
        base, below.c.manager_id == base.c.id
    )
    return base.union(step.where(base.c.signed_in == 0))


def manager_approvees(employee_id: int) -> Select:
    """SELECT of the ids of the people whose manager-stage approvals this employee makes."""
    cte = _approvees_cte(select(literal(employee_id)), "approvees")
    return select(cte.c.id)


def hr_fallback_employees(among: Select) -> Select:
    """SELECT of those of ``among`` (a SELECT of employee ids) with no manager with a sign-in
    above them: HR acts at their manager stage.

    Walks UP from each of them to the first manager with a sign-in, so the cost follows the
    few people asked about (submitted requests), not the size of the organisation. UNION (not
    UNION ALL) so even a cycle in bad data ends."""
    emp = Employee.__table__
    up = emp.alias("chain_up")
    chain = (
        select(
            emp.c.id.label("start"),
            up.c.id.label("id"),
            up.c.manager_id.label("manager_id"),
            case((_signed_in(up), 1), else_=0).label("signed_in"),
        )
        .join(up, up.c.id == emp.c.manager_id)
        .where(emp.c.id.in_(among))
        .cte("manager_chain", recursive=True)
    )
    above = emp.alias("chain_above")
    chain = chain.union(
        select(chain.c.start, above.c.id, above.c.manager_id, case((_signed_in(above), 1), else_=0))
        .join(above, above.c.id == chain.c.manager_id)
        .where(chain.c.signed_in == 0)
    )
    covered = select(chain.c.start).where(chain.c.signed_in == 1)
    return select(emp.c.id).where(emp.c.id.in_(among), emp.c.id.not_in(covered))


def _stage_of(req_state: str) -> str | None:
    return rules.approval_stage(req_state)


def _earlier_approval_by(req: TuitionRequest, actor: User) -> str | None:
    """The stage at which ``actor`` already approved this request, if any (four eyes)."""
    row = db.session.execute(
        select(TuitionEvent.from_state)
        .where(
            TuitionEvent.request_id == req.id,
            TuitionEvent.action == APPROVE,
            TuitionEvent.actor_user_id == actor.id,
        )
        .limit(1)
    ).first()
    return rules.approval_stage(row[0]) if row else None


def _authorize(action: str, req: TuitionRequest, actor: User) -> None:
    """Raise NotAllowed unless ``actor`` may apply ``action`` to ``req`` in its current state.

    DOMAIN.md "Who approves": manager stage = the employee's own manager, HR stage = hr,
    finance stage = finance; nobody approves their own request.
    """
    own = actor.employee_id == req.employee_id
    if action in (SUBMIT, CANCEL, COMPLETE, RESUBMIT_DOCUMENTS):
        if not own:
            raise NotAllowed(
                f"Only {req.employee.name} can {action.replace('_', ' ')} their own request."
            )
        return
    if action in (APPROVE, REJECT):
        stage = _stage_of(req.state)
        if stage is None:
            return  # the state machine refuses it with a clearer message
        verb = "approve" if action == APPROVE else "reject"
        if own:
            raise NotAllowed(f"You cannot {verb} your own request: someone else must decide.")
        refusal: str | None = None
        if stage == "manager":
            approver = manager_approver(req.employee)
            if approver is None:
                if not actor.has_role("hr"):
                    refusal = (
                        f"{req.employee.name} has no manager with a sign-in, so HR decides the "
                        "manager stage."
                    )
            elif approver.id != actor.employee_id:
                refusal = (
                    f"The manager stage belongs to {approver.name}, {req.employee.name}'s manager."
                )
        elif stage == "hr" and not actor.has_role("hr"):
            refusal = "Only HR can decide at the HR stage."
        elif stage == "finance" and not actor.has_role("finance"):
            refusal = "Only finance can decide at the finance stage."
        earlier = _earlier_approval_by(req, actor)
        if earlier is not None and earlier != stage:
            if refusal is not None and action == APPROVE:
                # A double click or a retry after the first approval went through: a duplicate.
                raise StaleTransition(
                    f"You already approved this request at the {STAGE_WORDS[earlier]} stage; "
                    f"it is now {STATE_WORDS.get(req.state, req.state)}. Nothing was changed."
                )
            if refusal is None and action == APPROVE:
                raise NotAllowed(
                    f"You already approved this request at the {STAGE_WORDS[earlier]} stage; "
                    f"another person must approve it at the {STAGE_WORDS[stage]} stage."
                )
        if refusal is not None:
            raise NotAllowed(refusal)
        return
    if action in (FLAG_DOCUMENTS, PAY):
        if not actor.has_role("finance"):
            raise NotAllowed("Only finance can flag documents or mark a request paid.")
        if own:
            raise NotAllowed("You cannot handle the payment of your own request.")
        return
    if action == OVERRIDE_LATE:
        if not actor.has_role("hr"):
            raise NotAllowed("Only HR can allow a late submission.")
        if own:
            raise NotAllowed("You cannot allow a late submission of your own request.")
        return
    raise ValidationFailed(
        f"Unknown action {action!r}.",
        {"action": [f"Unknown action {action!r}; use one of: {', '.join(SERVICE_ACTIONS)}."]},
    )


def is_late(req: TuitionRequest, on: date | None = None) -> bool:
    """DOMAIN.md Timing: pre-approval requested on or after the course start is late."""
    on = on or (req.submitted_on if req.state != DRAFT and req.submitted_on else today())
    return not rules.requested_in_time(on, req.starts_on)


def needs_override(req: TuitionRequest) -> bool:
    return req.state == DRAFT and is_late(req) and not req.late_override_reason


def actions_for(user: User | None, req: TuitionRequest) -> list[str]:
    """The actions ``user`` may take on ``req`` now (to show buttons); no writes."""
    if user is None:
        return []
    found: list[str] = []
    for action in rules.allowed_actions(req.state):
        try:
            _authorize(action, req, user)
        except TuitionError:
            continue
        found.append(action)
    if req.state == DRAFT and is_late(req) and not req.late_override_reason:
        with contextlib.suppress(TuitionError):
            _authorize(OVERRIDE_LATE, req, user)
            found.append(OVERRIDE_LATE)
    return found


# --------------------------------------------------------------------------- create and edit


def create_request(employee: Employee, data: Mapping[str, Any], actor: User) -> TuitionRequest:
    """Create a draft request for ``employee`` (only the employee, for themselves)."""
    if actor is None or not policy.can_view(actor, employee, "tuition"):
        raise NotFound("There is no such employee, or you may not see them.")
    if not policy.can_edit(actor, employee, "tuition_request"):
        raise NotAllowed("Only the employee can request tuition reimbursement for themselves.")
    if employee.status == "terminated":
        raise Conflict(f"{employee.name} has left: no new tuition requests.")
    try:
        values = _validate_request_data(employee, data)
        with _actor_context(actor):
            req = TuitionRequest(employee_id=employee.id, state=DRAFT, **values)
            db.session.add(req)
            db.session.flush()
            _event(req, "create", DRAFT, DRAFT, actor, amount=req.eligible_cost)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return req


def update_request(request_id: int, data: Mapping[str, Any], actor: User) -> TuitionRequest:
    """Edit a draft (only its employee). A submitted request is no longer editable."""
    req = load_request(request_id, actor)
    if actor.employee_id != req.employee_id:
        raise NotAllowed(f"Only {req.employee.name} can edit their own request.")
    if req.state != DRAFT:
        raise IllegalTransition(
            f"A request that is {req.state} cannot be edited: only a draft can. "
            "Cancel it and create a new one if the details changed."
        )
    try:
        values = _validate_request_data(req.employee, data, existing=req)
        with _actor_context(actor):
            for key, value in values.items():
                setattr(req, key, value)
            db.session.flush()
            db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleTransition(
            "This request changed while you were editing it (it may have been submitted). "
            "Nothing was saved; reload it and try again."
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return req


# --------------------------------------------------------------------------- transitions


def _event(
    req: TuitionRequest,
    action: str,
    from_state: str,
    to_state: str,
    actor: User | None,
    reason: str | None = None,
    amount: Decimal | None = None,
) -> TuitionEvent:
    event = TuitionEvent(
        request_id=req.id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_user_id=actor.id if actor is not None else None,
        at=now(),
        reason=reason or None,
        amount=amount,
    )
    db.session.add(event)
    return event


def _conditional_update(
    req_id: int, from_state: str, values: dict[str, Any], extra: Any = None
) -> bool:
    """UPDATE tuition_requests SET ... WHERE id = ? AND state = ?; True when it applied."""
    stmt = update(TR).where(TR.c.id == req_id, TR.c.state == from_state)
    if extra is not None:
        stmt = stmt.where(extra)
    result = db.session.execute(stmt.values(**values, version=TR.c.version + 1, updated_at=now()))
    return _rowcount(result) == 1


def _rowcount(result: Any) -> int:
    """Rows an UPDATE changed (a CursorResult's rowcount)."""
    return int(cast(CursorResult[Any], result).rowcount)


def _stale(req_id: int, action: str, seen_state: str) -> StaleTransition:
    """The message for the loser of a race: what the request is now, and who moved it."""
    db.session.rollback()
    state = db.session.scalar(select(TR.c.state).where(TR.c.id == req_id)) or seen_state
    last = db.session.execute(
        select(TuitionEvent.action, User.email, Employee.name)
        .outerjoin(User, User.id == TuitionEvent.actor_user_id)
        .outerjoin(Employee, Employee.id == User.employee_id)
        .where(TuitionEvent.request_id == req_id)
        .order_by(TuitionEvent.id.desc())
        .limit(1)
    ).first()
    who = ""
    if last is not None and last[2]:
        who = f" {last[2]} {ACTION_WORDS.get(last[0], last[0])} it a moment ago."
    db.session.rollback()
    return StaleTransition(
        f"This request was already handled by someone else:{who or ' it changed a moment ago.'}"
        f" It is now {STATE_WORDS.get(state, state)}, so your "
        f"{action.replace('_', ' ')} was not applied. Nothing else changed.",
    )


def _cap_entries(employee_id: int, exclude_id: int | None = None) -> list[rules.CapEntry]:
    """The employee's requests as the annual cap sees them (reserved or reimbursed)."""
    stmt = select(
        TuitionRequest.id,
        TuitionRequest.state,
        TuitionRequest.reserved_amount,
        TuitionRequest.reimbursed_amount,
        TuitionRequest.starts_on,
        TuitionRequest.paid_on,
    ).where(
        TuitionRequest.employee_id == employee_id,
        TuitionRequest.state.in_([*RESERVING_STATES, REIMBURSED]),
    )
    entries = []
    for rid, state, reserved, reimbursed, starts, paid in db.session.execute(stmt):
        if rid == exclude_id:
            continue
        entries.append(
            rules.CapEntry(
                state=state,
                reserved_amount=reserved or Decimal("0.00"),
                reimbursed_amount=reimbursed or Decimal("0.00"),
                year=rules.cap_year(starts, paid if state == REIMBURSED else None),
            )
        )
    return entries


@dataclass(frozen=True)
class CapStatus:
    """DOMAIN.md Annual cap for one employee and calendar year."""

    year: int
    cap: Decimal
    reserved: Decimal
    reimbursed: Decimal

    @property
    def used(self) -> Decimal:
        return self.reserved + self.reimbursed

    @property
    def left(self) -> Decimal:
        return max(self.cap - self.used, Decimal("0.00"))


def cap_status(employee_id: int, year: int | None = None) -> CapStatus:
    """Cap used and left in ``year`` (default: this year): reservations of requests whose
    course starts that year and payments made that year (see rules.cap_year)."""
    year = year or today().year
    config = tuition_config()
    reserved = reimbursed = Decimal("0.00")
    for entry in _cap_entries(employee_id):
        if entry.year != year:
            continue
        if entry.state == REIMBURSED:
            reimbursed += rules.entry_cap_amount(entry)
        else:
            reserved += rules.entry_cap_amount(entry)
    return CapStatus(year=year, cap=config.annual_cap, reserved=reserved, reimbursed=reimbursed)


def cap_years(employee_id: int) -> list[int]:
    """The calendar years the employee's reservations and payments count to."""
    return sorted({entry.year for entry in _cap_entries(employee_id)})


def _lock_employee(employee_id: int) -> None:
    """Serialize a request's steps per employee (PostgreSQL row lock; SQLite has one writer)."""
    db.session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())


def _document_id(
    doc: Any, req: TuitionRequest, purpose: str, field_name: str, actor: User
) -> int | None:
    """Store or check one document: a file upload, an Upload row or an upload id."""
    if doc is None or doc == "":
        return None
    if isinstance(doc, Upload | int):
        upload = doc if isinstance(doc, Upload) else db.session.get(Upload, doc)
        if upload is None or upload.employee_id != req.employee_id:
            raise ValidationFailed(
                "Unknown document.", {field_name: ["That document does not exist for this person."]}
            )
        return upload.id
    if not getattr(doc, "filename", None):
        return None
    from app.services.uploads import save_upload

    try:
        upload = save_upload(doc, req.employee, purpose, actor)
    except ValueError as error:
        raise ValidationFailed(str(error), {field_name: [str(error)]}) from None
    db.session.flush()
    return upload.id


def _clean_reason(reason: str | None, key: str, label: str, required: bool) -> str | None:
    errors: dict[str, list[str]] = {}
    value = _text({key: reason}, key, errors, label, required)
    if errors:
        raise ValidationFailed(errors[key][0], errors)
    return value or None


def transition(
    request_id: int,
    action: str,
    actor: User,
    reason: str | None = None,
    grade: str | None = None,
    paid_on: date | str | None = None,
    override_reason: str | None = None,
    receipt: Any = None,
    transcript: Any = None,
    expected_state: str | None = None,
) -> TuitionRequest:
    """Apply ``action`` to a request for ``actor``; answer the request in its new state.

    ``action`` is one of rules.ACTIONS (submit, approve, reject, cancel, complete,
    flag_documents, resubmit_documents, pay) or ``override_late``. An approve or reject applies
    to whichever stage the request is in now. ``expected_state`` (the state the user saw, sent
    by the web forms) turns a change in between into a clear StaleTransition.
    """
    action = str(action or "").strip().lower()
    req = load_request(request_id, actor)
    if action == OVERRIDE_LATE:
        return override_late(request_id, actor, override_reason or reason)
    if action not in rules.ACTIONS:
        raise ValidationFailed(
            f"Unknown action {action!r}.",
            {"action": [f"Unknown action {action!r}; use one of: {', '.join(SERVICE_ACTIONS)}."]},
        )
    if override_reason not in (None, ""):
        raise ValidationFailed(
            "An override reason goes with HR's override_late action only.",
            {"override_reason": ["Only HR gives an override reason, with override_late."]},
        )
    seen = req.state
    if expected_state and expected_state != seen:
        raise _stale(req.id, action, expected_state)
    try:
        target = rules.next_state(action, seen)
    except rules.IllegalTransition as error:
        raise IllegalTransition(str(error)) from None
    _authorize(action, req, actor)
    config = tuition_config()

    # Validate everything that needs no lock before writing anything.
    values: dict[str, Any] = {"state": target}
    note: str | None = None
    amount: Decimal | None = None
    docs: dict[str, Any] = {}
    if action == SUBMIT:
        if is_late(req, today()) and not req.late_override_reason:
            raise LateSubmission(
                f"The course starts on {req.starts_on.isoformat()}: pre-approval must be "
                "requested before the course starts, so this late request is refused. HR can "
                "allow a late submission with a reason; then submit it again.",
                {"starts_on": ["Pre-approval must be requested before the course starts."]},
            )
        values["submitted_on"] = today()
        amount = req.eligible_cost
        note = reason and _clean_reason(reason, "reason", "note", False)
    elif action == REJECT:
        note = _clean_reason(reason, "reason", "reason for the rejection", True)
        values["rejection_reason"] = note
    elif action in (APPROVE, CANCEL):
        note = _clean_reason(reason, "reason", "comment", False)
    elif action == FLAG_DOCUMENTS:
        note = _clean_reason(reason, "reason", "list of missing documents", True)
    elif action in (COMPLETE, RESUBMIT_DOCUMENTS):
        note = _clean_reason(reason, "reason", "comment", False)
        errors: dict[str, list[str]] = {}
        if grade not in (None, "") or action == COMPLETE:
            valid = grades_for(req, config)
            try:
                normal = rules.normalize_grade(str(grade or ""), config)
                if normal not in valid:
                    raise ValueError
                values["grade"] = normal
            except ValueError:
                choices = ", ".join(valid)
                message = (
                    f"Enter the grade: one of {choices}"
                    if not grade
                    else f"{grade!r} is not a grade for this course: use one of {choices}"
                )
                suffix = "." if req.pass_fail else " (a letter may carry + or -)."
                errors["grade"] = [message + suffix]
        provided = [
            d
            for d in (receipt, transcript)
            if d not in (None, "") and (isinstance(d, int | Upload) or getattr(d, "filename", None))
        ]
        if not provided:
            errors["receipt"] = [
                "Upload the receipt or the transcript (PDF, PNG or JPEG)."
                if action == COMPLETE
                else "Upload the missing document: the receipt or the transcript."
            ]
        if errors:
            raise ValidationFailed("Some of the values are not valid.", errors)
        docs = {"receipt": receipt, "transcript": transcript}
    elif action == PAY:
        errors = {}
        paid = (
            parse_date(paid_on, "paid_on", "payment date", errors)
            if paid_on not in (None, "")
            else today()
        )
        if paid is not None and paid > today():
            errors.setdefault("paid_on", []).append(
                f"The payment date {paid.isoformat()} is in the future: record a payment once "
                "it is made."
            )
        if paid is not None and paid < req.starts_on:
            errors.setdefault("paid_on", []).append(
                f"The payment date cannot be before the course started ({req.starts_on})."
            )
        if errors:
            raise ValidationFailed("Some of the values are not valid.", errors)
        values["paid_on"] = paid
        values["cap_year"] = paid.year  # type: ignore[union-attr]
        note = _clean_reason(reason, "reason", "comment", False)

    stage = _stage_of(seen)
    try:
        with _actor_context(actor):
            # The employee row first, always: finance steps serialize cap arithmetic on it,
            # and every step raises the employee's facts_version as it commits
            # (readiness_cache), so locking it last would let two steps deadlock.
            _lock_employee(req.employee_id)
            if action == APPROVE and stage == "finance":
                values["reserved_amount"] = rules.to_cents(req.eligible_cost)
                values["cap_year"] = rules.cap_year(req.starts_on)
            if not _conditional_update(req.id, seen, values):
                raise _stale(req.id, action, seen)
            # The request is ours now: checks that read other rows run under the write lock.
            if action == APPROVE and stage == "finance":
                amount = values["reserved_amount"]
                used = rules.cap_used(values["cap_year"], _cap_entries(req.employee_id, req.id))
                try:
                    rules.check_reservation(amount, used, config)
                except rules.CapExceeded as error:
                    raise CapExceeded(
                        f"{req.employee.name}, {values['cap_year']}: {error}",
                        {"amount": [str(error)]},
                    ) from None
            elif action == APPROVE:
                amount = req.eligible_cost
            elif action == PAY:
                left = rules.cap_left(
                    values["paid_on"].year, _cap_entries(req.employee_id, req.id), config
                )
                amount = rules.reimbursement_amount(
                    req.eligible_cost, req.grade or "", left, config
                )
                db.session.execute(
                    update(TR).where(TR.c.id == req.id).values(reimbursed_amount=amount)
                )
                values["reimbursed_amount"] = amount
            elif action in (COMPLETE, RESUBMIT_DOCUMENTS):
                more: dict[str, Any] = {}
                receipt_id = _document_id(docs["receipt"], req, "receipt", "receipt", actor)
                transcript_id = _document_id(
                    docs["transcript"], req, "transcript", "transcript", actor
                )
                if receipt_id:
                    more["receipt_upload_id"] = receipt_id
                if transcript_id:
                    more["transcript_upload_id"] = transcript_id
                if more:
                    db.session.execute(update(TR).where(TR.c.id == req.id).values(**more))
                values.update(more)
                amount = req.reserved_amount
            before = {"state": seen}
            record_change(db.session(), TR.name, req.id, "update", before, values)
            _event(req, action, seen, target, actor, reason=note, amount=amount)
            _notify_transition(req, action, seen, target, actor, note, amount)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire(req)
    return req


def override_late(request_id: int, actor: User, reason: str | None) -> TuitionRequest:
    """HR allows a late draft to be submitted (DOMAIN.md Timing), with a reason that is kept
    on the request (late_override_reason) and in its history."""
    req = load_request(request_id, actor)
    _authorize(OVERRIDE_LATE, req, actor)
    if req.state != DRAFT:
        raise IllegalTransition(
            f"A request that is {req.state} needs no late-submission override: only a draft "
            "that is late can get one."
        )
    if req.late_override_reason:
        raise Conflict("HR already allowed this late submission.")
    if not is_late(req, today()):
        raise Conflict(
            f"The course starts on {req.starts_on.isoformat()}, after today: the request is "
            "not late, so it needs no override."
        )
    note = _clean_reason(reason, "override_reason", "reason for the override", True)
    try:
        with _actor_context(actor):
            _lock_employee(req.employee_id)  # first, as every step does
            applied = _conditional_update(
                req.id, DRAFT, {"late_override_reason": note}, TR.c.late_override_reason.is_(None)
            )
            if not applied:
                raise _stale(req.id, OVERRIDE_LATE, DRAFT)
            record_change(
                db.session(),
                TR.name,
                req.id,
                "update",
                {"late_override_reason": None},
                {"late_override_reason": note},
            )
            _event(req, OVERRIDE_LATE, DRAFT, DRAFT, actor, reason=note)
            _notify_transition(req, OVERRIDE_LATE, DRAFT, DRAFT, actor, note, None)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire(req)
    return req


# --------------------------------------------------------------------------- notifications


def _link(req: TuitionRequest) -> str:
    return f"/tuition/{req.id}"


def _notify_transition(
    req: TuitionRequest,
    action: str,
    from_state: str,
    to_state: str,
    actor: User,
    note: str | None,
    amount: Decimal | None,
) -> None:
    """Tell the people a state change concerns (never the person who made it)."""
    employee = req.employee
    owner = employee.user.id if employee.user is not None else None
    who = actor.employee.name if actor.employee is not None else actor.email
    title = f"“{req.title}”"
    money = f" ({tuition_config().currency} {amount:,.2f})" if amount is not None else ""
    subject = f"Tuition request {title} {ACTION_WORDS.get(action, action)}"
    whose = "their" if actor.employee_id == employee.id else f"{employee.name}'s"
    body = f"{who} {ACTION_WORDS.get(action, action)} {whose} tuition request {title}"
    body += f"{money}. It is now {STATE_WORDS.get(to_state, to_state)}."
    if note:
        body += f" Note: {note}"
    recipients: list[int | None] = []
    if actor.id != owner:
        recipients.append(owner)
    # Whoever must act next.
    next_stage = rules.approval_stage(to_state) if to_state != from_state else None
    if next_stage == "manager":
        approver = manager_approver(employee)
        if approver is not None and approver.user is not None:
            recipients.append(approver.user.id)
        else:
            recipients.extend(notices.users_with_role("hr"))
    elif next_stage == "hr":
        recipients.extend(notices.users_with_role("hr"))
    elif next_stage == "finance" or to_state == "completed":
        recipients.extend(notices.users_with_role("finance"))
    if action == CANCEL and rules.approval_stage(from_state):
        stage = rules.approval_stage(from_state)
        if stage == "manager":
            approver = manager_approver(employee)
            recipients.append(approver.user.id if approver and approver.user else None)
        else:
            recipients.extend(notices.users_with_role(str(stage)))
    ids = [uid for uid in recipients if uid is not None and uid != actor.id]
    notices.notify(ids, "tuition", subject, body, _link(req))


# --------------------------------------------------------------------------- lists and queues


def _list_loading() -> tuple[Any, ...]:
    """Loader options for list pages: the employee and department joined in, and no role
    catalogue (JobRole eagerly loads its requirements, courses and grants, which no list shows)."""
    return (
        joinedload(TuitionRequest.employee).lazyload(Employee.job_role),
        lazyload(TuitionRequest.target_role),
    )


REQUEST_SORTS = {
    "updated": TuitionRequest.updated_at,
    "starts_on": TuitionRequest.starts_on,
    "title": TuitionRequest.title,
    "state": TuitionRequest.state,
    "employee": Employee.name,
    "cost": TuitionRequest.tuition + TuitionRequest.fees + TuitionRequest.books,
}
QUEUE_STAGES = ("manager", "hr", "finance")


def _search(stmt: Select, q: str | None) -> Select:
    if q:
        like = f"%{q.strip().lower()[:100]}%"
        stmt = stmt.where(
            or_(
                TuitionRequest.title.ilike(like),
                TuitionRequest.institution.ilike(like),
                Employee.name.ilike(like),
                Employee.employee_no.ilike(like),
            )
        )
    return stmt


def own_requests_query(employee_id: int, q: str | None = None, state: str | None = None) -> Select:
    stmt = (
        select(TuitionRequest)
        .join(Employee, Employee.id == TuitionRequest.employee_id)
        .options(selectinload(TuitionRequest.events), *_list_loading())
        .where(TuitionRequest.employee_id == employee_id)
    )
    if state in rules.STATES:
        stmt = stmt.where(TuitionRequest.state == state)
    return _search(stmt, q)


def visible_requests_query(
    user: User, q: str | None = None, state: str | None = None, department: str | None = None
) -> Select:
    """Every request the user may see: their own, their reports' (managers), all (hr, finance)."""
    stmt = (
        select(TuitionRequest)
        .join(Employee, Employee.id == TuitionRequest.employee_id)
        .options(*_list_loading())
    )
    if not user.has_role("hr", "finance"):
        stmt = stmt.where(
            or_(
                TuitionRequest.employee_id == user.employee_id,
                TuitionRequest.employee_id.in_(policy.subtree_query(user.employee_id)),
            )
        )
    if state in rules.STATES:
        stmt = stmt.where(TuitionRequest.state == state)
    if department:
        stmt = stmt.join(Department, Department.id == Employee.department_id).where(
            Department.code == department
        )
    return _search(stmt, q)


def queue_query(user: User, stage: str, q: str | None = None, view: str | None = None) -> Select:
    """Requests waiting for ``user`` at ``stage`` (manager, hr or finance).

    finance ``view``: "approve" (hr_approved), "pay" (completed) or "waiting" (documents_missing
    waiting for the employee); default both approve and pay. hr ``view`` "late": drafts whose
    course has started, waiting for a late-submission override.
    """
    stmt = (
        select(TuitionRequest)
        .join(Employee, Employee.id == TuitionRequest.employee_id)
        .options(*_list_loading())
    )
    mine = TuitionRequest.employee_id != user.employee_id
    if stage == "manager":
        stmt = stmt.where(
            TuitionRequest.state == "submitted",
            TuitionRequest.employee_id.in_(manager_approvees(user.employee_id)),
        )
    elif stage == "hr":
        if view == "late":
            stmt = stmt.where(
                TuitionRequest.state == DRAFT,
                TuitionRequest.starts_on <= today(),
                TuitionRequest.late_override_reason.is_(None),
                Employee.status != "terminated",
            )
        else:
            fallback = hr_fallback_employees(
                select(TuitionRequest.employee_id).where(TuitionRequest.state == "submitted")
            )
            stmt = stmt.where(
                or_(
                    TuitionRequest.state == "manager_approved",
                    and_(
                        TuitionRequest.state == "submitted",
                        TuitionRequest.employee_id.in_(fallback),
                    ),
                )
            )
    elif stage == "finance":
        states = {
            "approve": ["hr_approved"],
            "pay": ["completed"],
            "waiting": ["documents_missing"],
        }.get(view or "", ["hr_approved", "completed"])
        stmt = stmt.where(TuitionRequest.state.in_(states))
    else:
        raise ValueError(f"unknown queue {stage!r}")
    return _search(stmt.where(mine), q)


def queue_count_query(user: User, stage: str, view: str | None = None) -> Select:
    """SELECT of one number: how many requests wait in the user's queue (navigation counts)."""
    stmt = queue_query(user, stage, view=view).order_by(None)
    return select(func.count()).select_from(stmt.subquery())


def queue_count(user: User, stage: str, view: str | None = None) -> int:
    return db.session.scalar(queue_count_query(user, stage, view)) or 0


def queues_for(user: User) -> list[str]:
    """Which approval queues the user has."""
    found = []
    if policy.is_manager(user):
        found.append("manager")
    if user.has_role("hr"):
        found.append("hr")
    if user.has_role("finance"):
        found.append("finance")
    return found


# --------------------------------------------------------------------------- API shape


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{rules.to_cents(value):.2f}"


def request_to_dict(req: TuitionRequest, include_history: bool = False) -> dict[str, Any]:
    """A request in the API.md shape: dates ISO, money "1500.00", catalogue refs by code."""
    target_competency = (
        db.session.get(Competency, req.target_competency_id) if req.target_competency_id else None
    )
    amount = req.reimbursed_amount if req.state == REIMBURSED else None
    if amount is None and req.state in RESERVING_STATES:
        amount = req.reserved_amount
    if amount is None:
        amount = req.eligible_cost
    data: dict[str, Any] = {
        "id": req.id,
        "employee_id": req.employee_id,
        "employee_name": req.employee.name if req.employee else None,
        "title": req.title,
        "institution": req.institution,
        "qualification": req.qualification.code if req.qualification else None,
        "starts_on": req.starts_on.isoformat(),
        "ends_on": req.ends_on.isoformat(),
        "tuition": _money(req.tuition),
        "fees": _money(req.fees),
        "books": _money(req.books),
        "eligible_cost": _money(req.eligible_cost),
        "job_related": bool(req.job_related),
        "justification": req.justification,
        "target_role": req.target_role.code if req.target_role else None,
        "target_competency": target_competency.code if target_competency else None,
        "pass_fail": bool(req.pass_fail),
        "state": req.state,
        "submitted_on": req.submitted_on.isoformat() if req.submitted_on else None,
        "late": is_late(req),
        "late_override_reason": req.late_override_reason,
        "rejection_reason": req.rejection_reason,
        "reserved_amount": _money(req.reserved_amount),
        "cap_year": req.cap_year,
        "grade": req.grade,
        "receipt_upload_id": req.receipt_upload_id,
        "transcript_upload_id": req.transcript_upload_id,
        "reimbursed_amount": _money(req.reimbursed_amount),
        "paid_on": req.paid_on.isoformat() if req.paid_on else None,
        "amount": _money(amount),
    }
    if include_history:
        data["history"] = [
            {
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "at": e.at.isoformat(),
                "by": e.actor.email if e.actor else None,
                "reason": e.reason,
                "amount": _money(e.amount),
            }
            for e in history(req)
        ]
    return data


# --------------------------------------------------------------------------- finance summary


@dataclass
class SummaryRow:
    """One employee's tuition money in one calendar year (DOMAIN.md Annual cap)."""

    employee_id: int
    employee_no: str
    name: str
    department_code: str
    department_name: str
    reserved: Decimal = Decimal("0.00")
    reimbursed: Decimal = Decimal("0.00")
    taxable_excess: Decimal = Decimal("0.00")
    repayments_owed: Decimal = Decimal("0.00")
    cap: Decimal = Decimal("0.00")

    @property
    def cap_used(self) -> Decimal:
        return self.reserved + self.reimbursed

    @property
    def cap_left(self) -> Decimal:
        return max(self.cap - self.cap_used, Decimal("0.00"))


@dataclass
class DepartmentTotals:
    code: str
    name: str
    employees: int = 0
    reserved: Decimal = Decimal("0.00")
    reimbursed: Decimal = Decimal("0.00")
    cap_used: Decimal = Decimal("0.00")
    taxable_excess: Decimal = Decimal("0.00")
    repayments_owed: Decimal = Decimal("0.00")


@dataclass
class Summary:
    year: int
    department: str | None
    currency: str
    rows: list[SummaryRow] = field(default_factory=list)
    departments: list[DepartmentTotals] = field(default_factory=list)
    total: DepartmentTotals = field(default_factory=lambda: DepartmentTotals("ALL", "All"))


def summary(year: int, department: str | None = None) -> Summary:
    """Per employee and per department, for calendar ``year``: reserved, reimbursed, cap used,
    taxable excess and repayments owed. Three queries whatever the number of rows.

    - reserved: requests pre-approved and not yet paid whose course starts in ``year``;
    - reimbursed: payments with paid_on in ``year``; cap used = reserved + reimbursed;
    - taxable excess: rules.taxable_excess of the employee's payments in ``year``;
    - repayments owed: repayments of voluntary leavers whose termination date is in ``year``.
    """
    config = tuition_config()
    start, end = date(year, 1, 1), date(year, 12, 31)
    emp_dept = select(
        Employee.id, Employee.employee_no, Employee.name, Department.code, Department.name
    ).outerjoin(Department, Department.id == Employee.department_id)
    stmt = select(
        TuitionRequest.employee_id,
        TuitionRequest.state,
        TuitionRequest.reserved_amount,
        TuitionRequest.reimbursed_amount,
        TuitionRequest.job_related,
    ).where(
        or_(
            and_(
                TuitionRequest.state.in_(RESERVING_STATES),
                TuitionRequest.starts_on.between(start, end),
            ),
            and_(TuitionRequest.state == REIMBURSED, TuitionRequest.paid_on.between(start, end)),
        )
    )
    money_rows = list(db.session.execute(stmt))
    repayments = list(
        db.session.execute(
            select(Repayment.employee_id, Repayment.amount_owed).where(
                Repayment.termination_date.between(start, end)
            )
        )
    )
    ids = {r[0] for r in money_rows} | {r[0] for r in repayments}
    people = {}
    if ids:
        people = {row[0]: row for row in db.session.execute(emp_dept.where(Employee.id.in_(ids)))}
    rows: dict[int, SummaryRow] = {}
    payments: dict[int, list[rules.Payment]] = defaultdict(list)

    def row_for(eid: int) -> SummaryRow:
        if eid not in rows:
            _, no, name, dcode, dname = people[eid]
            rows[eid] = SummaryRow(
                employee_id=eid,
                employee_no=no,
                name=name,
                department_code=dcode or "",
                department_name=dname or "No department",
                cap=config.annual_cap,
            )
        return rows[eid]

    for eid, state, reserved, reimbursed, job_related in money_rows:
        row = row_for(eid)
        if state == REIMBURSED:
            row.reimbursed += reimbursed or Decimal("0.00")
            payments[eid].append(rules.Payment(reimbursed or Decimal("0.00"), bool(job_related)))
        else:
            row.reserved += reserved or Decimal("0.00")
    for eid, owed in repayments:
        row_for(eid).repayments_owed += owed
    for eid, paid in payments.items():
        rows[eid].taxable_excess = rules.taxable_excess(paid, config)
    result = Summary(year=year, department=department, currency=config.currency)
    selected = [
        r
        for r in rows.values()
        if not department or department in (r.department_code, r.department_name)
    ]
    selected.sort(key=lambda r: (r.department_name, r.name, r.employee_id))
    result.rows = selected
    by_dept: dict[str, DepartmentTotals] = {}
    for r in selected:
        totals = by_dept.setdefault(
            r.department_code, DepartmentTotals(r.department_code, r.department_name)
        )
        for target in (totals, result.total):
            target.employees += 1
            target.reserved += r.reserved
            target.reimbursed += r.reimbursed
            target.cap_used += r.cap_used
            target.taxable_excess += r.taxable_excess
            target.repayments_owed += r.repayments_owed
    result.departments = sorted(by_dept.values(), key=lambda d: d.name)
    return result


def summary_to_dict(data: Summary) -> dict[str, Any]:
    """The summary in the API.md shape (GET /tuition/summary): money as decimal strings."""

    def totals(t: DepartmentTotals) -> dict[str, Any]:
        return {
            "department": t.code,
            "name": t.name,
            "employees": t.employees,
            "reserved": _money(t.reserved),
            "reimbursed": _money(t.reimbursed),
            "cap_used": _money(t.cap_used),
            "taxable_excess": _money(t.taxable_excess),
            "repayments_owed": _money(t.repayments_owed),
        }

    return {
        "year": data.year,
        "department": data.department,
        "currency": data.currency,
        "items": [
            {
                "employee_id": r.employee_id,
                "employee_no": r.employee_no,
                "name": r.name,
                "department": r.department_code or None,
                "reserved": _money(r.reserved),
                "reimbursed": _money(r.reimbursed),
                "cap_used": _money(r.cap_used),
                "cap_left": _money(r.cap_left),
                "taxable_excess": _money(r.taxable_excess),
                "repayments_owed": _money(r.repayments_owed),
            }
            for r in data.rows
        ],
        "departments": [totals(d) for d in data.departments],
        "total": totals(data.total),
    }


CSV_COLUMNS = (
    "year",
    "department",
    "employee_no",
    "name",
    "reserved",
    "reimbursed",
    "cap_used",
    "cap_left",
    "taxable_excess",
    "repayments_owed",
)


def _csv_safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def summary_csv(data: Summary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in data.rows:
        writer.writerow(
            [
                data.year,
                _csv_safe(r.department_code),
                _csv_safe(r.employee_no),
                _csv_safe(r.name),
                _money(r.reserved),
                _money(r.reimbursed),
                _money(r.cap_used),
                _money(r.cap_left),
                _money(r.taxable_excess),
                _money(r.repayments_owed),
            ]
        )
    return out.getvalue()


def summary_years() -> list[int]:
    """Years that have tuition money, plus this year (for the year picker)."""
    years = {today().year}
    for starts, paid in db.session.execute(
        select(func.min(TuitionRequest.starts_on), func.max(TuitionRequest.paid_on))
    ):
        if starts:
            years.update(range(starts.year, today().year + 1))
        if paid:
            years.add(paid.year)
    return sorted(years, reverse=True)


# --------------------------------------------------------------------------- leavers


def record_termination(
    employee: Employee, termination_date: date | str, reason: str, actor: User
) -> list[Repayment]:
    """Record that ``employee`` left, and compute what a voluntary leaver repays.

    DOMAIN.md Repayment: a voluntary leaver repays a share of each reimbursement, by whole
    months from paid_on to the termination date (the (cfg) table); the amount owed is computed
    now and stored. An involuntary leaver owes nothing. Requests not yet pre-approved by finance
    are cancelled, since nobody is left to take the course. Answers the repayments owed (> 0).
    """
    if actor is None or not actor.has_role("hr"):
        raise NotAllowed("Only HR can record that someone left.")
    errors: dict[str, list[str]] = {}
    left = parse_date(termination_date, "termination_date", "termination date", errors)
    why = str(reason or "").strip().lower()
    if why not in ("voluntary", "involuntary"):
        errors.setdefault("reason", []).append("Choose voluntary or involuntary.")
    if left is not None and employee.hire_date and left < employee.hire_date:
        errors.setdefault("termination_date", []).append(
            f"The termination date cannot be before the hire date ({employee.hire_date})."
        )
    if errors:
        raise ValidationFailed("Some of the values are not valid.", errors)
    if employee.status == "terminated":
        raise Conflict(
            f"{employee.name} already left on {employee.termination_date}: nothing was changed."
        )
    assert left is not None
    config = tuition_config()
    owed: list[Repayment] = []
    try:
        with _actor_context(actor):
            employee.status = "terminated"
            employee.termination_date = left
            employee.termination_reason = why
            db.session.flush()
            already = set(
                db.session.scalars(
                    select(Repayment.request_id).where(Repayment.employee_id == employee.id)
                )
            )
            if why == "voluntary":
                paid = db.session.scalars(
                    select(TuitionRequest).where(
                        TuitionRequest.employee_id == employee.id,
                        TuitionRequest.state == REIMBURSED,
                        TuitionRequest.paid_on.is_not(None),
                    )
                )
                for req in paid:
                    paid_on = req.paid_on
                    if req.id in already or not req.reimbursed_amount or paid_on is None:
                        continue
                    amount = rules.repayment_owed(req.reimbursed_amount, paid_on, left, why, config)
                    if amount <= 0:
                        continue
                    months = whole_months_between(paid_on, left)
                    repayment = Repayment(
                        request_id=req.id,
                        employee_id=employee.id,
                        termination_date=left,
                        months_since_paid=months,
                        share=rules.repayment_share(months, config),
                        amount_owed=amount,
                    )
                    db.session.add(repayment)
                    owed.append(repayment)
            open_requests = db.session.scalars(
                select(TuitionRequest).where(
                    TuitionRequest.employee_id == employee.id,
                    TuitionRequest.state.in_(
                        ["draft", "submitted", "manager_approved", "hr_approved"]
                    ),
                )
            ).all()
            for req in open_requests:
                if _conditional_update(req.id, req.state, {"state": "cancelled"}):
                    note = f"{employee.name} left on {left.isoformat()}."
                    record_change(
                        db.session(),
                        TR.name,
                        req.id,
                        "update",
                        {"state": req.state},
                        {"state": "cancelled"},
                    )
                    _event(req, CANCEL, req.state, "cancelled", actor, reason=note)
            db.session.flush()
            if owed:
                total = sum((r.amount_owed for r in owed), Decimal("0.00"))
                notices.notify(
                    notices.users_with_role("finance", exclude=[actor.id]),
                    "tuition_repayment",
                    f"Tuition repayment owed by {employee.name}",
                    f"{employee.name} left voluntarily on {left.isoformat()} and owes "
                    f"{config.currency} {total:,.2f} back on {len(owed)} reimbursement(s).",
                    "/tuition/repayments",
                )
            db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleTransition(
            f"{employee.name}'s record changed a moment ago; nothing was saved. Try again."
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return owed


def repayment_to_dict(rep: Repayment) -> dict[str, Any]:
    return {
        "id": rep.id,
        "request_id": rep.request_id,
        "employee_id": rep.employee_id,
        "termination_date": rep.termination_date.isoformat(),
        "months_since_paid": rep.months_since_paid,
        "share": f"{rep.share:.2f}",
        "amount_owed": _money(rep.amount_owed),
        "settled_on": rep.settled_on.isoformat() if rep.settled_on else None,
    }


REPAYMENT_SORTS = {
    "termination_date": Repayment.termination_date,
    "employee": Employee.name,
    "amount": Repayment.amount_owed,
}


def repayments_query(q: str | None = None, outstanding: bool = True) -> Select:
    stmt = (
        select(Repayment)
        .join(Employee, Employee.id == Repayment.employee_id)
        .options(
            joinedload(Repayment.request)
            .joinedload(TuitionRequest.employee)
            .lazyload(Employee.job_role),
            defaultload(Repayment.request).lazyload(TuitionRequest.target_role),
        )
    )
    if outstanding:
        stmt = stmt.where(Repayment.settled_on.is_(None))
    if q:
        like = f"%{q.strip().lower()[:100]}%"
        stmt = stmt.where(or_(Employee.name.ilike(like), Employee.employee_no.ilike(like)))
    return stmt


def outstanding_total() -> Decimal:
    return db.session.scalar(
        select(func.coalesce(func.sum(Repayment.amount_owed), 0)).where(
            Repayment.settled_on.is_(None)
        )
    ) or Decimal("0.00")


def settle_repayment(repayment_id: int, settled_on: date | str | None, actor: User) -> Repayment:
    """Finance records that a repayment was received (conditional: settled once)."""
    if actor is None or not actor.has_role("finance"):
        raise NotAllowed("Only finance can record a repayment as settled.")
    rep = db.session.get(Repayment, repayment_id)
    if rep is None:
        raise NotFound("There is no such repayment.")
    errors: dict[str, list[str]] = {}
    when = (
        parse_date(settled_on, "settled_on", "settlement date", errors)
        if settled_on not in (None, "")
        else today()
    )
    if when is not None and when > today():
        errors.setdefault("settled_on", []).append("The settlement date cannot be in the future.")
    if when is not None and when < rep.termination_date:
        errors.setdefault("settled_on", []).append(
            f"The settlement date cannot be before the termination date ({rep.termination_date})."
        )
    if errors:
        raise ValidationFailed("Some of the values are not valid.", errors)
    table = Repayment.__table__
    try:
        with _actor_context(actor):
            result = db.session.execute(
                update(table)
                .where(table.c.id == rep.id, table.c.settled_on.is_(None))
                .values(settled_on=when)
            )
            if _rowcount(result) != 1:
                raise StaleTransition("This repayment was already recorded as settled.")
            record_change(
                db.session(),
                table.name,
                rep.id,
                "update",
                {"settled_on": None},
                {"settled_on": when},
            )
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire(rep)
    return rep


def employees_for_termination(q: str | None = None) -> list[Employee]:
    """Active people to pick from when HR records a leaver."""
    stmt = select(Employee).where(Employee.status != "terminated").order_by(Employee.name)
    if q:
        like = f"%{q.strip().lower()[:100]}%"
        stmt = stmt.where(or_(Employee.name.ilike(like), Employee.employee_no.ilike(like)))
    return list(db.session.scalars(stmt))
