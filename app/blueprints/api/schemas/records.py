"""Records' schemas: training, ratings, background checks, assessments, education, reviews."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas.base import (
    CODE,
    DATE,
    DATE_NULL,
    INT,
    INT_NULL,
    NUM,
    NUM_NULL,
    S_NULL,
    B,
    S,
    enum,
    obj,
    page,
    ref,
)
from app.readiness.vocabulary import CHECK_STATUSES, INSTRUMENT_KINDS, RATER_GROUPS, RATING_SOURCES

SCORES = {
    "type": "object",
    "additionalProperties": {"type": ["number", "string"]},
    "description": "{dimension: score} on the instrument's scale.",
}

COMPONENTS: dict[str, dict[str, Any]] = {
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
}
