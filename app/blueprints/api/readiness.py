"""Readiness endpoints (docs/API.md "Readiness and paths"): one person, a population, a path.

Who may call them: the employee for themselves, their managers and hr (policy aspect
"readiness"); anyone else asking about one person gets 404. The numbers come from the pure
readiness core through app.services.readiness and its bench, the same functions as the
readiness pages. Readiness is advisory: a person decides every promotion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify

from app import policy
from app.blueprints.api import bp, error_response
from app.blueprints.api.spec import Param, api_route, invalid, query_args
from app.clock import today
from app.models import Employee
from app.readiness.vocabulary import BANDS
from app.services import readiness as service
from app.services.jobs import periodic
from app.services.readiness import bench, stored

TAG = "Readiness"
RETRY_SECONDS = 10  # while readiness is being recomputed (503)
WHO = "The employee for themselves, their managers and hr; anyone else gets 404."
# A route about the person of the URL loads them through the access pipeline: anyone who may
# not see their readiness gets 404.
ONE_PERSON: dict[str, Any] = {
    "permission": "authenticated",
    "loads": (policy.employee("readiness"),),
    "tag": TAG,
    "who": WHO,
}

ROLE_PARAM = Param(
    "role",
    "string",
    "The target role's code; an unknown code is refused (422). Default: the next role up the "
    "ladder from the person's current role.",
)
AS_OF_PARAM = Param("as_of", "date", "The date D of the evaluation (YYYY-MM-DD). Default: today.")


def _role(code: str, snapshot: service.CatalogueSnapshot) -> str:
    wanted = code.strip().upper()
    if wanted not in snapshot.roles:
        raise invalid("role", f"There is no job role with code {wanted}.")
    return wanted


def _target(code: str | None, default: Callable[[service.CatalogueSnapshot], str]) -> str:
    """The target role asked for (an unknown code is 422), else ``default`` of the catalogue."""
    snapshot = service.load_catalogue()
    return _role(code, snapshot) if code else default(snapshot)


def _next_role(employee: Employee, snapshot: service.CatalogueSnapshot) -> str:
    current = employee.job_role.code if employee.job_role else None
    role = service.next_role_code(current, snapshot) or current or ""
    if role not in snapshot.roles:
        raise invalid("role", "Give role: this person has no role above theirs to aim for.")
    return role


def _top_role(snapshot: service.CatalogueSnapshot) -> str:
    levels = snapshot.role_levels
    if not levels:
        raise invalid("role", "Give role: the catalogue has no roles yet.")
    return max(levels, key=lambda code: (levels[code], code))


@api_route(
    bp,
    "/employees/<int:employee_id>/readiness",
    "GET",
    summary="Readiness of one person for a role on a date",
    **ONE_PERSON,
    response="Readiness",
    query=(ROLE_PARAM, AS_OF_PARAM),
    description="docs/RULES.md: per requirement status (met, unmet, expiring), actual value, "
    "attainment and projected close date; score = 100 x sum(weight x attainment) / "
    "sum(weight); gates_met; ready = gates_met and score >= 90 (cfg); band from "
    "projected_ready_on. Facts dated after as_of are ignored.",
)
def show_readiness(employee: Employee) -> Any:
    args = query_args()
    role = _target(args["role"], lambda snapshot: _next_role(employee, snapshot))
    result, _, _ = service.evaluate_employee(employee.id, role, args["as_of"] or today())
    return jsonify(service.result_to_dict(result))


def _recomputing(waiting: stored.Recomputing) -> Any:
    """503 while the warm-up recomputes readiness after a change (no stale result is listed)."""
    periodic.ensure_warmup()
    response, status = error_response(
        503,
        "Readiness is being recomputed after a change to the catalogue or the settings: "
        f"{waiting.done} of {waiting.total} people done. Retry after `Retry-After` seconds.",
    )
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response, status


@api_route(
    bp,
    "/readiness",
    "GET",
    permission="authenticated",
    summary="Readiness of many people for one role (bench strength)",
    tag=TAG,
    who="Anyone: the list holds only people whose readiness the caller may see (hr: "
    "everyone; a manager: everyone below them; everyone: themselves).",
    response="ReadinessPage",
    paged=True,
    query=(
        Param("role", "string", "The target role's code (required).", required=True),
        AS_OF_PARAM,
        Param("band", "string", "Only this band.", enum=BANDS),
        Param("department", "string", "A department code."),
    ),
    description="The candidates for a role are the people (active or on leave) whose current "
    "role is below its level, as on the bench page. Best score first. counts_by_band counts "
    "them before the band filter. Right after a catalogue or settings change, while more "
    "people in scope are stale than READINESS_INLINE_LIMIT, it answers 503 with Retry-After "
    "(and how many people are done in `error`): no stale result is ever listed.",
)
def list_readiness() -> Any:
    user = policy.acting_user()
    args = query_args()
    snapshot = service.load_catalogue()
    role = _role(args["role"], snapshot)
    as_of = args["as_of"] or today()
    department = args["department"].upper() if args["department"] else None
    try:
        scope = stored.scope(
            bench.visible_population(user, department), [role], as_of, limit=periodic.inline_limit()
        )
    except stored.Recomputing as waiting:
        return _recomputing(waiting)
    (counts,) = scope.role_counts()
    band = args["band"]
    found = scope.candidates(
        role,
        band=band,
        sort="score",
        descending=True,
        page=args["page"],
        per_page=args["per_page"],
        clamp=False,
        total=counts.counts_by_band[band] if band else counts.total,
    )
    items = [
        {
            "employee_id": c.employee_id,
            "name": c.name,
            "role": role,
            "current_role": c.current_role,
            "score": c.score,
            "band": c.band,
            "ready": c.ready,
            "projected_ready_on": c.projected_ready_on.isoformat()
            if c.projected_ready_on
            else None,
        }
        for c in found.items
    ]
    return jsonify(
        items=items,
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        role=role,
        as_of=as_of.isoformat(),
        counts_by_band=counts.counts_by_band,
    )


@api_route(
    bp,
    "/employees/<int:employee_id>/path",
    "GET",
    summary="The promotion path of one person to a role, step by step",
    **ONE_PERSON,
    response="PromotionPath",
    query=(
        Param(
            "role",
            "string",
            "The target role's code; an unknown code is refused (422). Default: the highest "
            "role of the ladder.",
        ),
        AS_OF_PARAM,
    ),
    description="docs/RULES.md Promotion path: walk the ladder; per step the role, the gap "
    "actions in order (enrol, renew, request a check, schedule an assessment, apply for "
    "tuition), their cost and the projected date. With no path, steps is empty and reason "
    "says why.",
)
def show_path(employee: Employee) -> Any:
    args = query_args()
    role = _target(args["role"], _top_role)
    path = service.promotion_path(employee.id, role, args["as_of"] or today())
    return jsonify(service.path_to_dict(path))
