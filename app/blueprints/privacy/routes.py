"""Personal data: download my data as JSON; hr downloads anyone's (views are thin)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, g, render_template

from app import policy
from app.pagination import page_args, paginate, search_term, sort_args
from app.policy import permission
from app.services import data_export, people

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

EXPORT_SORTS = {
    "name": people.Employee.name,
    "employee_no": people.Employee.employee_no,
    "status": people.Employee.status,
}


@bp.route("/")
@permission("authenticated")
def index() -> Any:
    user = policy.acting_user()
    context: dict = {"me": user.employee}
    if policy.exports_anyones_data(user):
        q = search_term()
        sort_key, descending, order = sort_args(EXPORT_SORTS, "name")
        page, per_page = page_args(25)
        stmt = people.employee_list_query(user, q=q).order_by(order, people.Employee.id)
        context.update(
            page=paginate(stmt, page, per_page), q=q, sort_key=sort_key, descending=descending
        )
    return render_template(
        "privacy/index.html", exports_anyones=policy.exports_anyones_data(user), **context
    )


def _download(employee: people.Employee) -> Response:
    document = data_export.export_for(policy.acting_user(), employee)
    g.no_store = True
    name = re.sub(r"[^A-Za-z0-9._-]", "_", data_export.filename_for(document))
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/export", methods=["POST"])
@permission("authenticated")
def export_mine() -> Any:
    return _download(policy.acting_user().employee)


@bp.route("/employees/<int:employee_id>/export", methods=["POST"])
@permission("authenticated", policy.employee("check_findings"))
def export_employee(employee) -> Any:
    return _download(employee)
