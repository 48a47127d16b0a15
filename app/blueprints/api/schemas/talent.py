"""Talent schemas: 360 rounds (counts per group, never raters) and the 9-box grid."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.readiness.vocabulary import BANDS, RATER_GROUPS

_GROUP_COUNT = base.obj(
    {
        "group": base.enum(RATER_GROUPS),
        "label": base.S,
        "invited": base.INT,
        "answered": base.INT,
        "minimum": base.INT,
    },
    ["group", "invited", "answered", "minimum"],
)
_GROUP_RESULT = base.obj(
    {
        "group": base.enum(RATER_GROUPS),
        "responses": base.INT,
        "shown": base.B,
        "mean": {**base.NUM_NULL, "description": "Only for a group that reaches its minimum."},
    },
    ["group", "responses", "shown"],
)
_CARD = base.obj(
    {
        "employee_id": base.INT,
        "name": base.S,
        "department": base.S,
        "role": base.S,
        "months_in_role": base.INT_NULL,
        "next_role": base.S_NULL,
        "next_role_score": base.NUM_NULL,
        "next_role_band": base.enum(BANDS, nullable=True),
        "mandatory_gate_failed": base.B,
        "moved": {**base.B, "description": "Moved in a calibration of this period."},
    },
    ["employee_id", "name", "role", "next_role_score", "next_role_band", "moved"],
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "FeedbackRound": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "instrument": base.S,
            "closes_on": base.DATE,
            "state": base.enum(("open", "closed")),
            "closed_on": base.DATE_NULL,
            "assessment_id": base.INT_NULL,
            "groups": {"type": "array", "items": _GROUP_COUNT},
            "overall": base.NUM_NULL,
            "results": {"type": "array", "items": _GROUP_RESULT},
        },
        ["id", "employee_id", "instrument", "closes_on", "state", "groups"],
    ),
    "FeedbackRoundInput": base.obj(
        {
            "instrument": base.CODE,
            "closes_on": base.DATE,
            "raters": {
                "type": "array",
                "minItems": 1,
                "maxItems": 60,
                "items": base.obj(
                    {
                        "group": base.enum(RATER_GROUPS),
                        "email": {**base.S, "maxLength": 254},
                        "employee_id": {**base.INT, "minimum": 1},
                    },
                    ["group"],
                ),
            },
        },
        ["instrument", "closes_on", "raters"],
    ),
    "TalentGrid": base.obj(
        {
            "period": base.S_NULL,
            "periods": {"type": "array", "items": base.S},
            "department": base.S_NULL,
            "boxes": {
                "type": "array",
                "items": base.obj(
                    {
                        "performance": {**base.INT, "minimum": 1, "maximum": 3},
                        "potential": {**base.INT, "minimum": 1, "maximum": 3},
                        "name": base.S,
                        "people": {"type": "array", "items": _CARD},
                    },
                    ["performance", "potential", "name", "people"],
                ),
            },
        },
        ["period", "boxes"],
    ),
}
