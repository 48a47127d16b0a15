"""Readiness use cases: load facts in bulk -> call the pure core -> shape results.

DESIGN.md "Bulk first": facts for N employees load with a fixed number of queries (one per
record table, each filtered by the same employee subquery), whatever N is; evaluation then runs
in memory. Every page, report and API list that shows readiness for more than one person uses
`evaluate_population`.
"""

from __future__ import annotations

import contextlib
import gc
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import g, has_app_context
from sqlalchemy import Select, select, true

from app import readiness as core
from app.extensions import db
from app.models import (
    Assessment,
    BackgroundCheck,
    CacheCounter,
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
    TuitionRequest,
)
from app.services import settings

APPROVED_TUITION_STATES = ("finance_approved", "completed", "documents_missing", "reimbursed")
PLANNED_TUITION_STATES = ("submitted", "manager_approved", "hr_approved")
CATALOGUE_COUNTER = "catalogue"


class UnknownRole(ValueError):
    """The role code is not in the catalogue."""


def readiness_config() -> core.ReadinessConfig:
    """The (cfg) numbers HR configured, as the pure core's config."""
    values = settings.all_values()
    return core.ReadinessConfig(
        expiring_window_days=int(values["expiring_window_days"]),
        ready_threshold=float(values["ready_threshold"]),
        competency_months_per_level=int(values["competency_months_per_level"]),
        assessment_lead_days=int(values["assessment_lead_days"]),
        education_default_months=int(values["education_default_months"]),
        certification_grace_days=int(values["certification_grace_days"]),
        min_group_responses=dict(values["min_responses"]),
        unknown_course_duration_days=int(values["default_course_duration_days"]),
    )


# ----------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class CatalogueSnapshot:
    catalogue: core.Catalogue
    roles: dict[str, core.Role]
    ladder: tuple[core.LadderEdge, ...]
    role_titles: dict[str, str]
    role_levels: dict[str, int]
    names: dict[tuple[str, str], str]  # (kind, code) -> human name
    config: core.ReadinessConfig
    # The catalogue counter read BEFORE the catalogue (readiness_cache): results stored with
    # this version are never newer than the catalogue they were computed from.
    version: int = 0


# Snapshots built per database (engine), reused by later requests while the catalogue counter
# is unchanged: every catalogue or settings change raises it (readiness_cache), in the same
# transaction. A transaction that changed the catalogue itself (session.info flag, cleared on
# commit and rollback) never shares what it builds: it may still roll back.
_BUILT: weakref.WeakKeyDictionary[Any, CatalogueSnapshot] = weakref.WeakKeyDictionary()
CATALOGUE_CHANGED = "echelon_catalogue_changed"


