"""Tuition reimbursement rules: the request state machine and the money (pure).

docs/RULES.md "Education and tuition reimbursement". No flask, no sqlalchemy: frozen dataclasses
and Decimals in, results out. Money is always Decimal, never float, and is rounded half-up to
the cent. Every number marked (cfg) in docs/RULES.md lives in ``TuitionConfig``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

from app.readiness.dates import whole_months_between

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class TuitionConfig:
    """The (cfg) numbers of docs/RULES.md "Education and tuition reimbursement".

    ``grade_percentages`` maps a grade to the percentage (0-100) of the eligible cost repaid:
    A 100%, B 75%, C 50%, lower 0%; pass/fail courses: pass 100%.
    ``repayment_schedule`` is ``(months_upper_bound_exclusive, share)`` in increasing order;
    from the last bound on a voluntary leaver repays nothing.
    """

    currency: str = "USD"
    annual_cap: Decimal = Decimal("5250.00")
    tax_free_limit: Decimal = Decimal("5250.00")
    grade_percentages: tuple[tuple[str, Decimal], ...] = (
        ("A", Decimal("100")),
        ("B", Decimal("75")),
        ("C", Decimal("50")),
        ("D", Decimal("0")),
        ("F", Decimal("0")),
        ("PASS", Decimal("100")),
        ("FAIL", Decimal("0")),
    )
    repayment_schedule: tuple[tuple[int, Decimal], ...] = (
        (6, Decimal("1.00")),
        (12, Decimal("0.75")),
        (18, Decimal("0.50")),
        (24, Decimal("0.25")),
    )
    _grades: dict[str, Decimal] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.annual_cap < 0 or self.tax_free_limit < 0:
            raise ValueError("The annual cap and the tax-free limit cannot be negative.")
        grades: dict[str, Decimal] = {}
        for grade, percentage in self.grade_percentages:
            if not Decimal(0) <= percentage <= HUNDRED:
                raise ValueError(
                    f"Grade {grade} pays {percentage}%: a grade percentage must be 0 to 100."
                )
            grades[grade.strip().upper()] = Decimal(percentage)
        object.__setattr__(self, "_grades", grades)
        previous = 0
        for bound, share in self.repayment_schedule:
            if bound <= previous:
                raise ValueError(
                    "Repayment schedule bounds must be positive and strictly increasing."
                )
            if not Decimal(0) <= share <= Decimal(1):
                raise ValueError(f"Repayment share {share} must be between 0 and 1.")
            previous = bound

    @property
    def grades(self) -> dict[str, Decimal]:
        """Grade (upper case) -> percentage; a fresh copy the caller may keep."""
        return dict(self._grades)


DEFAULT_CONFIG = TuitionConfig()


# --------------------------------------------------------------------------- state machine


class State(StrEnum):
    """States of a TuitionRequest (docs/RULES.md "States")."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    MANAGER_APPROVED = "manager_approved"
    HR_APPROVED = "hr_approved"
    FINANCE_APPROVED = "finance_approved"
    COMPLETED = "completed"
    DOCUMENTS_MISSING = "documents_missing"
    REIMBURSED = "reimbursed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


DRAFT = State.DRAFT.value
SUBMITTED = State.SUBMITTED.value
MANAGER_APPROVED = State.MANAGER_APPROVED.value
HR_APPROVED = State.HR_APPROVED.value
FINANCE_APPROVED = State.FINANCE_APPROVED.value
COMPLETED = State.COMPLETED.value
DOCUMENTS_MISSING = State.DOCUMENTS_MISSING.value
REIMBURSED = State.REIMBURSED.value
REJECTED = State.REJECTED.value
CANCELLED = State.CANCELLED.value

STATES: tuple[str, ...] = tuple(s.value for s in State)
FINAL_STATES: frozenset[str] = frozenset({REIMBURSED, REJECTED, CANCELLED})
# finance_approved means pre-approved: the amount is reserved against the cap until paid.
RESERVING_STATES: frozenset[str] = frozenset({FINANCE_APPROVED, COMPLETED, DOCUMENTS_MISSING})


