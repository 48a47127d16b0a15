"""Query fragments that several areas' reports and exports share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_

from app.models import Employee


def with_placement(
    stmt: Select, *, role: Any = None, department: Any = None, manager: Any = None
) -> Select:
    """``stmt`` over employees, outer-joined to where each person sits: their job role, their
    department and their manager, each given as the entity (or the alias) to join."""
    if role is not None:
        stmt = stmt.outerjoin(role, role.id == Employee.job_role_id)
    if department is not None:
        stmt = stmt.outerjoin(department, department.id == Employee.department_id)
    if manager is not None:
        stmt = stmt.outerjoin(manager, manager.id == Employee.manager_id)
    return stmt


def contains_any(text: str, *columns: Any) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``text`` (case-insensitive ``ILIKE``)."""
    like = f"%{text}%"
    return or_(*(column.ilike(like) for column in columns))


def search(q: str, *columns: Any) -> ColumnElement[bool]:
    """A list's search box: any of ``columns`` contains ``q`` (trimmed), ignoring case."""
    like = f"%{q.strip().lower()}%"
    return or_(*(func.lower(column).like(like) for column in columns))
