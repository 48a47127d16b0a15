"""hr's delete buttons of every record kind, one table: a record entered by mistake is
deleted (the audit trail keeps what it was) and the page goes back to its person's section."""

from __future__ import annotations

from app.blueprints.records.assessments import ASSESSMENT
from app.blueprints.records.common import delete_route
from app.blueprints.records.education import EDUCATION
from app.blueprints.records.ratings import RATING
from app.blueprints.records.talent import REVIEW
from app.blueprints.records.training import COMPLETION

# (URL, what it loads, view name, what is flashed, the person's page section)
DELETIONS = (
    (
        "/ratings/<int:rating_id>/delete",
        RATING,
        "delete_rating",
        "The rating was deleted.",
        "ratings-h",
    ),
    (
        "/completions/<int:completion_id>/delete",
        COMPLETION,
        "delete_completion",
        lambda completion: f"The {completion.course.code} completion was deleted.",
        "training-h",
    ),
    (
        "/education/<int:record_id>/delete",
        EDUCATION,
        "delete_education",
        "The qualification was deleted.",
        "edu-h",
    ),
    (
        "/assessments/<int:assessment_id>/delete",
        ASSESSMENT,
        "delete_assessment",
        "The assessment was deleted.",
        "assess-h",
    ),
    (
        "/talent-reviews/<int:review_id>/delete",
        REVIEW,
        "delete_talent_review",
        "The talent review was deleted.",
        "assess-h",
    ),
)

for rule, load, endpoint, done, anchor in DELETIONS:
    delete_route(rule, load, endpoint, done, anchor)
