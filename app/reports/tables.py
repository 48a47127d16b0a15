"""The CSV tables of each report (pure: report data in, header and rows out).

Issue 7: "CSV for the tables". Each report names its tables; a table is a header and rows of
plain strings (dates ISO, money with two decimals). ``stream`` writes them as CSV lines one by
one so a long table starts downloading at once. Cells that a spreadsheet would run as a formula
are prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.reports.compliance import BUCKET_LABELS, ComplianceReport
from app.reports.individual import IndividualReport
from app.reports.team import TeamReport
from app.reports.tuition import TuitionReport

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: ISO dates, exact money, booleans as yes/no, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    if text[:1] in FORMULA_PREFIXES and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


@dataclass(frozen=True)
class Table:
    name: str
    header: tuple[str, ...]
    rows: Iterable[Sequence[Any]]


def stream(table: Table) -> Iterator[str]:
    """CSV text of ``table``, one line at a time (CRLF line ends, as RFC 4180 says)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell(v) for v in values])
        return buffer.getvalue()

    yield line(table.header)
    for row in table.rows:
        yield line(row)


def as_text(table: Table) -> str:
    return "".join(stream(table))


# ----------------------------------------------------------------------------- individual


def individual_tables(report: IndividualReport) -> dict[str, Callable[[], Table]]:
    person = report.person

    def requirements() -> Table:
        return Table(
            "requirements",
            (
                "employee_no",
                "employee",
                "target_role",
                "as_of",
                "requirement",
                "code",
                "kind",
                "gate",
                "weight",
                "required",
                "actual",
                "status",
                "attainment_pct",
                "evidence",
                "expires_on",
                "projected_close_on",
                "next_action",
                "fingerprint",
            ),
            (
                (
                    person.employee_no,
                    person.name,
                    report.target_role,
                    report.as_of,
                    r.name,
                    r.code,
                    r.kind,
                    r.mandatory,
                    r.weight,
                    r.required,
                    r.actual,
                    r.status,
                    r.attainment_pct,
                    r.evidence,
                    r.expires_on,
                    r.projected_close_on,
                    r.next_action,
                    report.fingerprint,
                )
                for r in report.requirements
            ),
        )

    def path() -> Table:
        return Table(
            "path",
            ("employee_no", "step_role", "step_projected_ready_on", "action", "target", "due_on")
            + ("cost", "description"),
            (
                (
                    person.employee_no,
                    step.role_code,
                    step.projected_ready_on,
                    a.kind_label,
                    a.name,
                    a.due_on,
                    a.cost,
                    a.description,
                )
                for step in report.path_steps
                for a in step.actions
            ),
        )

    return {"requirements": requirements, "path": path}


# ----------------------------------------------------------------------------- compliance


def compliance_tables(report: ComplianceReport) -> dict[str, Callable[[], Table]]:
    def items() -> Table:
        return Table(
            "items",
            (
                "as_of",
                "employee_no",
                "employee",
                "email",
                "department",
                "manager",
                "manager_email",
                "kind",
                "code",
                "item",
                "expires_on",
                "days_left",
                "window",
                "chase",
                "note",
            ),
            (
                (
                    report.as_of,
                    r.person.employee_no,
                    r.person.name,
                    r.person.email,
                    r.person.department_name,
                    r.person.manager_name,
                    r.person.manager_email,
                    r.kind,
                    r.code,
                    r.name,
                    r.expires_on,
                    r.days_left,
                    r.bucket_label,
                    r.chase,
                    r.note,
                )
                for r in report.rows
            ),
        )

    def departments() -> Table:
        return Table(
            "departments",
            ("as_of", "department", "people") + tuple(BUCKET_LABELS[b] for b in report.buckets),
            (
                (report.as_of, d.name, d.people) + tuple(d.counts[b] for b in report.buckets)
                for d in report.departments
            ),
        )

    def chase() -> Table:
        return Table(
            "chase",
            ("as_of", "manager", "manager_email")
            + tuple(BUCKET_LABELS[b] for b in report.buckets)
            + ("people",),
            (
                (report.as_of, c.manager_name, c.manager_email)
                + tuple(c.counts[b] for b in report.buckets)
                + ("; ".join(c.people),)
                for c in report.chase
            ),
        )

    return {"items": items, "departments": departments, "chase": chase}


