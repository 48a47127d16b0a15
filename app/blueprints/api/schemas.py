"""JSON Schemas (OpenAPI 3.1 components) of the API's request bodies and answers.

The request schemas are enforced: spec.check_body refuses unknown fields and wrong JSON types
by them. The answer schemas are held to the serializers by the tests (every field a serializer
writes is declared, and every declared field is written).
"""

from __future__ import annotations

from typing import Any

from app.models.catalogue import INSTRUMENT_KINDS, REQUIREMENT_KINDS
from app.models.people import EMPLOYEE_STATUSES, TERMINATION_REASONS
from app.models.records import CHECK_STATUSES, RATER_GROUPS, RATING_SOURCES
from app.models.tuition import TUITION_STATES

S: dict[str, Any] = {"type": "string"}
S_NULL: dict[str, Any] = {"type": ["string", "null"]}
INT: dict[str, Any] = {"type": "integer"}
INT_NULL: dict[str, Any] = {"type": ["integer", "null"]}
B: dict[str, Any] = {"type": "boolean"}
NUM: dict[str, Any] = {"type": "number"}
NUM_NULL: dict[str, Any] = {"type": ["number", "null"]}
DATE: dict[str, Any] = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
DATE_NULL: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
MONEY: dict[str, Any] = {
    "type": "string",
    "pattern": r"^-?\d+\.\d{2}$",
    "description": 'Money as a decimal string, e.g. "1500.00".',
}
MONEY_NULL: dict[str, Any] = {**MONEY, "type": ["string", "null"]}
MONEY_IN: dict[str, Any] = {
    "type": ["string", "number"],
    "description": 'A decimal string such as "1500.00" (preferred), or a JSON number with at '
    "most two decimals; more decimals are refused, never rounded.",
}
CODE: dict[str, Any] = {
    "type": "string",
    "pattern": r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",
    "description": "A catalogue code (upper-cased on input).",
}
CODES: dict[str, Any] = {"type": "array", "items": CODE}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(
    properties: dict[str, Any], required: list[str] | None = None, *, closed: bool = True
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


def enum(values: tuple[str, ...] | list[str], nullable: bool = False) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "enum": list(values)}


def page(item: str, **extra: Any) -> dict[str, Any]:
    """docs/API.md list shape {items, total, page, per_page}."""
    return obj(
        {
            "items": {"type": "array", "items": ref(item)},
            "total": INT,
            "page": INT,
            "per_page": INT,
            **extra,
        },
        ["items", "total", "page", "per_page"],
    )


def partial(schema: dict[str, Any], drop: tuple[str, ...] = ("code",)) -> dict[str, Any]:
    """The PATCH form of an input schema: the same fields (minus the key), none required."""
    return obj({k: v for k, v in schema["properties"].items() if k not in drop})


# --------------------------------------------------------------------------- catalogue

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

# --------------------------------------------------------------------------- people

EMPLOYEE_IN = obj(
    {
        "employee_no": S,
        "name": S,
        "email": {**S, "format": "email"},
        "role": {**CODE, "type": ["string", "null"]},
        "role_since": {**DATE_NULL, "description": "Defaults to hire_date for a new employee."},
        "hire_date": DATE,
        "manager_id": {**INT_NULL, "description": "The id of the employee they report to."},
        "department": {**S_NULL, "description": "A department code or name."},
        "jurisdiction": {**S_NULL, "description": "e.g. US-CA"},
        "status": enum(("active", "on_leave")),
    },
    ["employee_no", "name", "email", "hire_date"],
)
EMPLOYEE_PATCH = obj(
    {
        **{k: v for k, v in EMPLOYEE_IN["properties"].items()},
        "move_note": {**S_NULL, "description": "A note kept in the role history on a move."},
    }
)

# --------------------------------------------------------------------------- records

SCORES = {
    "type": "object",
    "additionalProperties": {"type": ["number", "string"]},
    "description": "{dimension: score} on the instrument's scale.",
}

# --------------------------------------------------------------------------- tuition

