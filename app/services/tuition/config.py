"""The (cfg) tuition numbers, and the words the tuition pages and messages use.

docs/RULES.md "Education and tuition reimbursement": the currency, the annual cap, the
tax-free limit, the grade percentages and the repayment schedule come from the settings HR or
an admin may change; the pure rules (app/tuition/rules.py) take them as a ``TuitionConfig``.
"""

from __future__ import annotations

from decimal import Decimal

from app.models import TuitionRequest
from app.services import settings
from app.tuition import rules
from app.tuition.rules import TuitionConfig

OVERRIDE_LATE = "override_late"
"""HR allows a late draft to be submitted, with a reason (not a state change)."""

SERVICE_ACTIONS: tuple[str, ...] = (*rules.ACTIONS, OVERRIDE_LATE)
TEXT_LIMITS = {"title": 200, "institution": 200, "justification": 2000}
REASON_MAX = 1000

# Human words for states and actions, for messages and notifications.
STATE_WORDS = {
    "draft": "a draft",
    "submitted": "waiting for the manager",
    "manager_approved": "waiting for HR",
    "hr_approved": "waiting for finance",
    "finance_approved": "pre-approved (amount reserved)",
    "completed": "completed, waiting for payment",
    "documents_missing": "waiting for missing documents",
    "reimbursed": "reimbursed",
    "rejected": "rejected",
    "cancelled": "cancelled",
}
ACTION_WORDS = {
    "create": "created",
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "cancel": "cancelled",
    "complete": "completed",
    "flag_documents": "flagged documents missing",
    "resubmit_documents": "sent the missing documents",
    "pay": "paid",
    OVERRIDE_LATE: "allowed a late submission",
}
STAGE_WORDS = {"manager": "the manager", "hr": "HR", "finance": "finance"}


def state_words(state: str) -> str:
    """A state in words ("waiting for HR"), or the state itself."""
    return STATE_WORDS.get(state, state)


def state_detail(state: str) -> str | None:
    """What a state means, for beside its badge, without the badge's own words: "completed"
    is followed by "waiting for payment", never by "completed, waiting for payment"; a state
    whose words are its name (reimbursed) has none."""
    words, shown = state_words(state), state.replace("_", " ")
    bare = words.removeprefix("an ").removeprefix("a ")
    if bare == shown:
        return None
    return words.removeprefix(f"{shown}, ")


def tuition_config() -> TuitionConfig:
    """The (cfg) tuition numbers of docs/RULES.md from the settings HR or an admin may change."""
    grades: dict[str, Decimal] = {}
    for grade, pct in dict(settings.get("grade_percentages")).items():
        grades[str(grade).strip().upper()] = Decimal(str(pct))
    for failing in ("D", "F", "FAIL"):  # "lower 0%": letters below C and a fail pay nothing
        grades.setdefault(failing, Decimal("0"))
    schedule = tuple(
        (int(bound), Decimal(str(share))) for bound, share in settings.get("repayment_schedule")
    )
    return TuitionConfig(
        currency=str(settings.get("currency")),
        annual_cap=Decimal(str(settings.get("annual_cap"))),
        tax_free_limit=Decimal(str(settings.get("tax_free_limit"))),
        grade_percentages=tuple(grades.items()),
        repayment_schedule=schedule,
    )


def grades_for(req: TuitionRequest | None, config: TuitionConfig | None = None) -> list[str]:
    """The grades a request may be completed with: PASS/FAIL for pass/fail courses, else letters."""
    config = config or tuition_config()
    pass_fail = {"PASS", "FAIL"}
    if req is not None and req.pass_fail:
        return [g for g in config.grades if g in pass_fail]
    return [g for g in config.grades if g not in pass_fail]
