"""The catalogue snapshot: roles, requirements, courses, checks, instruments and the ladder as
pure-core values, built once per catalogue version and shared while it is unchanged.

Every catalogue or settings change raises the catalogue counter in its own transaction
(``stored``), so a snapshot built for one version is valid for as long as the counter reads the
same. One query per catalogue table when it has to be built, one for the counter otherwise.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import g, has_app_context
from sqlalchemy import select

from app import models
from app import readiness as core
from app.extensions import db
from app.kernel.errors import Invalid
from app.services import settings

CATALOGUE_COUNTER = "catalogue"
# A transaction that changed the catalogue itself (session.info flag, cleared on commit and
# rollback) never shares the snapshot it builds: it may still roll back.
CATALOGUE_CHANGED = "echelon_catalogue_changed"


class UnknownRole(Invalid):
    """The role code is not in the catalogue."""


def readiness_config() -> core.ReadinessConfig:
    """The (cfg) numbers HR configured, as the pure core's config."""
    values = settings.all_values()
    # The horizons apply in ascending order, whatever order HR typed them in.
    six, one, two = sorted(
        int(values[key]) for key in ("band_6m_months", "band_1y_months", "band_2y_months")
    )
    return core.ReadinessConfig(
        band_6m_months=six,
        band_1y_months=one,
        band_2y_months=two,
        unscheduled_lead_days=int(values["unscheduled_lead_days"]),
        adverse_action_days=int(values["adverse_action_days"]),
        expiring_window_days=int(values["expiring_window_days"]),
        ready_threshold=float(values["ready_threshold"]),
        competency_months_per_level=int(values["competency_months_per_level"]),
        assessment_lead_days=int(values["assessment_lead_days"]),
        education_default_months=int(values["education_default_months"]),
        certification_grace_days=int(values["certification_grace_days"]),
        min_group_responses=dict(values["min_responses"]),
        unknown_course_duration_days=int(values["default_course_duration_days"]),
    )


@dataclass(frozen=True)
class CatalogueSnapshot:
    catalogue: core.Catalogue
    roles: dict[str, core.Role]
    ladder: tuple[core.LadderEdge, ...]
    role_titles: dict[str, str]
    role_levels: dict[str, int]
    names: dict[tuple[str, str], str]  # (kind, code) -> human name
    config: core.ReadinessConfig
    # The catalogue counter read BEFORE the catalogue (stored readiness): results stored with
    # this version are never newer than the catalogue they were computed from.
    version: int = 0
    # target role -> the current roles with a path up the ladder to it (its candidates)
    candidates: dict[str, frozenset[str]] = field(default_factory=dict)

    def candidate_codes(self, target: str) -> frozenset[str]:
        """The current roles whose holders are candidates for ``target`` (docs/RULES.md "Who
        is a candidate": a path up the ladder to it)."""
        return self.candidates.get(target, frozenset())

    def evaluate(
        self,
        facts: core.EmployeeFacts,
        role: core.Role,
        as_of: date,
        catalogue: core.Catalogue | None = None,
    ) -> core.ReadinessResult:
        """Readiness for ``role`` however far up the ladder (``catalogue``: the seat plan's)."""
        return core.evaluate_target(
            facts, role, self.roles, self.ladder, catalogue or self.catalogue, as_of, self.config
        )

    def evaluate_many(
        self,
        people: Iterable[core.EmployeeFacts],
        role: core.Role,
        as_of: date,
        catalogue: core.Catalogue | None = None,
    ) -> list[core.ReadinessResult]:
        return core.evaluate_many_targets(
            people, role, self.roles, self.ladder, catalogue or self.catalogue, as_of, self.config
        )


# Snapshots built per database (engine), reused by later requests while the catalogue counter
# is unchanged: every catalogue or settings change raises it (stored readiness), in the same
# transaction.
_BUILT: weakref.WeakKeyDictionary[Any, CatalogueSnapshot] = weakref.WeakKeyDictionary()


