"""Who hears of a tuition step: the employee, and whoever must act next (never the actor)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.models import TuitionRequest, User
from app.services import notify as notices
from app.services.tuition.approvers import manager_approver
from app.services.tuition.config import ACTION_WORDS, state_words, tuition_config
from app.tuition import rules
from app.tuition.rules import CANCEL


def link(req: TuitionRequest) -> str:
    """The request's page, for a notification."""
    return f"/tuition/{req.id}"


def _stage_users(req: TuitionRequest, stage: str | None) -> list[int | None]:
    """The users who act at ``stage`` of the request (the manager stage's approver, or HR)."""
    if stage == "manager":
        approver = manager_approver(req.employee)
        if approver is not None and approver.user is not None:
            return [approver.user.id]
        return list(notices.users_with_role("hr"))
    if stage is None:
        return []
    return list(notices.users_with_role(stage))


def _recipients(req: TuitionRequest, action: str, from_state: str, to_state: str) -> list[Any]:
    """Whoever must act next, and for a cancel the stage that was waiting to decide."""
    recipients: list[int | None] = []
    next_stage = rules.approval_stage(to_state) if to_state != from_state else None
    if next_stage is not None:
        recipients.extend(_stage_users(req, next_stage))
    elif to_state == "completed":
        recipients.extend(notices.users_with_role("finance"))
    stage = rules.approval_stage(from_state)
    if action == CANCEL and stage:
        if stage == "manager":
            approver = manager_approver(req.employee)
            recipients.append(approver.user.id if approver and approver.user else None)
        else:
            recipients.extend(notices.users_with_role(str(stage)))
    return recipients


def submitted_words(req: TuitionRequest) -> str:
    """Who was told of a submission, in words (docs/RULES.md Who approves): the direct manager,
    the next manager up with a sign-in when the direct one has none, or HR."""
    employee = req.employee
    approver = manager_approver(employee)
    direct = employee.manager
    if approver is None:
        return (
            "Submitted. HR has been notified: there is no manager with a sign-in above you, "
            "so HR decides the manager stage."
        )
    if direct is not None and direct.id == approver.id:
        return f"Submitted. Your manager, {approver.name}, has been notified."
    reason = (
        f"your manager, {direct.name}, has no active sign-in, so the manager stage passes to "
        f"{approver.name}"
        if direct is not None
        else f"the manager stage passes to {approver.name}"
    )
    return f"Submitted. {approver.name} has been notified: {reason}."


def notify_transition(
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
    done = ACTION_WORDS.get(action, action)
    money = f" ({tuition_config().currency} {amount:,.2f})" if amount is not None else ""
    whose = "their" if actor.employee_id == employee.id else f"{employee.name}'s"
    body = f"{who} {done} {whose} tuition request {title}"
    body += f"{money}. It is now {state_words(to_state)}."
    if note:
        body += f" Note: {note}"
    recipients: list[int | None] = [owner] if actor.id != owner else []
    recipients += _recipients(req, action, from_state, to_state)
    ids = [uid for uid in recipients if uid is not None and uid != actor.id]
    notices.notify(ids, "tuition", f"Tuition request {title} {done}", body, link(req))
