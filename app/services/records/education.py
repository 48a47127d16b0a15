"""Education: completed qualifications, optionally with the tuition request that funded them."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.extensions import db
from app.kernel.fields import assign, blank
from app.models import EducationRecord, Employee, QualificationType, TuitionRequest, User
from app.services.records.common import (
    RecordFields,
    add_record,
    other_record,
    require_hr,
    unit_of_work,
)
from app.services.records.errors import RecordConflict


def _tuition_request(
    employee: Employee, tuition_request_id: Any, fields: RecordFields
) -> int | None:
    """The id of one of the employee's own tuition requests, or None."""
    if blank(tuition_request_id):
        return None
    try:
        request_id: int | None = int(tuition_request_id)
    except (TypeError, ValueError):
        request_id = None
    request = db.session.get(TuitionRequest, request_id) if request_id else None
    if request is None or request.employee_id != employee.id:
        fields.add("tuition_request_id", "That tuition request is not one of theirs.")
        return None
    return request_id


def _validate_education(
    employee: Employee,
    qualification_code: Any,
    institution: Any,
    completed_on: Any,
    tuition_request_id: Any,
    exclude: int | None,
) -> dict[str, Any]:
    """A qualification record's values, checked: what a new record and an edit set."""
    fields = RecordFields()
    qualification = fields.entry(
        "qualification", QualificationType, qualification_code, "qualification"
    )
    school = fields.text("institution", institution, "institution", max_length=200)
    done = fields.day("completed_on", completed_on, "completion date")
    request_id = _tuition_request(employee, tuition_request_id, fields)
    fields.raise_if_any()
    assert qualification is not None and done is not None
    _refuse_duplicate_education(employee, qualification, done, exclude)
    return {
        "qualification_id": qualification.id,
        "qualification": qualification,
        "institution": school,
        "completed_on": done,
        "tuition_request_id": request_id,
    }


def _refuse_duplicate_education(
    employee: Employee, qualification: QualificationType, done: date, exclude: int | None
) -> None:
    same = (
        EducationRecord.qualification_id == qualification.id,
        EducationRecord.completed_on == done,
    )
    clash = other_record(EducationRecord, employee, exclude, *same)
    if clash is not None:
        raise RecordConflict.on(
            "qualification",
            f"{employee.name} already has {qualification.code} completed on {done.isoformat()}.",
        )


@unit_of_work
def record_education(
    employee: Employee,
    qualification_code: str,
    institution: str,
    completed_on: date | str,
    tuition_request_id: int | None = None,
    *,
    actor: User | None,
) -> EducationRecord:
    """HR records a completed qualification (optionally the tuition request that funded it)."""
    require_hr(actor, "record education")
    values = _validate_education(
        employee, qualification_code, institution, completed_on, tuition_request_id, None
    )
    return add_record(EducationRecord, employee, values)


@unit_of_work
def update_education(
    record: EducationRecord,
    qualification_code: str,
    institution: str,
    completed_on: date | str,
    tuition_request_id: int | None = None,
    *,
    actor: User | None,
) -> EducationRecord:
    require_hr(actor, "edit education")
    employee = db.session.get(Employee, record.employee_id)
    assert employee is not None
    values = _validate_education(
        employee, qualification_code, institution, completed_on, tuition_request_id, record.id
    )
    return assign(record, values)