def load_catalogue() -> CatalogueSnapshot:
    """The catalogue, roles and ladder as pure-core values: one query while the catalogue is
    unchanged since this process last built it, a fixed handful when it has changed."""
    if has_app_context() and "_catalogue_snapshot" in g:
        return g._catalogue_snapshot
    version = db.session.execute(
        select(models.CacheCounter.value).where(models.CacheCounter.name == CATALOGUE_COUNTER)
    ).scalar()
    shareable = version is not None and not db.session.info.get(CATALOGUE_CHANGED)
    built = _BUILT.get(db.engine) if shareable else None
    if built is not None and built.version == version:
        snapshot = built
    else:
        snapshot = _build_catalogue(version or 0)
        if shareable:
            _BUILT[db.engine] = snapshot
    if has_app_context():
        g._catalogue_snapshot = snapshot
    return snapshot


# ----------------------------------------------------------------------------- building


def _courses() -> tuple[dict[int, str], list[core.Course]]:
    """Course codes by id, and the courses with their prerequisites and grants: 3 queries."""
    courses = db.session.execute(
        select(
            models.Course.id,
            models.Course.code,
            models.Course.title,
            models.Course.cost,
            models.Course.validity_months,
            models.Course.default_duration_days,
        )
    ).all()
    code_of = {row.id: row.code for row in courses}
    prereqs: dict[int, list[str]] = defaultdict(list)
    for course_id, prerequisite_id in db.session.execute(
        select(models.CoursePrerequisite.course_id, models.CoursePrerequisite.prerequisite_id)
    ):
        prereqs[course_id].append(code_of[prerequisite_id])
    grants: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for course_id, competency_code, level in db.session.execute(
        select(models.CourseGrant.course_id, models.Competency.code, models.CourseGrant.level).join(
            models.Competency, models.Competency.id == models.CourseGrant.competency_id
        )
    ):
        grants[course_id].append((competency_code, level))
    return code_of, [
        core.Course(
            code=row.code,
            title=row.title,
            cost=Decimal(row.cost or 0),
            validity_months=row.validity_months,
            default_duration_days=row.default_duration_days or 30,
            prerequisites=tuple(sorted(prereqs[row.id])),
            grants=tuple(sorted(grants[row.id])),
        )
        for row in courses
    ]


def _sessions(code_of: dict[int, str]) -> list[core.CourseSession]:
    """The sessions not cancelled: one query."""
    return [
        core.CourseSession(
            id=row.id,
            course=code_of[row.course_id],
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            seats_left=row.seats,
        )
        for row in db.session.execute(
            select(
                models.CourseSession.id,
                models.CourseSession.course_id,
                models.CourseSession.starts_on,
                models.CourseSession.ends_on,
                models.CourseSession.seats,
            ).where(models.CourseSession.cancelled.is_(False))
        )
    ]


def _values(make: Callable[..., Any], *columns: Any) -> list[Any]:
    """One catalogue table as pure-core values: one query, a keyword per column."""
    return [make(**row._asdict()) for row in db.session.execute(select(*columns))]


def _check_types() -> list[core.CheckType]:
    c = models.CheckType
    return _values(core.CheckType, c.code, c.name, c.rescreen_months, c.turnaround_days)


def _instrument(scale_min: Decimal, scale_max: Decimal, **fields: Any) -> core.Instrument:
    return core.Instrument(scale_min=float(scale_min), scale_max=float(scale_max), **fields)


def _instruments() -> list[core.Instrument]:
    i = models.Instrument
    return _values(_instrument, i.code, i.name, i.kind, i.validity_months, i.scale_min, i.scale_max)


def _requirements(
    role_code: dict[int, str], code_of: dict[int, str]
) -> dict[str, list[core.Requirement]]:
    """Each role's requirements in order, their targets as codes: five queries."""
    competency_code = dict(
        db.session.execute(select(models.Competency.id, models.Competency.code)).all()
    )
    check_ids = dict(db.session.execute(select(models.CheckType.id, models.CheckType.code)).all())
    instrument_ids = dict(
        db.session.execute(select(models.Instrument.id, models.Instrument.code)).all()
    )
    qualification_ids = dict(
        db.session.execute(select(models.QualificationType.id, models.QualificationType.code)).all()
    )
    requirements: dict[str, list[core.Requirement]] = defaultdict(list)
    for req in db.session.scalars(
        select(models.Requirement).order_by(
            models.Requirement.job_role_id, models.Requirement.position, models.Requirement.id
        )
    ):
        target = next(
            (
                codes[target_id]
                for codes, target_id in (
                    (competency_code, req.competency_id),
                    (code_of, req.course_id),
                    (check_ids, req.check_type_id),
                    (instrument_ids, req.instrument_id),
                    (qualification_ids, req.qualification_id),
                )
                if target_id is not None and codes.get(target_id)
            ),
            None,
        )
        requirements[role_code[req.job_role_id]].append(
            core.Requirement(
                id=req.id,
                kind=req.kind,
                target=target if req.kind != "tenure" else None,
                min_level=req.min_level,
                min_score=float(req.min_score) if req.min_score is not None else None,
                min_months=req.min_months,
                mandatory=bool(req.mandatory),
                weight=float(req.weight),
            )
        )
    return requirements


