"""Tuition schemas: requests, their events and transitions, the finance summary."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas.base import (
    CODE,
    DATE,
    DATE_NULL,
    INT,
    INT_NULL,
    MONEY,
    MONEY_IN,
    MONEY_NULL,
    S_NULL,
    B,
    S,
    enum,
    obj,
    page,
    partial,
    ref,
)
from app.models.tuition import TUITION_STATES

TUITION_IN = obj(
    {
        "title": S,
        "institution": S,
        "qualification": {**CODE, "type": ["string", "null"]},
        "starts_on": DATE,
        "ends_on": DATE,
        "tuition": MONEY_IN,
        "fees": MONEY_IN,
        "books": MONEY_IN,
        "job_related": B,
        "justification": S,
        "target_role": {**CODE, "type": ["string", "null"]},
        "target_competency": {**CODE, "type": ["string", "null"]},
        "pass_fail": {**B, "default": False},
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
    "TuitionEvent": obj(
        {
            "action": S,
            "from_state": S,
            "to_state": S,
            "at": {**S, "format": "date-time"},
            "by": S_NULL,
            "reason": S_NULL,
            "amount": MONEY_NULL,
        }
    ),
    "TuitionRequest": obj(
        {
            "id": INT,
            "employee_id": INT,
            "employee_name": S_NULL,
            "title": S,
            "institution": S,
            "qualification": S_NULL,
            "starts_on": DATE,
            "ends_on": DATE,
            "tuition": MONEY,
            "fees": MONEY,
            "books": MONEY,
            "eligible_cost": MONEY,
            "job_related": B,
            "justification": S,
            "target_role": S_NULL,
            "target_competency": S_NULL,
            "pass_fail": B,
            "state": enum(TUITION_STATES),
            "submitted_on": DATE_NULL,
            "late": B,
            "late_override_reason": S_NULL,
            "rejection_reason": S_NULL,
            "reserved_amount": MONEY_NULL,
            "cap_year": INT_NULL,
            "grade": S_NULL,
            "receipt_upload_id": INT_NULL,
            "transcript_upload_id": INT_NULL,
            "reimbursed_amount": MONEY_NULL,
            "paid_on": DATE_NULL,
            "amount": {
                **MONEY_NULL,
                "description": "The amount that matters now: eligible cost until pre-approval, "
                "then the reserved amount, then the amount reimbursed.",
            },
            "history": {"type": "array", "items": ref("TuitionEvent")},
        },
        ["id", "employee_id", "title", "state", "amount"],
    ),
    "TuitionRequestInput": TUITION_IN,
    "TuitionRequestPatch": partial(TUITION_IN, drop=()),
    "TuitionRequestPage": page("TuitionRequest"),
    "TransitionInput": obj(
        {
            "action": enum(TUITION_ACTIONS),
            "reason": {**S_NULL, "description": "Required to reject and to flag_documents."},
            "grade": {**S_NULL, "description": "complete: A, B, C... or PASS/FAIL."},
            "paid_on": {**DATE_NULL, "description": "pay: defaults to today."},
            "override_reason": {**S_NULL, "description": "override_late (hr)."},
            "receipt_upload_id": INT_NULL,
            "transcript_upload_id": INT_NULL,
        },
        ["action"],
    ),
    "SummaryRow": obj(
        {
            "employee_id": INT,
            "employee_no": S,
            "name": S,
            "department": S_NULL,
            "reserved": MONEY,
            "reimbursed": MONEY,
            "cap": MONEY,
            "cap_used": MONEY,
            "cap_left": MONEY,
            "taxable_excess": MONEY,
            "repayments_owed": MONEY,
        },
        ["employee_id", "reserved", "reimbursed", "cap_left", "taxable_excess", "repayments_owed"],
    ),
    "TuitionSummary": page(
        "SummaryRow",
        year=INT,
        currency=S,
        totals=obj(
            {
                "employees": INT,
                "reserved": MONEY,
                "reimbursed": MONEY,
                "cap_used": MONEY,
                "taxable_excess": MONEY,
                "repayments_owed": MONEY,
            }
        ),
    ),
}
