"""Education: the qualifications a person completed, optionally funded by a tuition request."""

from __future__ import annotations

from typing import Any

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import back, bp, catalogue_choices, delete, form_page, user
from app.kernel.forms import current, options
from app.models import EducationRecord, Employee, QualificationType
from app.policy import permission
from app.policy import records as may
from app.services import records
from app.services.records import queries

EDUCATION = may.record(EducationRecord, "education", arg="record_id", name="record")
EDUCATION_FIELDS = ["qualification", "institution", "completed_on", "tuition_request_id"]


def _education_form(employee: Employee, include: str | None) -> forms.EducationForm:
    form = forms.EducationForm()
    form.qualification.choices = catalogue_choices(QualificationType, include=include)
    form.tuition_request_id.choices = options(
        [("", "None"), *queries.tuition_request_options(employee)]
    )
    return form


def _submitted(form: forms.EducationForm) -> tuple:
    return (
        form.qualification.data,
        form.institution.data,
        form.completed_on.data,
        form.tuition_request_id.data or None,
    )


@bp.route("/employees/<int:employee_id>/education/new", methods=["GET", "POST"])
@permission("hr", policy.employee("education"))
def new_education(employee: Employee) -> Any:
    form = _education_form(employee, None)

    def save() -> tuple[str, str]:
        records.record_education(employee, *_submitted(form), actor=user())
        return "The qualification was recorded.", back(employee, "edu-h")

    return form_page(
        form,
        save=save,
        title=f"Record a qualification for {employee.name}",
        employee=employee,
        fields=EDUCATION_FIELDS,
    )


@bp.route("/education/<int:record_id>/edit", methods=["GET", "POST"])
@permission("hr", EDUCATION)
def edit_education(record: EducationRecord) -> Any:
    employee = queries.employee_of(record)
    form = _education_form(employee, record.qualification.code)

    def save() -> tuple[str, str]:
        records.update_education(record, *_submitted(form), actor=user())
        return "The qualification was updated.", back(employee, "edu-h")

    return form_page(
        form,
        save=save,
        initial={
            **current(record, "institution", "completed_on", "tuition_request_id"),
            "qualification": record.qualification.code,
        },
        title=f"Edit a qualification of {employee.name}",
        employee=employee,
        fields=EDUCATION_FIELDS,
    )


@bp.route("/education/<int:record_id>/delete", methods=["POST"])
@permission("hr", EDUCATION)
def delete_education(record: EducationRecord) -> Any:
    return delete(record, "The qualification was deleted.", "edu-h")
