"""The annual cap of each employee (docs/RULES.md "Annual cap"), read from their requests.

A request counts toward the cap of the year its course starts while the amount is reserved,
and of the year it was paid once reimbursed (rules.cap_year).
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class CapStatus:
    """docs/RULES.md Annual cap for one employee and calendar year."""

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