TUITION_IN = obj(
    {
        "title": S,
        "institution": S,
        "qualification": {**CODE, "type": ["string", "null"]},
        "starts_on": DATE,
        "ends_on": DATE,
        "tuition": MONEY_IN,
        "fees": MONEY_IN,
        "books": MONEY_IN,
        "job_related": B,
        "justification": S,
        "target_role": {**CODE, "type": ["string", "null"]},
        "target_competency": {**CODE, "type": ["string", "null"]},
        "pass_fail": {**B, "default": False},
    },
    ["title", "institution", "starts_on", "ends_on", "job_related", "justification"],
)
TUITION_ACTIONS = (
    "submit",
    "approve",
    "reject",
    "cancel",
    "complete",
    "flag_documents",
    "resubmit_documents",
    "pay",
    "override_late",
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": obj(
        {
            "error": S,
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": S},
                "description": "field -> messages saying what to fix",
            },
        },
        ["error", "errors"],
    ),
    # ----------------------------------------------------------------- catalogue
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
    # ----------------------------------------------------------------- people
    "Employee": obj(
        {
            "id": INT,
            "employee_no": S,
            "name": S,
            "email": S,
            "hire_date": DATE,
            "role": S_NULL,
            "role_since": DATE_NULL,
            "manager_id": INT_NULL,
            "department": S_NULL,
            "jurisdiction": S_NULL,
            "status": enum(EMPLOYEE_STATUSES),
            "termination_date": DATE_NULL,
            "termination_reason": enum(TERMINATION_REASONS, nullable=True),
        },
        ["id", "employee_no", "name", "email", "hire_date", "role", "status"],
    ),
    "EmployeeInput": EMPLOYEE_IN,
    "EmployeePatch": EMPLOYEE_PATCH,
    "EmployeePage": page("Employee"),
    "TerminationInput": obj(
        {"termination_date": DATE, "reason": enum(TERMINATION_REASONS)},
        ["termination_date", "reason"],
    ),
    "Repayment": obj(
        {
            "id": INT,
            "request_id": INT,
            "employee_id": INT,
            "termination_date": DATE,
            "months_since_paid": INT,
            "share": {**S, "description": 'The share repaid, e.g. "0.75".'},
            "amount_owed": MONEY,
            "settled_on": DATE_NULL,
        },
        ["request_id", "months_since_paid", "share", "amount_owed"],
    ),
    "Termination": obj(
        {
            "employee": ref("Employee"),
            "repayments": {"type": "array", "items": ref("Repayment")},
            "total_owed": MONEY,
        },
        ["employee", "repayments", "total_owed"],
    ),
    # ----------------------------------------------------------------- records
    "TrainingRecord": obj(
        {
            "id": INT,
            "employee_id": INT,
            "course": S,
            "completed_on": DATE,
            "expires_on": DATE_NULL,
            "score": {**S_NULL, "description": "A decimal string."},
            "verification": enum(("verified", "pending", "rejected")),
            "status": enum(("valid", "expiring", "expired", "pending", "rejected")),
            "evidence_upload_id": INT_NULL,
        },
        ["id", "course", "completed_on", "expires_on", "status"],
    ),
    "TrainingRecordInput": obj(
        {"course": CODE, "completed_on": DATE, "score": {"type": ["number", "string", "null"]}},
        ["course", "completed_on"],
    ),
    "TrainingRecordPage": page("TrainingRecord"),
    "CompetencyRating": obj(
        {
            "id": INT,
            "employee_id": INT,
            "competency": S,
            "level": INT,
            "rated_on": DATE,
            "source": enum(RATING_SOURCES),
            "evidence": S_NULL,
            "counts": {**B, "description": "false for self-ratings: shown, never counted"},
        },
        ["id", "competency", "level", "rated_on", "source"],
    ),
    "CompetencyRatingInput": obj(
        {
            "competency": CODE,
            "level": {**INT, "minimum": 0, "maximum": 5},
            "rated_on": DATE,
            "source": enum(("manager", "assessor", "self")),
            "evidence": S_NULL,
        },
        ["competency", "level", "rated_on", "source"],
    ),
    "CompetencyRatingPage": page("CompetencyRating"),
    "BackgroundCheck": obj(
        {
            "id": INT,
            "employee_id": INT,
            "type": S,
            "status": {
                **enum((*CHECK_STATUSES, "expired")),
                "description": "Managers see only this word (docs/RULES.md data minimisation).",
            },
            "recorded_status": enum(CHECK_STATUSES),
            "consent_signed_on": DATE,
            "consent_form_version": S,
            "requested_on": DATE,
            "vendor": S_NULL,
            "completed_on": DATE_NULL,
            "valid_until": DATE_NULL,
            "findings": S_NULL,
            "pre_adverse_notice_on": DATE_NULL,
            "final_notice_on": DATE_NULL,
            "earliest_final_notice_on": DATE_NULL,
        },
        ["id", "employee_id", "type", "status"],
    ),
    "BackgroundCheckInput": obj(
        {
            "type": CODE,
            "consent_signed_on": DATE,
            "consent_form_version": S,
            "requested_on": {**DATE, "description": "Defaults to today."},
            "status": {**enum(CHECK_STATUSES), "default": "requested"},
            "completed_on": DATE_NULL,
            "findings": S_NULL,
            "vendor": S_NULL,
        },
        ["type", "consent_signed_on", "consent_form_version"],
    ),
    "BackgroundCheckPatch": obj(
        {
            "status": enum(CHECK_STATUSES),
            "completed_on": DATE_NULL,
            "findings": S_NULL,
            "vendor": S_NULL,
        }
    ),
    "AdverseActionInput": obj(
        {"notice": enum(("pre_adverse", "final")), "notice_on": DATE},
        ["notice", "notice_on"],
    ),
    "BackgroundCheckPage": page("BackgroundCheck"),
    "RaterGroup": obj(
        {
            "rater_group": enum(RATER_GROUPS),
            "responses": INT,
            "shown": {**B, "description": "false below the group's minimum: hidden, excluded"},
            "minimum": INT,
            "mean": NUM_NULL,
            "dimension_means": {"type": ["object", "null"], "additionalProperties": NUM},
            "counted": B,
        },
        ["rater_group", "responses", "shown"],
    ),
    "Assessment": obj(
        {
            "id": INT,
            "employee_id": INT,
            "instrument": S,
            "kind": enum(INSTRUMENT_KINDS),
            "conducted_on": DATE,
            "overall": NUM_NULL,
            "groups": {
                "type": "array",
                "items": ref("RaterGroup"),
                "description": "360 only: group results, never a rater",
            },
            "scores": {**SCORES, "description": "test and assessment centre only"},
        },
        ["id", "instrument", "kind", "conducted_on", "overall"],
    ),
    "AssessmentInput": obj(
        {
            "instrument": CODE,
            "conducted_on": DATE,
            "responses": {
                "type": "array",
                "description": "A 360: one item per response, without the rater's identity.",
                "items": obj({"rater_group": enum(RATER_GROUPS), "scores": SCORES}),
            },
            "scores": {**SCORES, "description": "A test or assessment centre."},
        },
        ["instrument", "conducted_on"],
    ),
    "AssessmentPage": page("Assessment"),
    "Education": obj(
        {
            "id": INT,
            "employee_id": INT,
            "qualification": S,
            "institution": S,
            "completed_on": DATE,
            "tuition_request_id": INT_NULL,
        },
        ["id", "qualification", "institution", "completed_on"],
    ),
    "EducationInput": obj(
        {
            "qualification": CODE,
            "institution": S,
            "completed_on": DATE,
            "tuition_request_id": INT_NULL,
        },
        ["qualification", "institution", "completed_on"],
    ),
    "EducationPage": page("Education"),
    "TalentReview": obj(
        {
            "id": INT,
            "employee_id": INT,
            "period": S,
            "performance": INT,
            "potential": INT,
            "box": S,
            "notes": S_NULL,
        }
    ),
    "RoleHistory": obj({"role": S, "started_on": DATE, "ended_on": DATE_NULL, "note": S_NULL}),
    "Records": obj(
        {
            "employee": ref("Employee"),
            "visible": {
                "type": "array",
                "items": S,
                "description": "The aspects the caller may see; sections not listed are left "
                "out of the answer.",
            },
            "role_history": {"type": "array", "items": ref("RoleHistory")},
            "training_records": {"type": "array", "items": ref("TrainingRecord")},
            "competency_ratings": {"type": "array", "items": ref("CompetencyRating")},
            "background_checks": {"type": "array", "items": ref("BackgroundCheck")},
            "assessments": {"type": "array", "items": ref("Assessment")},
            "talent_reviews": {"type": "array", "items": ref("TalentReview")},
            "education": {"type": "array", "items": ref("Education")},
            "tuition_requests": {"type": "array", "items": ref("TuitionRequest")},
        },
        ["employee", "visible", "role_history"],
    ),
    # ----------------------------------------------------------------- readiness
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
    # ----------------------------------------------------------------- tuition
    "TuitionEvent": obj(
        {
            "action": S,
            "from_state": S,
            "to_state": S,
            "at": {**S, "format": "date-time"},
            "by": S_NULL,
            "reason": S_NULL,
            "amount": MONEY_NULL,
        }
    ),
    "TuitionRequest": obj(
        {
            "id": INT,
            "employee_id": INT,
            "employee_name": S_NULL,
            "title": S,
            "institution": S,
            "qualification": S_NULL,
            "starts_on": DATE,
            "ends_on": DATE,
            "tuition": MONEY,
            "fees": MONEY,
            "books": MONEY,
            "eligible_cost": MONEY,
            "job_related": B,
            "justification": S,
            "target_role": S_NULL,
            "target_competency": S_NULL,
            "pass_fail": B,
            "state": enum(TUITION_STATES),
            "submitted_on": DATE_NULL,
            "late": B,
            "late_override_reason": S_NULL,
            "rejection_reason": S_NULL,
            "reserved_amount": MONEY_NULL,
            "cap_year": INT_NULL,
            "grade": S_NULL,
            "receipt_upload_id": INT_NULL,
            "transcript_upload_id": INT_NULL,
            "reimbursed_amount": MONEY_NULL,
            "paid_on": DATE_NULL,
            "amount": {
                **MONEY_NULL,
                "description": "The amount that matters now: eligible cost until pre-approval, "
                "then the reserved amount, then the amount reimbursed.",
            },
            "history": {"type": "array", "items": ref("TuitionEvent")},
        },
        ["id", "employee_id", "title", "state", "amount"],
    ),
    "TuitionRequestInput": TUITION_IN,
    "TuitionRequestPatch": partial(TUITION_IN, drop=()),
    "TuitionRequestPage": page("TuitionRequest"),
    "TransitionInput": obj(
        {
            "action": enum(TUITION_ACTIONS),
            "reason": {**S_NULL, "description": "Required to reject and to flag_documents."},
            "grade": {**S_NULL, "description": "complete: A, B, C... or PASS/FAIL."},
            "paid_on": {**DATE_NULL, "description": "pay: defaults to today."},
            "override_reason": {**S_NULL, "description": "override_late (hr)."},
            "receipt_upload_id": INT_NULL,
            "transcript_upload_id": INT_NULL,
        },
        ["action"],
    ),
    "SummaryRow": obj(
        {
            "employee_id": INT,
            "employee_no": S,
            "name": S,
            "department": S_NULL,
            "reserved": MONEY,
            "reimbursed": MONEY,
            "cap": MONEY,
            "cap_used": MONEY,
            "cap_left": MONEY,
            "taxable_excess": MONEY,
            "repayments_owed": MONEY,
        },
        ["employee_id", "reserved", "reimbursed", "cap_left", "taxable_excess", "repayments_owed"],
    ),
    "TuitionSummary": page(
        "SummaryRow",
        year=INT,
        currency=S,
        totals=obj(
            {
                "employees": INT,
                "reserved": MONEY,
                "reimbursed": MONEY,
                "cap_used": MONEY,
                "taxable_excess": MONEY,
                "repayments_owed": MONEY,
            }
        ),
    ),
}
