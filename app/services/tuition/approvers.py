"""Who acts at each step of a request (docs/RULES.md "Who approves"), and when it is late.

The manager stage belongs to the employee's own manager (or, when that manager has no active
sign-in, the nearest one above who has; with nobody above, HR); the HR stage to hr; the
finance stage, the document check and the payment to finance. Nobody approves their own
request, and nobody approves one request at two stages (four eyes).
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, exists, literal, select

from app import policy
from app.clock import today
from app.extensions import db
from app.models import Employee, TuitionEvent, TuitionRequest, User
from app.services.tuition.config import OVERRIDE_LATE, SERVICE_ACTIONS, STAGE_WORDS, state_words
from app.services.tuition.errors import NotAllowed, StaleTransition, TuitionError, ValidationFailed
from app.tuition import rules

OWNER_ACTIONS = (rules.SUBMIT, rules.CANCEL, rules.COMPLETE, rules.RESUBMIT_DOCUMENTS)


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


def unknown_action(action: str) -> ValidationFailed:
    """The refusal of an action that is not one of the tuition actions."""
    return ValidationFailed(
        f"Unknown action {action!r}.",
        {"action": [f"Unknown action {action!r}; use one of: {', '.join(SERVICE_ACTIONS)}."]},
    )


def _earlier_approval_by(req: TuitionRequest, actor: User) -> str | None:
    """The stage at which ``actor`` already approved this request, if any (four eyes)."""
    row = db.session.execute(
        select(TuitionEvent.from_state)
        .where(
            TuitionEvent.request_id == req.id,
            TuitionEvent.action == rules.APPROVE,
            TuitionEvent.actor_user_id == actor.id,
        )
        .limit(1)
    ).first()
    return rules.approval_stage(row[0]) if row else None


def _stage_refusal(stage: str, req: TuitionRequest, actor: User) -> str | None:
    """Why ``actor`` may not decide ``stage`` of ``req``, or None when they may."""
    if stage == "manager":
        approver = manager_approver(req.employee)
        if approver is None:
            if not policy.is_hr(actor):
                return (
                    f"{req.employee.name} has no manager with a sign-in, so HR decides the "
                    "manager stage."
                )
            return None
        if approver.id != actor.employee_id:
            return f"The manager stage belongs to {approver.name}, {req.employee.name}'s manager."
        return None
    if stage == "hr" and not policy.is_hr(actor):
        return "Only HR can decide at the HR stage."
    if stage == "finance" and not policy.is_finance(actor):
        return "Only finance can decide at the finance stage."
    return None


def _authorize_decision(action: str, req: TuitionRequest, actor: User) -> None:
    """Approve or reject: the one entitled to the current stage, never the employee, and not
    someone who already approved the request at another stage."""
    stage = rules.approval_stage(req.state)
    if stage is None:
        return  # the state machine refuses it with a clearer message
    verb = "approve" if action == rules.APPROVE else "reject"
    if actor.employee_id == req.employee_id:
        raise NotAllowed(f"You cannot {verb} your own request: someone else must decide.")
    refusal = _stage_refusal(stage, req, actor)
    earlier = _earlier_approval_by(req, actor)
    if earlier is not None and earlier != stage and action == rules.APPROVE:
        if refusal is not None:
            # A double click or a retry after the first approval went through: a duplicate.
            raise StaleTransition(
                f"You already approved this request at the {STAGE_WORDS[earlier]} stage; "
                f"it is now {state_words(req.state)}. Nothing was changed."
            )
        raise NotAllowed(
            f"You already approved this request at the {STAGE_WORDS[earlier]} stage; "
            f"another person must approve it at the {STAGE_WORDS[stage]} stage."
        )
    if refusal is not None:
        raise NotAllowed(refusal)


def authorize(action: str, req: TuitionRequest, actor: User) -> None:
    """Raise NotAllowed unless ``actor`` may apply ``action`` to ``req`` in its current state.

    docs/RULES.md "Who approves": manager stage = the employee's own manager, HR stage = hr,
    finance stage = finance; nobody approves their own request.
    """
    own = actor.employee_id == req.employee_id
    if action in OWNER_ACTIONS:
        if not own:
            raise NotAllowed(
                f"Only {req.employee.name} can {action.replace('_', ' ')} their own request."
            )
    elif action in (rules.APPROVE, rules.REJECT):
        _authorize_decision(action, req, actor)
    elif action in (rules.FLAG_DOCUMENTS, rules.PAY):
        if not policy.is_finance(actor):
            raise NotAllowed("Only finance can flag documents or mark a request paid.")
        if own:
            raise NotAllowed("You cannot handle the payment of your own request.")
    elif action == OVERRIDE_LATE:
        if not policy.is_hr(actor):
            raise NotAllowed("Only HR can allow a late submission.")
        if own:
            raise NotAllowed("You cannot allow a late submission of your own request.")
    else:
        raise unknown_action(action)


def is_late(req: TuitionRequest, on: date | None = None) -> bool:
    """docs/RULES.md Timing: pre-approval requested on or after the course start is late."""
    on = on or (req.submitted_on if req.state != rules.DRAFT and req.submitted_on else today())
    return not rules.requested_in_time(on, req.starts_on)


def completion_refusal(req: TuitionRequest, on: date | None = None) -> str | None:
    """docs/RULES.md Timing: why ``req`` cannot be completed (its grade entered) yet, or None.

    A grade is accepted only on or after the course's end date; the message gives that date.
    """
    on = on or today()
    if on >= req.ends_on:
        return None
    return (
        f"The course ends on {req.ends_on.isoformat()}: a grade can be entered only on or "
        f"after that date, so complete this request from {req.ends_on.isoformat()}."
    )


def needs_override(req: TuitionRequest) -> bool:
    """A late draft that HR has not allowed yet."""
    return req.state == rules.DRAFT and is_late(req) and not req.late_override_reason


def actions_for(user: User | None, req: TuitionRequest) -> list[str]:
    """The actions ``user`` may take on ``req`` now (to show buttons); no writes."""
    if user is None:
        return []
    found: list[str] = []
    for action in rules.allowed_actions(req.state):
        try:
            authorize(action, req, user)
        except TuitionError:
            continue
        found.append(action)
    if needs_override(req):
        with contextlib.suppress(TuitionError):
            authorize(OVERRIDE_LATE, req, user)
            found.append(OVERRIDE_LATE)
    return found
