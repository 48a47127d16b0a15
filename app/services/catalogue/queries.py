"""Catalogue lists and reads: searched, filtered, sortable queries, counts and usage.

The views and the API order and page these queries; every read here costs a fixed handful of
queries whatever the number of rows (docs/DESIGN.md "Bulk first").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from app import models
from app.extensions import db
from app.kernel.fields import CODE_MAX, clean_search
from app.services.catalogue.kinds import KINDS, EntryKind, entry_loading, kind_of
from app.services.joins import search

# =============================================================================== lists


def _searched(stmt: Select, q: str | None, *columns: Any) -> Select:
    """``stmt`` narrowed, when ``q`` is given, to rows where any column contains it (any case)."""
    if not q:
        return stmt
    return stmt.where(search(q, *columns))


SORTS: dict[str, dict[str, Any]] = {
    "competency": {
        "code": models.Competency.code,
        "name": models.Competency.name,
        "category": models.Competency.category,
    },
    "course": {
        "code": models.Course.code,
        "title": models.Course.title,
        "category": models.Course.category,
        "hours": models.Course.hours,
        "cost": models.Course.cost,
        "validity": models.Course.validity_months,
    },
    "check_type": {
        "code": models.CheckType.code,
        "name": models.CheckType.name,
        "rescreen": models.CheckType.rescreen_months,
        "turnaround": models.CheckType.turnaround_days,
    },
    "instrument": {
        "code": models.Instrument.code,
        "name": models.Instrument.name,
        "kind": models.Instrument.kind,
        "validity": models.Instrument.validity_months,
    },
    "qualification": {"code": models.QualificationType.code, "name": models.QualificationType.name},
    "role": {
        "code": models.JobRole.code,
        "title": models.JobRole.title,
        "level": models.JobRole.level,
        "limit": models.JobRole.financial_authority_limit,
    },
}


def list_query(
    kind: str,
    q: str | None = None,
    status: str | None = "active",
    category: str | None = None,
    instrument_kind: str | None = None,
    level: int | None = None,
    expires: str | None = None,
    order: Any = None,
) -> Select:
    """Entries of one kind, searched by code or name and filtered, with what a row shows
    (kinds.entry_loading); the caller pages.

    ``status`` is active (the default: retired entries are hidden), retired or all; ``order``
    (a column of SORTS) orders them, ties by id.
    """
    spec = kind_of(kind)
    model = spec.model
    stmt = select(model).options(*entry_loading(kind))
    q, category = clean_search(q), clean_search(category, 80)
    stmt = _searched(stmt, q, model.code, getattr(model, spec.name_attr))
    if status == "active" or status is None:
        stmt = stmt.where(model.retired.is_(False))
    elif status == "retired":
        stmt = stmt.where(model.retired.is_(True))
    if category and hasattr(model, "category"):
        stmt = stmt.where(model.category == category)
    if instrument_kind and kind == "instrument":
        stmt = stmt.where(models.Instrument.kind == instrument_kind)
    if level is not None and kind == "role":
        stmt = stmt.where(models.JobRole.level == level)
    if kind == "course" and expires == "yes":
        stmt = stmt.where(models.Course.validity_months.is_not(None))
    elif kind == "course" and expires == "no":
        stmt = stmt.where(models.Course.validity_months.is_(None))
    return stmt if order is None else stmt.order_by(order, model.id)


def categories(kind: str) -> list[str]:
    """The distinct categories in use, for a filter (competencies and courses)."""
    model = kind_of(kind).model
    return list(db.session.scalars(select(model.category).distinct().order_by(model.category)))


SESSION_SORTS: dict[str, Any] = {
    "starts_on": models.CourseSession.starts_on,
    "ends_on": models.CourseSession.ends_on,
    "course": models.Course.code,
    "seats": models.CourseSession.seats,
}


def session_query(
    q: str | None = None,
    course: str | None = None,
    when: str | None = "upcoming",
    on: date | None = None,
    include_cancelled: bool = False,
    order: Any = None,
) -> Select:
    """Course sessions with their course, filtered; ``when`` is upcoming, past or all on ``on``.

    ``order`` (a column of SESSION_SORTS) orders them, ties by id.
    """
    stmt = select(models.CourseSession).join(
        models.Course, models.CourseSession.course_id == models.Course.id
    )
    q, course = clean_search(q), clean_search(course, CODE_MAX)
    stmt = _searched(
        stmt,
        q,
        models.Course.code,
        models.Course.title,
        func.coalesce(models.CourseSession.location, ""),
    )
    if course:
        stmt = stmt.where(models.Course.code == course.strip().upper())
    if on is not None and when == "upcoming":
        stmt = stmt.where(models.CourseSession.ends_on >= on)
    elif on is not None and when == "past":
        stmt = stmt.where(models.CourseSession.ends_on < on)
    if not include_cancelled:
        stmt = stmt.where(models.CourseSession.cancelled.is_(False))
    return stmt if order is None else stmt.order_by(order, models.CourseSession.id)


_FROM_ROLE = models.JobRole.__table__.alias("from_role")
_TO_ROLE = models.JobRole.__table__.alias("to_role")
LADDER_SORTS: dict[str, Any] = {
    "from": _FROM_ROLE.c.level,
    "to": _TO_ROLE.c.level,
    "months": models.LadderEdge.typical_months,
}


def ladder_query(q: str | None = None, order: Any = None) -> Select:
    """Ladder edges joined to both roles, searched by either role; ``order`` (a column of
    LADDER_SORTS, or several) orders them, ties by id."""
    stmt = (
        select(models.LadderEdge)
        .options(joinedload(models.LadderEdge.from_role), joinedload(models.LadderEdge.to_role))
        .join(_FROM_ROLE, models.LadderEdge.from_role_id == _FROM_ROLE.c.id)
        .join(_TO_ROLE, models.LadderEdge.to_role_id == _TO_ROLE.c.id)
    )
    q = clean_search(q)
    stmt = _searched(
        stmt, q, _FROM_ROLE.c.code, _FROM_ROLE.c.title, _TO_ROLE.c.code, _TO_ROLE.c.title
    )
    if order is None:
        return stmt
    return stmt.order_by(*(order if isinstance(order, tuple) else (order,)), models.LadderEdge.id)


@dataclass(frozen=True)
class KindCount:
    kind: EntryKind
    active: int
    retired: int


def overview() -> list[KindCount]:
    """How many active and retired entries each kind holds (one query per kind)."""
    result = []
    for spec in KINDS.values():
        counts: dict[bool, int] = dict(
            db.session.execute(
                select(spec.model.retired, func.count()).group_by(spec.model.retired)
            ).all()
        )
        result.append(KindCount(spec, counts.get(False, 0), counts.get(True, 0)))
    return result


def upcoming_session_count(on: date) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                models.CourseSession.ends_on >= on, models.CourseSession.cancelled.is_(False)
            )
        )
        or 0
    )


def ladder_steps(role: models.JobRole) -> tuple[list[models.LadderEdge], list[models.LadderEdge]]:
    """The ladder steps leading up from ``role`` and those reaching it."""
    edges = db.session.scalars(
        select(models.LadderEdge)
        .options(joinedload(models.LadderEdge.from_role), joinedload(models.LadderEdge.to_role))
        .where(
            or_(models.LadderEdge.from_role_id == role.id, models.LadderEdge.to_role_id == role.id)
        )
    ).all()
    up = sorted((e for e in edges if e.from_role_id == role.id), key=lambda e: e.to_role.code)
    down = sorted((e for e in edges if e.to_role_id == role.id), key=lambda e: e.from_role.code)
    return up, down


def ladder_count() -> int:
    return db.session.scalar(select(func.count()).select_from(models.LadderEdge)) or 0


@dataclass
class Usage:
    """Where a catalogue entry is referenced: roles requiring it and how many records use it."""

    required_by: list[str] = field(default_factory=list)
    prerequisite_of: list[str] = field(default_factory=list)
    granted_by: list[str] = field(default_factory=list)
    records: int = 0
    sessions: int = 0
    people_in_role: int = 0


def usage(kind: str, entry: Any) -> Usage:
    """The references to ``entry``, in a fixed handful of queries."""
    result = Usage()
    column = {
        "competency": models.Requirement.competency_id,
        "course": models.Requirement.course_id,
        "check_type": models.Requirement.check_type_id,
        "instrument": models.Requirement.instrument_id,
        "qualification": models.Requirement.qualification_id,
    }.get(kind)
    if column is not None:
        result.required_by = list(
            db.session.scalars(
                select(models.JobRole.code)
                .join(models.Requirement, models.Requirement.job_role_id == models.JobRole.id)
                .where(column == entry.id)
                .distinct()
                .order_by(models.JobRole.code)
            )
        )
    count = {
        "competency": (models.CompetencyRating, models.CompetencyRating.competency_id),
        "course": (models.Completion, models.Completion.course_id),
        "check_type": (models.BackgroundCheck, models.BackgroundCheck.check_type_id),
        "instrument": (models.Assessment, models.Assessment.instrument_id),
        "qualification": (models.EducationRecord, models.EducationRecord.qualification_id),
        "role": (models.Employee, models.Employee.job_role_id),
    }[kind]
    number = db.session.scalar(
        select(func.count()).select_from(count[0]).where(count[1] == entry.id)
    )
    if kind == "role":
        result.people_in_role = number or 0
    else:
        result.records = number or 0
    if kind == "course":
        prerequisite = models.Course.__table__.alias("dependent")
        result.prerequisite_of = list(
            db.session.scalars(
                select(prerequisite.c.code)
                .join(
                    models.CoursePrerequisite,
                    models.CoursePrerequisite.course_id == prerequisite.c.id,
                )
                .where(models.CoursePrerequisite.prerequisite_id == entry.id)
                .order_by(prerequisite.c.code)
            )
        )
        result.sessions = (
            db.session.scalar(
                select(func.count()).where(models.CourseSession.course_id == entry.id)
            )
            or 0
        )
    if kind == "competency":
        result.granted_by = list(
            db.session.scalars(
                select(models.Course.code)
                .join(models.CourseGrant, models.CourseGrant.course_id == models.Course.id)
                .where(models.CourseGrant.competency_id == entry.id)
                .order_by(models.Course.code)
            )
        )
    return result
