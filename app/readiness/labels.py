"""Human words for requirement kinds and plan actions, shared by the plan page and the reports
(one person reads both: the same action must carry the same name)."""

from __future__ import annotations

KIND_LABELS = {
    "competency": "Competency",
    "course": "Course",
    "certification": "Certification",
    "background_check": "Background check",
    "assessment": "Assessment",
    "tenure": "Time in role",
    "education": "Education",
}
ACTION_LABELS = {
    "enrol": "Enrol",
    "renew": "Renew",
    "request_check": "Request a check",
    "schedule_assessment": "Schedule an assessment",
    "apply_tuition": "Fund study through tuition",
    "gain_tenure": "Gain time in role",
    "rate_competency": "Develop and get rated",
}
