"""Readiness of one person or many for a role, the promotion path, and their API answers.

docs/RULES.md "Readiness of an employee for a role on date D" and "Promotion path": the
catalogue snapshot and the facts load in bulk, the pure core evaluates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select

from app import readiness as core
from app.readiness.vocabulary import BANDS
from app.services.readiness.catalogue import CatalogueSnapshot, load_catalogue, role_or_error
from app.services.readiness.facts import collector_paused, load_facts
from app.services.readiness.seats import seat_plan


def evaluate_employee(
    employee_id: int, role_code: str, as_of: date
) -> tuple[core.ReadinessResult, CatalogueSnapshot, core.EmployeeFacts]:
    """One person's readiness with their seats in the seat plan of ``as_of``."""
    snapshot = load_catalogue()
    role = role_or_error(role_code, snapshot)
    planned = seat_plan(as_of)
    facts = planned.facts_for(load_facts([employee_id], as_of=as_of)[employee_id])
    result = snapshot.evaluate(facts, role, as_of, planned.catalogue)
    return result, snapshot, facts


def evaluate_population(
    employees: Select | Sequence[int], role_code: str, as_of: date
) -> dict[int, core.ReadinessResult]:
    """Readiness of many employees for one role: fixed queries, then in-memory evaluation."""
    snapshot = load_catalogue()
    role = role_or_error(role_code, snapshot)
    planned = seat_plan(as_of)
    with collector_paused():
        facts = planned.all_facts(planned.load_facts(employees).values())
        results = snapshot.evaluate_many(facts, role, as_of, planned.catalogue)
        return {result.employee_id: result for result in results}


def promotion_path(employee_id: int, target_role: str, as_of: date) -> core.PromotionPath:
    """The promotion path, its first step projected with the seat plan of ``as_of``."""
    snapshot = load_catalogue()
    role_or_error(target_role, snapshot)
    planned = seat_plan(as_of)
    facts = planned.facts_for(load_facts([employee_id], as_of=as_of)[employee_id])
    return core.plan_path(
        facts,
        target_role,
        snapshot.roles,
        snapshot.ladder,
        planned.catalogue,
        as_of,
        snapshot.config,
    )


def counts_by_band(results: Iterable[core.ReadinessResult]) -> dict[str, int]:
    counts = dict.fromkeys(BANDS, 0)
    for r in results:
        counts[r.band] += 1
    return counts


# ----------------------------------------------------------------------------- serializers


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def requirement_required(req: core.Requirement) -> Any:
    if req.kind == "competency":
        return req.min_level
    if req.kind == "assessment":
        return req.min_score
    if req.kind == "tenure":
        return req.min_months
    if req.kind == "certification":
        return "valid"
    return "completed" if req.kind in ("course", "education") else "clear"


def result_to_dict(result: core.ReadinessResult) -> dict[str, Any]:
    """docs/API.md readiness answer."""
    return {
        "employee_id": result.employee_id,
        "role": result.role,
        "as_of": result.as_of.isoformat(),
        "score": result.score,
        "gates_met": result.gates_met,
        "ready": result.ready,
        "band": result.band,
        "critical": critical_to_dict(result.critical),
        "projected_ready_on": _plain(result.projected_ready_on),
        "requirements": [
            {
                "kind": r.requirement.kind,
                "target": r.requirement.target,
                "required": requirement_required(r.requirement),
                "actual": _plain(r.actual),
                "status": r.status,
                "attainment": round(r.attainment, 4),
                "weight": r.requirement.weight,
                "mandatory": r.requirement.mandatory,
                "expires_on": _plain(r.expires_on),
                "projected_close_on": _plain(r.projected_close_on),
            }
            for r in result.requirements
        ],
    }


def critical_to_dict(critical: core.CriticalGap | None) -> dict[str, Any] | None:
    """docs/API.md ``critical``: the gap that decides projected_ready_on, None when ready."""
    if critical is None:
        return None
    return {
        "kind": critical.kind,
        "target": critical.target,
        "projected_close_on": _plain(critical.projected_close_on),
        "reason": critical.reason,
    }


def path_to_dict(path: core.PromotionPath) -> dict[str, Any]:
    """docs/API.md promotion path answer."""
    return {
        "target_role": path.target_role,
        "steps": [
            {
                "role": step.role,
                "projected_ready_on": _plain(step.projected_ready_on),
                "cost": _plain(step.cost),
                "actions": [
                    {
                        "kind": a.kind,
                        "target": a.target,
                        "due_on": _plain(a.due_on),
                        "cost": _plain(a.cost),
                        "session_id": a.session_id,
                        "description": a.description,
                    }
                    for a in step.actions
                ],
            }
            for step in path.steps
        ],
        "total_cost": _plain(path.total_cost),
        "projected_ready_on": _plain(path.projected_ready_on),
        "reason": path.reason,
    }