class Action(StrEnum):
    """Things a person can do to a TuitionRequest."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    COMPLETE = "complete"
    FLAG_DOCUMENTS = "flag_documents"
    RESUBMIT_DOCUMENTS = "resubmit_documents"
    PAY = "pay"


SUBMIT = Action.SUBMIT.value
APPROVE = Action.APPROVE.value
REJECT = Action.REJECT.value
CANCEL = Action.CANCEL.value
COMPLETE = Action.COMPLETE.value
FLAG_DOCUMENTS = Action.FLAG_DOCUMENTS.value
RESUBMIT_DOCUMENTS = Action.RESUBMIT_DOCUMENTS.value
PAY = Action.PAY.value

ACTIONS: tuple[str, ...] = tuple(a.value for a in Action)

TRANSITIONS: dict[tuple[str, str], str] = {
    # the employee
    (SUBMIT, DRAFT): SUBMITTED,
    # approvals: manager, then hr, then finance (pre-approval reserves against the cap)
    (APPROVE, SUBMITTED): MANAGER_APPROVED,
    (APPROVE, MANAGER_APPROVED): HR_APPROVED,
    (APPROVE, HR_APPROVED): FINANCE_APPROVED,
    # "Any approval stage can lead to rejected, with a reason."
    (REJECT, SUBMITTED): REJECTED,
    (REJECT, MANAGER_APPROVED): REJECTED,
    (REJECT, HR_APPROVED): REJECTED,
    # "The employee can move the request to cancelled before finance_approved."
    (CANCEL, DRAFT): CANCELLED,
    (CANCEL, SUBMITTED): CANCELLED,
    (CANCEL, MANAGER_APPROVED): CANCELLED,
    (CANCEL, HR_APPROVED): CANCELLED,
    # the employee uploads grade and receipt or transcript
    (COMPLETE, FINANCE_APPROVED): COMPLETED,
    # "completed can become documents_missing and come back."
    (FLAG_DOCUMENTS, COMPLETED): DOCUMENTS_MISSING,
    (RESUBMIT_DOCUMENTS, DOCUMENTS_MISSING): COMPLETED,
    # finance pays: paid_on and amount
    (PAY, COMPLETED): REIMBURSED,
}

ApprovalStage = Literal["manager", "hr", "finance"]

_APPROVAL_STAGES: dict[str, ApprovalStage] = {
    SUBMITTED: "manager",
    MANAGER_APPROVED: "hr",
    HR_APPROVED: "finance",
}

# "A request that is <state> cannot <phrase>"
_REFUSED_PHRASE: dict[str, str] = {
    SUBMIT: "be submitted",
    APPROVE: "be approved",
    REJECT: "be rejected",
    CANCEL: "be cancelled",
    COMPLETE: "be completed",
    FLAG_DOCUMENTS: "be flagged for missing documents",
    RESUBMIT_DOCUMENTS: "have its documents resubmitted",
    PAY: "be paid",
}

_WHY: dict[str, str] = {
    SUBMIT: "only a draft can be submitted.",
    APPROVE: "only a request waiting for the manager, HR or finance can be approved.",
    REJECT: "only a request waiting for the manager, HR or finance can be rejected.",
    CANCEL: (
        "the employee can cancel only before finance approval; from then on the amount is "
        "reserved and the request runs to completion or payment."
    ),
    COMPLETE: (
        "grade and documents are uploaded once, after finance approval; documents that finance "
        "flagged as missing are resubmitted instead."
    ),
    FLAG_DOCUMENTS: "only a completed request can be flagged for missing documents.",
    RESUBMIT_DOCUMENTS: "documents are resubmitted only when finance flagged them missing.",
    PAY: "only a completed request with its documents accepted can be paid.",
}


class IllegalTransition(ValueError):
    """An action that the state machine does not allow from the request's current state."""

    def __init__(self, action: str, state: str) -> None:
        self.action = action
        self.state = state
        if action not in _REFUSED_PHRASE:
            message = f"Unknown action {action!r}; known actions: {', '.join(ACTIONS)}."
        elif state not in STATES:
            message = f"Unknown request state {state!r}; known states: {', '.join(STATES)}."
        else:
            message = f"A request that is {state} cannot {_REFUSED_PHRASE[action]}: "
            if state in FINAL_STATES:
                message += f"{state} is final."
            else:
                message += _WHY[action]
        super().__init__(message)


