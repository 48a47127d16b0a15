"""People endpoints (docs/API.md "People"): the directory, profiles, hiring and leaving.

The list shows only the people the caller may see (policy.visible_employee_filter through
people.employee_list_query); one person the caller may not see answers 404. Writes go through
app.services.records (profiles) and app.services.tuition (termination, repayments owed).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import jsonify

from app import policy
from app.blueprints.api import bp
from app.blueprints.api.spec import (
    Param,
    api_route,
    created,
    invalid,
    json_body,
    page_of,
    query_args,
)
from app.models import Employee
from app.models.people import EMPLOYEE_STATUSES
from app.policy import Load
from app.services import people, records, tuition
from app.services.records import queries

TAG = "People"
# A write only hr makes to a person the caller may see (else 404).
HR_WRITES: dict[str, Any] = {
    "permission": "authenticated",
    "who": "hr (others who may see the person get 403, the rest 404).",
    "conflict": True,
}


def route(
    rule: str, method: str, *loads: Load, permission: str, tag: str = TAG, **declaration: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``api_route`` with the loads of the access pipeline: the route's permission, then each
    URL argument loaded and checked (``policy.Load``) before the view (a People operation
    unless ``tag`` says otherwise)."""

    return api_route(bp, rule, method, permission=permission, loads=loads, tag=tag, **declaration)


def acting_user() -> Any:
    return policy.acting_user()


@route(
    "/employees",
    "GET",
    permission="authenticated",
    summary="The people the caller may see",
    who="Anyone; the list holds only the people the caller may see: themselves and everyone "
    "below them in the reporting tree; hr, finance and admin see everyone.",
    response="EmployeePage",
    paged=True,
    query=(
        Param("q", "string", "Search name, email and employee number."),
        Param("role", "string", "A job role code; an unknown code is refused (422)."),
        Param("department", "string", "A department code or name."),
        Param("manager_id", "integer", "Direct reports of this employee.", minimum=1),
        Param("status", "string", "Employment status.", enum=EMPLOYEE_STATUSES),
    ),
)
def list_employees() -> Any:
    args = query_args()
    role = args["role"]
    if role:
        role = role.upper()
        if not queries.job_role_exists(role):
            raise invalid("role", f"There is no job role with code {role}.")
    stmt = people.employee_list_query(
        acting_user(),
        q=args["q"],
        role=role,
        department=args["department"],
        manager_id=args["manager_id"],
        status=args["status"],
    ).order_by(Employee.name, Employee.id)
    return jsonify(page_of(stmt, lambda rows: [records.employee_to_dict(e) for e in rows], args))


@route(
    "/employees",
    "POST",
    permission="hr",
    summary="Add a person",
    who="hr.",
    body="EmployeeInput",
    response="Employee",
    status=201,
    conflict=True,
)
def create_employee() -> Any:
    employee = records.create_employee(json_body(), actor=acting_user())
    payload = records.employee_to_dict(employee)
    return created(payload, "api.show_employee", employee_id=employee.id)


@route(
    "/employees/<int:employee_id>",
    "GET",
    policy.employee(),
    permission="authenticated",
    summary="One person's profile",
    who="The person, their managers, hr, finance and admin; anyone else gets 404.",
    response="Employee",
)
def show_employee(employee: Employee) -> Any:
    return jsonify(records.employee_to_dict(employee))


@route(
    "/employees/<int:employee_id>",
    "PATCH",
    policy.employee(),
    summary="Change a profile (only the fields sent)",
    body="EmployeePatch",
    response="Employee",
    **HR_WRITES,
    description="A new role with role_since is a move or promotion that keeps the old role in "
    "the history. status can be active or on_leave; a leaver is recorded with POST "
    "/employees/{id}/termination.",
)
def update_employee(employee: Employee) -> Any:
    change = records.update_employee(employee, json_body(), actor=acting_user())
    return jsonify(records.employee_to_dict(change.employee))


@route(
    "/employees/<int:employee_id>/termination",
    "POST",
    policy.employee(),
    summary="Record that a person left; answers the tuition repayments owed",
    body="TerminationInput",
    response="Termination",
    **HR_WRITES,
    description="docs/RULES.md Repayment: a voluntary leaver repays a share of each reimbursement "
    "by whole months since it was paid; the amounts are computed now and stored. Open requests "
    "not yet pre-approved are cancelled. A second termination is 409.",
)
def terminate_employee(employee: Employee) -> Any:
    user = acting_user()
    data = json_body()
    owed = tuition.record_termination(
        employee,
        data.get("termination_date"),  # type: ignore[arg-type]
        str(data.get("reason") or ""),
        user,
    )
    employee = queries.reloaded(employee)
    total = sum((r.amount_owed for r in owed), Decimal("0.00"))
    return jsonify(
        {
            "employee": records.employee_to_dict(employee),
            "repayments": [tuition.repayment_to_dict(r) for r in owed],
            "total_owed": f"{total:.2f}",
        }
    )
