"""Leavers and the repayments they owe (docs/RULES.md "Repayment").

A voluntary leaver repays a share of each reimbursement, by whole months from paid_on to the
termination date (the (cfg) table); the amount owed is computed when HR records the leaver and
stored. An involuntary leaver owes nothing. Finance records a repayment as settled, once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from app import policy
from app.audit import record_change
from app.clock import today
from app.extensions import db
from app.kernel.fields import FieldErrors
from app.kernel.words import plural
from app.models import Employee, Repayment, TuitionRequest, User
from app.readiness.dates import whole_months_between
from app.services import notify as notices
from app.services.joins import contains_any
from app.services.tuition.config import tuition_config
from app.services.tuition.errors import Conflict, NotAllowed, NotFound, StaleTransition
from app.services.tuition.parsing import parse_date, refuse_if_any
from app.services.tuition.shapes import money
from app.services.tuition.store import (
    TR,
    actor_context,
    add_event,
    conditional_update,
    rowcount,
    tuition_work,
    work,
)
from app.tuition import rules
from app.tuition.rules import CANCEL, REIMBURSED, TuitionConfig

LEAVER_REASONS = ("voluntary", "involuntary")
OPEN_STATES = ("draft", "submitted", "manager_approved", "hr_approved")
"""Requests not yet pre-approved by finance: cancelled when their employee leaves."""


def find_repayment(repayment_id: Any) -> Repayment | None:
    """The repayment of ``repayment_id``, or None."""
    return db.session.get(Repayment, repayment_id) if isinstance(repayment_id, int) else None


def employee_by_number(number: str) -> Employee | None:
    """The employee with this employee number, or None."""
    if not number:
        return None
    return db.session.scalar(select(Employee).where(Employee.employee_no == number))


def reloaded(employee: Employee) -> Employee | None:
    """The employee as the database has them now (after a leaver was recorded)."""
    db.session.expire_all()
    return db.session.get(Employee, employee.id)


# --------------------------------------------------------------------------- recording a leaver


def _check_leaver(employee: Employee, termination_date: Any, reason: Any) -> tuple[date, str]:
    errors = FieldErrors()
    left = parse_date(errors, "termination_date", termination_date, "termination date")
    why = str(reason or "").strip().lower()
    if why not in LEAVER_REASONS:
        errors.add("reason", "Choose voluntary or involuntary.")
    if left is not None and employee.hire_date and left < employee.hire_date:
        errors.add(
            "termination_date",
            f"The termination date cannot be before the hire date ({employee.hire_date}).",
        )
    refuse_if_any(errors)
    if employee.status == "terminated":
        raise Conflict(
            f"{employee.name} already left on {employee.termination_date}: nothing was changed."
        )
    assert left is not None
    return left, why


def record_termination(
    employee: Employee, termination_date: date | str, reason: str, actor: User
) -> list[Repayment]:
    """Record that ``employee`` left, and compute what a voluntary leaver repays.

    docs/RULES.md Repayment: a voluntary leaver repays a share of each reimbursement, by whole
    months from paid_on to the termination date (the (cfg) table); the amount owed is computed
    now and stored. An involuntary leaver owes nothing. Requests not yet pre-approved by finance
    are cancelled, since nobody is left to take the course. Answers the repayments owed (> 0).
    """
    if actor is None or not policy.is_hr(actor):
        raise NotAllowed("Only HR can record that someone left.")
    if actor.employee_id == employee.id:  # four eyes (docs/RULES.md "Four eyes")
        raise NotAllowed(
            "You cannot record your own termination: another HR user must do it (four eyes)."
        )
    left, why = _check_leaver(employee, termination_date, reason)
    leaver_work = work(
        f"{employee.name}'s record changed a moment ago; nothing was saved. Try again."
    )
    with actor_context(actor):  # around the commit: the audit rows name the actor
        return leaver_work(_terminate)(employee, left, why, actor)


def _terminate(employee: Employee, left: date, why: str, actor: User) -> list[Repayment]:
    config = tuition_config()
    employee.status = "terminated"
    employee.termination_date = left
    employee.termination_reason = why
    db.session.flush()
    owed = leaver_repayments(employee, left, config) if why == "voluntary" else []
    _cancel_open_requests(employee, left, actor)
    db.session.flush()
    if owed:
        total = sum((r.amount_owed for r in owed), Decimal("0.00"))
        notices.notify(
            notices.users_with_role("finance", exclude=[actor.id]),
            "tuition_repayment",
            f"Tuition repayment owed by {employee.name}",
            f"{employee.name} left voluntarily on {left.isoformat()} and owes "
            f"{config.currency} {total:,.2f} back on {plural(len(owed), 'reimbursement')}.",
            "/tuition/repayments",
        )
    return owed


def leaver_repayments(employee: Employee, left: date, config: TuitionConfig) -> list[Repayment]:
    """A voluntary leaver's repayment of each reimbursement that has none yet (owed > 0)."""
    already = set(
        db.session.scalars(select(Repayment.request_id).where(Repayment.employee_id == employee.id))
    )
    paid = db.session.scalars(
        select(TuitionRequest).where(
            TuitionRequest.employee_id == employee.id,
            TuitionRequest.state == REIMBURSED,
            TuitionRequest.paid_on.is_not(None),
        )
    )
    owed: list[Repayment] = []
    for req in paid:
        paid_on = req.paid_on
        if req.id in already or not req.reimbursed_amount or paid_on is None:
            continue
        amount = rules.repayment_owed(req.reimbursed_amount, paid_on, left, "voluntary", config)
        if amount <= 0:
            continue
        months = whole_months_between(paid_on, left)
        repayment = Repayment(
            request=req,  # the leaver's page shows it: no query to find it again
            employee_id=employee.id,
            termination_date=left,
            months_since_paid=months,
            share=rules.repayment_share(months, config),
            amount_owed=amount,
        )
        db.session.add(repayment)
        owed.append(repayment)
    return owed


