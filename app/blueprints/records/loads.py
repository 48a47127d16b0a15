"""What the routes of each record kind load and check, one table: the record named by the URL
(404 when there is none or its person is hidden from the caller), seen under the record
kind's aspect of the person (app/policy/records.py)."""

from __future__ import annotations

from app.models import (
    Assessment,
    BackgroundCheck,
    CompetencyRating,
    Completion,
    EducationRecord,
    TalentReview,
)
from app.policy import records as may

ASSESSMENT = may.record(Assessment, "assessments", arg="assessment_id", name="assessment")
CHECK = may.record(BackgroundCheck, "check_findings", arg="check_id", name="check")
COMPLETION = may.record(Completion, "training", arg="completion_id", name="completion")
EDUCATION = may.record(EducationRecord, "education", arg="record_id", name="record")
RATING = may.record(CompetencyRating, "ratings", arg="rating_id", name="rating")
REVIEW = may.record(TalentReview, "assessments", arg="review_id", name="review")
