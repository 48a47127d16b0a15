"""hr's corrections and deletions of record kinds, one table each. A correction shows the
record's fields with the version read (a save over someone else's change is refused); a
deletion removes a record entered by mistake (the audit trail keeps what it was). Both go
back to the record's person, at the record kind's section."""

from __future__ import annotations

from app.blueprints.records import forms
from app.blueprints.records.common import Correction, correction_route, delete_route
from app.blueprints.records.loads import ASSESSMENT, COMPLETION, EDUCATION, RATING, REVIEW
from app.services import records

CORRECTIONS = (
    Correction(
        "/ratings/<int:rating_id>/edit",
        RATING,
        "edit_rating",
        forms.RatingEditForm,
        records.update_rating,
        ("level", "rated_on", "evidence"),
        "The rating was updated.",
        "ratings-h",
        lambda rating, employee: (
            f"Edit the {rating.competency.name} rating ({rating.source}) of {employee.name}"
        ),
    ),
    Correction(
        "/completions/<int:completion_id>/edit",
        COMPLETION,
        "edit_completion",
        forms.CompletionEditForm,
        records.update_completion,
        ("completed_on", "score"),
        "The completion was updated.",
        "training-h",
        lambda completion, employee: f"Edit {completion.course.code} for {employee.name}",
    ),
)

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

for correction in CORRECTIONS:
    correction_route(correction)
for rule, load, endpoint, done, anchor in DELETIONS:
    delete_route(rule, load, endpoint, done, anchor)
