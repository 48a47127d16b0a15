"""Talent endpoints (docs/API.md "Talent"): opening a 360 round, its counts per group (never
who answered), and the 9-box grid of a review period.

Every rule lives in app.services.talent, the same functions as the talent pages.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app import policy
from app.blueprints.api import bp
from app.blueprints.api.spec import Param, api_route, created, json_body, query_args
from app.models import Employee, FeedbackRound
from app.policy import talent as may
from app.services import talent as svc
from app.services.talent import grid as grid_svc

TAG = "Talent"


@api_route(
    bp,
    "/employees/<int:employee_id>/360-rounds",
    "POST",
    permission="authenticated",
    tag=TAG,
    summary="Open a 360 round and email each rater a single-use link",
    who="hr or the person's manager, never the person (403); anyone who may not see the "
    "person's assessments gets 404.",
    body="FeedbackRoundInput",
    response="FeedbackRound",
    status=201,
    description="Each rater is {group, email} or {group, employee_id}. The answer gives the "
    "counts per group, never the raters. 422: an instrument that is not a 360, a close date "
    "outside tomorrow to 180 days ahead, an address invited twice, or self for anyone but "
    "the person.",
    loads=(policy.employee("assessments"),),
)
def open_360_round(employee: Employee) -> Any:
    user = policy.acting_user()
    if not may.can_open_round(user, employee):
        raise svc.TalentForbidden(svc.OPEN_REFUSAL)
    data = json_body()
    opened = svc.open_round(
        employee, data.get("instrument"), data.get("closes_on"), data.get("raters"), actor=user
    )
    svc.send_invitations(opened)
    return created(svc.round_to_dict(svc.round_view(opened.round, user)))


@api_route(
    bp,
    "/360-rounds/<int:round_id>",
    "GET",
    permission="authenticated",
    tag=TAG,
    summary="A 360 round: invited and answered per group; the result once closed",
    who="Whoever may see the person's assessments (the person, their managers, hr); self is "
    "shown only to the person and hr. Anyone else gets 404.",
    response="FeedbackRound",
    loads=(may.feedback_round(),),
)
def get_360_round(feedback_round: FeedbackRound) -> Any:
    return jsonify(svc.round_to_dict(svc.round_view(feedback_round, policy.acting_user())))


@api_route(
    bp,
    "/talent-grid",
    "GET",
    permission="manager_or_hr",
    tag=TAG,
    summary="The 9-box grid of a review period",
    who="Managers (the people below them) and hr (anyone); everybody else 403.",
    response="TalentGrid",
    query=(
        Param("period", "string", "A review period, e.g. 2026-H2. Default: the newest."),
        Param("department", "string", "A department code."),
    ),
)
def get_talent_grid() -> Any:
    args = query_args()
    department = (args.get("department") or "").strip().upper()[:40] or None
    period = (args.get("period") or "").strip().upper()[:20] or None
    shown = grid_svc.grid(policy.acting_user(), period, department)
    return jsonify(grid_svc.grid_to_dict(shown))
