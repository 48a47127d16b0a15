"""Records' schemas: training, ratings, background checks, assessments, education, reviews."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.readiness.vocabulary import CHECK_STATUSES, INSTRUMENT_KINDS, RATER_GROUPS, RATING_SOURCES

SCORES = {
    "type": "object",
    "additionalProperties": {"type": ["number", "string"]},
    "description": "{dimension: score} on the instrument's scale.",
}

COMPONENTS: dict[str, dict[str, Any]] = {
    "TrainingRecord": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "course": base.S,
            "completed_on": base.DATE,
            "expires_on": base.DATE_NULL,
            "score": {**base.S_NULL, "description": "A decimal string."},
            "verification": base.enum(("verified", "pending", "rejected")),
            "status": base.enum(("valid", "expiring", "expired", "pending", "rejected")),
            "evidence_upload_id": base.INT_NULL,
        },
        ["id", "course", "completed_on", "expires_on", "status"],
    ),
    "TrainingRecordInput": base.obj(
        {
            "course": base.CODE,
            "completed_on": base.DATE,
            "score": {"type": ["number", "string", "null"]},
        },
        ["course", "completed_on"],
    ),
    "TrainingRecordPage": base.page("TrainingRecord"),
    "CompetencyRating": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "competency": base.S,
            "level": base.INT,
            "rated_on": base.DATE,
            "source": base.enum(RATING_SOURCES),
            "evidence": base.S_NULL,
            "counts": {**base.B, "description": "false for self-ratings: shown, never counted"},
        },
        ["id", "competency", "level", "rated_on", "source"],
    ),
    "CompetencyRatingInput": base.obj(
        {
            "competency": base.CODE,
            "level": {**base.INT, "minimum": 0, "maximum": 5},
            "rated_on": base.DATE,
            "source": base.enum(("manager", "assessor", "self")),
            "evidence": base.S_NULL,
        },
        ["competency", "level", "rated_on", "source"],
    ),
    "CompetencyRatingPage": base.page("CompetencyRating"),
    "BackgroundCheck": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "type": base.S,
            "status": {
                **base.enum((*CHECK_STATUSES, "expired")),
                "description": "Managers see only this word (docs/RULES.md data minimisation).",
            },
            "recorded_status": base.enum(CHECK_STATUSES),
            "consent_signed_on": base.DATE,
            "consent_form_version": base.S,
            "requested_on": base.DATE,
            "vendor": base.S_NULL,
            "completed_on": base.DATE_NULL,
            "valid_until": base.DATE_NULL,
            "findings": base.S_NULL,
            "pre_adverse_notice_on": base.DATE_NULL,
            "final_notice_on": base.DATE_NULL,
            "earliest_final_notice_on": base.DATE_NULL,
        },
        ["id", "employee_id", "type", "status"],
    ),
    "BackgroundCheckInput": base.obj(
        {
            "type": base.CODE,
            "consent_signed_on": base.DATE,
            "consent_form_version": base.S,
            "requested_on": {**base.DATE, "description": "Defaults to today."},
            "status": {**base.enum(CHECK_STATUSES), "default": "requested"},
            "completed_on": base.DATE_NULL,
            "findings": base.S_NULL,
            "vendor": base.S_NULL,
        },
        ["type", "consent_signed_on", "consent_form_version"],
    ),
    "BackgroundCheckPatch": base.obj(
        {
            "status": base.enum(CHECK_STATUSES),
            "completed_on": base.DATE_NULL,
            "findings": base.S_NULL,
            "vendor": base.S_NULL,
        }
    ),
    "AdverseActionInput": base.obj(
        {"notice": base.enum(("pre_adverse", "final")), "notice_on": base.DATE},
        ["notice", "notice_on"],
    ),
    "BackgroundCheckPage": base.page("BackgroundCheck"),
    "RaterGroup": base.obj(
        {
            "rater_group": base.enum(RATER_GROUPS),
            "responses": base.INT,
            "shown": {**base.B, "description": "false below the group's minimum: hidden, excluded"},
            "minimum": base.INT,
            "mean": base.NUM_NULL,
            "dimension_means": {"type": ["object", "null"], "additionalProperties": base.NUM},
            "counted": base.B,
        },
        ["rater_group", "responses", "shown"],
    ),
    "Assessment": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "instrument": base.S,
            "kind": base.enum(INSTRUMENT_KINDS),
            "conducted_on": base.DATE,
            "overall": base.NUM_NULL,
            "groups": {
                "type": "array",
                "items": base.ref("RaterGroup"),
                "description": "360 only: group results, never a rater",
            },
            "scores": {**SCORES, "description": "test and assessment centre only"},
        },
        ["id", "instrument", "kind", "conducted_on", "overall"],
    ),
    "AssessmentInput": base.obj(
        {
            "instrument": base.CODE,
            "conducted_on": base.DATE,
            "responses": {
                "type": "array",
                "description": "A 360: one item per response, without the rater's identity.",
                "items": base.obj({"rater_group": base.enum(RATER_GROUPS), "scores": SCORES}),
            },
            "scores": {**SCORES, "description": "A test or assessment centre."},
        },
        ["instrument", "conducted_on"],
    ),
    "AssessmentPage": base.page("Assessment"),
    "Education": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "qualification": base.S,
            "institution": base.S,
            "completed_on": base.DATE,
            "tuition_request_id": base.INT_NULL,
        },
        ["id", "qualification", "institution", "completed_on"],
    ),
    "EducationInput": base.obj(
        {
            "qualification": base.CODE,
            "institution": base.S,
            "completed_on": base.DATE,
            "tuition_request_id": base.INT_NULL,
        },
        ["qualification", "institution", "completed_on"],
    ),
    "EducationPage": base.page("Education"),
    "TalentReview": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "period": base.S,
            "performance": base.INT,
            "potential": base.INT,
            "box": base.S,
            "notes": base.S_NULL,
        }
    ),
    "RoleHistory": base.obj(
        {"role": base.S, "started_on": base.DATE, "ended_on": base.DATE_NULL, "note": base.S_NULL}
    ),
    "Records": base.obj(
        {
            "employee": base.ref("Employee"),
            "visible": {
                "type": "array",
                "items": base.S,
                "description": "The aspects the caller may see; sections not listed are left "
                "out of the answer.",
            },
            "role_history": {"type": "array", "items": base.ref("RoleHistory")},
            "training_records": {"type": "array", "items": base.ref("TrainingRecord")},
            "competency_ratings": {"type": "array", "items": base.ref("CompetencyRating")},
            "background_checks": {"type": "array", "items": base.ref("BackgroundCheck")},
            "assessments": {"type": "array", "items": base.ref("Assessment")},
            "talent_reviews": {"type": "array", "items": base.ref("TalentReview")},
            "education": {"type": "array", "items": base.ref("Education")},
            "tuition_requests": {"type": "array", "items": base.ref("TuitionRequest")},
        },
        ["employee", "visible", "role_history"],
    ),
}
