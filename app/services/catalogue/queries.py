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

from app.extensions import db
from app.kernel.fields import CODE_MAX, clean_search
from app.models import (
    Assessment,
    BackgroundCheck,
    CheckType,
    Competency,
    CompetencyRating,
    Completion,
    Course,
    CourseGrant,
    CoursePrerequisite,
    CourseSession,
    EducationRecord,
    Employee,
    Instrument,
    JobRole,
    LadderEdge,
    QualificationType,
    Requirement,
)
from app.services.catalogue.kinds import KINDS, EntryKind, kind_of

# =============================================================================== lists


SORTS: dict[str, dict[str, Any]] = {
    "competency": {
        "code": Competency.code,
        "name": Competency.name,
        "category": Competency.category,
    },
    "course": {
        "code": Course.code,
        "title": Course.title,
        "category": Course.category,
        "hours": Course.hours,
        "cost": Course.cost,
        "validity": Course.validity_months,
    },
    "check_type": {
        "code": CheckType.code,
        "name": CheckType.name,
        "rescreen": CheckType.rescreen_months,
        "turnaround": CheckType.turnaround_days,
    },
    "instrument": {
        "code": Instrument.code,
        "name": Instrument.name,
        "kind": Instrument.kind,
        "validity": Instrument.validity_months,
    },
    "qualification": {"code": QualificationType.code, "name": QualificationType.name},
    "role": {
        "code": JobRole.code,
        "title": JobRole.title,
        "level": JobRole.level,
        "limit": JobRole.financial_authority_limit,
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
    """Entries of one kind, searched by code or name and filtered; the caller pages.

    ``status`` is active (the default: retired entries are hidden), retired or all; ``order``
    (a column of SORTS) orders them, ties by id.
    """
    spec = kind_of(kind)
    model = spec.model
    stmt = select(model)
    q, category = clean_search(q), clean_search(category, 80)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(model.code).like(like),
                func.lower(getattr(model, spec.name_attr)).like(like),
            )
        )
    if status == "active" or status is None:
        stmt = stmt.where(model.retired.is_(False))
    elif status == "retired":
        stmt = stmt.where(model.retired.is_(True))
    if category and hasattr(model, "category"):
        stmt = stmt.where(model.category == category)
    if instrument_kind and kind == "instrument":
        stmt = stmt.where(Instrument.kind == instrument_kind)
    if level is not None and kind == "role":
        stmt = stmt.where(JobRole.level == level)
    if kind == "course" and expires == "yes":
        stmt = stmt.where(Course.validity_months.is_not(None))
    elif kind == "course" and expires == "no":
        stmt = stmt.where(Course.validity_months.is_(None))
    return stmt if order is None else stmt.order_by(order, model.id)


def categories(kind: str) -> list[str]:
    """The distinct categories in use, for a filter (competencies and courses)."""
    model = kind_of(kind).model
    return list(db.session.scalars(select(model.category).distinct().order_by(model.category)))


SESSION_SORTS: dict[str, Any] = {
    "starts_on": CourseSession.starts_on,
    "ends_on": CourseSession.ends_on,
    "course": Course.code,
    "seats": CourseSession.seats,
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
    stmt = select(CourseSession).join(Course, CourseSession.course_id == Course.id)
    q, course = clean_search(q), clean_search(course, CODE_MAX)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Course.code).like(like),
                func.lower(Course.title).like(like),
                func.lower(func.coalesce(CourseSession.location, "")).like(like),
            )
        )
    if course:
        stmt = stmt.where(Course.code == course.strip().upper())
    if on is not None and when == "upcoming":
        stmt = stmt.where(CourseSession.ends_on >= on)
    elif on is not None and when == "past":
        stmt = stmt.where(CourseSession.ends_on < on)
    if not include_cancelled:
        stmt = stmt.where(CourseSession.cancelled.is_(False))
    return stmt if order is None else stmt.order_by(order, CourseSession.id)


