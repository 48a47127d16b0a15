"""The finance summary of tuition money, per employee and department, and its CSV.

docs/RULES.md "Annual cap": reserved (pre-approved, not yet paid, course starting that year)
and reimbursed (paid that year) both count toward the cap; the taxable excess is what the
year's payments for courses that are not job-related pay above the tax-free limit;
repayments owed by voluntary leavers who left that year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select

from app.clock import today
from app.extensions import db
from app.models import Department, Employee, Repayment, TuitionRequest
from app.services.shapes import attributes, csv_text, formula_safe
from app.services.tuition.caps import CapUse
from app.services.tuition.config import tuition_config
from app.services.tuition.shapes import money, moneys
from app.tuition import rules
from app.tuition.rules import REIMBURSED, RESERVING_STATES, TuitionConfig

ZERO = Decimal("0.00")


@dataclass
class SummaryRow(CapUse):
    """One employee's tuition money in one calendar year, and their cap."""

    employee_id: int
    employee_no: str
    name: str
    department_code: str
    department_name: str
    reserved: Decimal = ZERO
    reimbursed: Decimal = ZERO
    taxable_excess: Decimal = ZERO
    repayments_owed: Decimal = ZERO
    cap: Decimal = ZERO

    cap_used = CapUse.used
    cap_left = CapUse.left


@dataclass
class DepartmentTotals:
    """The summary's totals of a department (or of everyone): its people's money added up."""

    code: str
    name: str
    employees: int = 0
    reserved: Decimal = ZERO
    reimbursed: Decimal = ZERO
    cap_used: Decimal = ZERO
    taxable_excess: Decimal = ZERO
    repayments_owed: Decimal = ZERO


@dataclass
class Summary:
    year: int
    department: str | None
    currency: str
    rows: list[SummaryRow] = field(default_factory=list)
    departments: list[DepartmentTotals] = field(default_factory=list)
    total: DepartmentTotals = field(default_factory=lambda: DepartmentTotals("ALL", "All"))


def _money_rows(start: date, end: date) -> list[Any]:
    """(employee, state, reserved, reimbursed, job_related) of the requests counting in the
    year from ``start`` to ``end``."""
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
    return list(db.session.execute(stmt))


def _people(ids: set[int]) -> dict[int, Any]:
    """(id, number, name, department code, department name) of the employees ``ids``."""
    if not ids:
        return {}
    emp_dept = select(
        Employee.id, Employee.employee_no, Employee.name, Department.code, Department.name
    ).outerjoin(Department, Department.id == Employee.department_id)
    return {row[0]: row for row in db.session.execute(emp_dept.where(Employee.id.in_(ids)))}


def _rows(year: int, config: TuitionConfig) -> dict[int, SummaryRow]:
    """One row per employee with money in ``year``: three queries whatever their number."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    money_rows = _money_rows(start, end)
    repayments = list(
        db.session.execute(
            select(Repayment.employee_id, Repayment.amount_owed).where(
                Repayment.termination_date.between(start, end)
            )
        )
    )
    people = _people({r[0] for r in money_rows} | {r[0] for r in repayments})
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
            row.reimbursed += reimbursed or ZERO
            payments[eid].append(rules.Payment(reimbursed or ZERO, bool(job_related)))
        else:
            row.reserved += reserved or ZERO
    for eid, owed in repayments:
        row_for(eid).repayments_owed += owed
    for eid, paid in payments.items():
        rows[eid].taxable_excess = rules.taxable_excess(paid, config)
    return rows


def summary(year: int, department: str | None = None) -> Summary:
    """Per employee and per department, for calendar ``year``: reserved, reimbursed, cap used,
    taxable excess and repayments owed. Three queries whatever the number of rows.

    - reserved: requests pre-approved and not yet paid whose course starts in ``year``;
    - reimbursed: payments with paid_on in ``year``; cap used = reserved + reimbursed;
    - taxable excess: rules.taxable_excess of the employee's payments in ``year``;
    - repayments owed: repayments of voluntary leavers whose termination date is in ``year``.
    """
    config = tuition_config()
    rows = _rows(year, config)
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
    """The summary in the docs/API.md shape (GET /tuition/summary): money as decimal strings."""

    def totals(t: DepartmentTotals) -> dict[str, Any]:
        return {
            "department": t.code,
            "name": t.name,
            "employees": t.employees,
            **moneys(t, "reserved", "reimbursed", "cap_used", "taxable_excess", "repayments_owed"),
        }

    return {
        "year": data.year,
        "department": data.department,
        "currency": data.currency,
        "items": [
            {
                **attributes(r, "employee_id", "employee_no", "name"),
                "department": r.department_code or None,
                **moneys(r, "reserved", "reimbursed", "cap_used", "cap_left"),
                **moneys(r, "taxable_excess", "repayments_owed"),
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


def summary_csv(data: Summary) -> str:
    rows = (
        [
            data.year,
            formula_safe(r.department_code),
            formula_safe(r.employee_no),
            formula_safe(r.name),
            money(r.reserved),
            money(r.reimbursed),
            money(r.cap_used),
            money(r.cap_left),
            money(r.taxable_excess),
            money(r.repayments_owed),
        ]
        for r in data.rows
    )
    return csv_text(CSV_COLUMNS, rows)


def summary_years() -> list[int]:
    """The years of the year picker (summary and report), newest first: every year that holds
    a reservation (the course's start), a payment (paid_on) or a repayment (the termination),
    with this year and the coming one. Three queries whatever the number of requests."""
    this_year = today().year
    years = {this_year, this_year + 1}
    sources = (
        (TuitionRequest.starts_on, TuitionRequest.state.in_(RESERVING_STATES)),
        (TuitionRequest.paid_on, TuitionRequest.state == REIMBURSED),
        (Repayment.termination_date, Repayment.termination_date.is_not(None)),
    )
    for column, where in sources:
        year = func.extract("year", column)
        years.update(int(y) for y in db.session.scalars(select(year).where(where).distinct()))
    return sorted(years, reverse=True)
