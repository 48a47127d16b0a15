"""People: the directory and each person's page (views are thin; rules live in services)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from app import policy
from app.blueprints import to_own_page
from app.models import Employee
from app.models.people import EMPLOYEE_STATUSES
from app.pagination import choice_arg, list_page, search_term, sort_args
from app.policy import permission
from app.policy import records as may
from app.policy import signins as accounts_policy
from app.services import people, signins
from app.services.records import queries

bp = Blueprint("employees", __name__, url_prefix="/employees")


@bp.route("/")
@permission("authenticated")
def index() -> Any:
    user = policy.acting_user()
    if not may.sees_directory(user):
        return redirect(url_for("employees.me"))
    filters = {
        "q": search_term(),
        "role": request.args.get("role") or None,
        "department": request.args.get("department") or None,
        "status": choice_arg("status", EMPLOYEE_STATUSES),
    }
    return list_page(
        "employees/index.html",
        sort_args(people.EMPLOYEE_SORTS, "name"),
        lambda order: people.employee_list_query(user, **filters).order_by(order, Employee.id),
        filters=filters,
        roles=queries.job_roles(),
        departments=queries.departments(),
        statuses=EMPLOYEE_STATUSES,
    )


@bp.route("/me")
@permission("authenticated")
def me() -> Any:
    return to_own_page("employees.show")


@bp.route("/<int:employee_id>")
@permission("authenticated", may.person_page())
def show(employee: Employee) -> Any:
    user = policy.acting_user()
    found = people.records_for(user, employee)
    signin = signins.signin_summary(employee) if accounts_policy.creates_signins(user) else None
    return render_template("employees/show.html", records=found, employee=employee, signin=signin)
