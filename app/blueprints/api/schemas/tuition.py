"""Tuition schemas: requests, their events and transitions, the finance summary."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.models.tuition import TUITION_STATES

TUITION_IN = base.obj(
    {
        "title": base.S,
        "institution": base.S,
        "qualification": {**base.CODE, "type": ["string", "null"]},
        "starts_on": base.DATE,
        "ends_on": base.DATE,
        "tuition": base.MONEY_IN,
        "fees": base.MONEY_IN,
        "books": base.MONEY_IN,
        "job_related": base.B,
        "justification": base.S,
        "target_role": {**base.CODE, "type": ["string", "null"]},
        "target_competency": {**base.CODE, "type": ["string", "null"]},
        "pass_fail": {**base.B, "default": False},
    },
    ["title", "institution", "starts_on", "ends_on", "job_related", "justification"],
)
TUITION_ACTIONS = (
    "submit",
    "approve",
    "reject",
    "cancel",
    "complete",
    "flag_documents",
    "resubmit_documents",
    "pay",
    "override_late",
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "TuitionEvent": base.obj(
        {
            "action": base.S,
            "from_state": base.S,
            "to_state": base.S,
            "at": base.DATE_TIME,
            "by": base.S_NULL,
            "reason": base.S_NULL,
            "amount": base.MONEY_NULL,
        }
    ),
    "TuitionRequest": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "employee_name": base.S_NULL,
            "title": base.S,
            "institution": base.S,
            "qualification": base.S_NULL,
            "starts_on": base.DATE,
            "ends_on": base.DATE,
            "tuition": base.MONEY,
            "fees": base.MONEY,
            "books": base.MONEY,
            "eligible_cost": base.MONEY,
            "job_related": base.B,
            "justification": base.S,
            "target_role": base.S_NULL,
            "target_competency": base.S_NULL,
            "pass_fail": base.B,
            "state": base.enum(TUITION_STATES),
            "submitted_on": base.DATE_NULL,
            "late": base.B,
            "late_override_reason": base.S_NULL,
            "rejection_reason": base.S_NULL,
            "reserved_amount": base.MONEY_NULL,
            "cap_year": base.INT_NULL,
            "grade": base.S_NULL,
            "receipt_upload_id": base.INT_NULL,
            "transcript_upload_id": base.INT_NULL,
            "reimbursed_amount": base.MONEY_NULL,
            "paid_on": base.DATE_NULL,
            "amount": {
                **base.MONEY_NULL,
                "description": "The amount that matters now: eligible cost until pre-approval, "
                "then the reserved amount, then the amount reimbursed.",
            },
            "history": {"type": "array", "items": base.ref("TuitionEvent")},
        },
        ["id", "employee_id", "title", "state", "amount"],
    ),
    "TuitionRequestInput": TUITION_IN,
    "TuitionRequestPatch": base.partial(TUITION_IN, drop=()),
    "TuitionRequestPage": base.page("TuitionRequest"),
    "TransitionInput": base.obj(
        {
            "action": base.enum(TUITION_ACTIONS),
            "reason": {**base.S_NULL, "description": "Required to reject and to flag_documents."},
            "grade": {**base.S_NULL, "description": "complete: A, B, C... or PASS/FAIL."},
            "paid_on": {**base.DATE_NULL, "description": "pay: defaults to today."},
            "override_reason": {**base.S_NULL, "description": "override_late (hr)."},
            "receipt_upload_id": base.INT_NULL,
            "transcript_upload_id": base.INT_NULL,
        },
        ["action"],
    ),
    "SummaryRow": base.obj(
        {
            "employee_id": base.INT,
            "employee_no": base.S,
            "name": base.S,
            "department": base.S_NULL,
            "reserved": base.MONEY,
            "reimbursed": base.MONEY,
            "cap": base.MONEY,
            "cap_used": base.MONEY,
            "cap_left": base.MONEY,
            "taxable_excess": base.MONEY,
            "repayments_owed": base.MONEY,
        },
        ["employee_id", "reserved", "reimbursed", "cap_left", "taxable_excess", "repayments_owed"],
    ),
    "TuitionSummary": base.page(
        "SummaryRow",
        year=base.INT,
        currency=base.S,
        totals=base.obj(
            {
                "employees": base.INT,
                "reserved": base.MONEY,
                "reimbursed": base.MONEY,
                "cap_used": base.MONEY,
                "taxable_excess": base.MONEY,
                "repayments_owed": base.MONEY,
            }
        ),
    ),
}