def next_state(action: str, state: str) -> str:
    """Return the state a request moves to when ``action`` is applied in ``state``.

    docs/RULES.md "States": raises ``IllegalTransition`` for anything not in ``TRANSITIONS``.
    """
    try:
        return TRANSITIONS[(str(action), str(state))]
    except KeyError:
        raise IllegalTransition(str(action), str(state)) from None


def allowed_actions(state: str) -> tuple[str, ...]:
    """The actions legal from ``state``, in ``ACTIONS`` order (for buttons and messages)."""
    return tuple(a for a in ACTIONS if (a, str(state)) in TRANSITIONS)


def approval_stage(state: str) -> ApprovalStage | None:
    """Who must act on an approve or reject now: "manager", "hr", "finance", or None.

    docs/RULES.md "Who approves": the manager stage is the employee's own manager, the HR stage is
    `hr`, the finance stage is `finance`.
    """
    return _APPROVAL_STAGES.get(str(state))


# --------------------------------------------------------------------------- timing


def requested_in_time(requested_on: date, course_start: date) -> bool:
    """True when pre-approval was requested strictly before the course start date.

    docs/RULES.md "Timing": a request on or after the start date is refused unless HR overrides it,
    with a reason (the override is the service's decision; this only says whether one is needed).
    """
    return requested_on < course_start


# --------------------------------------------------------------------------- money


def to_cents(amount: Decimal | int) -> Decimal:
    """Round to the cent, half-up (0.005 -> 0.01). Money is exact: floats are refused."""
    if isinstance(amount, float) or not isinstance(amount, Decimal | int):
        raise TypeError(f"Money must be a Decimal, not {type(amount).__name__}.")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def eligible_cost(tuition: Decimal, fees: Decimal, books: Decimal) -> Decimal:
    """Eligible cost = tuition + fees + books, to the cent (docs/RULES.md "costs split into
    ...")."""
    parts = {"tuition": tuition, "fees": fees, "books": books}
    for name, value in parts.items():
        if to_cents(value) < 0:
            raise ValueError(f"The {name} cost cannot be negative (got {value}).")
    return to_cents(tuition + fees + books)


def normalize_grade(grade: str, config: TuitionConfig = DEFAULT_CONFIG) -> str:
    """Return the configured grade that ``grade`` stands for: " b+ " -> "B", "pass" -> "PASS".

    Case and surrounding spaces are ignored; a trailing + or - on a letter grade is dropped, so
    B+ and B- are paid as B. Raises ValueError naming the valid grades for anything else.
    """
    grades = config._grades
    key = str(grade).strip().upper()
    if key not in grades and len(key) == 2 and key[1] in "+-" and key[0] in grades:
        key = key[0]
    if key not in grades:
        valid = ", ".join(grades)
        raise ValueError(
            f"Unknown grade {grade!r}. Valid grades: {valid} (a letter may carry + or -)."
        )
    return key


def grade_percentage(grade: str, config: TuitionConfig = DEFAULT_CONFIG) -> Decimal:
    """Percentage (0-100) of the eligible cost repaid for ``grade``.

    docs/RULES.md "Amount" (cfg): A 100%, B 75%, C 50%, lower 0%; pass/fail courses: pass 100%.
    """
    return config._grades[normalize_grade(grade, config)]


