"""Required training schemas: assignment rules and a person's assignments."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.readiness.assignments import STATUSES

_RULE_FIELDS: dict[str, Any] = {
    "role": {**base.CODE, "description": "The job role's code."},
    "departments": {
        **base.CODES,
        "description": "Department codes the rule is narrowed to; empty: every department.",
    },
    "course": {**base.CODE, "description": "The required course's code."},
    "due_days": {
        **base.INT_NULL,
        "minimum": 0,
        "maximum": 3650,
        "description": "Due within this many days of the later of hire_date and role_since "
        "(default 30). Give due_days or due_on, not both.",
    },
    "due_on": {**base.DATE_NULL, "description": "A fixed due date, today or later."},
    "recertify_days": {
        **base.INT,
        "minimum": 0,
        "maximum": 3650,
        "description": "The recertification window before the completion expires (default 90).",
    },
}

COMPONENTS: dict[str, dict[str, Any]] = {
    "AssignmentRule": base.obj(
        {"id": base.INT, **_RULE_FIELDS, "version": base.INT},
        ["id", "role", "departments", "course", "due_days", "due_on", "recertify_days"],
    ),
    "AssignmentRulePage": base.page("AssignmentRule"),
    "AssignmentRuleInput": base.obj(_RULE_FIELDS, ["role", "course"]),
    "Assignment": base.obj(
        {
            "id": base.INT,
            "course": base.CODE,
            "title": base.S,
            "due_on": base.DATE,
            "status": base.enum(STATUSES),
            "days_overdue": {**base.INT, "description": "Days past due_on (0 unless overdue)."},
            "opened_on": base.DATE,
            "closed_on": base.DATE_NULL,
        },
        ["id", "course", "due_on", "status"],
    ),
    "AssignmentPage": base.page("Assignment"),
}