def _ladder(role_code: dict[int, str]) -> tuple[core.LadderEdge, ...]:
    return tuple(
        core.LadderEdge(from_role=role_code[a], to_role=role_code[b], typical_months=months)
        for a, b, months in db.session.execute(
            select(
                models.LadderEdge.from_role_id,
                models.LadderEdge.to_role_id,
                models.LadderEdge.typical_months,
            )
        )
    )


def _names(
    courses: list[core.Course],
    check_types: list[core.CheckType],
    instruments: list[core.Instrument],
) -> dict[tuple[str, str], str]:
    """(kind, code) -> human name of every requirement target: two queries."""
    names: dict[tuple[str, str], str] = {}
    for c in courses:
        names[("course", c.code)] = c.title
    for code, name in db.session.execute(select(models.Competency.code, models.Competency.name)):
        names[("competency", code)] = name
    for t in check_types:
        names[("background_check", t.code)] = t.name
    for i in instruments:
        names[("assessment", i.code)] = i.name
    for code, name in db.session.execute(
        select(models.QualificationType.code, models.QualificationType.name)
    ):
        names[("education", code)] = name
    return names


def _build_catalogue(version: int) -> CatalogueSnapshot:
    """The snapshot of the catalogue as it reads now: one query per catalogue table."""
    code_of, courses = _courses()
    sessions = _sessions(code_of)
    check_types = _check_types()
    instruments = _instruments()
    catalogue = core.Catalogue.build(courses, sessions, check_types, instruments)
    role_rows = db.session.execute(
        select(models.JobRole.id, models.JobRole.code, models.JobRole.title, models.JobRole.level)
    ).all()
    role_code = {row.id: row.code for row in role_rows}
    requirements = _requirements(role_code, code_of)
    roles = {
        row.code: core.Role(
            code=row.code,
            title=row.title,
            level=row.level,
            requirements=tuple(requirements[row.code]),
        )
        for row in role_rows
    }
    ladder = _ladder(role_code)
    return CatalogueSnapshot(
        catalogue=catalogue,
        roles=roles,
        ladder=ladder,
        role_titles={row.code: row.title for row in role_rows},
        role_levels={row.code: row.level for row in role_rows},
        names=_names(courses, check_types, instruments),
        config=readiness_config(),
        version=version,
        candidates={code: core.candidate_roles(code, roles, ladder) for code in roles},
    )


# ----------------------------------------------------------------------------- reading


def describe(kind: str, target: str | None, snapshot: CatalogueSnapshot) -> str:
    """A human name for a requirement's target."""
    if kind == "tenure" or target is None:
        return "Time in current role"
    lookup_kind = "course" if kind in ("course", "certification") else kind
    return snapshot.names.get((lookup_kind, target), target)


def role_or_error(role_code: str, snapshot: CatalogueSnapshot) -> core.Role:
    role = snapshot.roles.get(role_code)
    if role is None:
        raise UnknownRole(f"Unknown role {role_code!r}.")
    return role


def next_role_code(current: str | None, snapshot: CatalogueSnapshot) -> str | None:
    """The first rung above the current role on the ladder (lowest level), if any."""
    if current is None:
        ordered = sorted(snapshot.role_levels, key=lambda c: snapshot.role_levels[c])
        return ordered[0] if ordered else None
    ups = [e.to_role for e in snapshot.ladder if e.from_role == current]
    if not ups:
        return None
    return sorted(ups, key=lambda c: (snapshot.role_levels.get(c, 0), c))[0]
