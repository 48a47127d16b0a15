"""Tuition endpoints (docs/API.md "Tuition"): requests, their transitions, the finance summary.

Every rule lives in app.services.tuition (the same functions as the tuition pages): the
state machine, who may approve which stage (an ``approve`` applies to the stage the request is
in now), the cap, the amount, late submissions. Each transition is a conditional UPDATE, so a
double submit or two approvers apply it exactly once; the loser gets 409.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify, request

from app import policy
from app.blueprints.api import bp
from app.blueprints.api.spec import (
    ApiError,
    Param,
    api_route,
    created,
    form_body,
    is_multipart,
    json_body,
    page_of,
    page_of_list,
    query_args,
)
from app.clock import today
from app.models import TuitionRequest
from app.models.tuition import TUITION_STATES
from app.policy import tuition as tuition_policy
from app.services import tuition as svc
from app.services.shapes import attributes

TAG = "Tuition"
# Every request route: any signed-in user, and the request of the URL loaded and checked.
SIGNED_IN: dict[str, Any] = {"permission": "authenticated", "tag": TAG}
REQUEST = (tuition_policy.request(missing=tuition_policy.NOT_FOUND),)


def _user() -> Any:
    return policy.acting_user()


@api_route(
    bp,
    "/tuition-requests",
    "GET",
    **SIGNED_IN,
    summary="Tuition requests the caller may see, newest first",
    who="Anyone: their own requests and those of the people below them; hr and finance see "
    "all requests.",
    response="TuitionRequestPage",
    paged=True,
    query=(
        Param("q", "string", "Search title, institution, employee name or number."),
        Param("state", "string", "Only requests in this state.", enum=TUITION_STATES),
        Param("department", "string", "A department code."),
        Param("employee_id", "integer", "Only this employee's requests.", minimum=1),
    ),
)
def list_tuition_requests() -> Any:
    args = query_args()
    stmt = svc.visible_requests_query(
        _user(), q=args["q"], state=args["state"], department=args["department"]
    )
    if args["employee_id"]:
        stmt = stmt.where(TuitionRequest.employee_id == args["employee_id"])
    stmt = stmt.order_by(TuitionRequest.id.desc())
    return jsonify(page_of(stmt, svc.requests_to_dicts, args))


@api_route(
    bp,
    "/tuition-requests",
    "POST",
    **SIGNED_IN,
    summary="Create a draft tuition request for yourself",
    who="Any employee, for themselves.",
    body="TuitionRequestInput",
    response="TuitionRequest",
    status=201,
    conflict=True,
    description="Costs are money strings (tuition, fees, books; blank is 0.00, at most two "
    "decimals). The request starts as a draft: submit it with POST "
    "/tuition-requests/{id}/transitions {action: submit}, before the course starts.",
)
def create_tuition_request() -> Any:
    user = _user()
    req = svc.create_request(user.employee, json_body(), user)
    payload = svc.request_to_dict(req, include_history=True)
    return created(payload, "api.show_tuition_request", request_id=req.id)


@api_route(
    bp,
    "/tuition-requests/<int:request_id>",
    "GET",
    **SIGNED_IN,
    summary="One tuition request with its history",
    who="The employee, their managers, hr and finance; anyone else gets 404.",
    response="TuitionRequest",
    loads=REQUEST,
)
def show_tuition_request(req: TuitionRequest) -> Any:
    return jsonify(svc.request_to_dict(req, include_history=True))


@api_route(
    bp,
    "/tuition-requests/<int:request_id>",
    "PATCH",
    **SIGNED_IN,
    summary="Edit a draft (the whole request is checked again)",
    who="The employee, while the request is a draft (others who may see it get 403).",
    body="TuitionRequestPatch",
    response="TuitionRequest",
    conflict=True,
    loads=REQUEST,
)
def update_tuition_request(req: TuitionRequest) -> Any:
    current = svc.request_fields(req)
    current.update(json_body())
    req = svc.update_request(req.id, current, _user())
    return jsonify(svc.request_to_dict(req, include_history=True))


def _upload_id(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ApiError(422, f"{key} must be an upload id.", {key: ["Give the upload's id."]})
    try:
        return int(value)
    except ValueError:
        message = f"{key} must be an upload id."
        raise ApiError(422, message, {key: ["Give the upload's id."]}) from None


@api_route(
    bp,
    "/tuition-requests/<int:request_id>/transitions",
    "POST",
    **SIGNED_IN,
    summary="Move a request: submit, approve, reject, cancel, complete, flag_documents, pay",
    who="submit, cancel, complete, resubmit_documents: the employee. approve and reject: the "
    "one entitled to the current stage (the employee's manager, then hr, then finance; never "
    "the employee). flag_documents and pay: finance. override_late: hr. Someone who may see "
    "the request but not make this move gets 403; someone who may not see it, 404.",
    body="TransitionInput",
    response="TuitionRequest",
    conflict=True,
    multipart=True,
    description="An illegal move for the current state is 409, and so is losing a race to "
    "another approver. complete needs the grade and a receipt or transcript: send "
    "multipart/form-data with the files `receipt` and/or `transcript` (PDF, PNG or JPEG) and "
    "the same fields, or JSON with receipt_upload_id / transcript_upload_id of files already "
    "uploaded for this employee. The answer is the request in its new state, with its "
    "`state` and `amount` (the reserved amount after the finance approval, the reimbursed "
    "amount after pay).",
    loads=REQUEST,
)
def transition_tuition_request(req: TuitionRequest) -> Any:
    user = _user()
    files: dict[str, Any] = {}
    if is_multipart():
        data = form_body()
        files = {key: request.files.get(key) for key in ("receipt", "transcript")}
    else:
        data = json_body()
    receipt = files.get("receipt") or _upload_id(data, "receipt_upload_id")
    transcript = files.get("transcript") or _upload_id(data, "transcript_upload_id")
    req = svc.transition(
        req.id,
        str(data.get("action") or ""),
        user,
        reason=data.get("reason"),
        grade=data.get("grade"),
        paid_on=data.get("paid_on"),
        override_reason=data.get("override_reason"),
        receipt=receipt,
        transcript=transcript,
    )
    return jsonify(svc.request_to_dict(req, include_history=True))


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _moneys(row: Any, *names: str) -> dict[str, str]:
    """The amounts ``names`` of ``row`` as two-decimal strings, by name."""
    return {name: _money(getattr(row, name)) for name in names}


@api_route(
    bp,
    "/tuition/summary",
    "GET",
    permission="finance_or_hr",
    summary="Per employee: reserved, reimbursed, cap left, taxable excess, repayments owed",
    tag=TAG,
    who="finance and hr.",
    response="TuitionSummary",
    paged=True,
    query=(
        Param(
            "year", "integer", "The calendar year. Default: this year.", minimum=1900, maximum=2200
        ),
        Param("department", "string", "A department code or name."),
    ),
    description="docs/RULES.md Annual cap: reserved (pre-approved, not yet paid, course starting "
    "that year) and reimbursed (paid that year) both count toward the cap; the taxable excess "
    "is what the year's payments for courses that are not job-related pay above the tax-free "
    "limit; repayments owed by voluntary leavers who left that year. totals cover every row, "
    "not only the page.",
)
def tuition_summary() -> Any:
    args = query_args()
    year = args["year"] or today().year
    data = svc.summary(year, args["department"])
    rows = [
        {
            **attributes(r, "employee_id", "employee_no", "name"),
            "department": r.department_code or None,
            **_moneys(r, "reserved", "reimbursed", "cap", "cap_used", "cap_left"),
            **_moneys(r, "taxable_excess", "repayments_owed"),
        }
        for r in data.rows
    ]
    answer = page_of_list(rows, args)
    total = data.total
    answer.update(
        year=year,
        currency=data.currency,
        totals={
            "employees": total.employees,
            **_moneys(total, "reserved", "reimbursed", "cap_used"),
            **_moneys(total, "taxable_excess", "repayments_owed"),
        },
    )
    return jsonify(answer)
