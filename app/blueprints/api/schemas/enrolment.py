"""Enrolment schemas: bookings on course sessions and their steps."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.models.enrolment import ENROLMENT_STATUSES

COMPONENTS: dict[str, dict[str, Any]] = {
    "Enrolment": base.obj(
        {
            "id": base.INT,
            "session_id": base.INT,
            "employee_id": base.INT,
            "course": base.S,
            "starts_on": base.DATE,
            "ends_on": base.DATE,
            "status": base.enum(ENROLMENT_STATUSES),
            "position": {**base.INT_NULL, "description": "Place on the waitlist, from 1."},
            "sequence": {**base.INT, "description": "iCalendar SEQUENCE of the invitation."},
            "completion_id": base.INT_NULL,
        },
        ["id", "session_id", "employee_id", "course", "status"],
    ),
    "EnrolmentPage": base.page("Enrolment"),
    "EnrolmentInput": base.obj({"employee_id": {**base.INT, "minimum": 1}}, ["employee_id"]),
    "EnrolmentTransition": base.obj(
        {
            "action": base.enum(("approve", "decline", "cancel", "attend", "no_show", "move")),
            "session_id": {
                **base.INT,
                "minimum": 1,
                "description": "With action move: the session of the same course to move to.",
            },
        },
        ["action"],
    ),
}