def load_catalogue() -> CatalogueSnapshot:
    """The catalogue, roles and ladder as pure-core values: one query while the catalogue is
    unchanged since this process last built it, a fixed handful when it has changed."""
    if has_app_context() and "_catalogue_snapshot" in g:
        return g._catalogue_snapshot
    version = db.session.execute(
        select(CacheCounter.value).where(CacheCounter.name == CATALOGUE_COUNTER)
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


def _build_catalogue(version: int) -> CatalogueSnapshot:
    courses = db.session.execute(
        select(
            Course.id,
            Course.code,
            Course.title,
            Course.cost,
            Course.validity_months,
            Course.default_duration_days,
        )
    ).all()
    code_of = {row.id: row.code for row in courses}
    prereqs: dict[int, list[str]] = defaultdict(list)
    for course_id, prerequisite_id in db.session.execute(
        select(CoursePrerequisite.course_id, CoursePrerequisite.prerequisite_id)
    ):
        prereqs[course_id].append(code_of[prerequisite_id])
    grants: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for course_id, competency_code, level in db.session.execute(
        select(CourseGrant.course_id, Competency.code, CourseGrant.level).join(
            Competency, Competency.id == CourseGrant.competency_id
        )
    ):
        grants[course_id].append((competency_code, level))
    core_courses = [
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
    sessions = [
        core.CourseSession(
            id=row.id,
            course=code_of[row.course_id],
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            seats_left=row.seats,
        )
        for row in db.session.execute(
            select(
                CourseSession.id,
                CourseSession.course_id,
                CourseSession.starts_on,
                CourseSession.ends_on,
                CourseSession.seats,
            ).where(CourseSession.cancelled.is_(False))
        )
    ]
    check_types = [
        core.CheckType(
            code=row.code,
            name=row.name,
            rescreen_months=row.rescreen_months,
            turnaround_days=row.turnaround_days,
        )
        for row in db.session.execute(
            select(
                CheckType.code, CheckType.name, CheckType.rescreen_months, CheckType.turnaround_days
            )
        )
    ]
    instruments = [
        core.Instrument(
            code=row.code,
            name=row.name,
            kind=row.kind,
            validity_months=row.validity_months,
            scale_min=float(row.scale_min),
            scale_max=float(row.scale_max),
        )
        for row in db.session.execute(
            select(
                Instrument.code,
                Instrument.name,
                Instrument.kind,
                Instrument.validity_months,
                Instrument.scale_min,
                Instrument.scale_max,
            )
        )
    ]
    catalogue = core.Catalogue.build(core_courses, sessions, check_types, instruments)

    role_rows = db.session.execute(
        select(JobRole.id, JobRole.code, JobRole.title, JobRole.level)
    ).all()
    role_code = {row.id: row.code for row in role_rows}
    competency_code = dict(db.session.execute(select(Competency.id, Competency.code)).all())
    check_code = {t.code: t.code for t in check_types}
    check_ids = dict(db.session.execute(select(CheckType.id, CheckType.code)).all())
    instrument_ids = dict(db.session.execute(select(Instrument.id, Instrument.code)).all())
    qualification_ids = dict(
        db.session.execute(select(QualificationType.id, QualificationType.code)).all()
    )
    del check_code
    requirements: dict[str, list[core.Requirement]] = defaultdict(list)
    for req in db.session.scalars(
        select(Requirement).order_by(Requirement.job_role_id, Requirement.position, Requirement.id)
    ):
        target = (
            competency_code.get(req.competency_id)
            or code_of.get(req.course_id)  # type: ignore[arg-type]
            or check_ids.get(req.check_type_id)
            or instrument_ids.get(req.instrument_id)
            or qualification_ids.get(req.qualification_id)
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
    roles = {
        row.code: core.Role(
            code=row.code,
            title=row.title,
            level=row.level,
            requirements=tuple(requirements[row.code]),
        )
        for row in role_rows
    }
    ladder = tuple(
        core.LadderEdge(from_role=role_code[a], to_role=role_code[b], typical_months=months)
        for a, b, months in db.session.execute(
            select(LadderEdge.from_role_id, LadderEdge.to_role_id, LadderEdge.typical_months)
        )
    )
    names: dict[tuple[str, str], str] = {}
    for c in core_courses:
        names[("course", c.code)] = c.title
    for code, name in db.session.execute(select(Competency.code, Competency.name)):
        names[("competency", code)] = name
    for t in check_types:
        names[("background_check", t.code)] = t.name
    for i in instruments:
        names[("assessment", i.code)] = i.name
    for code, name in db.session.execute(select(QualificationType.code, QualificationType.name)):
        names[("education", code)] = name
    snapshot = CatalogueSnapshot(
        catalogue=catalogue,
        roles=roles,
        ladder=ladder,
        role_titles={row.code: row.title for row in role_rows},
        role_levels={row.code: row.level for row in role_rows},
        names=names,
        config=readiness_config(),
        version=version,
    )
    return snapshot


def describe(kind: str, target: str | None, snapshot: CatalogueSnapshot) -> str:
    """A human name for a requirement's target."""
    if kind == "tenure" or target is None:
        return "Time in current role"
    lookup_kind = "course" if kind in ("course", "certification") else kind
    return snapshot.names.get((lookup_kind, target), target)


# ----------------------------------------------------------------------------- facts


def _ids_filter(column: Any, employees: Select | Sequence[int]) -> Any:
    if isinstance(employees, Select):
        return column.in_(employees)
    return column.in_(list(employees))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Keep CPython's cyclic garbage collector away from a bulk load and evaluation.

    Bulk readiness allocates hundreds of thousands of small immutable objects that form no
    reference cycles; the collector would rescan them again and again as they accumulate
    (more than half of the time at 10,000 people, BENCHMARKS.md), and once more in the first
    collection after it resumes (0.1 s at 10,000 people). So it pauses, and on the way out what
    the work left alive is frozen (``gc.freeze``): reference counting still frees it, the
    collector just never scans it. The next bulk run unfreezes it first, so any cycle among it
    is still collected by a later full collection.
    """
    if not gc.isenabled():
        yield
        return
    gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def load_facts(
    employees: Select | Sequence[int],
    as_of: date | None = None,
) -> dict[int, core.EmployeeFacts]:
    """Facts of many employees with one query per record table (DESIGN.md "Bulk first").

    ``employees`` is a list of ids or a select of employee ids. Only verified completions are
    loaded. With ``as_of`` (readiness on that one date), the facts the core ignores on it stay
    in the database: self-ratings (DOMAIN.md: never count), facts dated after ``as_of``,
    unscored assessments and tuition that is not approved yet. Equal facts are one shared
    object, which is cheaper to build and lets ``core.evaluate_many`` share results.
    """

    def on_or_before(column: Any) -> Any:
        return column <= as_of if as_of is not None else true()

    def rows(stmt: Select) -> Sequence[Any]:
        # Core rows on the session's own transaction, fetched at once: the ORM result layer
        # and row-at-a-time fetching add nothing here but time.
        return connection.execute(stmt).all()

    db.session.flush()  # what session.execute's autoflush would do
    connection = db.session.connection()
    people = rows(
        select(Employee.id, JobRole.code, Employee.role_since)
        .outerjoin(JobRole, JobRole.id == Employee.job_role_id)
        .where(_ids_filter(Employee.id, employees))
    )

    completions: dict[int, list[core.Completion]] = defaultdict(list)
    known_completions: dict[tuple[Any, ...], core.Completion] = {}
    for eid, *values in rows(
        select(Completion.employee_id, Course.code, Completion.completed_on, Completion.expires_on)
        .join(Course, Course.id == Completion.course_id)
        .where(_ids_filter(Completion.employee_id, employees))
        .where(Completion.verification == "verified")
        .where(on_or_before(Completion.completed_on))
    ):
        key = tuple(values)
        completion = known_completions.get(key)
        if completion is None:
            completion = known_completions[key] = core.Completion(*values)
        completions[eid].append(completion)

    ratings: dict[int, list[core.Rating]] = defaultdict(list)
    known_ratings: dict[tuple[Any, ...], core.Rating] = {}
    for eid, *values in rows(
        select(
            CompetencyRating.employee_id,
            Competency.code,
            CompetencyRating.level,
            CompetencyRating.rated_on,
            CompetencyRating.source,
        )
        .join(Competency, Competency.id == CompetencyRating.competency_id)
        .where(_ids_filter(CompetencyRating.employee_id, employees))
        .where(
            on_or_before(CompetencyRating.rated_on) & (CompetencyRating.source != "self")
            if as_of is not None
            else true()
        )
    ):
        key = tuple(values)
        rating = known_ratings.get(key)
        if rating is None:
            rating = known_ratings[key] = core.Rating(*values)
        ratings[eid].append(rating)

    checks: dict[int, list[core.Check]] = defaultdict(list)
    known_checks: dict[tuple[Any, ...], core.Check] = {}
    for eid, *values in rows(
        select(
            BackgroundCheck.employee_id,
            CheckType.code,
            BackgroundCheck.status,
            BackgroundCheck.completed_on,
            BackgroundCheck.valid_until,
        )
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(_ids_filter(BackgroundCheck.employee_id, employees))
        .where(BackgroundCheck.completed_on.is_(None) | on_or_before(BackgroundCheck.completed_on))
    ):
        key = tuple(values)
        check = known_checks.get(key)
        if check is None:
            check = known_checks[key] = core.Check(*values)
        checks[eid].append(check)

    assessments: dict[int, list[core.Assessment]] = defaultdict(list)
    for eid, code, conducted_on, overall in rows(
        select(Assessment.employee_id, Instrument.code, Assessment.conducted_on, Assessment.overall)
        .join(Instrument, Instrument.id == Assessment.instrument_id)
        .where(_ids_filter(Assessment.employee_id, employees))
        .where(
            on_or_before(Assessment.conducted_on) & Assessment.overall.is_not(None)
            if as_of is not None
            else true()
        )
    ):
        assessments[eid].append(
            core.Assessment(
                instrument=code,
                conducted_on=conducted_on,
                overall=float(overall) if overall is not None else None,
            )
        )

    education: dict[int, list[core.Education]] = defaultdict(list)
    for eid, code, completed_on in rows(
        select(EducationRecord.employee_id, QualificationType.code, EducationRecord.completed_on)
        .join(QualificationType, QualificationType.id == EducationRecord.qualification_id)
        .where(_ids_filter(EducationRecord.employee_id, employees))
        .where(on_or_before(EducationRecord.completed_on))
    ):
        education[eid].append(core.Education(qualification=code, completed_on=completed_on))

    funded: dict[int, list[core.FundedStudy]] = defaultdict(list)
    for eid, code, ends_on, state, tuition, fees, books in rows(
        select(
            TuitionRequest.employee_id,
            QualificationType.code,
            TuitionRequest.ends_on,
            TuitionRequest.state,
            TuitionRequest.tuition,
            TuitionRequest.fees,
            TuitionRequest.books,
        )
        .join(QualificationType, QualificationType.id == TuitionRequest.qualification_id)
        .where(_ids_filter(TuitionRequest.employee_id, employees))
        .where(
            TuitionRequest.state.in_(
                APPROVED_TUITION_STATES
                if as_of is not None
                else APPROVED_TUITION_STATES + PLANNED_TUITION_STATES
            )
        )
    ):
        funded[eid].append(
            core.FundedStudy(
                qualification=code,
                ends_on=ends_on,
                approved=state in APPROVED_TUITION_STATES,
                cost=Decimal(tuition or 0) + Decimal(fees or 0) + Decimal(books or 0),
            )
        )
    nothing: tuple[Any, ...] = ()
    return {
        eid: core.EmployeeFacts(
            employee_id=eid,
            role=role,
            role_since=since,
            completions=tuple(completions[eid]) if eid in completions else nothing,
            ratings=tuple(ratings[eid]) if eid in ratings else nothing,
            checks=tuple(checks[eid]) if eid in checks else nothing,
            assessments=tuple(assessments[eid]) if eid in assessments else nothing,
            education=tuple(education[eid]) if eid in education else nothing,
            funded_studies=tuple(funded[eid]) if eid in funded else nothing,
        )
        for eid, role, since in people
    }


# ----------------------------------------------------------------------------- use cases


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


def evaluate_employee(
    employee_id: int, role_code: str, as_of: date
) -> tuple[core.ReadinessResult, CatalogueSnapshot, core.EmployeeFacts]:
    snapshot = load_catalogue()
    role = role_or_error(role_code, snapshot)
    facts = load_facts([employee_id])[employee_id]
    return core.evaluate(facts, role, snapshot.catalogue, as_of, snapshot.config), snapshot, facts


def evaluate_population(
    employees: Select | Sequence[int], role_code: str, as_of: date
) -> dict[int, core.ReadinessResult]:
    """Readiness of many employees for one role: fixed queries, then in-memory evaluation."""
    snapshot = load_catalogue()
    role = role_or_error(role_code, snapshot)
    with collector_paused():
        facts = load_facts(employees, as_of=as_of)
        results = core.evaluate_many(
            facts.values(), role, snapshot.catalogue, as_of, snapshot.config
        )
        return {result.employee_id: result for result in results}


def promotion_path(employee_id: int, target_role: str, as_of: date) -> core.PromotionPath:
    snapshot = load_catalogue()
    role_or_error(target_role, snapshot)
    facts = load_facts([employee_id])[employee_id]
    return core.plan_path(
        facts,
        target_role,
        snapshot.roles,
        snapshot.ladder,
        snapshot.catalogue,
        as_of,
        snapshot.config,
    )


# ----------------------------------------------------------------------------- serializers


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def requirement_required(req: core.Requirement) -> Any:
    if req.kind == "competency":
        return req.min_level
    if req.kind == "assessment":
        return req.min_score
    if req.kind == "tenure":
        return req.min_months
    if req.kind == "certification":
        return "valid"
    return "completed" if req.kind in ("course", "education") else "clear"


def result_to_dict(result: core.ReadinessResult) -> dict[str, Any]:
    """API.md readiness answer."""
    return {
        "employee_id": result.employee_id,
        "role": result.role,
        "as_of": result.as_of.isoformat(),
        "score": result.score,
        "gates_met": result.gates_met,
        "ready": result.ready,
        "band": result.band,
        "projected_ready_on": _plain(result.projected_ready_on),
        "requirements": [
            {
                "kind": r.requirement.kind,
                "target": r.requirement.target,
                "required": requirement_required(r.requirement),
                "actual": _plain(r.actual),
                "status": r.status,
                "attainment": round(r.attainment, 4),
                "weight": r.requirement.weight,
                "mandatory": r.requirement.mandatory,
                "expires_on": _plain(r.expires_on),
                "projected_close_on": _plain(r.projected_close_on),
            }
            for r in result.requirements
        ],
    }


def path_to_dict(path: core.PromotionPath) -> dict[str, Any]:
    """API.md promotion path answer."""
    return {
        "target_role": path.target_role,
        "steps": [
            {
                "role": step.role,
                "projected_ready_on": _plain(step.projected_ready_on),
                "cost": _plain(step.cost),
                "actions": [
                    {
                        "kind": a.kind,
                        "target": a.target,
                        "due_on": _plain(a.due_on),
                        "cost": _plain(a.cost),
                        "session_id": a.session_id,
                        "description": a.description,
                    }
                    for a in step.actions
                ],
            }
            for step in path.steps
        ],
        "total_cost": _plain(path.total_cost),
        "projected_ready_on": _plain(path.projected_ready_on),
        "reason": path.reason,
    }


BANDS = ("ready_now", "ready_1y", "ready_2y", "not_ready")


def counts_by_band(results: Iterable[core.ReadinessResult]) -> dict[str, int]:
    counts = dict.fromkeys(BANDS, 0)
    for r in results:
        counts[r.band] += 1
    return counts
