"""The annual cap of each employee (docs/RULES.md "Annual cap"), read from their requests.

A request counts toward the cap of the year its course starts while the amount is reserved,
and of the year it was paid once reimbursed (rules.cap_year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import TuitionRequest
from app.services.tuition.config import tuition_config
from app.tuition import rules
from app.tuition.rules import REIMBURSED, RESERVING_STATES


def cap_entries(employee_id: int, exclude_id: int | None = None) -> list[rules.CapEntry]:
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


class CapUse:
    """What counts against an annual cap (docs/RULES.md Annual cap): what is reserved plus
    what was reimbursed (``used``), and what is left of ``cap``, never below zero."""

    cap: Decimal
    reserved: Decimal
    reimbursed: Decimal

    @property
    def used(self) -> Decimal:
        return self.reserved + self.reimbursed

    @property
    def left(self) -> Decimal:
        return max(self.cap - self.used, Decimal("0.00"))


@dataclass(frozen=True)
class CapStatus(CapUse):
    """docs/RULES.md Annual cap for one employee and calendar year."""

    year: int
    cap: Decimal
    reserved: Decimal
    reimbursed: Decimal


def cap_status(employee_id: int, year: int | None = None) -> CapStatus:
    """Cap used and left in ``year`` (default: this year): reservations of requests whose
    course starts that year and payments made that year (see rules.cap_year)."""
    year = year or today().year
    config = tuition_config()
    reserved = reimbursed = Decimal("0.00")
    for entry in cap_entries(employee_id):
        if entry.year != year:
            continue
        if entry.state == REIMBURSED:
            reimbursed += rules.entry_cap_amount(entry)
        else:
            reserved += rules.entry_cap_amount(entry)
    return CapStatus(year=year, cap=config.annual_cap, reserved=reserved, reimbursed=reimbursed)


def cap_years(employee_id: int) -> list[int]:
    """The calendar years the employee's reservations and payments count to."""
    return sorted({entry.year for entry in cap_entries(employee_id)})


@dataclass(frozen=True)
class PaymentPreview:
    """What paying a completed request pays, and how (docs/RULES.md Amount): the eligible cost
    times the grade's percentage, capped by what is left of the cap of the payment's year."""

    eligible: Decimal
    grade: str
    percentage: Decimal
    earned: Decimal
    year: int
    cap_left: Decimal
    amount: Decimal
    paid_on: date

    @property
    def capped(self) -> bool:
        """The cap left, not the grade, decides the amount."""
        return self.amount < self.earned

    def words(self, currency: str) -> str:
        """The amount and its computation, in one sentence for finance."""
        how = (
            f"eligible cost {self.eligible:,.2f} × {self.percentage.normalize():f}% for grade "
            f"{self.grade} = {self.earned:,.2f}"
        )
        limit = (
            f"capped by the {self.cap_left:,.2f} left of the {self.year} cap"
            if self.capped
            else f"within the {self.cap_left:,.2f} left of the {self.year} cap"
        )
        return (
            f"Paid on {self.paid_on.isoformat()}, this pays {currency} {self.amount:,.2f}: "
            f"{how}, {limit}."
        )


def payment_preview(req: TuitionRequest, paid_on: date | None = None) -> PaymentPreview:
    """The amount ``req`` is paid on ``paid_on`` (default today), with its computation; the cap
    left leaves the request's own reservation out (docs/RULES.md Amount)."""
    paid_on = paid_on or today()
    config = tuition_config()
    try:
        grade, known = rules.normalize_grade(req.grade or "", config), True
    except ValueError:  # no grade yet
        grade, known = "", False
    percentage = config.grades.get(grade, Decimal("0"))
    left = rules.cap_left(paid_on.year, cap_entries(req.employee_id, req.id), config)
    amount = (
        rules.reimbursement_amount(req.eligible_cost, grade, left, config)
        if known
        else Decimal("0.00")
    )
    return PaymentPreview(
        eligible=rules.to_cents(req.eligible_cost),
        grade=grade or "none",
        percentage=percentage,
        earned=rules.to_cents(req.eligible_cost * percentage / Decimal(100)),
        year=paid_on.year,
        cap_left=left,
        amount=amount,
        paid_on=paid_on,
    )
