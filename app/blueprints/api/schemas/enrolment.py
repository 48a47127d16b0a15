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
    # docs/API.md GET /sessions/{id}/seat-plan
    "SeatPlanPerson": base.obj(
        {"employee_id": base.INT, "employee_no": base.S, "name": base.S, "role": base.S_NULL},
        ["employee_id", "employee_no", "name", "role"],
    ),
    "SeatPlanElsewhere": base.obj(
        {
            "employee_id": base.INT,
            "employee_no": base.S,
            "name": base.S,
            "role": base.S_NULL,
            "waitlisted": {
                **base.B,
                "description": "On this session's waitlist, beyond its seats.",
            },
            "planned_session_id": {
                **base.INT_NULL,
                "description": "The session the plan seats them on instead; null: none has a seat.",
            },
            "planned_starts_on": base.DATE_NULL,
            "closes_on": {
                **base.DATE_NULL,
                "description": "When the course closes for them; null: the plan gives them no "
                "seat (they do not need it for their next role).",
            },
        },
        ["employee_id", "employee_no", "name", "role", "waitlisted", "planned_session_id"],
    ),
    "SeatPlan": base.obj(
        {
            "session_id": base.INT,
            "course": base.S,
            "as_of": base.DATE,
            "seats": base.INT,
            "shared": {
                **base.B,
                "description": "false: the session has started, ended or is cancelled; the "
                "lists are empty.",
            },
            "free": {**base.INT, "description": "Seats left after the plan."},
            "booked": {"type": "array", "items": base.ref("SeatPlanPerson")},
            "waitlist": {
                "type": "array",
                "items": base.ref("SeatPlanPerson"),
                "description": "The waitlist the seats reach, in its order.",
            },
            "planned": {"type": "array", "items": base.ref("SeatPlanPerson")},
            "not_fitting": {"type": "array", "items": base.ref("SeatPlanElsewhere")},
        },
        ["session_id", "course", "as_of", "seats", "booked", "waitlist", "planned", "not_fitting"],
    ),
}