def reimbursement_amount(
    eligible: Decimal,
    grade: str,
    cap_left: Decimal,
    config: TuitionConfig = DEFAULT_CONFIG,
) -> Decimal:
    """Reimbursed = min(eligible cost x grade percentage, remaining annual cap), to the cent.

    docs/RULES.md "Amount". Never negative. Rounded half-up once, at the end; the cap left is
    first floored to the cent so the rounding can never pay a fraction of a cent over the cap.
    """
    if to_cents(eligible) < 0:
        raise ValueError(f"The eligible cost cannot be negative (got {eligible}).")
    earned = eligible * grade_percentage(grade, config) / HUNDRED
    room = max(Decimal(cap_left), ZERO).quantize(CENT, rounding=ROUND_FLOOR)
    return max(to_cents(min(earned, room)), ZERO)


# --------------------------------------------------------------------------- annual cap


@dataclass(frozen=True)
class CapEntry:
    """One tuition request as the annual cap sees it.

    ``year`` is the calendar year the request counts to; build it with ``cap_year``.
    """

    state: str
    reserved_amount: Decimal
    reimbursed_amount: Decimal
    year: int


class CapExceeded(ValueError):
    """A reservation that would take the employee's calendar year over the annual cap."""

    def __init__(self, requested: Decimal, used: Decimal, config: TuitionConfig) -> None:
        self.requested = requested
        self.used = used
        self.cap = config.annual_cap
        left = max(config.annual_cap - used, ZERO)
        cur = config.currency
        super().__init__(
            f"Reserving {cur} {requested:,.2f} would exceed the annual cap of "
            f"{cur} {config.annual_cap:,.2f}: {cur} {used:,.2f} is already reserved or "
            f"reimbursed this calendar year, so at most {cur} {left:,.2f} can be reserved."
        )


def cap_year(course_start: date, paid_on: date | None = None) -> int:
    """The calendar year a request counts to against the annual cap.

    docs/RULES.md "Annual cap": 5,250.00 per employee per calendar year, the US §127 amount.
    Interpretation: a reservation counts to the year of the course start date (known at
    pre-approval, before any money moves); once reimbursed, the request counts to the year of
    paid_on, because §127 and the tax report work on the year the money is paid. A course
    starting in December and paid in January therefore moves from one year to the next when
    paid; the service computes its amount against the cap left in the paid_on year, leaving the
    request's own reservation out of ``cap_used``.
    """
    return paid_on.year if paid_on is not None else course_start.year


def entry_cap_amount(entry: CapEntry) -> Decimal:
    """What one request takes from its year's cap: reserved while pre-approved, paid once paid.

    docs/RULES.md: "Reserved (finance_approved) and reimbursed amounts both count." A reservation
    holds from finance_approved through completed and documents_missing. draft, submitted,
    manager_approved, hr_approved, rejected and cancelled take nothing.
    """
    if entry.state in RESERVING_STATES:
        return to_cents(entry.reserved_amount)
    if entry.state == REIMBURSED:
        return to_cents(entry.reimbursed_amount)
    return ZERO


def cap_used(year: int, entries: Iterable[CapEntry]) -> Decimal:
    """Total reserved and reimbursed for one employee in calendar ``year``."""
    return sum((entry_cap_amount(e) for e in entries if e.year == year), ZERO)


def cap_left(
    year: int, entries: Iterable[CapEntry], config: TuitionConfig = DEFAULT_CONFIG
) -> Decimal:
    """What the employee can still reserve or be paid in ``year``: cap - used, never below 0."""
    return max(config.annual_cap - cap_used(year, entries), ZERO)