_FROM_ROLE = JobRole.__table__.alias("from_role")
_TO_ROLE = JobRole.__table__.alias("to_role")
LADDER_SORTS: dict[str, Any] = {
    "from": _FROM_ROLE.c.level,
    "to": _TO_ROLE.c.level,
    "months": LadderEdge.typical_months,
}


def ladder_query(q: str | None = None, order: Any = None) -> Select:
    """Ladder edges joined to both roles, searched by either role; ``order`` (a column of
    LADDER_SORTS, or several) orders them, ties by id."""
    stmt = (
        select(LadderEdge)
        .options(joinedload(LadderEdge.from_role), joinedload(LadderEdge.to_role))
        .join(_FROM_ROLE, LadderEdge.from_role_id == _FROM_ROLE.c.id)
        .join(_TO_ROLE, LadderEdge.to_role_id == _TO_ROLE.c.id)
    )
    q = clean_search(q)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(_FROM_ROLE.c.code).like(like),
                func.lower(_FROM_ROLE.c.title).like(like),
                func.lower(_TO_ROLE.c.code).like(like),
                func.lower(_TO_ROLE.c.title).like(like),
            )
        )
    if order is None:
        return stmt
    return stmt.order_by(*(order if isinstance(order, tuple) else (order,)), LadderEdge.id)


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
                CourseSession.ends_on >= on, CourseSession.cancelled.is_(False)
            )
        )
        or 0
    )


def ladder_steps(role: JobRole) -> tuple[list[LadderEdge], list[LadderEdge]]:
    """The ladder steps leading up from ``role`` and those reaching it."""
    edges = db.session.scalars(
        select(LadderEdge)
        .options(joinedload(LadderEdge.from_role), joinedload(LadderEdge.to_role))
        .where(or_(LadderEdge.from_role_id == role.id, LadderEdge.to_role_id == role.id))
    ).all()
    up = sorted((e for e in edges if e.from_role_id == role.id), key=lambda e: e.to_role.code)
    down = sorted((e for e in edges if e.to_role_id == role.id), key=lambda e: e.from_role.code)
    return up, down


def ladder_count() -> int:
    return db.session.scalar(select(func.count()).select_from(LadderEdge)) or 0


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
        "competency": Requirement.competency_id,
        "course": Requirement.course_id,
        "check_type": Requirement.check_type_id,
        "instrument": Requirement.instrument_id,
        "qualification": Requirement.qualification_id,
    }.get(kind)
    if column is not None:
        result.required_by = list(
            db.session.scalars(
                select(JobRole.code)
                .join(Requirement, Requirement.job_role_id == JobRole.id)
                .where(column == entry.id)
                .distinct()
                .order_by(JobRole.code)
            )
        )
    count = {
        "competency": (CompetencyRating, CompetencyRating.competency_id),
        "course": (Completion, Completion.course_id),
        "check_type": (BackgroundCheck, BackgroundCheck.check_type_id),
        "instrument": (Assessment, Assessment.instrument_id),
        "qualification": (EducationRecord, EducationRecord.qualification_id),
        "role": (Employee, Employee.job_role_id),
    }[kind]
    number = db.session.scalar(
        select(func.count()).select_from(count[0]).where(count[1] == entry.id)
    )
    if kind == "role":
        result.people_in_role = number or 0
    else:
        result.records = number or 0
    if kind == "course":
        prerequisite = Course.__table__.alias("dependent")
        result.prerequisite_of = list(
            db.session.scalars(
                select(prerequisite.c.code)
                .join(CoursePrerequisite, CoursePrerequisite.course_id == prerequisite.c.id)
                .where(CoursePrerequisite.prerequisite_id == entry.id)
                .order_by(prerequisite.c.code)
            )
        )
        result.sessions = (
            db.session.scalar(select(func.count()).where(CourseSession.course_id == entry.id)) or 0
        )
    if kind == "competency":
        result.granted_by = list(
            db.session.scalars(
                select(Course.code)
                .join(CourseGrant, CourseGrant.course_id == Course.id)
                .where(CourseGrant.competency_id == entry.id)
                .order_by(Course.code)
            )
        )
    return result
