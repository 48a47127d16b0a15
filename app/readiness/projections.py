"""Projected close dates: course plans with their prerequisite chains, and single-step plans.

docs/RULES.md readiness projection: a course closes at the end of the session the person is
enrolled in, else of the seat the seat plan gives them, else D + unscheduled_lead_days +
default_duration_days; prerequisites not yet done come first, one after another. Course plans
are memoized on the catalogue under ``("plan", course, D, renew, done, seats, numbers)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.kernel.words import a_or_an, plural
from app.readiness.dates import add_days
from app.readiness.facts import Context
from app.readiness.model import Catalogue, ReadinessConfig
from app.readiness.results import ZERO, Action
from app.readiness.seatplan import (
    ENROLLED,
    PLANNED,
    UNSCHEDULED,
    WAITLISTED,
    Seat,
    prerequisite_order,
)
from app.readiness.vocabulary import CHECK_STATUS_LABELS, OPEN_CHECK_STATUSES


@dataclass(frozen=True)
class Plan:
    close_on: date
    cost: Decimal
    actions: tuple[Action, ...]
    #: Why the gap closes on ``close_on`` (docs/RULES.md "Why this band"); empty: the last
    #: action's description says it.
    reason: str = ""


def prerequisite_chain(course: str, catalogue: Catalogue, done: frozenset[str]) -> list[str]:
    """Courses to take for ``course``: open prerequisites depth first, then ``course`` itself."""
    return prerequisite_order(course, catalogue.courses, done)


def done_prerequisites(course: str, ctx: Context) -> frozenset[str]:
    """The prerequisites of ``course`` (direct or not) the employee has done by D."""
    closure = ctx.catalogue.prerequisite_closure(course)
    return frozenset(p for p in closure if ctx.index.done(p)) if closure else closure


def seats_key(course: str, ctx: Context, done: frozenset[str]) -> Hashable:
    """The person's seats along the chain of ``course`` (not whose they are): with the done
    prerequisites, all a course plan reads of the person (memo keys)."""
    seats = ctx.index.seats
    if seats is None:
        return None
    closure = ctx.catalogue.prerequisite_closure(course)
    if not closure:
        seat = seats.get(course)
        return seat.situation if seat else ()
    chain = ctx.catalogue.memoized(
        ("chain", course, done), lambda: tuple(prerequisite_chain(course, ctx.catalogue, done))
    )
    return tuple(seats[code].situation if code in seats else () for code in chain)


def plan_course(course: str, ctx: Context, *, renew: bool = False) -> Plan:
    """Plan ``course`` from D: prerequisites one after another, each closing where the person's
    seat is (docs/RULES.md projection: the enrolled session's end, else the seat plan's
    session, else D + unscheduled_lead_days + default_duration_days).

    The plan depends only on the catalogue, D, which prerequisites are done and the person's
    seats along the chain, so it is memoized on the catalogue for bulk evaluation.
    """
    catalogue = ctx.catalogue
    done = done_prerequisites(course, ctx)
    config = ctx.config
    seated = seats_key(course, ctx, done)
    numbers = (config.unscheduled_lead_days, config.unknown_course_duration_days)
    key = ("plan", course, ctx.as_of, renew, done, seated, numbers)
    seats = ctx.index.seats or {}
    return catalogue.memoized(
        key, lambda: compute_course_plan(course, catalogue, ctx.as_of, renew, done, config, seats)
    )


def compute_course_plan(
    course: str,
    catalogue: Catalogue,
    as_of: date,
    renew: bool,
    done: frozenset[str],
    config: ReadinessConfig,
    seats: Mapping[str, Seat],
) -> Plan:
    earliest = as_of
    actions: list[Action] = []
    reasons: list[tuple[bool, str, str, date]] = []
    total = ZERO
    close_on = earliest
    for code in prerequisite_chain(course, catalogue, done):
        found = catalogue.courses.get(code)
        title = found.title if found else code
        cost = found.cost if found else ZERO
        kind = "renew" if renew and code == course else "enrol"
        verb = "Renew" if kind == "renew" else "Enrol in"
        seat = usable_seat(seats.get(code), earliest)
        if seat is None:
            seat = alone_seat(code, earliest, catalogue, config)
        close_on = seat.ends_on
        reasons.append((seat.delayed, code, seat.reason(), close_on))
        actions.append(
            Action(
                kind=kind,
                target=code,
                due_on=close_on,
                cost=cost,
                session_id=seat.session_id,
                description=seat_description(seat, verb, title),
                starts_on=seat.starts_on if seat.session_id is not None else None,
            )
        )
        total += cost
        earliest = add_days(close_on, 1)
    return Plan(close_on, total, tuple(actions), chain_reason(reasons))


def usable_seat(seat: Seat | None, earliest: date) -> Seat | None:
    """The person's seat when it can close the course from ``earliest``: a booking that ends
    on or after it, or a waitlisted, planned or unscheduled seat that starts on or after it."""
    if seat is None:
        return None
    if seat.how == ENROLLED:
        return seat if seat.ends_on >= earliest else None
    return seat if seat.starts_on >= earliest else None


def alone_seat(code: str, earliest: date, catalogue: Catalogue, config: ReadinessConfig) -> Seat:
    """A seat for a course the plan gives the person none in (no plan was made, or a course
    not needed for the next role): the first session from ``earliest`` with a seat left, else
    unscheduled as in the seat plan (after the lead time, and after the last session)."""
    session = catalogue.next_session(code, earliest)
    if session is not None and session.id is not None:
        return Seat(0, code, PLANNED, session.id, session.starts_on, session.ends_on)
    found = catalogue.courses.get(code)
    duration = found.default_duration_days if found else config.unknown_course_duration_days
    starts = add_days(earliest, config.unscheduled_lead_days)
    last_end = catalogue.last_session_end(code)
    if last_end is not None and last_end >= starts:
        starts = add_days(last_end, 1)
    return Seat(0, code, UNSCHEDULED, None, starts, add_days(starts, duration))


def seat_description(seat: Seat, verb: str, title: str) -> str:
    """The enrol step of a plan, in words (docs/RULES.md "Promotion path")."""
    code = seat.course
    span = f"session {seat.starts_on.isoformat()} to {seat.ends_on.isoformat()}"
    if seat.how == ENROLLED:
        return f"Booked on {title} ({code}): {span}"
    if seat.how == WAITLISTED:
        return f"On the waitlist of {title} ({code}), next in line for a seat: {span}"
    if seat.how == PLANNED:
        return f"{verb} {title} ({code}): {span}"
    return (
        f"{verb} {title} ({code}): no session has a seat, a new one is projected from "
        f"{seat.starts_on.isoformat()} to {seat.ends_on.isoformat()}"
    )


def chain_reason(reasons: list[tuple[bool, str, str, date]]) -> str:
    """The reason of a chain: the last course that waits for a seat (or the last course), and
    what follows it."""
    if not reasons:
        return ""
    deciding = max(
        (i for i, (delayed, *_rest) in enumerate(reasons) if delayed), default=len(reasons) - 1
    )
    _, _, reason, _ = reasons[deciding]
    if deciding == len(reasons) - 1:
        return reason
    _, last, _, close_on = reasons[-1]
    return f"{reason}, then {last} (ends {close_on.isoformat()})"


def single(action: Action) -> Plan:
    return Plan(action.due_on, action.cost, (action,))


def check_plan(
    code: str, ctx: Context, status: str | None = None, requested_on: date | None = None
) -> Plan:
    """The step that closes a background-check gap, in words that follow where the latest
    check stands: none (or lapsed) is requested; one under way or under review says so and
    what it waits for. ``status`` is the latest check's status when that check is not clear.

    docs/RULES.md projection: a check ``requested`` or ``in_progress`` closes on requested_on
    + turnaround_days (D + turnaround_days when that date has passed); one in
    ``review_required`` closes on D + adverse_action_days (cfg, 10); otherwise D +
    turnaround_days."""
    check_type = ctx.catalogue.check_types.get(code)
    turnaround = (
        check_type.turnaround_days if check_type else ctx.config.unknown_check_turnaround_days
    )
    name = check_type.name if check_type else f"{code} background check"
    due = add_days(ctx.as_of, turnaround)
    if status in OPEN_CHECK_STATUSES and requested_on is not None:
        expected = add_days(requested_on, turnaround)
        if expected >= ctx.as_of:
            due = expected
    elif status == "review_required":
        due = add_days(ctx.as_of, ctx.config.adverse_action_days)
    label = CHECK_STATUS_LABELS.get(status or "", "")
    if status in OPEN_CHECK_STATUSES:
        description = (
            f"{name} under way ({label}): waiting for the result (about "
            f"{plural(turnaround, 'day')}, by {due})"
        )
    elif status == "review_required":
        description = f"{name} under review ({label}): waiting for HR's decision"
    elif status == "not_cleared":
        description = f"{name} {label}: HR decides whether a new check may be requested"
    else:
        description = f"Request {a_or_an(name)} (about {plural(turnaround, 'day')}, by {due})"
    return single(Action(kind="request_check", target=code, due_on=due, description=description))