# ----------------------------------------------------------------------------- tuition


def tuition_tables(report: TuitionReport) -> dict[str, Callable[[], Table]]:
    return {
        "departments": lambda: _tuition_departments(report),
        "employees": lambda: _tuition_people(report),
        "repayments": lambda: _tuition_repayments(report),
    }


def _tuition_departments(report: TuitionReport) -> Table:
    return Table(
        "departments",
        (
            "year",
            "department",
            "people",
            "reserved",
            "reimbursed",
            "cap_used",
            "taxable_excess",
            "repayments_owed",
        ),
        (
            (
                report.year,
                d.name,
                d.employees,
                d.reserved,
                d.reimbursed,
                d.cap_used,
                d.taxable_excess,
                d.repayments_owed,
            )
            for d in report.departments
        ),
    )


def _tuition_people(report: TuitionReport) -> Table:
    return Table(
        "employees",
        (
            "year",
            "employee_no",
            "employee",
            "department",
            "reserved",
            "reimbursed",
            "cap_used",
            "cap_left",
            "percent_of_cap",
            "taxable_excess",
            "repayments_owed",
        ),
        (
            (
                report.year,
                c.employee_no,
                c.name,
                c.department_name,
                c.reserved,
                c.reimbursed,
                c.cap_used,
                c.cap_left,
                c.percent_used,
                c.taxable_excess,
                c.repayments_owed,
            )
            for c in report.people
        ),
    )


def _tuition_repayments(report: TuitionReport) -> Table:
    return Table(
        "repayments",
        (
            "year",
            "employee_no",
            "employee",
            "department",
            "course",
            "reimbursed",
            "paid_on",
            "termination_date",
            "months_since_paid",
            "share",
            "amount_owed",
            "settled_on",
        ),
        (
            (
                report.year,
                r.employee_no,
                r.name,
                r.department_name,
                r.course_title,
                r.reimbursed,
                r.paid_on,
                r.termination_date,
                r.months_since_paid,
                r.share,
                r.amount_owed,
                r.settled_on,
            )
            for r in report.repayments
        ),
    )


# ----------------------------------------------------------------------------- team


def team_tables(report: TeamReport) -> dict[str, Callable[[], Table]]:
    return {
        "candidates": lambda: _team_candidates(report),
        "gaps": lambda: _team_gaps(report),
        "lapses": lambda: _team_lapses(report),
    }


def _team_candidates(report: TeamReport) -> Table:
    return Table(
        "candidates",
        (
            "as_of",
            "target_role",
            "rank",
            "employee",
            "current_role",
            "department",
            "score",
            "band",
            "ready",
            "projected_ready_on",
            "gates_not_met",
        ),
        (
            (
                report.as_of,
                section.role_code,
                rank,
                c.name,
                c.current_role,
                c.department,
                c.score,
                c.band,
                c.ready,
                c.projected_ready_on,
                "; ".join(c.blocking_gates),
            )
            for section in report.roles
            for rank, c in enumerate(section.candidates, start=1)
        ),
    )


def _team_gaps(report: TeamReport) -> Table:
    return Table(
        "gaps",
        ("as_of", "target_role", "gap", "kind", "gate", "people", "share_pct", "closed_by"),
        (
            (
                report.as_of,
                section.role_code,
                g.name,
                g.kind,
                g.mandatory,
                g.people,
                g.share_pct,
                g.closing,
            )
            for section in report.roles
            for g in section.gaps
        ),
    )


def _team_lapses(report: TeamReport) -> Table:
    return Table(
        "lapses",
        (
            "as_of",
            "employee",
            "department",
            "manager",
            "kind",
            "code",
            "item",
            "expires_on",
            "days_left",
            "drops_ready_for",
        ),
        (
            (
                report.as_of,
                x.name,
                x.department,
                x.manager_name,
                x.item_kind,
                x.item_code,
                x.item_name,
                x.expires_on,
                x.days_left,
                "; ".join(x.drops_ready_for),
            )
            for x in report.lapses
        ),
    )
