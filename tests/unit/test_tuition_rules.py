"""Unit tests of the pure tuition rules: docs/RULES.md "Education and tuition reimbursement"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.readiness.dates import add_months
from app.tuition.rules import (
    ACTIONS,
    DEFAULT_CONFIG,
    STATES,
    TRANSITIONS,
    Action,
    CapEntry,
    CapExceeded,
    IllegalTransition,
    Payment,
    State,
    TerminationReason,
    TuitionConfig,
    allowed_actions,
    approval_stage,
    cap_left,
    cap_used,
    cap_year,
    check_reservation,
    eligible_cost,
    grade_percentage,
    next_state,
    normalize_grade,
    reimbursement_amount,
    repayment_owed,
    repayment_share,
    requested_in_time,
    taxable_excess,
    to_cents,
)

D = Decimal

# --------------------------------------------------------------------------- state machine

# docs/RULES.md "States": draft -> submitted -> manager_approved -> hr_approved -> finance_approved
# -> completed -> reimbursed; any approval stage -> rejected; the employee cancels before
# finance_approved; completed <-> documents_missing. Written out here, independently of the code.
LEGAL = {
    ("submit", "draft"): "submitted",
    ("approve", "submitted"): "manager_approved",
    ("approve", "manager_approved"): "hr_approved",
    ("approve", "hr_approved"): "finance_approved",
    ("reject", "submitted"): "rejected",
    ("reject", "manager_approved"): "rejected",
    ("reject", "hr_approved"): "rejected",
    ("cancel", "draft"): "cancelled",
    ("cancel", "submitted"): "cancelled",
    ("cancel", "manager_approved"): "cancelled",
    ("cancel", "hr_approved"): "cancelled",
    ("complete", "finance_approved"): "completed",
    ("flag_documents", "completed"): "documents_missing",
    ("resubmit_documents", "documents_missing"): "completed",
    ("pay", "completed"): "reimbursed",
}

ALL_STATES = [
    "draft",
    "submitted",
    "manager_approved",
    "hr_approved",
    "finance_approved",
    "completed",
    "documents_missing",
    "reimbursed",
    "rejected",
    "cancelled",
]
ALL_ACTIONS = [
    "submit",
    "approve",
    "reject",
    "cancel",
    "complete",
    "flag_documents",
    "resubmit_documents",
    "pay",
]


def test_states_and_actions_are_the_domain_vocabulary() -> None:
    """docs/RULES.md "States": exactly the ten named states; StrEnums compare equal to their
    text."""
    assert list(STATES) == ALL_STATES
    assert [s.value for s in State] == ALL_STATES
    assert list(ACTIONS) == ALL_ACTIONS
    assert State.HR_APPROVED == "hr_approved"
    assert Action.FLAG_DOCUMENTS == "flag_documents"


def test_transition_table_is_exactly_the_domain_table() -> None:
    """docs/RULES.md "States": nothing more and nothing less than the legal moves."""
    assert dict(TRANSITIONS) == LEGAL


@pytest.mark.parametrize(
    ("action", "state"),
    [(a, s) for a in ALL_ACTIONS for s in ALL_STATES],
    ids=[f"{a}-from-{s}" for a in ALL_ACTIONS for s in ALL_STATES],
)
def test_every_action_in_every_state_is_allowed_only_where_the_table_says(
    action: str, state: str
) -> None:
    """docs/RULES.md "States": the full action x state grid; refused exactly off the table."""
    if (action, state) in LEGAL:
        assert next_state(action, state) == LEGAL[(action, state)]
        assert action in allowed_actions(state)
    else:
        with pytest.raises(IllegalTransition) as refused:
            next_state(action, state)
        assert refused.value.action == action
        assert refused.value.state == state
        assert f"A request that is {state} cannot" in str(refused.value)
        assert action not in allowed_actions(state)


def test_enum_members_work_as_arguments() -> None:
    """docs/RULES.md "States": the service may pass State/Action members or plain strings."""
    assert next_state(Action.APPROVE, State.HR_APPROVED) == State.FINANCE_APPROVED


@pytest.mark.parametrize(
    ("action", "state", "explains"),
    [
        pytest.param(
            "cancel",
            "finance_approved",
            "only before finance approval",
            id="cancel-only-before-finance_approved",
        ),
        pytest.param(
            "cancel", "completed", "only before finance approval", id="cancel-after-completion"
        ),
        pytest.param("approve", "reimbursed", "reimbursed is final", id="final-reimbursed"),
        pytest.param("resubmit_documents", "rejected", "rejected is final", id="final-rejected"),
        pytest.param("submit", "cancelled", "cancelled is final", id="final-cancelled"),
        pytest.param("pay", "documents_missing", "cannot be paid", id="no-pay-without-documents"),
        pytest.param("submit", "submitted", "only a draft", id="submit-twice"),
    ],
)
def test_refusals_explain_themselves(action: str, state: str, explains: str) -> None:
    """docs/RULES.md "States": a refused move says plainly why."""
    with pytest.raises(IllegalTransition, match=explains):
        next_state(action, state)


@pytest.mark.parametrize(
    ("action", "state", "message"),
    [
        pytest.param("teleport", "draft", "Unknown action 'teleport'", id="unknown-action"),
        pytest.param("approve", "limbo", "Unknown request state 'limbo'", id="unknown-state"),
    ],
)
def test_unknown_action_or_state_is_refused(action: str, state: str, message: str) -> None:
    """docs/RULES.md "States": only the named actions and states exist."""
    with pytest.raises(IllegalTransition, match=message):
        next_state(action, state)


@pytest.mark.parametrize(
    ("state", "stage"),
    [
        pytest.param("submitted", "manager", id="manager-stage-is-own-manager"),
        pytest.param("manager_approved", "hr", id="hr-stage-is-hr"),
        pytest.param("hr_approved", "finance", id="finance-stage-is-finance"),
    ]
    + [
        pytest.param(s, None, id=f"no-approver-when-{s}")
        for s in ALL_STATES
        if s not in {"submitted", "manager_approved", "hr_approved"}
    ],
)
def test_approval_stage_names_who_must_act(state: str, stage: str | None) -> None:
    """docs/RULES.md "Who approves": manager, then hr, then finance; nobody outside those stages."""
    assert approval_stage(state) == stage
    can_approve = ("approve", state) in LEGAL
    assert (stage is not None) == can_approve == (("reject", state) in LEGAL)


@pytest.mark.parametrize(
    ("requested_on", "course_start", "in_time"),
    [
        pytest.param(date(2025, 8, 31), date(2025, 9, 1), True, id="day-before-start"),
        pytest.param(date(2025, 9, 1), date(2025, 9, 1), False, id="on-start-day-is-late"),
        pytest.param(date(2025, 9, 2), date(2025, 9, 1), False, id="after-start-is-late"),
    ],
)
def test_pre_approval_must_be_requested_before_the_course_starts(
    requested_on: date, course_start: date, in_time: bool
) -> None:
    """docs/RULES.md "Timing": pre-approval must be requested before the course start date."""
    assert requested_in_time(requested_on, course_start) is in_time


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        pytest.param(D("0.005"), D("0.01"), id="half-cent-rounds-up"),
        pytest.param(D("0.004"), D("0.00"), id="below-half-rounds-down"),
        pytest.param(D("2.675"), D("2.68"), id="half-up-not-bankers"),
        pytest.param(D("0.015"), D("0.02"), id="half-up-not-half-even"),
        pytest.param(D("1499.995"), D("1500.00"), id="carries-into-units"),
        pytest.param(D("-0.005"), D("-0.01"), id="negative-half-away-from-zero"),
        pytest.param(12, D("12.00"), id="integers-are-exact"),
    ],
)
def test_money_rounds_half_up_to_the_cent(amount: Decimal, cents: Decimal) -> None:
    """docs/RULES.md "money is exact decimal": half-up to 0.01."""
    assert to_cents(amount) == cents
    assert to_cents(amount).as_tuple().exponent == -2


def test_floats_are_refused_as_money() -> None:
    """docs/RULES.md: money is exact decimal, never float."""
    with pytest.raises(TypeError, match="Decimal"):
        to_cents(0.1)  # type: ignore[arg-type]


def test_eligible_cost_is_tuition_plus_fees_plus_books() -> None:
    """docs/RULES.md "costs split into tuition, fees and books"."""
    assert eligible_cost(D("1800.00"), D("120.50"), D("79.50")) == D("2000.00")
    assert eligible_cost(D("0"), D("0"), D("0")) == D("0.00")


def test_negative_costs_are_refused() -> None:
    """docs/RULES.md "costs": a cost cannot be below zero."""
    with pytest.raises(ValueError, match="fees cost cannot be negative"):
        eligible_cost(D("100"), D("-1"), D("0"))


@pytest.mark.parametrize(
    ("grade", "percentage"),
    [
        pytest.param("A", D("100"), id="A-100"),
        pytest.param("B", D("75"), id="B-75"),
        pytest.param("C", D("50"), id="C-50"),
        pytest.param("D", D("0"), id="lower-D-0"),
        pytest.param("F", D("0"), id="lower-F-0"),
        pytest.param("PASS", D("100"), id="pass-100"),
        pytest.param("FAIL", D("0"), id="fail-0"),
        pytest.param("pass", D("100"), id="case-insensitive-pass"),
        pytest.param(" b ", D("75"), id="spaces-and-case"),
        pytest.param("B+", D("75"), id="B-plus-is-B"),
        pytest.param("b-", D("75"), id="B-minus-is-B"),
        pytest.param("A-", D("100"), id="A-minus-is-A"),
        pytest.param("C+", D("50"), id="C-plus-is-C"),
        pytest.param("D+", D("0"), id="D-plus-is-lower"),
        pytest.param("Fail", D("0"), id="case-insensitive-fail"),
    ],
)
def test_grade_percentages(grade: str, percentage: Decimal) -> None:
    """docs/RULES.md "Amount" (cfg): A 100%, B 75%, C 50%, lower 0%; pass/fail: pass 100%."""
    assert grade_percentage(grade, DEFAULT_CONFIG) == percentage


@pytest.mark.parametrize("grade", ["E", "A++", "", "pass+", "B plus", "75", "AB"])
def test_unknown_grade_is_refused_listing_the_valid_ones(grade: str) -> None:
    """docs/RULES.md "Amount": only configured grades are paid; the message says what is valid."""
    with pytest.raises(ValueError, match="Valid grades: A, B, C, D, F, PASS, FAIL"):
        grade_percentage(grade)


def test_grade_percentages_are_configuration() -> None:
    """docs/RULES.md "Grade percentages (cfg)": HR can change them without touching code."""
    config = TuitionConfig(grade_percentages=(("A", D("100")), ("B", D("80")), ("P", D("100"))))
    assert grade_percentage("b+", config) == D("80")
    assert normalize_grade("p", config) == "P"
    with pytest.raises(ValueError, match="Valid grades: A, B, P"):
        grade_percentage("C", config)


@pytest.mark.parametrize(
    "config_kwargs",
    [
        pytest.param({"grade_percentages": (("A", D("120")),)}, id="percentage-over-100"),
        pytest.param({"grade_percentages": (("A", D("-1")),)}, id="negative-percentage"),
        pytest.param({"repayment_schedule": ((6, D("1")), (6, D("0.5")))}, id="bounds-repeat"),
        pytest.param({"repayment_schedule": ((6, D("1.5")),)}, id="share-over-1"),
        pytest.param({"annual_cap": D("-1")}, id="negative-cap"),
    ],
)
def test_nonsense_configuration_is_refused(config_kwargs: dict[str, object]) -> None:
    """docs/RULES.md (cfg): a configuration that would pay more than the cost or owe > 100%
    fails."""
    with pytest.raises(ValueError):
        TuitionConfig(**config_kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("eligible", "grade", "left", "amount"),
    [
        pytest.param(D("2000.00"), "B", D("5250.00"), D("1500.00"), id="demo-2000-graded-B"),
        pytest.param(D("2000.00"), "A", D("1200.00"), D("1200.00"), id="cap-left-limits"),
        pytest.param(D("2000.00"), "A", D("0.00"), D("0.00"), id="no-cap-left"),
        pytest.param(D("2000.00"), "A", D("-10.00"), D("0.00"), id="never-negative"),
        pytest.param(D("2000.00"), "F", D("5250.00"), D("0.00"), id="lower-grade-pays-0"),
        pytest.param(D("2000.00"), "pass", D("5250.00"), D("2000.00"), id="pass-pays-all"),
        pytest.param(D("0.01"), "C", D("5250.00"), D("0.01"), id="half-cent-rounds-up"),
        pytest.param(D("333.33"), "B", D("5250.00"), D("250.00"), id="rounded-at-the-end"),
        pytest.param(D("100.00"), "A", D("50.005"), D("50.00"), id="never-over-a-fractional-cap"),
    ],
)
def test_reimbursement_amount(
    eligible: Decimal, grade: str, left: Decimal, amount: Decimal
) -> None:
    """docs/RULES.md "Amount": reimbursed = min(eligible cost x grade percentage, remaining cap)."""
    assert reimbursement_amount(eligible, grade, left, DEFAULT_CONFIG) == amount


@settings(database=None)
@given(
    eligible=st.decimals(min_value=0, max_value=100_000, places=2),
    grade=st.sampled_from(["A", "A-", "B+", "B", "b-", "C", "c+", "D", "F", "PASS", "fail"]),
    left=st.decimals(min_value=-1_000, max_value=10_000, places=4),
)
def test_reimbursement_never_exceeds_cap_left_or_eligible_cost(
    eligible: Decimal, grade: str, left: Decimal
) -> None:
    """docs/RULES.md "Amount": the payment is within the remaining cap and the cost, never
    negative."""
    amount = reimbursement_amount(eligible, grade, left, DEFAULT_CONFIG)
    assert D("0") <= amount
    assert amount <= max(left, D("0"))
    assert amount <= eligible
    assert amount.as_tuple().exponent == -2


# --------------------------------------------------------------------------- annual cap


@pytest.mark.parametrize(
    ("state", "counted"),
    [
        pytest.param("draft", D("0.00"), id="draft-does-not-count"),
        pytest.param("submitted", D("0.00"), id="submitted-does-not-count"),
        pytest.param("manager_approved", D("0.00"), id="manager_approved-does-not-count"),
        pytest.param("hr_approved", D("0.00"), id="hr_approved-does-not-count"),
        pytest.param("finance_approved", D("1000.00"), id="reserved-counts"),
        pytest.param("completed", D("1000.00"), id="still-reserved-when-completed"),
        pytest.param("documents_missing", D("1000.00"), id="still-reserved-documents_missing"),
        pytest.param("reimbursed", D("750.00"), id="reimbursed-counts-paid-amount"),
        pytest.param("rejected", D("0.00"), id="rejected-does-not-count"),
        pytest.param("cancelled", D("0.00"), id="cancelled-does-not-count"),
    ],
)
def test_cap_counts_reserved_and_reimbursed_only(state: str, counted: Decimal) -> None:
    """docs/RULES.md "Annual cap": reserved (finance_approved) and reimbursed amounts both count."""
    entry = CapEntry(state, reserved_amount=D("1000.00"), reimbursed_amount=D("750.00"), year=2025)
    assert cap_used(2025, [entry]) == counted
    assert cap_left(2025, [entry], DEFAULT_CONFIG) == D("5250.00") - counted


def test_cap_is_per_calendar_year() -> None:
    """docs/RULES.md "Annual cap": 5,250.00 per employee per calendar year."""
    entries = [
        CapEntry("reimbursed", D("2000.00"), D("1500.00"), 2024),
        CapEntry("finance_approved", D("3000.00"), D("0"), 2025),
        CapEntry("reimbursed", D("1000.00"), D("1000.00"), 2025),
        CapEntry("cancelled", D("4000.00"), D("0"), 2025),
        CapEntry("rejected", D("4000.00"), D("0"), 2025),
    ]
    assert cap_used(2024, entries) == D("1500.00")
    assert cap_used(2025, entries) == D("4000.00")
    assert cap_left(2025, entries) == D("1250.00")
    assert cap_used(2026, entries) == D("0.00")
    assert cap_left(2026, entries) == D("5250.00")


def test_cap_left_is_never_negative() -> None:
    """docs/RULES.md "Annual cap": an over-used year (e.g. after a cap change) has nothing left."""
    entries = [CapEntry("reimbursed", D("0"), D("6000.00"), 2025)]
    assert cap_left(2025, entries) == D("0.00")


@pytest.mark.parametrize(
    ("used", "requested"),
    [
        pytest.param(D("0.00"), D("5250.00"), id="whole-cap-in-one"),
        pytest.param(D("5000.00"), D("250.00"), id="up-to-5250.00-exactly"),
        pytest.param(D("5250.00"), D("0.00"), id="nothing-more-at-the-cap"),
    ],
)
def test_reservation_up_to_the_cap_is_allowed(used: Decimal, requested: Decimal) -> None:
    """docs/RULES.md "Annual cap": 5,250.00 in a calendar year is allowed."""
    check_reservation(requested, used, DEFAULT_CONFIG)


@pytest.mark.parametrize(
    ("used", "requested"),
    [
        pytest.param(D("0.00"), D("5250.01"), id="one-cent-over-in-one"),
        pytest.param(D("5000.00"), D("250.01"), id="5250.01-refused"),
        pytest.param(D("5250.00"), D("0.01"), id="cent-after-the-cap"),
    ],
)
def test_reservation_over_the_cap_is_refused(used: Decimal, requested: Decimal) -> None:
    """docs/RULES.md "Annual cap": one cent over 5,250.00 is refused, saying used, asked and cap."""
    with pytest.raises(CapExceeded) as refused:
        check_reservation(requested, used, DEFAULT_CONFIG)
    message = str(refused.value)
    assert f"USD {requested:,.2f}" in message
    assert f"USD {used:,.2f} is already reserved or reimbursed" in message
    assert "annual cap of USD 5,250.00" in message
    assert refused.value.cap == D("5250.00")


def test_cap_exceeded_message_reads_plainly() -> None:
    """docs/RULES.md "Annual cap": the refusal tells the employee what is still possible."""
    with pytest.raises(CapExceeded) as refused:
        check_reservation(D("250.01"), D("5000.00"))
    assert str(refused.value) == (
        "Reserving USD 250.01 would exceed the annual cap of USD 5,250.00: USD 5,000.00 is "
        "already reserved or reimbursed this calendar year, so at most USD 250.00 can be reserved."
    )


def test_negative_reservation_is_refused() -> None:
    """docs/RULES.md "Amount": a reservation is money reserved, never a credit."""
    with pytest.raises(ValueError, match="cannot be negative"):
        check_reservation(D("-1.00"), D("0"))


@pytest.mark.parametrize(
    ("course_start", "paid_on", "year"),
    [
        pytest.param(date(2025, 12, 1), None, 2025, id="reserved-counts-to-start-year"),
        pytest.param(date(2025, 12, 1), date(2026, 1, 20), 2026, id="paid-counts-to-paid-year"),
        pytest.param(date(2025, 3, 1), date(2025, 7, 1), 2025, id="same-year"),
    ],
)
def test_cap_year(course_start: date, paid_on: date | None, year: int) -> None:
    """docs/RULES.md "Annual cap" per calendar year: course start while reserved, paid_on once
    paid."""
    assert cap_year(course_start, paid_on) == year


# --------------------------------------------------------------------------- taxable excess


@pytest.mark.parametrize(
    ("payments", "taxable"),
    [
        pytest.param([], D("0.00"), id="nothing-paid"),
        pytest.param([Payment(D("5250.00"), False)], D("0.00"), id="at-the-limit-tax-free"),
        pytest.param([Payment(D("5250.01"), False)], D("0.01"), id="cent-over-the-limit"),
        pytest.param(
            [Payment(D("3000.00"), False), Payment(D("3000.00"), False)],
            D("750.00"),
            id="year-total-over-the-limit",
        ),
        pytest.param(
            [Payment(D("5000.00"), True), Payment(D("4000.00"), True)],
            D("0.00"),
            id="job-related-never-taxable",
        ),
        pytest.param(
            [Payment(D("5000.00"), True), Payment(D("1000.00"), False)],
            D("0.00"),
            id="job-related-does-not-use-the-limit",
        ),
        pytest.param(
            [Payment(D("3000.00"), True), Payment(D("6000.00"), False)],
            D("750.00"),
            id="only-non-job-related-above-limit",
        ),
    ],
)
def test_taxable_excess(payments: list[Payment], taxable: Decimal) -> None:
    """docs/RULES.md "Annual cap": a year's pay above the tax-free limit for courses that are not
    job-related is reported as taxable; job-related courses are excluded separately."""
    assert taxable_excess(payments, DEFAULT_CONFIG) == taxable


def test_tax_free_limit_is_configuration() -> None:
    """docs/RULES.md "tax-free limit (cfg, 5,250.00)"."""
    config = TuitionConfig(tax_free_limit=D("1000.00"))
    assert taxable_excess([Payment(D("1500.00"), False)], config) == D("500.00")


# --------------------------------------------------------------------------- repayment


@pytest.mark.parametrize(
    ("months", "share"),
    [
        pytest.param(0, D("1.00"), id="0-months-100pc"),
        pytest.param(5, D("1.00"), id="lt-6-100pc"),
        pytest.param(6, D("0.75"), id="6-is-75pc"),
        pytest.param(11, D("0.75"), id="lt-12-75pc"),
        pytest.param(12, D("0.50"), id="12-is-50pc"),
        pytest.param(17, D("0.50"), id="lt-18-50pc"),
        pytest.param(18, D("0.25"), id="18-is-25pc"),
        pytest.param(23, D("0.25"), id="lt-24-25pc"),
        pytest.param(24, D("0"), id="24-or-more-0"),
        pytest.param(120, D("0"), id="long-after-0"),
    ],
)
def test_repayment_share(months: int, share: Decimal) -> None:
    """docs/RULES.md "Repayment" table: <6 100%, <12 75%, <18 50%, <24 25%, 24 or more 0."""
    assert repayment_share(months) == share


def test_negative_months_are_refused() -> None:
    """docs/RULES.md "Repayment": months since paid_on are counted forward."""
    with pytest.raises(ValueError, match="cannot be negative"):
        repayment_share(-1)


PAID_ON = date(2024, 1, 15)


@pytest.mark.parametrize(
    ("months", "owed"),
    [
        pytest.param(5, D("1000.00"), id="5-months-100pc"),
        pytest.param(6, D("750.00"), id="6-months-75pc"),
        pytest.param(11, D("750.00"), id="11-months-75pc"),
        pytest.param(12, D("500.00"), id="12-months-50pc"),
        pytest.param(17, D("500.00"), id="17-months-50pc"),
        pytest.param(18, D("250.00"), id="18-months-25pc"),
        pytest.param(23, D("250.00"), id="23-months-25pc"),
        pytest.param(24, D("0.00"), id="24-months-0"),
    ],
)
def test_voluntary_leaver_repays_by_months_since_paid(months: int, owed: Decimal) -> None:
    """docs/RULES.md "Repayment": a voluntary leaver repays a share by months since paid_on."""
    left_on = add_months(PAID_ON, months)
    assert repayment_owed(D("1000.00"), PAID_ON, left_on, "voluntary", DEFAULT_CONFIG) == owed


@pytest.mark.parametrize("months", [0, 5, 6, 11, 12, 17, 18, 23, 24])
def test_involuntary_leaver_repays_nothing(months: int) -> None:
    """docs/RULES.md "Repayment": only a voluntary leaver repays."""
    left_on = add_months(PAID_ON, months)
    assert repayment_owed(D("1000.00"), PAID_ON, left_on, "involuntary") == D("0.00")
    assert repayment_owed(D("1000.00"), PAID_ON, left_on, TerminationReason.INVOLUNTARY) == 0


@pytest.mark.parametrize(
    ("paid_on", "left_on", "owed"),
    [
        pytest.param(date(2024, 1, 15), date(2024, 7, 14), D("1000.00"), id="day-before-6m"),
        pytest.param(date(2024, 1, 31), date(2024, 7, 30), D("1000.00"), id="jan31-jul30-5m"),
        pytest.param(date(2024, 1, 31), date(2024, 7, 31), D("750.00"), id="jan31-jul31-6m"),
        pytest.param(date(2024, 8, 31), date(2025, 2, 27), D("1000.00"), id="aug31-feb27-5m"),
        pytest.param(
            date(2024, 8, 31), date(2025, 2, 28), D("750.00"), id="aug31-feb28-short-month-6m"
        ),
        pytest.param(date(2024, 2, 29), date(2024, 8, 28), D("1000.00"), id="leap-feb29-aug28"),
        pytest.param(date(2024, 2, 29), date(2024, 8, 29), D("750.00"), id="leap-feb29-aug29"),
        pytest.param(date(2023, 3, 31), date(2023, 9, 30), D("750.00"), id="mar31-sep30-6m"),
        pytest.param(date(2023, 12, 31), date(2025, 12, 30), D("250.00"), id="dec31-23m"),
        pytest.param(date(2023, 12, 31), date(2025, 12, 31), D("0.00"), id="dec31-24m"),
        pytest.param(date(2024, 6, 1), date(2024, 5, 31), D("1000.00"), id="paid-after-leaving"),
    ],
)
def test_repayment_month_boundaries_at_month_ends(
    paid_on: date, left_on: date, owed: Decimal
) -> None:
    """docs/RULES.md "Repayment": whole calendar months; a month ends on the same day-of-month or
    on the last day of a shorter month."""
    assert repayment_owed(D("1000.00"), paid_on, left_on, "voluntary") == owed


def test_repayment_rounds_half_up() -> None:
    """docs/RULES.md money: 0.01 x 50% = 0.005 is owed as 0.01."""
    assert repayment_owed(D("0.01"), PAID_ON, add_months(PAID_ON, 12), "voluntary") == D("0.01")


@pytest.mark.parametrize("reason", ["Voluntary", " VOLUNTARY "])
def test_termination_reason_is_read_plainly(reason: str) -> None:
    """docs/RULES.md "People and roles": termination_reason voluntary or involuntary."""
    assert repayment_owed(D("100.00"), PAID_ON, PAID_ON, reason) == D("100.00")


@pytest.mark.parametrize("reason", ["retired", "", "vol"])
def test_unknown_termination_reason_is_refused(reason: str) -> None:
    """docs/RULES.md "People and roles": only voluntary and involuntary exist."""
    with pytest.raises(ValueError, match="expected voluntary or involuntary"):
        repayment_owed(D("100.00"), PAID_ON, PAID_ON, reason)


def test_repayment_schedule_is_configuration() -> None:
    """docs/RULES.md "Repayment" (cfg): HR can change the table."""
    config = TuitionConfig(repayment_schedule=((12, D("1.00")),))
    assert repayment_owed(D("800.00"), PAID_ON, add_months(PAID_ON, 11), "voluntary", config) == D(
        "800.00"
    )
    assert repayment_owed(D("800.00"), PAID_ON, add_months(PAID_ON, 12), "voluntary", config) == 0


@settings(database=None)
@given(
    amount=st.decimals(min_value=0, max_value=100_000, places=2),
    earlier=st.integers(min_value=0, max_value=40),
    later=st.integers(min_value=0, max_value=40),
)
def test_repayment_never_rises_with_time_nor_exceeds_the_payment(
    amount: Decimal, earlier: int, later: int
) -> None:
    """docs/RULES.md "Repayment": the share only falls as months pass; never more than was paid."""
    earlier, later = sorted((earlier, later))
    owed_earlier = repayment_owed(amount, PAID_ON, add_months(PAID_ON, earlier), "voluntary")
    owed_later = repayment_owed(amount, PAID_ON, add_months(PAID_ON, later), "voluntary")
    assert D("0") <= owed_later <= owed_earlier <= amount


# --------------------------------------------------------------------------- demo case


def test_demo_case_2000_course_graded_b_voluntary_leaver_after_10_months() -> None:
    """docs/RULES.md "Demo organisation": a $2,000 course graded B, reimbursed $1,500, whose
    employee leaves voluntarily 10 months later and owes 75%."""
    eligible = eligible_cost(D("1800.00"), D("150.00"), D("50.00"))
    assert eligible == D("2000.00")
    check_reservation(eligible, cap_used(2024, []))
    paid = reimbursement_amount(eligible, "B", cap_left(2024, []), DEFAULT_CONFIG)
    assert paid == D("1500.00")
    paid_on = date(2024, 3, 15)
    left_on = date(2025, 1, 15)
    assert repayment_owed(paid, paid_on, left_on, "voluntary", DEFAULT_CONFIG) == D("1125.00")
    assert repayment_owed(paid, paid_on, left_on, "involuntary", DEFAULT_CONFIG) == D("0.00")
