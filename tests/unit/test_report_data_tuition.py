"""The tuition report's data (app/reports/tuition.py): pure, no app or database.

Issue 7: per year, reserved versus reimbursed by department, caps used, taxable excess and
repayments owed. docs/RULES.md "Annual cap": reserved and reimbursed both count; the repayment
table of voluntary leavers. Money stays Decimal.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.reports import tuition as t
from app.services.tuition import DepartmentTotals, Summary, SummaryRow

CAP = Decimal("5250.00")


def row(eid, name, dept, reserved="0", reimbursed="0", taxable="0", owed="0"):  # type: ignore[no-untyped-def]
    return SummaryRow(
        employee_id=eid,
        employee_no=f"E{eid:04d}",
        name=name,
        department_code=dept,
        department_name={"N": "North", "S": "South"}[dept],
        reserved=Decimal(reserved),
        reimbursed=Decimal(reimbursed),
        taxable_excess=Decimal(taxable),
        repayments_owed=Decimal(owed),
        cap=CAP,
    )


def summary() -> Summary:
    rows = [
        row(1, "Ann", "N", reserved="1000.00", reimbursed="4250.00"),  # at the cap
        row(2, "Bo", "N", reimbursed="6000.00", taxable="750.00"),  # above: paid earlier years
        row(3, "Cy", "S", reserved="1300.00"),
        row(4, "Di", "S", owed="1125.00"),  # a leaver: no cap used this year
    ]
    north = DepartmentTotals("N", "North", 2, Decimal("1000.00"), Decimal("10250.00"))
    south = DepartmentTotals("S", "South", 2, Decimal("1300.00"), Decimal("0.00"))
    total = DepartmentTotals("ALL", "All", 4, Decimal("2300.00"), Decimal("10250.00"))
    return Summary(2026, None, "USD", rows, [north, south], total)


def repayment(name, owed, settled=None):  # type: ignore[no-untyped-def]
    return t.RepaymentLine(
        "E0004",
        name,
        "South",
        "Certificate in Management",
        Decimal("1500.00"),
        date(2025, 12, 22),
        date(2026, 10, 22),
        10,
        Decimal("0.75"),
        Decimal(owed),
        settled,
    )


def build() -> t.TuitionReport:
    return t.build_tuition_report(
        summary=summary(),
        repayments=[repayment("Di", "1125.00"), repayment("Ed", "200.00", date(2026, 11, 1))],
        generated_on=date(2026, 11, 22),
    )


def test_caps_used_lists_only_people_who_used_their_cap_most_first():
    report = build()
    assert [c.name for c in report.capped] == ["Bo", "Ann", "Cy"]
    assert [c.name for c in report.people][-1] == "Di"  # still in the CSV of the year
    ann = next(c for c in report.capped if c.name == "Ann")
    assert (ann.cap_used, ann.cap_left, ann.percent_used) == (CAP, Decimal("0.00"), 100)


def test_cap_bands_count_people_and_at_cap_means_the_whole_cap():
    report = build()
    # Cy used 1300.00 of 5250.00 (24.8%); Ann and Bo used all of it.
    assert dict(report.cap_bands) == {
        "under 25%": 1,
        "25-50%": 0,
        "50-75%": 0,
        "75-99%": 0,
        "cap reached": 2,
    }
    assert report.at_cap == 2


@pytest.mark.parametrize(
    ("used", "expected"),
    [("0", 0), ("5249.99", 99), ("5250.00", 100), ("9000.00", 100), ("2625.00", 50)],
)
def test_percent_of_cap_rounds_down_so_only_a_full_cap_reads_100(used, expected):
    assert t.percent_used(Decimal(used), CAP) == expected


def test_taxable_excess_and_repayments_with_what_is_still_outstanding():
    report = build()
    assert [(c.name, c.taxable_excess) for c in report.taxable] == [("Bo", Decimal("750.00"))]
    assert report.repayments_total == Decimal("1325.00")
    assert report.repayments_outstanding == Decimal("1125.00")
    assert isinstance(report.repayments_total, Decimal)


def test_the_department_chart_stacks_reserved_on_reimbursed():
    report = build()
    north, south = report.money_chart.bars
    assert north.title == "North" and north.total_text == "11,250"
    assert [s.series for s in north.segments] == ["Reserved", "Reimbursed"]
    assert [s.series for s in south.segments] == ["Reserved"]
    assert report.title == "Tuition report 2026" and report.scope == "All departments"
