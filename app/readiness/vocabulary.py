"""The words of the domain, defined once: kinds, sources, groups, states, and their labels.

Pure (no flask, no sqlalchemy): the readiness core, the models, the services, the pages, the
reports and the API all read these. docs/RULES.md defines each term.
"""

from __future__ import annotations

from typing import Final

# Requirements of a role (docs/RULES.md "Requirements of a role").
REQUIREMENT_KINDS: Final = (
    "competency",
    "course",
    "certification",
    "background_check",
    "assessment",
    "tenure",
    "education",
)
KIND_LABELS: Final = {
    "competency": "Competency",
    "course": "Course",
    "certification": "Certification",
    "background_check": "Background check",
    "assessment": "Assessment",
    "tenure": "Time in role",
    "education": "Education",
}

# Competency ratings (docs/RULES.md "Competencies").
RATING_SOURCES: Final = ("self", "manager", "assessor", "course")
MIN_LEVEL: Final = 0
MAX_LEVEL: Final = 5

# Leadership assessments (docs/RULES.md "Leadership assessments").
INSTRUMENT_KINDS: Final = ("360", "test", "assessment_centre")
RATER_GROUPS: Final = ("self", "manager", "peer", "direct_report", "other")

# Background checks (docs/RULES.md "Background checks").
CHECK_STATUSES: Final = ("requested", "in_progress", "clear", "review_required", "not_cleared")
OPEN_CHECK_STATUSES: Final = ("requested", "in_progress")
# Results that wait for an hr decision (adverse action).
ADVERSE_CHECK_STATUSES: Final = ("review_required", "not_cleared")
CHECK_CLEAR: Final = "clear"
# The statuses in words, for prose and PDFs (a status code is never shown raw).
CHECK_STATUS_LABELS: Final = {
    "requested": "requested",
    "in_progress": "in progress",
    "clear": "clear",
    "review_required": "review required",
    "not_cleared": "not cleared",
}

# Readiness bands (docs/RULES.md "Readiness").
BANDS: Final = ("ready_now", "ready_6m", "ready_1y", "ready_2y", "not_ready")
BAND_LABELS: Final = {
    "ready_now": "Ready now",
    "ready_6m": "Ready in 6 months",
    "ready_1y": "Ready in 1 year",
    "ready_2y": "Ready in 2 years",
    "not_ready": "Not ready",
}
# The team report's table and chart say it shorter (its band column heads the row).
BAND_SHORT_LABELS: Final = {
    "ready_now": "Ready now",
    "ready_6m": "Within 6 months",
    "ready_1y": "Within 1 year",
    "ready_2y": "Within 2 years",
    "not_ready": "Not ready",
}
# The individual report says it as a sentence about the one person.
BAND_SENTENCE_LABELS: Final = {
    "ready_now": "Ready now",
    "ready_6m": "Ready within 6 months",
    "ready_1y": "Ready within 1 year",
    "ready_2y": "Ready within 2 years",
    "not_ready": "Not ready within 2 years",
}

# The actions of a development plan, in plan order (docs/RULES.md "Promotion path"):
# tenure and ratings come last.
ACTION_KINDS: Final = (
    "enrol",
    "renew",
    "request_check",
    "schedule_assessment",
    "apply_tuition",
    "gain_tenure",
    "rate_competency",
)
ACTION_LABELS: Final = {
    "enrol": "Enrol",
    "renew": "Renew",
    "request_check": "Request a check",
    "schedule_assessment": "Schedule an assessment",
    "apply_tuition": "Fund study through tuition",
    "gain_tenure": "Gain time in role",
    "rate_competency": "Develop and get rated",
}
