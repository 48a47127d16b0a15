"""Projected close dates: course plans with their prerequisite chains, and single-step plans.

docs/RULES.md readiness projection: "the end of the next session that starts on or after D, else
D + default_duration_days. Prerequisites not yet done come first, one after another." A check
closes D + turnaround_days. Course plans are memoized on the catalogue under
``("plan", course, D, renew, done, fallback_days)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.kernel.words import a_or_an, plural
from app.readiness.facts import Context
from app.readiness.model import Catalogue
from app.readiness.results import ZERO, Action
from app.readiness.vocabulary import CHECK_STATUS_LABELS, OPEN_CHECK_STATUSES


@dataclass(frozen=True)
class Plan:
    close_on: date
    cost: Decimal
    actions: tuple[Action, ...]
    #: Why the gap closes on ``close_on`` (docs/RULES.md "Why this band"); empty: the last
    #: action's description says it.
    reason: str = ""


def days(n: int) -> timedelta:
    return timedelta(days=n)


def prerequisite_chain(course: str, catalogue: Catalogue, done: frozenset[str]) -> list[str]:
    """Courses to take for ``course``: open prerequisites depth first, then ``course`` itself."""
    order: list[str] = []
    placed: set[str] = set()

    def visit(code: str, path: frozenset[str]) -> None:
        found = catalogue.courses.get(code)
        for prerequisite in found.prerequisites if found else ():
            if prerequisite in placed or prerequisite in path or prerequisite in done:
                continue
            visit(prerequisite, path | {prerequisite})
        placed.add(code)
        order.append(code)

    visit(course, frozenset({course}))
    return order


def done_prerequisites(course: str, ctx: Context) -> frozenset[str]:
    """The prerequisites of ``course`` (direct or not) the employee has done by D."""
    closure = ctx.catalogue.prerequisite_closure(course)
    return frozenset(p for p in closure if ctx.index.done(p)) if closure else closure


def plan_course(course: str, ctx: Context, *, renew: bool = False) -> Plan:
    """Plan ``course`` from D: prerequisites one after another, each in its next open session.

    docs/RULES.md projection: "the end of the next session that starts on or after D, else D +
    default_duration_days. Prerequisites not yet done come first, one after another."
    The plan depends only on the catalogue, D and which prerequisites are done, so it is
    memoized on the catalogue for bulk evaluation.
    """
    catalogue = ctx.catalogue
    done = done_prerequisites(course, ctx)
    fallback_days = ctx.config.unknown_course_duration_days
    key = ("plan", course, ctx.as_of, renew, done, fallback_days)
    return catalogue.memoized(
        key, lambda: compute_course_plan(course, catalogue, ctx.as_of, renew, done, fallback_days)
    )


def compute_course_plan(
    course: str,
    catalogue: Catalogue,
    as_of: date,
    renew: bool,
    done: frozenset[str],
    fallback_days: int,
) -> Plan:
    earliest = as_of
    actions: list[Action] = []
    total = ZERO
    close_on = earliest
    for code in prerequisite_chain(course, catalogue, done):
        found = catalogue.courses.get(code)
        title = found.title if found else code
        cost = found.cost if found else ZERO
        kind = "renew" if renew and code == course else "enrol"
        verb = "Renew" if kind == "renew" else "Enrol in"
        session = catalogue.next_session(code, earliest)
        if session is not None:
            close_on = session.ends_on
            description = (
                f"{verb} {title} ({code}): session {session.starts_on.isoformat()} "
                f"to {session.ends_on.isoformat()}"
            )
            starts_on: date | None = session.starts_on
            session_id = session.id
        else:
            duration = found.default_duration_days if found else fallback_days
            close_on = earliest + days(duration)
            description = (
                f"{verb} {title} ({code}): no open session scheduled, "
                f"about {duration} days from {earliest.isoformat()}"
            )
            starts_on = None
            session_id = None
        actions.append(
            Action(
                kind=kind,
                target=code,
                due_on=close_on,
                cost=cost,
                session_id=session_id,
                description=description,
                starts_on=starts_on,
            )
        )
        total += cost
        earliest = close_on + days(1)
    return Plan(close_on, total, tuple(actions))


def single(action: Action) -> Plan:
    return Plan(action.due_on, action.cost, (action,))


def check_plan(code: str, ctx: Context, status: str | None = None) -> Plan:
    """The step that closes a background-check gap, in words that follow where the latest
    check stands: none (or lapsed) is requested; one under way or under review says so and
    what it waits for. ``status`` is the latest check's status when that check is not clear."""
    check_type = ctx.catalogue.check_types.get(code)
    turnaround = (
        check_type.turnaround_days if check_type else ctx.config.unknown_check_turnaround_days
    )
    name = check_type.name if check_type else f"{code} background check"
    due = ctx.as_of + days(turnaround)
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
