"""Tuition reimbursement use cases: requests, the three-stage approval, payment, caps, leavers.

docs/RULES.md "Education and tuition reimbursement" on top of the pure rules in
app/tuition/rules.py. The web pages and the JSON API both call these functions: plain
arguments in, domain objects out. Each public function that writes runs in one unit of work
(one commit point) and raises a ``TuitionError`` on refusal, after rolling back, so a refused
write changes nothing. Choices where docs/RULES.md is silent are listed in docs/DECISIONS.md
under "Tuition reimbursement".

- ``errors``: the refusals, kinds of the kernel's (422, 403, 404, 409);
- ``config``: the (cfg) numbers and the words for states and actions;
- ``parsing``: the input parsers, in the tuition wording;
- ``plan`` and ``requests``: the development plan, creating and editing a draft;
- ``approvers``: who acts at each stage, and when a request is late;
- ``workflow``: the transitions, one small step per action;
- ``caps``: the annual cap; ``leavers``: leavers and their repayments;
- ``queries``: one request, the lists and queues; ``shapes``: the API shape;
- ``notifications``: who hears of a step; ``reports``: the finance summary and its CSV.
"""

from __future__ import annotations

from app.services.tuition.approvers import (
    actions_for,
    authorize,
    completion_refusal,
    is_late,
    manager_approver,
    needs_override,
)
from app.services.tuition.caps import (
    CapStatus,
    PaymentPreview,
    cap_status,
    cap_years,
    payment_preview,
)
from app.services.tuition.config import (
    ACTION_WORDS,
    OVERRIDE_LATE,
    SERVICE_ACTIONS,
    STATE_WORDS,
    grades_for,
    state_detail,
    state_words,
    tuition_config,
)
from app.services.tuition.errors import (
    CapExceeded,
    Conflict,
    IllegalTransition,
    LateSubmission,
    NotAllowed,
    NotFound,
    StaleTransition,
    TooEarly,
    TuitionError,
    ValidationFailed,
)
from app.services.tuition.leavers import (
    REPAYMENT_SORTS,
    employee_by_number,
    find_repayment,
    outstanding_total,
    record_termination,
    reloaded,
    repayment_to_dict,
    repayments_query,
    settle_repayment,
)
from app.services.tuition.notifications import submitted_words
from app.services.tuition.plan import PlanOptions, plan_options, qualification_options
from app.services.tuition.queries import (
    REQUEST_SORTS,
    departments,
    document,
    documents,
    find_request,
    history,
    load_request,
    may_see,
    own_requests_query,
    queue_count,
    queue_count_query,
    queue_query,
    target_competency,
    visible_requests_query,
)
from app.services.tuition.reports import (
    DepartmentTotals,
    Summary,
    SummaryRow,
    summary,
    summary_csv,
    summary_to_dict,
    summary_years,
)
from app.services.tuition.requests import create_request, update_request
from app.services.tuition.shapes import request_fields, request_to_dict, requests_to_dicts
from app.services.tuition.workflow import override_late, transition
from app.tuition import rules

__all__ = [
    "ACTION_WORDS",
    "OVERRIDE_LATE",
    "REPAYMENT_SORTS",
    "REQUEST_SORTS",
    "SERVICE_ACTIONS",
    "STATE_WORDS",
    "CapExceeded",
    "CapStatus",
    "Conflict",
    "DepartmentTotals",
    "IllegalTransition",
    "LateSubmission",
    "NotAllowed",
    "NotFound",
    "PaymentPreview",
    "PlanOptions",
    "StaleTransition",
    "TooEarly",
    "Summary",
    "SummaryRow",
    "TuitionError",
    "ValidationFailed",
    "actions_for",
    "authorize",
    "cap_status",
    "cap_years",
    "completion_refusal",
    "create_request",
    "departments",
    "document",
    "documents",
    "employee_by_number",
    "find_repayment",
    "find_request",
    "grades_for",
    "history",
    "is_late",
    "load_request",
    "manager_approver",
    "may_see",
    "needs_override",
    "outstanding_total",
    "override_late",
    "own_requests_query",
    "payment_preview",
    "plan_options",
    "qualification_options",
    "queue_count",
    "queue_count_query",
    "queue_query",
    "record_termination",
    "reloaded",
    "repayment_to_dict",
    "repayments_query",
    "request_fields",
    "request_to_dict",
    "requests_to_dicts",
    "rules",
    "settle_repayment",
    "state_detail",
    "state_words",
    "submitted_words",
    "summary",
    "summary_csv",
    "summary_to_dict",
    "summary_years",
    "target_competency",
    "transition",
    "tuition_config",
    "update_request",
    "visible_requests_query",
]
