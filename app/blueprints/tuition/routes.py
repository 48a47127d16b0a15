"""Tuition reimbursement pages: thin views over ``app.services.tuition``.

Employees create, submit, cancel and complete their requests; the manager, hr and finance work
their approval queues; finance pays, sees the summary (and its CSV) and the repayments owed;
hr records leavers. Every rule lives in the service; a view parses the form, calls it, and then
flashes and redirects, or re-renders the page with the errors tied to their fields. The views
are split by sub-area (see the package's docstring); importing them registers them on ``bp``.
"""

from __future__ import annotations

from typing import Any

from app import policy
from app.blueprints.tuition import bp, finance, leavers, queues, requests, workflow
from app.policy import tuition as may
from app.services import tuition as svc

__all__ = ["bp", "finance", "leavers", "queues", "requests", "workflow"]


def template_helpers() -> dict[str, Any]:
    """The words for states and actions, and ``tuition_may('hr_queue')`` for the links."""
    return {
        "tuition_state_words": svc.STATE_WORDS,
        "tuition_state_detail": svc.state_detail,
        "tuition_action_words": svc.ACTION_WORDS,
        "tuition_may": lambda what: may.may(policy.acting_user(), what),
    }