def check_reservation(
    amount: Decimal, used: Decimal, config: TuitionConfig = DEFAULT_CONFIG
) -> None:
    """Refuse a reservation that would take the year's total over the annual cap.

    docs/RULES.md "Annual cap": reaching the cap exactly is allowed (5,250.00); one cent more is
    not.
    """
    if to_cents(amount) < 0:
        raise ValueError(f"A reservation cannot be negative (got {amount}).")
    if to_cents(used) + to_cents(amount) > config.annual_cap:
        raise CapExceeded(to_cents(amount), to_cents(used), config)


# --------------------------------------------------------------------------- tax report


@dataclass(frozen=True)
class Payment:
    """One reimbursement paid to the employee in the calendar year being reported."""

    amount: Decimal
    job_related: bool


def taxable_excess(payments: Iterable[Payment], config: TuitionConfig = DEFAULT_CONFIG) -> Decimal:
    """Amount of one employee's calendar-year reimbursements that finance reports as taxable.

    docs/RULES.md "Annual cap": "Whatever a calendar year's total pays above the tax-free limit
    (cfg, 5,250.00) for courses that are not job-related is reported to finance as taxable."

    Interpretation. The caller passes the payments of one employee whose paid_on falls in one
    calendar year (tax follows the year money is paid, not the course year). Two exclusions
    apply, and they are separate:
    - a job-related course is a working-condition fringe benefit (§132(d)), tax-free at any
      amount, so it is never taxable and does not use up the §127 limit;
    - courses that are not job-related are tax-free up to the limit (§127, 5,250.00 a year).
    So taxable = max(0, total paid for courses that are not job-related - limit).

    This is deliberately not min(total - limit, non-job-related paid): that reading lets
    job-related payments consume the §127 limit and over-reports income. E.g. 5,000.00
    job-related + 1,000.00 not job-related: 1,000.00 is well inside the limit, so nothing is
    taxable (the other reading would report 750.00).
    """
    non_job_related = sum((to_cents(p.amount) for p in payments if not p.job_related), ZERO)
    return max(non_job_related - config.tax_free_limit, ZERO)


# --------------------------------------------------------------------------- repayment


class TerminationReason(StrEnum):
    """Why an employee left (docs/RULES.md "People and roles")."""

    VOLUNTARY = "voluntary"
    INVOLUNTARY = "involuntary"


def repayment_share(months_since_paid: int, config: TuitionConfig = DEFAULT_CONFIG) -> Decimal:
    """Share of a reimbursement a voluntary leaver repays, by whole months since paid_on.

    docs/RULES.md "Repayment" (cfg): < 6 100%, < 12 75%, < 18 50%, < 24 25%, 24 or more 0.
    """
    if months_since_paid < 0:
        raise ValueError(f"Months since payment cannot be negative (got {months_since_paid}).")
    for upper_bound, share in config.repayment_schedule:
        if months_since_paid < upper_bound:
            return Decimal(share)
    return Decimal("0")


def repayment_owed(
    amount: Decimal,
    paid_on: date,
    termination_date: date,
    reason: str,
    config: TuitionConfig = DEFAULT_CONFIG,
) -> Decimal:
    """What a leaver owes back on one reimbursement of ``amount`` paid on ``paid_on``.

    docs/RULES.md "Repayment": a voluntary leaver repays a share by months since paid_on; an
    involuntary leaver repays nothing. Months are whole calendar months from paid_on to the
    termination date (``whole_months_between``: a month is complete on the same day-of-month,
    or on the last day of a shorter month). A payment dated after the termination date counts
    as 0 months, so a voluntary leaver repays it in full. Rounded half-up to the cent.
    """
    try:
        why = TerminationReason(str(reason).strip().lower())
    except ValueError:
        raise ValueError(
            f"Unknown termination reason {reason!r}; expected voluntary or involuntary."
        ) from None
    if to_cents(amount) < 0:
        raise ValueError(f"A reimbursement cannot be negative (got {amount}).")
    if why is TerminationReason.INVOLUNTARY:
        return ZERO
    months = whole_months_between(paid_on, termination_date)
    return to_cents(amount * repayment_share(months, config))
