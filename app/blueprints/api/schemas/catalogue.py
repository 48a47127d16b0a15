"""The catalogue's schemas: competencies, courses and sessions, check types, instruments,
qualifications, roles and their requirements, the ladder."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas.base import (
    CODE,
    CODES,
    DATE,
    INT,
    INT_NULL,
    MONEY,
    MONEY_IN,
    NUM,
    S_NULL,
    B,
    S,
    enum,
    obj,
    page,
    partial,
    ref,
)
from app.readiness.vocabulary import INSTRUMENT_KINDS, REQUIREMENT_KINDS

COMPETENCY_IN = obj(
    {
        "code": CODE,
        "name": S,
        "category": {**S, "default": "general"},
        "description": S_NULL,
    },
    ["code", "name"],
)
COURSE_IN = obj(
    {
        "code": CODE,
        "title": S,
        "category": {**S, "default": "general"},
        "hours": {"type": ["number", "string"], "description": "One decimal at most."},
        "cost": MONEY_IN,
        "validity_months": {**INT_NULL, "description": "null: the course never expires."},
        "default_duration_days": {**INT_NULL, "description": "null: the configured default (30)."},
        "prerequisites": CODES,
        "grants": {"type": "array", "items": ref("CourseGrant")},
    },
    ["code", "title"],
)
CHECK_TYPE_IN = obj(
    {
        "code": CODE,
        "name": S,
        "rescreen_months": {**INT, "default": 36},
        "turnaround_days": {**INT, "default": 14},
    },
    ["code", "name"],
)
INSTRUMENT_IN = obj(
    {
        "code": CODE,
        "name": S,
        "kind": enum(INSTRUMENT_KINDS),
        "scale_min": {"type": ["number", "string"], "default": 1},
        "scale_max": {"type": ["number", "string"], "default": 5},
        "dimensions": {"type": "array", "items": S},
        "validity_months": {**INT, "default": 24},
    },
    ["code", "name", "kind", "dimensions"],
)
QUALIFICATION_IN = obj({"code": CODE, "name": S}, ["code", "name"])
REQUIREMENT = obj(
    {
        "kind": enum(REQUIREMENT_KINDS),
        "target": {
            **CODE,
            "type": ["string", "null"],
            "description": "The code of a competency, course, check type, instrument or "
            "qualification type; tenure has no target.",
        },
        "min_level": {**INT, "minimum": 0, "maximum": 5, "description": "competency only"},
        "min_score": {"type": ["number", "string"], "description": "assessment only"},
        "min_months": {**INT, "minimum": 0, "description": "tenure only"},
        "mandatory": {**B, "default": True, "description": "a gate when true"},
        "weight": {"type": ["number", "string"], "default": 1, "exclusiveMinimum": 0},
    },
    ["kind"],
)
ROLE_IN = obj(
    {
        "code": CODE,
        "title": S,
        "level": {**INT, "minimum": 1},
        "financial_authority_limit": MONEY_IN,
        "requirements": {"type": "array", "items": ref("Requirement")},
    },
    ["code", "title", "level"],
)
LADDER_IN = obj(
    {"from_role": CODE, "to_role": CODE, "typical_months": {**INT, "default": 24}},
    ["from_role", "to_role"],
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "Competency": obj(
        {"code": S, "name": S, "category": S, "description": S_NULL, "retired": B},
        ["code", "name", "category", "retired"],
    ),
    "CompetencyInput": COMPETENCY_IN,
    "CompetencyPatch": partial(COMPETENCY_IN),
    "CompetencyPage": page("Competency"),
    "CourseGrant": obj({"competency": CODE, "level": {**INT, "minimum": 1, "maximum": 5}}),
    "Course": obj(
        {
            "code": S,
            "title": S,
            "category": S,
            "hours": NUM,
            "cost": MONEY,
            "validity_months": INT_NULL,
            "default_duration_days": INT,
            "prerequisites": {"type": "array", "items": S},
            "grants": {"type": "array", "items": ref("CourseGrant")},
            "retired": B,
        },
        ["code", "title", "cost", "validity_months", "prerequisites", "grants"],
    ),
    "CourseInput": COURSE_IN,
    "CoursePatch": partial(COURSE_IN),
    "CoursePage": page("Course"),
    "CourseSession": obj(
        {
            "id": INT,
            "course": S,
            "starts_on": DATE,
            "ends_on": DATE,
            "seats": INT,
            "location": S_NULL,
            "cancelled": B,
        },
        ["id", "course", "starts_on", "ends_on", "seats"],
    ),
    "CourseSessionInput": obj(
        {"starts_on": DATE, "ends_on": DATE, "seats": {**INT, "minimum": 1}, "location": S_NULL},
        ["starts_on", "ends_on", "seats"],
    ),
    "CourseSessionPage": page("CourseSession"),
    "CheckType": obj(
        {"code": S, "name": S, "rescreen_months": INT, "turnaround_days": INT, "retired": B},
        ["code", "name", "rescreen_months", "turnaround_days"],
    ),
    "CheckTypeInput": CHECK_TYPE_IN,
    "CheckTypePatch": partial(CHECK_TYPE_IN),
    "CheckTypePage": page("CheckType"),
    "Instrument": obj(
        {
            "code": S,
            "name": S,
            "kind": enum(INSTRUMENT_KINDS),
            "scale_min": NUM,
            "scale_max": NUM,
            "dimensions": {"type": "array", "items": S},
            "validity_months": INT,
            "retired": B,
        },
        ["code", "name", "kind", "scale_min", "scale_max", "dimensions", "validity_months"],
    ),
    "InstrumentInput": INSTRUMENT_IN,
    "InstrumentPatch": partial(INSTRUMENT_IN),
    "InstrumentPage": page("Instrument"),
    "Qualification": obj({"code": S, "name": S, "retired": B}, ["code", "name"]),
    "QualificationInput": QUALIFICATION_IN,
    "QualificationPatch": partial(QUALIFICATION_IN),
    "QualificationPage": page("Qualification"),
    "Requirement": REQUIREMENT,
    "Role": obj(
        {
            "code": S,
            "title": S,
            "level": INT,
            "financial_authority_limit": MONEY,
            "requirements": {"type": "array", "items": ref("Requirement")},
            "retired": B,
        },
        ["code", "title", "level", "financial_authority_limit", "requirements"],
    ),
    "RoleInput": ROLE_IN,
    "RolePatch": partial(ROLE_IN, drop=("code", "requirements")),
    "RolePage": page("Role"),
    "RequirementList": obj(
        {"requirements": {"type": "array", "items": ref("Requirement")}},
        ["requirements"],
    ),
    "LadderEdge": obj(
        {"from_role": S, "to_role": S, "typical_months": INT},
        ["from_role", "to_role", "typical_months"],
    ),
    "LadderEdgeInput": LADDER_IN,
    "LadderEdgePage": page("LadderEdge"),
}
