"""CSV tables of the reports (app/reports/tables.py): cells, streaming, and each table.

Issue 7: "CSV for the tables". Dates ISO, money exact, and cells a spreadsheet would run as a
formula are neutralised (CSV injection).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from app.reports import tables
from tests.unit.test_report_data_compliance import build as build_compliance
from tests.unit.test_report_data_compliance import item
from tests.unit.test_report_data_individual import build as build_individual
from tests.unit.test_report_data_team import build as build_team
from tests.unit.test_report_data_tuition import build as build_tuition


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "yes"),
        (date(2026, 11, 22), "2026-11-22"),
        (Decimal("1125"), "1125.00"),
        (-35, "-35"),
        ("-35", "-35"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 call me", "'+1 call me"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Maria Lopez", "Maria Lopez"),
    ],
)
def test_cells(value, cell):
    assert tables.cell(value) == cell


def test_a_table_streams_line_by_line_with_crlf():
    table = tables.Table("t", ("a", "b"), iter([("x, y", 1), ("=1+1", None)]))
    lines = list(tables.stream(table))
    assert lines == ["a,b\r\n", '"x, y",1\r\n', "'=1+1,\r\n"]


def parse(table: tables.Table) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(tables.as_text(table))))


def test_the_individual_requirements_table_carries_the_fingerprint():
    report = build_individual()
    rows = parse(tables.individual_tables(report)["requirements"]())
    assert len(rows) == len(report.requirements)
    pci = next(r for r in rows if r["code"] == "PCI-AWARE")
    assert (pci["status"], pci["gate"], pci["expires_on"]) == ("unmet", "yes", "2026-10-18")
    assert pci["fingerprint"] == report.fingerprint
    path = parse(tables.individual_tables(report)["path"]())
    assert path[0]["action"] == "Renew" and path[0]["cost"] == "50.00"


def test_the_compliance_tables():
    report = build_compliance([item(1, -35), item(2, 20)])
    items = parse(tables.compliance_tables(report)["items"]())
    assert [(r["employee"], r["days_left"], r["window"]) for r in items] == [
        ("Maria Lopez", "-35", "Expired"),
        ("Casey Smith", "20", "Within 30 days"),
    ]
    depts = parse(tables.compliance_tables(report)["departments"]())
    assert {d["department"]: d["Expired"] for d in depts}["Contact Centre North"] == "1"
    chase = parse(tables.compliance_tables(report)["chase"]())
    assert chase[0]["manager"] == "Daniel Kim" and chase[0]["people"] == "Casey Smith; Maria Lopez"


def test_the_tuition_and_team_tables():
    tuition = tables.tuition_tables(build_tuition())
    repayments = parse(tuition["repayments"]())
    assert [r["amount_owed"] for r in repayments] == ["1125.00", "200.00"]
    assert parse(tuition["employees"]())[0]["cap_used"] == "6000.00"
    team = tables.team_tables(build_team())
    candidates = parse(team["candidates"]())
    assert [(c["target_role"], c["rank"], c["employee"]) for c in candidates] == [
        ("L2-CSS", "1", "Casey"),
        ("L2-CSS", "2", "Maria"),
        ("L3-CSM", "1", "Grace"),
    ]
    assert parse(team["lapses"]())[0]["drops_ready_for"] == "L2-CSS"
