"""The catalogue's schemas: competencies, courses and sessions, check types, instruments,
qualifications, roles and their requirements, the ladder."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.readiness.vocabulary import INSTRUMENT_KINDS, REQUIREMENT_KINDS

COMPETENCY_IN = base.obj(
    {
        "code": base.CODE,
        "name": base.S,
        "category": {**base.S, "default": "general"},
        "description": base.S_NULL,
    },
    ["code", "name"],
)
COURSE_IN = base.obj(
    {
        "code": base.CODE,
        "title": base.S,
        "category": {**base.S, "default": "general"},
        "hours": {"type": ["number", "string"], "description": "One decimal at most."},
        "cost": base.MONEY_IN,
        "validity_months": {
            **base.INT_NULL,
            "minimum": 1,
            "maximum": 600,
            "description": "null: the course never expires.",
        },
        "default_duration_days": {
            **base.INT_NULL,
            "minimum": 1,
            "maximum": 3650,
            "description": "null: the configured default (30).",
        },
        "prerequisites": base.CODES,
        "grants": {"type": "array", "items": base.ref("CourseGrant")},
        "approval": {
            **base.enum(("none", "manager")),
            "default": "none",
            "description": "manager: a booking people make for themselves waits for their "
            "manager's approval.",
        },
    },
    ["code", "title"],
)
CHECK_TYPE_IN = base.obj(
    {
        "code": base.CODE,
        "name": base.S,
        "rescreen_months": {**base.INT, "minimum": 1, "maximum": 240, "default": 36},
        "turnaround_days": {**base.INT, "minimum": 0, "maximum": 365, "default": 14},
    },
    ["code", "name"],
)
INSTRUMENT_IN = base.obj(
    {
        "code": base.CODE,
        "name": base.S,
        "kind": base.enum(INSTRUMENT_KINDS),
        "scale_min": {"type": ["number", "string"], "default": 1},
        "scale_max": {"type": ["number", "string"], "default": 5},
        "dimensions": {"type": "array", "items": base.S},
        "validity_months": {**base.INT, "minimum": 1, "maximum": 240, "default": 24},
    },
    ["code", "name", "kind", "dimensions"],
)
QUALIFICATION_IN = base.obj({"code": base.CODE, "name": base.S}, ["code", "name"])
REQUIREMENT = base.obj(
    {
        "kind": base.enum(REQUIREMENT_KINDS),
        "target": {
            **base.CODE,
            "type": ["string", "null"],
            "description": "The code of a competency, course, check type, instrument or "
            "qualification type; tenure has no target.",
        },
        "min_level": {**base.INT, "minimum": 0, "maximum": 5, "description": "competency only"},
        "min_score": {"type": ["number", "string"], "description": "assessment only"},
        "min_months": {**base.INT, "minimum": 0, "maximum": 600, "description": "tenure only"},
        "mandatory": {**base.B, "default": True, "description": "a gate when true"},
        "weight": {"type": ["number", "string"], "default": 1, "exclusiveMinimum": 0},
    },
    ["kind"],
)
ROLE_IN = base.obj(
    {
        "code": base.CODE,
        "title": base.S,
        "level": {**base.INT, "minimum": 1, "maximum": 20},
        "financial_authority_limit": base.MONEY_IN,
        "requirements": {"type": "array", "items": base.ref("Requirement")},
    },
    ["code", "title", "level"],
)
LADDER_IN = base.obj(
    {
        "from_role": base.CODE,
        "to_role": base.CODE,
        "typical_months": {**base.INT, "minimum": 0, "maximum": 600, "default": 24},
    },
    ["from_role", "to_role"],
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "Competency": base.obj(
        {
            "code": base.S,
            "name": base.S,
            "category": base.S,
            "description": base.S_NULL,
            "retired": base.B,
        },
        ["code", "name", "category", "retired"],
    ),
    "CompetencyInput": COMPETENCY_IN,
    "CompetencyPatch": base.partial(COMPETENCY_IN),
    "CompetencyPage": base.page("Competency"),
    "CourseGrant": base.obj(
        {"competency": base.CODE, "level": {**base.INT, "minimum": 1, "maximum": 5}}
    ),
    "Course": base.obj(
        {
            "code": base.S,
            "title": base.S,
            "category": base.S,
            "hours": base.NUM,
            "cost": base.MONEY,
            "validity_months": base.INT_NULL,
            "default_duration_days": base.INT,
            "prerequisites": {"type": "array", "items": base.S},
            "grants": {"type": "array", "items": base.ref("CourseGrant")},
            "approval": base.enum(("none", "manager")),
            "retired": base.B,
        },
        ["code", "title", "cost", "validity_months", "prerequisites", "grants"],
    ),
    "CourseInput": COURSE_IN,
    "CoursePatch": base.partial(COURSE_IN),
    "CoursePage": base.page("Course"),
    "CourseSession": base.obj(
        {
            "id": base.INT,
            "course": base.S,
            "starts_on": base.DATE,
            "ends_on": base.DATE,
            "seats": base.INT,
            "location": base.S_NULL,
            "cancelled": base.B,
            "trainer_id": base.INT_NULL,
            "enrolled": {**base.INT, "description": "Seats taken."},
            "seats_left": base.INT,
            "waitlisted": {**base.INT, "description": "People waiting for a seat."},
            "status": {
                **base.S,
                "description": "scheduled or cancelled.",
            },
        },
        ["id", "course", "starts_on", "ends_on", "seats", "enrolled", "waitlisted", "status"],
    ),
    "CourseSessionInput": base.obj(
        {
            "starts_on": base.DATE,
            "ends_on": base.DATE,
            "seats": {**base.INT, "minimum": 1, "maximum": 10000},
            "location": base.S_NULL,
            "trainer_id": {**base.INT_NULL, "description": "The employee who runs it."},
        },
        ["starts_on", "ends_on", "seats"],
    ),
    "CourseSessionPage": base.page("CourseSession"),
    "CheckType": base.obj(
        {
            "code": base.S,
            "name": base.S,
            "rescreen_months": base.INT,
            "turnaround_days": base.INT,
            "retired": base.B,
        },
        ["code", "name", "rescreen_months", "turnaround_days"],
    ),
    "CheckTypeInput": CHECK_TYPE_IN,
    "CheckTypePatch": base.partial(CHECK_TYPE_IN),
    "CheckTypePage": base.page("CheckType"),
    "Instrument": base.obj(
        {
            "code": base.S,
            "name": base.S,
            "kind": base.enum(INSTRUMENT_KINDS),
            "scale_min": base.NUM,
            "scale_max": base.NUM,
            "dimensions": {"type": "array", "items": base.S},
            "validity_months": base.INT,
            "retired": base.B,
        },
        ["code", "name", "kind", "scale_min", "scale_max", "dimensions", "validity_months"],
    ),
    "InstrumentInput": INSTRUMENT_IN,
    "InstrumentPatch": base.partial(INSTRUMENT_IN),
    "InstrumentPage": base.page("Instrument"),
    "Qualification": base.obj(
        {"code": base.S, "name": base.S, "retired": base.B}, ["code", "name"]
    ),
    "QualificationInput": QUALIFICATION_IN,
    "QualificationPatch": base.partial(QUALIFICATION_IN),
    "QualificationPage": base.page("Qualification"),
    "Requirement": REQUIREMENT,
    "Role": base.obj(
        {
            "code": base.S,
            "title": base.S,
            "level": base.INT,
            "financial_authority_limit": base.MONEY,
            "requirements": {"type": "array", "items": base.ref("Requirement")},
            "retired": base.B,
        },
        ["code", "title", "level", "financial_authority_limit", "requirements"],
    ),
    "RoleInput": ROLE_IN,
    "RolePatch": base.partial(ROLE_IN, drop=("code", "requirements")),
    "RolePage": base.page("Role"),
    "RequirementList": base.obj(
        {"requirements": {"type": "array", "items": base.ref("Requirement")}},
        ["requirements"],
    ),
    "LadderEdge": base.obj(
        {"from_role": base.S, "to_role": base.S, "typical_months": base.INT},
        ["from_role", "to_role", "typical_months"],
    ),
    "LadderEdgeInput": LADDER_IN,
    "LadderEdgePage": base.page("LadderEdge"),
}
