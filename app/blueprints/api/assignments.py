"""Required training endpoints (docs/API.md "Assignments"): hr's assignment rules, and a
person's assignments with their status on a date.

Every rule lives in app.services.assignments, the same functions as the pages: an unknown
role, course or department is a 422 naming it, a due date in the past is a 422, a second rule
for the same role and course is a 409. Saving a rule assigns its course to everyone it covers.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app import policy
from app.blueprints.api import bp
from app.blueprints.api.readiness import AS_OF_PARAM
from app.blueprints.api.spec import api_route, created, json_body, page_of_list, query_args
from app.clock import today
from app.models import Employee
from app.services import assignments as svc

TAG = "Assignments"
HR: dict[str, Any] = {"permission": "hr", "tag": TAG, "who": "hr."}


@api_route(
    bp,
    "/assignment-rules",
    "GET",
    summary="The standing assignment rules",
    response="AssignmentRulePage",
    paged=True,
    **HR,
)
def list_assignment_rules() -> Any:
    rows = [svc.rule_to_dict(rule) for rule in svc.list_rules()]
    return jsonify(page_of_list(rows, query_args()))


@api_route(
    bp,
    "/assignment-rules",
    "POST",
    summary="Add an assignment rule",
    body="AssignmentRuleInput",
    response="AssignmentRule",
    status=201,
    conflict=True,
    description="Everyone the rule covers gets an assignment at once, due on the later of "
    "hire_date and role_since plus due_days, or on due_on. 409: a standing rule already "
    "requires this course of this role. 422: an unknown role, course or department, both or "
    "due_days and due_on together, or a due_on in the past.",
    **HR,
)
def create_assignment_rule() -> Any:
    rule = svc.create_rule(json_body(), actor=policy.acting_user())
    return created(svc.rule_to_dict(rule))


def _assignment(row: svc.AssignmentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "course": row.course_code,
        "title": row.course_title,
        "due_on": row.due_on.isoformat(),
        "status": row.status,
        "days_overdue": row.days_overdue,
        "opened_on": row.opened_on.isoformat(),
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
    }


@api_route(
    bp,
    "/employees/<int:employee_id>/assignments",
    "GET",
    permission="authenticated",
    tag=TAG,
    summary="A person's required training and its status on a date",
    who="Whoever may see the person's training (the person, their managers, hr); anyone else "
    "gets 404.",
    response="AssignmentPage",
    paged=True,
    query=(AS_OF_PARAM,),
    description="Open assignments first, by due date, then closed ones (not_required) as "
    "history. status on as_of: done, recertify (done, expiring within the window), due, "
    "overdue, not_required.",
    loads=(policy.employee("training"),),
)
def list_employee_assignments(employee: Employee) -> Any:
    args = query_args()
    rows = svc.assignments_of(employee.id, args["as_of"] or today())
    return jsonify(page_of_list([_assignment(r) for r in rows], args))
