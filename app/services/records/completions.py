"""Training completions: recorded by HR, or reported with evidence by the employee and then
verified or rejected by HR (docs/RULES.md Training; only a verified completion counts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import contains_eager, lazyload

from app import policy
from app.audit import record_change
from app.clock import now, today
from app.extensions import db
from app.kernel.fields import assign
from app.models import Completion, Course, Employee, Upload, User
from app.readiness.dates import add_months
from app.services import settings
from app.services.joins import search
from app.services.records.common import (
    RecordFields,
    actor_id,
    add_record,
    hr_correction,
    other_record,
    refuse_own,
    require_hr,
    unit_of_work,
    with_person_and_entry,
)
from app.services.records.errors import RecordConflict, RecordForbidden

SCORE_MAX = Decimal("9999.99")
COMPLETION_SORTS = {
    "employee": Employee.name,
    "course": Course.code,
    "completed_on": Completion.completed_on,
    "expires_on": Completion.expires_on,
    "reported": Completion.created_at,
}
COMPLETION_STATUSES = ("valid", "expiring", "expired")


def completion_status(completion: Completion, on: date | None = None) -> str:
    """valid / expiring / expired for a verified completion; pending or rejected otherwise.

    docs/RULES.md Training "Status on D"; only a verified completion counts (issue 3).
    """
    if completion.verification != "verified":
        return completion.verification
    return settings.certificate_status(completion.expires_on, on or today())


def expires_on_for(course: Course, completed_on: date) -> date | None:
    """docs/RULES.md: expires_on = completed_on + validity_months (never, without a validity)."""
    if course.validity_months is None:
        return None
    return add_months(completed_on, course.validity_months)


def _date_and_score(
    completed_on: Any, score: Any, fields: RecordFields
) -> tuple[date | None, Decimal | None]:
    done = fields.day("completed_on", completed_on, "completion date")
    points = fields.number("score", score, "score", Decimal("0"), SCORE_MAX, required=False)
    return done, points


def _refuse_duplicate(
    employee: Employee, course: Course, done: date, exclude_id: int | None = None
) -> None:
    """One completion of a course per person and day (a rejected one does not count)."""
    clash = other_record(
        Completion,
        employee,
        exclude_id,
        Completion.course_id == course.id,
        Completion.completed_on == done,
        Completion.verification != "rejected",
    )
    if clash is not None:
        raise RecordConflict.on(
            "completed_on",
            f"{employee.name} already has {course.code} completed on {done.isoformat()}.",
        )


def _validate_completion(
    employee: Employee, course_code: Any, completed_on: Any, score: Any, fields: RecordFields
) -> tuple[Course | None, date | None, Decimal | None]:
    course = fields.entry("course", Course, course_code, "course")
    done, points = _date_and_score(completed_on, score, fields)
    if course is not None and done is not None:
        _refuse_duplicate(employee, course, done)
    return course, done, points


def _dated(course: Course, done: date, points: Decimal | None) -> dict[str, Any]:
    """A completion's date, the expiry that follows from it, and its score."""
    return {"completed_on": done, "expires_on": expires_on_for(course, done), "score": points}


def new_completion(
    employee: Employee, course: Course, done: date, points: Decimal | None, **facts: Any
) -> Completion:
    """A new completion of ``course`` on ``done``, with the expiry its validity gives it."""
    values = {"course_id": course.id, "course": course, **_dated(course, done, points)}
    return add_record(Completion, employee, {**values, **facts})


@unit_of_work
def record_completion(
    employee: Employee,
    course_code: str,
    completed_on: date | str,
    score: Decimal | str | None = None,
    *,
    actor: User | None,
) -> Completion:
    """HR records a verified training completion; expires_on is computed from the course."""
    require_hr(actor, "record training completions")
    refuse_own(actor, employee.id, "record a verified completion")
    fields = RecordFields()
    course, done, points = _validate_completion(employee, course_code, completed_on, score, fields)
    fields.raise_if_any()
    assert course is not None and done is not None
    return new_completion(
        employee, course, done, points, verification="verified", verified_by_user_id=actor_id(actor)
    )


@unit_of_work
def update_completion(
    completion: Completion,
    completed_on: date | str,
    score: Decimal | str | None = None,
    *,
    actor: User | None,
    expected_version: int | str | None = None,
) -> Completion:
    """HR corrects a completion's date or score; the expiry follows the date."""
    hr_correction(completion, expected_version, actor=actor, doing="correct training records")
    fields = RecordFields()
    employee = db.session.get(Employee, completion.employee_id)
    assert employee is not None
    done, points = _date_and_score(completed_on, score, fields)
    fields.raise_if_any()
    assert done is not None
    _refuse_duplicate(employee, completion.course, done, completion.id)
    return assign(completion, _dated(completion.course, done, points))


def _evidence(evidence: Any, employee: Employee, fields: RecordFields) -> Upload | None:
    """An ``Upload`` already saved for this employee, or None after checking a new file."""
    from app.services import uploads

    if isinstance(evidence, Upload):
        if evidence.employee_id != employee.id:
            fields.add("evidence", "That evidence belongs to someone else.")
        return evidence
    if evidence is None or not getattr(evidence, "filename", None):
        fields.add("evidence", "Attach the certificate or other evidence (PDF, PNG or JPEG).")
        return None
    try:
        uploads.check_upload(evidence)
    except uploads.UploadError as error:
        for message in error.messages:
            fields.add("evidence", message)
    return None


