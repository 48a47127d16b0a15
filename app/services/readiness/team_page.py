"""One page of a role's candidates for the team report's HTML page, from stored readiness.

The team report's page shows the counts, gaps and lapses of everyone in scope but only one page
of candidates per role. Instead of evaluating the whole population on every request, the page
reads stored readiness (``stored.Scope``: computed, current) and picks the page's candidates in
SQL, searched (name or department) and ordered exactly as the report's in-memory sort orders
the full list; only the people on the page are then evaluated afresh (their reasons).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select

from app.extensions import db
from app.models import Department, Employee, StoredReadiness
from app.pagination import Page
from app.services.joins import with_placement
from app.services.readiness import bench
from app.services.readiness.stored import Scope, _valid

SR = StoredReadiness
SORTS = ("score", "name", "projected")


def _binary(column: Any) -> Any:
    """Text compared by code point, as Python compares strings (PostgreSQL's default collation
    may not)."""
    return column.collate("C") if db.engine.dialect.name == "postgresql" else column


def _order(sort: str, descending: bool) -> list[ColumnElement[Any]]:
    """The team report's stable in-memory sort, in SQL: the full list is first ranked best score
    first (then name, then id), then sorted by the key (``reverse`` keeps equal keys in that
    first order)."""
    name = _binary(Employee.name)
    lower = _binary(func.lower(Employee.name))
    missing = case((SR.projected_ready_on.is_(None), 1), else_=0)
    keys: dict[str, list[Any]] = {
        "score": [SR.score.desc(), name.asc()],
        "name": [lower.asc(), SR.score.desc()],
        "projected": [missing.asc(), SR.projected_ready_on.asc(), name.asc()],
    }
    if descending:
        keys = {
            "score": [SR.score.asc(), name.desc()],
            "name": [lower.desc(), SR.score.asc()],
            "projected": [missing.desc(), SR.projected_ready_on.desc(), name.desc()],
        }
    return [*keys[sort], SR.score.desc(), name.asc(), SR.employee_id.asc()]


def candidate_page(
    scope: Scope,
    role_code: str,
    *,
    q: str | None,
    sort: str,
    descending: bool,
    page: int,
    per_page: int,
) -> Page:
    """The ``page``-th ``per_page`` candidates for the role (not clamped: past the end it is
    empty), with the number matching: three queries and the evaluation of the page's people."""
    stmt = with_placement(
        select(SR.employee_id)
        .select_from(SR)
        .join(Employee, _valid(role_code, scope.as_of, scope.snapshot.version))
        .where(SR.employee_id.in_(scope.population)),
        department=Department,
    )
    if q:
        needle = q.lower()
        stmt = stmt.where(
            or_(
                func.lower(Employee.name).contains(needle, autoescape=True),
                func.lower(func.coalesce(Department.name, "")).contains(needle, autoescape=True),
            )
        )
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    ids = list(
        db.session.scalars(
            stmt.order_by(*_order(sort, descending))
            .limit(per_page)
            .offset((max(page, 1) - 1) * per_page)
        )
    )
    return Page(
        items=page_candidates(ids, role_code, scope.as_of),
        total=total,
        page=page,
        per_page=per_page,
    )


def page_candidates(ids: list[int], role_code: str, as_of: date) -> list[bench.Candidate]:
    """The candidates ``ids`` for the role, in that order, evaluated afresh (as the full report
    does): a fixed number of queries for the page's people only."""
    if not ids:
        return []
    found = bench.bench_strength(select(Employee.id).where(Employee.id.in_(ids)), role_code, as_of)
    by_id = {c.employee_id: c for c in found.candidates}
    return [by_id[eid] for eid in ids if eid in by_id]
