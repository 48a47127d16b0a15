"""The reads the records pages and the records API need, each named after what it answers.

Views never touch the session: they ask these (the choices of a form, one record, a person's
records newest first), then hand the rows to the templates and serializers.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload

from app import models
from app.extensions import db
from app.services.catalogue.kinds import BARE_COURSE

# --------------------------------------------------------------------------- loading

# What a record shows of the catalogue entry it names: the entry, joined into the record's own
# query, and nothing the entry itself points at (a course's prerequisites and grants).
ENTRY = {
    models.Completion: joinedload(models.Completion.course).options(*BARE_COURSE),
    models.CompetencyRating: joinedload(models.CompetencyRating.competency),
    models.BackgroundCheck: joinedload(models.BackgroundCheck.check_type),
    models.Assessment: joinedload(models.Assessment.instrument),
    models.EducationRecord: joinedload(models.EducationRecord.qualification),
}


def with_entry(model: Any) -> tuple[Any, ...]:
    """The loader options of ``model``'s rows: their catalogue entry, if they name one."""
    return (ENTRY[model],) if model in ENTRY else ()


# --------------------------------------------------------------------------- single rows


def record_of(model: Any, record_id: Any) -> Any:
    """The row of ``model`` with this id (with the catalogue entry it names), or None."""
    return db.session.get(model, record_id, options=with_entry(model))


def employee_of(record: Any) -> models.Employee | None:
    """The person a record belongs to (already in the session once its Load checked it)."""
    return db.session.get(models.Employee, record.employee_id)


def reloaded(row: Any) -> Any:
    """The row with the values the database holds now (after a conditional update)."""
    db.session.refresh(row)
    return row


# --------------------------------------------------------------------------- form choices


def catalogue_options(
    model: Any, label: str = "name", include: str | None = None
) -> list[tuple[str, str]]:
    """(code, "CODE · label") of the catalogue entries still in use, by code; ``include`` keeps
    a retired entry a record already names."""
    rows = db.session.scalars(
        select(model)
        .where((model.retired.is_(False)) | (model.code == (include or "")))
        .order_by(model.code)
    ).all()
    return [(r.code, f"{r.code} · {getattr(r, label)}") for r in rows]


def job_role_options(include: str | None = None) -> list[tuple[str, str]]:
    """(code, "CODE · title") of the job roles in use, by level (``include`` even if retired)."""
    rows = db.session.scalars(
        select(models.JobRole)
        .where((models.JobRole.retired.is_(False)) | (models.JobRole.code == (include or "")))
        .order_by(models.JobRole.level)
    )
    return [(r.code, f"{r.code} · {r.title}") for r in rows]


def department_options() -> list[tuple[str, str]]:
    """(code, name) of every department, by name."""
    return [(d.code, d.name) for d in departments()]


def tuition_request_options(employee: models.Employee) -> list[tuple[str, str]]:
    """A person's tuition requests, newest first, as (id, "title (start, state)")."""
    requests = db.session.scalars(
        select(models.TuitionRequest)
        .where(models.TuitionRequest.employee_id == employee.id)
        .order_by(models.TuitionRequest.starts_on.desc())
    ).all()
    return [
        (str(r.id), f"{r.title} ({r.starts_on.isoformat()}, {r.state.replace('_', ' ')})")
        for r in requests
    ]


def active_instruments() -> list[models.Instrument]:
    """The assessment instruments still in use, by code."""
    return list(
        db.session.scalars(
            select(models.Instrument)
            .where(models.Instrument.retired.is_(False))
            .order_by(models.Instrument.code)
        ).all()
    )


# --------------------------------------------------------------------------- list filters


def course_codes() -> list[str]:
    return list(db.session.scalars(select(models.Course.code).order_by(models.Course.code)).all())


def check_types() -> list[models.CheckType]:
    return list(db.session.scalars(select(models.CheckType).order_by(models.CheckType.code)).all())


def job_roles() -> list[models.JobRole]:
    return list(db.session.scalars(select(models.JobRole).order_by(models.JobRole.level)).all())


def departments() -> list[models.Department]:
    return list(
        db.session.scalars(select(models.Department).order_by(models.Department.name)).all()
    )


def job_role_exists(code: str) -> bool:
    return (
        db.session.scalar(select(models.JobRole.id).where(models.JobRole.code == code)) is not None
    )


# --------------------------------------------------------------------------- a person's records


def training_records(employee: models.Employee) -> Select:
    """A person's completions, newest first."""
    return (
        select(models.Completion)
        .options(*with_entry(models.Completion))
        .where(models.Completion.employee_id == employee.id)
        .order_by(models.Completion.completed_on.desc(), models.Completion.id.desc())
    )


def competency_ratings(employee: models.Employee) -> Select:
    """A person's competency ratings, newest first."""
    return (
        select(models.CompetencyRating)
        .join(models.Competency, models.Competency.id == models.CompetencyRating.competency_id)
        .options(contains_eager(models.CompetencyRating.competency))
        .where(models.CompetencyRating.employee_id == employee.id)
        .order_by(models.CompetencyRating.rated_on.desc(), models.CompetencyRating.id.desc())
    )


def _newest_first(employee: models.Employee, model: Any, dated: Any) -> Select:
    """``model``'s rows of ``employee`` with their catalogue entry, the latest ``dated`` first
    (then the newest id)."""
    return (
        select(model)
        .options(*with_entry(model))
        .where(model.employee_id == employee.id)
        .order_by(dated.desc(), model.id.desc())
    )


def background_checks(employee: models.Employee) -> Select:
    """A person's background checks, newest first."""
    return _newest_first(employee, models.BackgroundCheck, models.BackgroundCheck.requested_on)


def assessments(employee: models.Employee) -> Select:
    """A person's leadership assessments, newest first."""
    return _newest_first(employee, models.Assessment, models.Assessment.conducted_on)


def education(employee: models.Employee) -> Select:
    """A person's completed qualifications, newest first."""
    return _newest_first(employee, models.EducationRecord, models.EducationRecord.completed_on)


def responses_of(assessment_ids: list[int]) -> dict[int, list[models.AssessmentResponse]]:
    """The 360 responses of these assessments, in one query, by assessment id."""
    responses: dict[int, list[models.AssessmentResponse]] = defaultdict(list)
    if assessment_ids:
        for response in db.session.scalars(
            select(models.AssessmentResponse)
            .where(models.AssessmentResponse.assessment_id.in_(assessment_ids))
            .order_by(models.AssessmentResponse.id)
        ):
            responses[response.assessment_id].append(response)
    return responses
