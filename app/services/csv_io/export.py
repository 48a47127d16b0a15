"""Export: the import's own sets and column names, so an export can be edited and imported
again. A cell a spreadsheet would run as a formula is prefixed with ``'`` (the import strips it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Competency,
    CompetencyRating,
    Completion,
    Course,
    Department,
    Employee,
    JobRole,
)
from app.services.csv_io.kinds import KINDS
from app.services.joins import with_placement
from app.services.records import RecordError
from app.services.shapes import csv_text, formula_safe


def _safe(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return formula_safe(str(value))


def _employees() -> tuple[list[str], Sequence[Any]]:
    manager = aliased(Employee)
    placed = with_placement(
        select(
            Employee.employee_no,
            Employee.name,
            Employee.email,
            Employee.hire_date,
            JobRole.code,
            Employee.role_since,
            manager.employee_no,
            Department.code,
            Employee.jurisdiction,
            Employee.status,
            Employee.termination_date,
            Employee.termination_reason,
        ),
        role=JobRole,
        department=Department,
        manager=manager,
    )
    rows = db.session.execute(placed.order_by(Employee.employee_no)).all()
    # The import's employee columns, so an export imports again, then what only hr's file shows.
    headers = [column.field for column in KINDS["employees"].columns]
    headers += ["termination_date", "termination_reason"]
    return headers, rows


def _per_person(
    model: Any, entry: Any, entry_id: Any, columns: tuple[Any, ...], by: Any, where: Any = ()
) -> Sequence[Any]:
    """Each row of ``model`` as employee number, name, the catalogue ``entry``'s code, then
    ``columns``; by person, then the date ``by``, then code (one query)."""
    return db.session.execute(
        select(Employee.employee_no, Employee.name, entry.code, *columns)
        .join(Employee, model.employee_id == Employee.id)
        .join(entry, entry_id == entry.id)
        .where(*where)
        .order_by(Employee.employee_no, by, entry.code)
    ).all()


def _completions() -> tuple[list[str], Sequence[Any]]:
    c = Completion
    rows = _per_person(
        c,
        Course,
        c.course_id,
        (c.completed_on, c.expires_on, c.score),
        by=c.completed_on,
        where=(c.verification == "verified",),
    )
    return ["employee", "employee_name", "course", "completed_on", "expires_on", "score"], rows


def _ratings() -> tuple[list[str], Sequence[Any]]:
    r = CompetencyRating
    rows = _per_person(
        r, Competency, r.competency_id, (r.level, r.rated_on, r.source, r.evidence), by=r.rated_on
    )
    headers = ["employee", "employee_name", "competency", "level", "rated_on", "source", "evidence"]
    return headers, rows


EXPORTS: dict[str, Callable[[], tuple[list[str], Sequence[Any]]]] = {
    "employees": _employees,
    "completions": _completions,
    "ratings": _ratings,
}


def export_rows(kind_name: str) -> tuple[list[str], list[list[str]]]:
    """The rows of an export, one query each; columns are the import's field names."""
    if kind_name not in EXPORTS:
        raise RecordError(f"Unknown export {kind_name!r}; choose one of {', '.join(KINDS)}.")
    headers, rows = EXPORTS[kind_name]()
    return headers, [[_safe(v) for v in row] for row in rows]


def export_csv(kind_name: str) -> str:
    return csv_text(*export_rows(kind_name))
