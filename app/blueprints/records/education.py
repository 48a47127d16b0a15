"""Education: the qualifications a person completed, optionally funded by a tuition request."""

from __future__ import annotations

from typing import Any

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import (
    bp,
    catalogue_choices,
    record_page,
    submitted,
    user,
)
from app.blueprints.records.loads import EDUCATION
from app.kernel.forms import current, options
from app.models import EducationRecord, Employee, QualificationType
from app.policy import permission
from app.services import records
from app.services.records import queries

EDUCATION_FIELDS = ["qualification", "institution", "completed_on", "tuition_request_id"]


def _education_form(employee: Employee, include: str | None) -> forms.EducationForm:
    form = forms.EducationForm()
    form.qualification.choices = catalogue_choices(QualificationType, include=include)
    form.tuition_request_id.choices = options(
        [("", "None"), *queries.tuition_request_options(employee)]
    )
    return form


def _shown(record: EducationRecord) -> dict[str, Any]:
    """What the edit form first shows of ``record`` (its qualification by code)."""
    return {
        **current(record, "institution", "completed_on", "tuition_request_id"),
        "qualification": record.qualification.code,
    }


def _education_page(employee: Employee, record: EducationRecord | None) -> Any:
    """The form of one qualification of ``employee``: a new one, or ``record`` corrected."""
    form = _education_form(employee, record.qualification.code if record else None)

    def write() -> None:
        values = submitted(form, EDUCATION_FIELDS)
        if record is None:
            records.record_education(employee, *values, actor=user())
        else:
            records.update_education(record, *values, actor=user())

    new = record is None
    return record_page(
        form,
        employee,
        write=write,
        done="The qualification was recorded." if new else "The qualification was updated.",
        anchor="edu-h",
        initial=None if record is None else _shown(record),
        title=(
            f"Record a qualification for {employee.name}"
            if new
            else f"Edit a qualification of {employee.name}"
        ),
        fields=EDUCATION_FIELDS,
    )


@bp.route("/employees/<int:employee_id>/education/new", methods=["GET", "POST"])
@permission("hr", policy.employee("education"))
def new_education(employee: Employee) -> Any:
    return _education_page(employee, None)


@bp.route("/education/<int:record_id>/edit", methods=["GET", "POST"])
@permission("hr", EDUCATION)
def edit_education(record: EducationRecord) -> Any:
    return _education_page(queries.employee_of(record), record)
