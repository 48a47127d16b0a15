"""The JSON API's shapes of the records (docs/API.md): catalogue entries by code, dates
YYYY-MM-DD, money as decimal strings."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from app import models
from app.services.records.assessments import assessment_view
from app.services.records.checks import check_display_status, earliest_final_notice
from app.services.records.completions import completion_status
from app.services.records.talent_reviews import nine_box_name
from app.services.shapes import attributes


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Decimal | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def employee_to_dict(employee: models.Employee) -> dict[str, Any]:
    return {
        **attributes(employee, "id", "employee_no", "name", "email"),
        "hire_date": _iso(employee.hire_date),
        "role": employee.job_role.code if employee.job_role else None,
        "role_since": _iso(employee.role_since),
        "manager_id": employee.manager_id,
        "department": employee.department.code if employee.department else None,
        "jurisdiction": employee.jurisdiction,
        "status": employee.status,
        "termination_date": _iso(employee.termination_date),
        "termination_reason": employee.termination_reason,
    }


def role_history_to_dict(row: models.RoleHistory) -> dict[str, Any]:
    return {
        "role": row.job_role.code,
        "started_on": _iso(row.started_on),
        "ended_on": _iso(row.ended_on),
        "note": row.note,
    }


def completion_to_dict(completion: models.Completion, on: date | None = None) -> dict[str, Any]:
    return {
        **attributes(completion, "id", "employee_id"),
        "course": completion.course.code,
        "completed_on": _iso(completion.completed_on),
        "expires_on": _iso(completion.expires_on),
        "score": str(completion.score) if completion.score is not None else None,
        "verification": completion.verification,
        "status": completion_status(completion, on),
        "evidence_upload_id": completion.evidence_upload_id,
    }


def rating_to_dict(rating: models.CompetencyRating) -> dict[str, Any]:
    return {
        **attributes(rating, "id", "employee_id", "level", "source", "evidence"),
        "competency": rating.competency.code,
        "rated_on": _iso(rating.rated_on),
        "counts": rating.source != "self",
    }


def check_to_dict(
    check: models.BackgroundCheck, *, with_findings: bool, on: date | None = None
) -> dict[str, Any]:
    """A check; managers get ``with_findings=False`` (status word only, docs/RULES.md)."""
    data: dict[str, Any] = {
        **attributes(check, "id", "employee_id"),
        "type": check.check_type.code,
        "status": check_display_status(check, on),
    }
    if with_findings:
        data.update(
            {
                "recorded_status": check.status,
                "consent_signed_on": _iso(check.consent_signed_on),
                "consent_form_version": check.consent_form_version,
                "requested_on": _iso(check.requested_on),
                "vendor": check.vendor,
                "completed_on": _iso(check.completed_on),
                "valid_until": _iso(check.valid_until),
                "findings": check.findings,
                "pre_adverse_notice_on": _iso(check.pre_adverse_notice_on),
                "final_notice_on": _iso(check.final_notice_on),
                "earliest_final_notice_on": _iso(earliest_final_notice(check)),
            }
        )
    return data


def assessment_to_dict(
    assessment: models.Assessment,
    responses: Iterable[models.AssessmentResponse] | None = None,
    *,
    sees_self: bool = False,
) -> dict[str, Any]:
    """An assessment with its overall and, for a 360, group results (never a rater).

    ``responses``: its 360 responses when loaded in bulk, so a list costs no query per row.
    ``sees_self``: whether the reader sees the self group (the person and hr only, see
    ``policy.talent.sees_self_responses``); left out otherwise, so a manager never reads it.
    """
    data: dict[str, Any] = {
        **attributes(assessment, "id", "employee_id"),
        "instrument": assessment.instrument.code,
        "kind": assessment.instrument.kind,
        "conducted_on": _iso(assessment.conducted_on),
        "overall": _number(assessment.overall),
    }
    if assessment.instrument.kind == "360":
        view = assessment_view(assessment, responses)
        assert view.result is not None
        data["groups"] = [
            {
                "rater_group": g.group,
                **attributes(g, "responses", "shown", "minimum"),
                "mean": g.mean if g.shown else None,
                "dimension_means": dict(g.dimension_means) if g.shown else None,
                "counted": g.shown and g.group != "self",
            }
            for g in view.result.groups
            if sees_self or g.group != "self"
        ]
    else:
        data["scores"] = dict(assessment.scores or {})
    return data


def education_to_dict(record: models.EducationRecord) -> dict[str, Any]:
    return {
        **attributes(record, "id", "employee_id", "institution", "tuition_request_id"),
        "qualification": record.qualification.code,
        "completed_on": _iso(record.completed_on),
    }


def talent_review_to_dict(review: models.TalentReview) -> dict[str, Any]:
    return {
        **attributes(review, "id", "employee_id", "period", "performance", "potential"),
        "box": nine_box_name(review.performance, review.potential),
        "notes": review.notes,
    }