def _cancel_open_requests(employee: Employee, left: date, actor: User) -> None:
    """Cancel the requests not yet pre-approved: nobody is left to take the course."""
    open_requests = db.session.scalars(
        select(TuitionRequest).where(
            TuitionRequest.employee_id == employee.id,
            TuitionRequest.state.in_(OPEN_STATES),
        )
    ).all()
    for req in open_requests:
        if conditional_update(req.id, req.state, {"state": "cancelled"}):
            note = f"{employee.name} left on {left.isoformat()}."
            record_change(
                db.session(),
                TR.name,
                req.id,
                "update",
                {"state": req.state},
                {"state": "cancelled"},
            )
            add_event(req, CANCEL, req.state, "cancelled", actor, reason=note)


# --------------------------------------------------------------------------- repayments


def repayment_to_dict(rep: Repayment) -> dict[str, Any]:
    """A repayment in the docs/API.md shape."""
    return {
        "id": rep.id,
        "request_id": rep.request_id,
        "employee_id": rep.employee_id,
        "termination_date": rep.termination_date.isoformat(),
        "months_since_paid": rep.months_since_paid,
        "share": f"{rep.share:.2f}",
        "amount_owed": money(rep.amount_owed),
        "settled_on": rep.settled_on.isoformat() if rep.settled_on else None,
    }


REPAYMENT_SORTS = {
    "termination_date": Repayment.termination_date,
    "employee": Employee.name,
    "amount": Repayment.amount_owed,
}


def repayments_query(q: str | None = None, outstanding: bool = True) -> Select:
    """Repayments (outstanding only, by default), searched by the leaver's name or number."""
    stmt = (
        select(Repayment)
        .join(Employee, Employee.id == Repayment.employee_id)
        # a row names the request and its person, in the same query
        .options(joinedload(Repayment.request).joinedload(TuitionRequest.employee))
    )
    if outstanding:
        stmt = stmt.where(Repayment.settled_on.is_(None))
    if q:
        stmt = stmt.where(
            contains_any(q.strip().lower()[:100], Employee.name, Employee.employee_no)
        )
    return stmt


def outstanding_total() -> Decimal:
    """What leavers still owe, all together."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Repayment.amount_owed), 0)).where(
            Repayment.settled_on.is_(None)
        )
    ) or Decimal("0.00")


def settle_repayment(repayment_id: int, settled_on: date | str | None, actor: User) -> Repayment:
    """Finance records that a repayment was received (conditional: settled once)."""
    if actor is None or not policy.is_finance(actor):
        raise NotAllowed("Only finance can record a repayment as settled.")
    rep = db.session.get(Repayment, repayment_id)
    if rep is None:
        raise NotFound("There is no such repayment.")
    errors = FieldErrors()
    when = (
        parse_date(errors, "settled_on", settled_on, "settlement date")
        if settled_on not in (None, "")
        else today()
    )
    if when is not None and when > today():
        errors.add("settled_on", "The settlement date cannot be in the future.")
    if when is not None and when < rep.termination_date:
        errors.add(
            "settled_on",
            f"The settlement date cannot be before the termination date ({rep.termination_date}).",
        )
    refuse_if_any(errors)
    with actor_context(actor):
        _settle(rep, when)
    db.session.expire(rep)
    return rep


@tuition_work
def _settle(rep: Repayment, when: date | None) -> None:
    table = Repayment.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == rep.id, table.c.settled_on.is_(None))
        .values(settled_on=when)
    )
    if rowcount(result) != 1:
        raise StaleTransition("This repayment was already recorded as settled.")
    record_change(
        db.session(), table.name, rep.id, "update", {"settled_on": None}, {"settled_on": when}
    )