@unit_of_work
def report_completion(
    employee: Employee,
    course_code: str,
    completed_on: date | str,
    evidence: Any,
    *,
    actor: User | None,
    score: Decimal | str | None = None,
) -> Completion:
    """An employee reports their own completion with evidence; it stays pending until hr
    verifies it, and only a verified completion counts (issue 3, self-service).

    ``evidence`` is an uploaded file (werkzeug ``FileStorage``) or an ``Upload`` already saved
    for this employee.
    """
    from app.services import uploads

    if actor is not None and not policy.can_edit(actor, employee, "reported_completion"):
        raise RecordForbidden("You can report completions only for yourself.")
    fields = RecordFields()
    course, done, points = _validate_completion(employee, course_code, completed_on, score, fields)
    upload = _evidence(evidence, employee, fields)
    fields.raise_if_any()
    assert course is not None and done is not None
    if upload is None:
        upload = uploads.save_upload(evidence, employee, "evidence", actor)
    return new_completion(
        employee,
        course,
        done,
        points,
        verification="pending",
        evidence_upload_id=upload.id,
        reported_by_user_id=actor_id(actor),
    )


def _decide_completion(
    completion: Completion, decision: str, actor: User | None, reason: str | None
) -> Completion:
    """verified or rejected, exactly once: a conditional UPDATE on the pending state."""
    require_hr(actor, "verify reported completions")
    if actor is not None and actor.employee_id == completion.employee_id:
        raise RecordForbidden("Nobody verifies their own completion; another HR person must.")
    fields = RecordFields()
    text = fields.text(
        "reason",
        reason,
        "reason",
        max_length=1000,
        required=decision == "rejected",
        multiline=True,
    )
    fields.raise_if_any()
    completion_id = completion.id
    result = db.session.execute(
        update(Completion.__table__)
        .where(Completion.id == completion_id, Completion.verification == "pending")
        .values(
            verification=decision,
            verified_by_user_id=actor_id(actor),
            version=Completion.__table__.c.version + 1,
            updated_at=now(),
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = db.session.scalar(
            select(Completion.verification).where(Completion.id == completion_id)
        )
        raise RecordConflict(f"This completion is already {current}; nothing was changed.")
    after: dict[str, Any] = {"verification": decision, "verified_by_user_id": actor_id(actor)}
    if text:
        after["reason"] = text
    record_change(
        db.session(), "completions", completion_id, "update", {"verification": "pending"}, after
    )
    db.session.expire(completion)
    _tell_decision(completion, decision, text)
    return completion


def _tell_decision(completion: Completion, decision: str, reason: str | None) -> None:
    code = completion.course.code
    verified = decision == "verified"
    _notify_employee(
        completion.employee_id,
        kind=f"completion_{decision}",
        subject=(
            f"Your {code} completion was verified"
            if verified
            else f"Your {code} completion was not accepted"
        ),
        body=(
            "HR verified the completion you reported; it now counts toward readiness."
            if verified
            else f"HR did not accept the completion you reported: {reason}"
        ),
    )


@unit_of_work
def verify_completion(completion: Completion, *, actor: User | None) -> Completion:
    """HR accepts a reported completion: from now on it counts (exactly once)."""
    return _decide_completion(completion, "verified", actor, None)


@unit_of_work
def reject_completion(completion: Completion, reason: str, *, actor: User | None) -> Completion:
    """HR refuses a reported completion, with a reason the employee sees."""
    return _decide_completion(completion, "rejected", actor, reason)


def _notify_employee(employee_id: int, *, kind: str, subject: str, body: str) -> None:
    """Tell the employee (when they have a sign-in) through the one notification entry point."""
    from app.services.notify import notify

    user_id = db.session.scalar(select(User.id).where(User.employee_id == employee_id))
    notify([user_id], kind, subject, body, f"/employees/{employee_id}#training-h")


def completion_list_query(
    q: str | None = None,
    course: str | None = None,
    verification: str | None = None,
    status: str | None = None,
) -> Select:
    """Completions with their employee and course in one query, for hr's lists and queues."""
    stmt = with_person_and_entry(Completion, Course, Completion.course_id).options(
        # A list needs names and codes only: none of the person's or the course's own
        # relationships (role requirements, prerequisites, grants) are loaded.
        contains_eager(Completion.employee).options(lazyload("*")),
        contains_eager(Completion.course).options(lazyload("*")),
    )
    if q:
        stmt = stmt.where(search(q, Employee.name, Employee.employee_no, Course.code, Course.title))
    if course:
        stmt = stmt.where(Course.code == course)
    if verification:
        stmt = stmt.where(Completion.verification == verification)
    if status in COMPLETION_STATUSES:
        stmt = _by_status(stmt, status, today())
    return stmt


def _by_status(stmt: Select, status: str | None, on: date) -> Select:
    """Verified completions valid, expiring within the window (cfg) or expired on ``on``."""
    window = on + timedelta(days=int(settings.get("expiring_window_days")))
    stmt = stmt.where(Completion.verification == "verified")
    if status == "expired":
        return stmt.where(Completion.expires_on <= on)
    if status == "expiring":
        return stmt.where(Completion.expires_on > on, Completion.expires_on <= window)
    return stmt.where(or_(Completion.expires_on.is_(None), Completion.expires_on > window))


def pending_completion_count() -> int:
    return (
        db.session.scalar(
            select(func.count(Completion.id)).where(Completion.verification == "pending")
        )
        or 0
    )
