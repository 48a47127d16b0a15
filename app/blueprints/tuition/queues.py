"""The approval queues: the manager's team, HR and finance."""

from __future__ import annotations

from typing import Any

from flask import request

from app.blueprints.tuition import bp
from app.blueprints.tuition.common import user
from app.models import TuitionRequest
from app.pagination import list_page, search_term, sort_args
from app.policy import permission
from app.services import tuition as svc

QUEUE_TITLES = {
    "manager": "Tuition approvals for your team",
    "hr": "HR tuition queue",
    "finance": "Finance tuition queue",
}
QUEUE_VIEWS = {"hr": ("approve", "late"), "finance": ("all", "approve", "pay", "waiting")}


def _queue(stage: str) -> Any:
    me = user()
    q = search_term()
    view = request.args.get("view")
    if view not in QUEUE_VIEWS.get(stage, ()):
        view = None
    return list_page(
        "tuition/queue.html",
        sort_args(svc.REQUEST_SORTS, "updated"),
        lambda order: svc.queue_query(me, stage, q=q, view=view).order_by(order, TuitionRequest.id),
        stage=stage,
        title=QUEUE_TITLES[stage],
        q=q,
        view=view,
        late_count=svc.queue_count(me, "hr", view="late") if stage == "hr" else None,
    )


@bp.route("/queue/manager")
@permission("manager")
def queue_manager() -> Any:
    """Only people who manage someone have this queue (the manager stage)."""
    return _queue("manager")


@bp.route("/queue/hr")
@permission("hr")
def queue_hr() -> Any:
    return _queue("hr")


@bp.route("/queue/finance")
@permission("finance")
def queue_finance() -> Any:
    return _queue("finance")
