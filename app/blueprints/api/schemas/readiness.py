"""Readiness schemas: results per requirement, the population list, promotion paths."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.readiness.vocabulary import BANDS, REQUIREMENT_KINDS

COMPONENTS: dict[str, dict[str, Any]] = {
    "RequirementResult": base.obj(
        {
            "kind": base.enum(REQUIREMENT_KINDS),
            "target": base.S_NULL,
            "required": {"type": ["integer", "number", "string", "null"]},
            "actual": {"type": ["integer", "number", "string", "null"]},
            "status": base.enum(("met", "unmet", "expiring")),
            "attainment": {**base.NUM, "minimum": 0, "maximum": 1},
            "weight": base.NUM,
            "mandatory": base.B,
            "expires_on": base.DATE_NULL,
            "projected_close_on": base.DATE_NULL,
        },
        ["kind", "target", "required", "actual", "status", "attainment", "weight", "mandatory"],
    ),
    "CriticalGap": base.obj(
        {
            "kind": base.enum(REQUIREMENT_KINDS),
            "target": base.S,
            "projected_close_on": base.DATE_NULL,
            "reason": {**base.S, "description": "Why the gap closes then, in words."},
        },
        ["kind", "target", "projected_close_on", "reason"],
    ),
    "Readiness": base.obj(
        {
            "employee_id": base.INT,
            "role": base.S,
            "as_of": base.DATE,
            "score": {**base.NUM, "description": "0-100, one decimal"},
            "gates_met": base.B,
            "ready": base.B,
            "band": base.enum(BANDS),
            "critical": {
                "anyOf": [base.ref("CriticalGap"), {"type": "null"}],
                "description": "The requirement that decides projected_ready_on; null when ready.",
            },
            "projected_ready_on": base.DATE_NULL,
            "requirements": {"type": "array", "items": base.ref("RequirementResult")},
        },
        ["employee_id", "role", "as_of", "score", "gates_met", "ready", "band"],
    ),
    "ReadinessItem": base.obj(
        {
            "employee_id": base.INT,
            "name": base.S,
            "role": {**base.S, "description": "The role evaluated (the role parameter)."},
            "current_role": base.S_NULL,
            "score": base.NUM,
            "band": base.enum(BANDS),
            "ready": base.B,
            "projected_ready_on": base.DATE_NULL,
        },
        ["employee_id", "name", "role", "score", "band", "ready", "projected_ready_on"],
    ),
    "ReadinessPage": base.page(
        "ReadinessItem",
        role=base.S,
        as_of=base.DATE,
        counts_by_band={
            "type": "object",
            "description": "People per band before the band filter (department still applies).",
            "properties": {b: base.INT for b in BANDS},
        },
    ),
    "PathAction": base.obj(
        {
            "kind": base.S,
            "target": base.S,
            "due_on": base.DATE,
            "cost": base.MONEY,
            "session_id": base.INT_NULL,
            "description": base.S,
        },
        ["kind", "target", "due_on", "cost"],
    ),
    "PathStep": base.obj(
        {
            "role": base.S,
            "projected_ready_on": base.DATE_NULL,
            "cost": base.MONEY,
            "actions": {"type": "array", "items": base.ref("PathAction")},
        },
        ["role", "projected_ready_on", "actions"],
    ),
    "PromotionPath": base.obj(
        {
            "target_role": base.S,
            "steps": {"type": "array", "items": base.ref("PathStep")},
            "total_cost": base.MONEY,
            "projected_ready_on": base.DATE_NULL,
            "reason": {**base.S_NULL, "description": "Why there is no path, when there is none."},
        },
        ["steps", "total_cost", "projected_ready_on"],
    ),
}
