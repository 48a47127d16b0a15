"""Readiness schemas: results per requirement, the population list, promotion paths."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas.base import (
    DATE,
    DATE_NULL,
    INT,
    INT_NULL,
    MONEY,
    NUM,
    S_NULL,
    B,
    S,
    enum,
    obj,
    page,
    ref,
)
from app.readiness.vocabulary import REQUIREMENT_KINDS

COMPONENTS: dict[str, dict[str, Any]] = {
    "RequirementResult": obj(
        {
            "kind": enum(REQUIREMENT_KINDS),
            "target": S_NULL,
            "required": {"type": ["integer", "number", "string", "null"]},
            "actual": {"type": ["integer", "number", "string", "null"]},
            "status": enum(("met", "unmet", "expiring")),
            "attainment": {**NUM, "minimum": 0, "maximum": 1},
            "weight": NUM,
            "mandatory": B,
            "expires_on": DATE_NULL,
            "projected_close_on": DATE_NULL,
        },
        ["kind", "target", "required", "actual", "status", "attainment", "weight", "mandatory"],
    ),
    "Readiness": obj(
        {
            "employee_id": INT,
            "role": S,
            "as_of": DATE,
            "score": {**NUM, "description": "0-100, one decimal"},
            "gates_met": B,
            "ready": B,
            "band": enum(("ready_now", "ready_1y", "ready_2y", "not_ready")),
            "projected_ready_on": DATE_NULL,
            "requirements": {"type": "array", "items": ref("RequirementResult")},
        },
        ["employee_id", "role", "as_of", "score", "gates_met", "ready", "band"],
    ),
    "ReadinessItem": obj(
        {
            "employee_id": INT,
            "name": S,
            "role": {**S, "description": "The role evaluated (the role parameter)."},
            "current_role": S_NULL,
            "score": NUM,
            "band": enum(("ready_now", "ready_1y", "ready_2y", "not_ready")),
            "ready": B,
            "projected_ready_on": DATE_NULL,
        },
        ["employee_id", "name", "role", "score", "band", "ready", "projected_ready_on"],
    ),
    "ReadinessPage": page(
        "ReadinessItem",
        role=S,
        as_of=DATE,
        counts_by_band={
            "type": "object",
            "description": "People per band before the band filter (department still applies).",
            "properties": {b: INT for b in ("ready_now", "ready_1y", "ready_2y", "not_ready")},
        },
    ),
    "PathAction": obj(
        {
            "kind": S,
            "target": S,
            "due_on": DATE,
            "cost": MONEY,
            "session_id": INT_NULL,
            "description": S,
        },
        ["kind", "target", "due_on", "cost"],
    ),
    "PathStep": obj(
        {
            "role": S,
            "projected_ready_on": DATE_NULL,
            "cost": MONEY,
            "actions": {"type": "array", "items": ref("PathAction")},
        },
        ["role", "projected_ready_on", "actions"],
    ),
    "PromotionPath": obj(
        {
            "target_role": S,
            "steps": {"type": "array", "items": ref("PathStep")},
            "total_cost": MONEY,
            "projected_ready_on": DATE_NULL,
            "reason": {**S_NULL, "description": "Why there is no path, when there is none."},
        },
        ["steps", "total_cost", "projected_ready_on"],
    ),
}
