"""The tuition report (pure): one calendar year of tuition money, for finance and hr.

Issue 7: reserved versus reimbursed by department, caps used, taxable excess and repayments
owed. The money rules live once, in ``services.tuition.summary`` (docs/RULES.md "Annual cap":
reserved (finance_approved and not yet paid) and reimbursed both count against the cap; what a
year pays above the tax-free limit for courses that are not job-related is taxable; voluntary
leavers repay a share by months since paid_on). This module only arranges those figures into a
document. Money stays Decimal; charts get floats for geometry only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from app.reports import charts

ZERO = Decimal("0.00")
CAP_BANDS = (
    ("under 25%", Decimal("0"), Decimal("25")),
    ("25-50%", Decimal("25"), Decimal("50")),
    ("50-75%", Decimal("50"), Decimal("75")),
    ("75-99%", Decimal("75"), Decimal("100")),
)
AT_CAP = "cap reached"


class SummaryRowLike(Protocol):
    employee_id: int
    employee_no: str
    name: str
    department_code: str
    department_name: str
    reserved: Decimal
    reimbursed: Decimal
    taxable_excess: Decimal
    repayments_owed: Decimal
    cap: Decimal

    @property
    def cap_used(self) -> Decimal: ...

    @property
    def cap_left(self) -> Decimal: ...


class DepartmentLike(Protocol):
    code: str
    name: str
    employees: int
    reserved: Decimal
    reimbursed: Decimal
    cap_used: Decimal
    taxable_excess: Decimal
    repayments_owed: Decimal


class SummaryLike(Protocol):
    year: int
    currency: str

    @property
    def rows(self) -> Sequence[SummaryRowLike]: ...

    @property
    def departments(self) -> Sequence[DepartmentLike]: ...

    @property
    def total(self) -> DepartmentLike: ...


@dataclass(frozen=True)
class RepaymentLine:
    """One reimbursement a voluntary leaver owes back (docs/RULES.md repayment table)."""

    employee_no: str
    name: str
    department_name: str
    course_title: str
    reimbursed: Decimal
    paid_on: date | None
    termination_date: date
    months_since_paid: int
    share: Decimal
    amount_owed: Decimal
    settled_on: date | None


@dataclass(frozen=True)
class CapRow:
    employee_no: str
    name: str
    department_name: str
    reserved: Decimal
    reimbursed: Decimal
    cap_used: Decimal
    cap_left: Decimal
    cap: Decimal
    percent_used: int
    taxable_excess: Decimal
    repayments_owed: Decimal


@dataclass(frozen=True)
class TuitionReport:
    title: str
    scope: str
    year: int
    currency: str
    generated_on: date
    departments: tuple[DepartmentLike, ...]
    total: DepartmentLike
    people: tuple[CapRow, ...]  # everyone with money in the year, most cap used first
    capped: tuple[CapRow, ...]  # those of them who used part of their cap
    taxable: tuple[CapRow, ...]
    repayments: tuple[RepaymentLine, ...]
    repayments_total: Decimal
    repayments_outstanding: Decimal
    cap_bands: tuple[tuple[str, int], ...]
    at_cap: int
    money_chart: charts.Chart
    cap_chart: charts.Chart


def percent_used(used: Decimal, cap: Decimal) -> int:
    """Whole percent of the cap used, rounded down (99.9% is not "at cap"), at most 100."""
    if cap <= 0:
        return 100 if used > 0 else 0
    return min(int(used * 100 / cap), 100)


def cap_band(used: Decimal, cap: Decimal) -> str:
    if used >= cap:
        return AT_CAP
    share = used * 100 / cap if cap > 0 else Decimal("100")
    for label, low, high in CAP_BANDS:
        if low <= share < high:
            return label
    return AT_CAP  # pragma: no cover - shares >= 100 are at the cap


def build_tuition_report(
    *,
    summary: SummaryLike,
    repayments: Iterable[RepaymentLine],
    generated_on: date,
    scope: str = "All departments",
) -> TuitionReport:
    """The year's figures of ``summary`` arranged for the report; ``repayments`` are the
    leavers' repayments whose termination date falls in the year."""
    people = tuple(
        sorted(
            (
                CapRow(
                    employee_no=r.employee_no,
                    name=r.name,
                    department_name=r.department_name,
                    reserved=r.reserved,
                    reimbursed=r.reimbursed,
                    cap_used=r.cap_used,
                    cap_left=r.cap_left,
                    cap=r.cap,
                    percent_used=percent_used(r.cap_used, r.cap),
                    taxable_excess=r.taxable_excess,
                    repayments_owed=r.repayments_owed,
                )
                for r in summary.rows
            ),
            key=lambda c: (-c.cap_used, c.name, c.employee_no),
        )
    )
    counted = [c for c in people if c.cap_used > 0]
    bands = {label: 0 for label, _, _ in CAP_BANDS} | {AT_CAP: 0}
    for c in counted:
        bands[cap_band(c.cap_used, c.cap)] += 1
    lines = tuple(sorted(repayments, key=lambda r: (r.termination_date, r.name, r.course_title)))
    money_chart = charts.stacked_bar_chart(
        f"Money by department ({summary.currency})",
        [(d.name, [d.reserved, d.reimbursed]) for d in summary.departments],
        [("Reserved", "light"), ("Reimbursed", "brand")],
        value_format=charts.money,
        description=(
            f"{summary.total.reserved} {summary.currency} reserved and "
            f"{summary.total.reimbursed} {summary.currency} reimbursed in {summary.year}."
        ),
    )
    cap_chart = charts.bar_chart(
        "People by share of the annual cap used",
        [
            charts.BarInput(label, count, "bad" if label == AT_CAP else "brand")
            for label, count in bands.items()
        ],
        description=f"{len(counted)} people used part of their {summary.year} cap; "
        f"{bands[AT_CAP]} reached it.",
    )
    return TuitionReport(
        title=f"Tuition report {summary.year}",
        scope=scope,
        year=summary.year,
        currency=summary.currency,
        generated_on=generated_on,
        departments=tuple(summary.departments),
        total=summary.total,
        people=people,
        capped=tuple(counted),
        taxable=tuple(c for c in people if c.taxable_excess > 0),
        repayments=lines,
        repayments_total=sum((r.amount_owed for r in lines), ZERO),
        repayments_outstanding=sum((r.amount_owed for r in lines if r.settled_on is None), ZERO),
        cap_bands=tuple(bands.items()),
        at_cap=bands[AT_CAP],
        money_chart=money_chart,
        cap_chart=cap_chart,
    )
