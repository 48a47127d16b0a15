"""People (hr): adding a person and editing a profile (a move or promotion keeps the history)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import back, bp, form_page, user
from app.clock import today
from app.kernel.forms import current, options
from app.models import Employee
from app.policy import permission
from app.services import records
from app.services.records import queries
from app.services.records.profile import EMPLOYEE_FIELDS

PROFILE_ALIASES = {"manager_id": "manager", "note": "move_note"}
# The service's employee fields as the form names them, with the move note after the role.
PROFILE_FIELDS = [
    name
    for field in EMPLOYEE_FIELDS
    for name in (
        [field, "move_note"] if field == "role_since" else [PROFILE_ALIASES.get(field, field)]
    )
]


def _profile_choices(form: forms.ProfileForm, employee: Employee | None) -> None:
    current = employee.job_role.code if employee and employee.job_role else None
    form.role.choices = options([("", "No job role"), *queries.job_role_options(current)])
    form.department.choices = options([("", "No department"), *queries.department_options()])


def _profile_data(form: forms.ProfileForm, creating: bool) -> dict[str, Any]:
    manager_ref = (form.manager.data or "").strip()
    manager_id: Any = None
    if manager_ref:
        manager = records.find_employee(manager_ref)
        manager_id = manager.id if manager else -1
    data: dict[str, Any] = {
        "employee_no": form.employee_no.data,
        "name": form.name.data,
        "email": form.email.data,
        "hire_date": form.hire_date.data,
        "role": form.role.data or None,
        "role_since": form.role_since.data or None,
        "manager_id": manager_id,
        "department": form.department.data or None,
        "jurisdiction": form.jurisdiction.data,
    }
    if not creating:
        data["status"] = form.status.data
        if form.move_note.data:
            data["move_note"] = form.move_note.data
    else:
        data["status"] = form.status.data or "active"
    return data


@bp.route("/employees/new", methods=["GET", "POST"])
@permission("hr")
def new_employee() -> Any:
    form = forms.ProfileForm()
    _profile_choices(form, None)
    form.submit.label.text = "Add employee"

    def save() -> tuple[str, str]:
        employee = records.create_employee(_profile_data(form, True), actor=user())
        return f"{employee.name} was added.", url_for("employees.show", employee_id=employee.id)

    return form_page(
        form,
        save=save,
        initial={"hire_date": today()},
        aliases=PROFILE_ALIASES,
        title="Add an employee",
        employee=None,
        fields=[f for f in PROFILE_FIELDS if f != "move_note"],
        hints={"jurisdiction": "A code like US-CA.", "role_since": "Defaults to the hire date."},
        back_url=url_for("employees.index"),
    )


def _profile_shown(employee: Employee) -> dict[str, Any]:
    """The profile form's values for ``employee``, its role, manager and department by code."""
    return {
        **current(employee, "employee_no", "name", "email", "hire_date", "role_since"),
        "role": employee.job_role.code if employee.job_role else None,
        "manager": employee.manager.employee_no if employee.manager else None,
        "department": employee.department.code if employee.department else None,
        **current(employee, "jurisdiction", "status", "version"),
    }


@bp.route("/employees/<int:employee_id>/profile", methods=["GET", "POST"])
@permission("hr", policy.employee())
def edit_profile(employee: Employee) -> Any:
    form = forms.ProfileForm(obj=None)
    _profile_choices(form, employee)
    if employee.status == "terminated":
        form.status.choices = options([("terminated", "Terminated (left)")])

    def save() -> tuple[str, ...]:
        change = records.update_employee(
            employee,
            _profile_data(form, False),
            actor=user(),
            expected_version=form.version.data,
        )
        if change.changes:
            return f"Saved: {', '.join(sorted(change.changes))} changed.", back(employee)
        return "Nothing changed.", back(employee), "info"

    return form_page(
        form,
        save=save,
        initial=lambda: _profile_shown(employee),
        aliases=PROFILE_ALIASES,
        title=f"Edit profile: {employee.name}",
        employee=employee,
        fields=PROFILE_FIELDS,
        intro=(
            "Choosing a new job role is a move or promotion: give the date they entered it. "
            "The old role stays in the role history. To correct when the current role began, "
            "keep the role and change only the date."
        ),
        hints={
            "manager": "Leave empty for no manager.",
            "jurisdiction": "A code like US-CA.",
            "status": "A termination is recorded separately (it settles repayments).",
        },
        aside="termination",
    )
