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
from functools import partial
from operator import attrgetter
from typing import Any

from app.readiness.vocabulary import BAND_LABELS
from app.reports.compliance import BUCKET_LABELS, ComplianceReport
from app.reports.individual import IndividualReport
from app.reports.team import TeamReport
from app.reports.tuition import TuitionReport
from app.services.shapes import FORMULA_PREFIXES


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


# A column of a table built by ``_table``: the header that is also the row's attribute, or
# (header, attribute) where they differ, or (header, attribute, format of the value).
Column = str | tuple[str, str] | tuple[str, str, Callable[[Any], Any]]


def _table(
    name: str,
    columns: Sequence[Column],
    items: Iterable[Any],
    lead: Sequence[tuple[str, Any]] = (),
    tail: Sequence[tuple[str, Any]] = (),
) -> Table:
    """A table of one row per item: the ``lead`` (header, value) cells, the item's ``columns``
    (an attribute path such as ``person.name``), then the ``tail`` cells."""
    specs = [(c, c, None) if isinstance(c, str) else (*c, None)[:3] for c in columns]
    getters = [(attrgetter(attr), form) for _, attr, form in specs]
    header = tuple(h for h, _ in lead) + tuple(h for h, _, _ in specs) + tuple(h for h, _ in tail)
    first = tuple(v for _, v in lead)
    last = tuple(v for _, v in tail)

    def row(item: Any) -> tuple[Any, ...]:
        values = tuple(get(item) if form is None else form(get(item)) for get, form in getters)
        return first + values + last

    return Table(name, header, (row(item) for item in items))


_TUITION_PERSON: tuple[Column, ...] = (
    "employee_no",
    ("employee", "name"),
    ("department", "department_name"),
)
_TUITION_SUMS: tuple[Column, ...] = ("reserved", "reimbursed", "cap_used", "taxable_excess")


# ----------------------------------------------------------------------------- individual


def individual_tables(report: IndividualReport) -> dict[str, Callable[[], Table]]:
    person = report.person

    def requirements() -> Table:
        return _table(
            "requirements",
            (
                ("requirement", "name"),
                "code",
                "kind",
                ("gate", "mandatory"),
                "weight",
                "required",
                "actual",
                "status",
                "attainment_pct",
                "evidence",
                "expires_on",
                "projected_close_on",
                "next_action",
            ),
            report.requirements,
            lead=(
                ("employee_no", person.employee_no),
                ("employee", person.name),
                ("target_role", report.target_role),
                ("as_of", report.as_of),
            ),
            tail=(("fingerprint", report.fingerprint),),
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


_PERSON_COLUMNS: tuple[Column, ...] = (
    ("employee_no", "person.employee_no"),
    ("employee", "person.name"),
    ("email", "person.email"),
    ("department", "person.department_name"),
    ("manager", "person.manager_name"),
    ("manager_email", "person.manager_email"),
)
"""Who a compliance row is about, and whom to chase: the first columns of its tables."""


def compliance_tables(report: ComplianceReport) -> dict[str, Callable[[], Table]]:
    def about_people(name: str, columns: tuple[Column, ...], rows: Any) -> Callable[[], Table]:
        """A table of rows about people: who, whom to chase, then ``columns``."""
        lead = (("as_of", report.as_of),)
        return lambda: _table(name, (*_PERSON_COLUMNS, *columns), rows, lead=lead)

    items = about_people(
        "items",
        (
            *("kind", "code", ("item", "name"), "expires_on", "days_left"),
            *(("window", "bucket_label"), "chase", "note"),
        ),
        report.rows,
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

    assignments = about_people(
        "assignments",
        ("code", ("course", "name"), "due_on", ("status", "status_label"), "days_overdue"),
        report.assignments,
    )

    def assignment_departments() -> Table:
        return Table(
            "assignment_departments",
            ("as_of", "department", "due", "overdue"),
            ((report.as_of, d.name, d.due, d.overdue) for d in report.assignment_departments),
        )

    return {
        "items": items,
        "departments": departments,
        "chase": chase,
        "assignments": assignments,
        "assignment_departments": assignment_departments,
    }


# ----------------------------------------------------------------------------- tuition


# Each tuition table: the report's rows it lists and its columns, after the year.
_TUITION_TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "departments": (
        "departments",
        (("department", "name"), ("people", "employees"), *_TUITION_SUMS, "repayments_owed"),
    ),
    "employees": (
        "people",
        (
            *_TUITION_PERSON,
            *_TUITION_SUMS[:3],
            "cap_left",
            ("percent_of_cap", "percent_used"),
            "taxable_excess",
            "repayments_owed",
        ),
    ),
    "repayments": (
        "repayments",
        (
            *_TUITION_PERSON,
            ("course", "course_title"),
            "reimbursed",
            "paid_on",
            "termination_date",
            "months_since_paid",
            "share",
            "amount_owed",
            "settled_on",
        ),
    ),
}


def tuition_tables(report: TuitionReport) -> dict[str, Callable[[], Table]]:
    lead = (("year", report.year),)
    return {
        name: partial(_table, name, columns, getattr(report, rows), lead=lead)
        for name, (rows, columns) in _TUITION_TABLES.items()
    }


# ----------------------------------------------------------------------------- team


# The CSV tables of the two people reports, the first being the one a bare CSV link gives.
TEAM_TABLES = ("candidates", "gaps", "lapses")
COMPLIANCE_TABLES = ("items", "departments", "chase", "assignments", "assignment_departments")


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
            "band_label",
            "band_reason",
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
                BAND_LABELS.get(c.band, c.band),
                c.reason or "",
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
    return _table(
        "lapses",
        (
            ("employee", "name"),
            "department",
            ("manager", "manager_name"),
            ("kind", "item_kind"),
            ("code", "item_code"),
            ("item", "item_name"),
            "expires_on",
            "days_left",
            ("drops_ready_for", "drops_ready_for", "; ".join),
        ),
        report.lapses,
        lead=(("as_of", report.as_of),),
    )
