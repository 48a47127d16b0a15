"""A person's development plan: readiness for a role, the promotion path and the what-if.

docs/RULES.md "Readiness of an employee for a role on date D" and "Promotion path", read through
``app.services.readiness`` (the catalogue snapshot and the facts) and the pure core. The what-if
mode assumes the ticked planned actions done on their due dates (``core.apply_actions``) and
evaluates on the chosen date. Readiness is advisory: the plan recommends, people decide.

Choices made where docs/RULES.md is silent (docs/DECISIONS.md "Readiness screens"):

- The default role is the next rung above the current role; at the top of the ladder it is the
  current role (does the person still meet it?). Anyone may look at any role.
- The promotion path goes to the top of the ladder unless another role above the current one
  is picked for it (``path_to``); a picked role at or below the current level says so.
- The planned actions offered in the what-if are those of the readiness result for the chosen
  role on the as-of date. A ticked course brings the prerequisites of its chain with it.
- The what-if date defaults to the day the last ticked action is due (when everything ticked is
  done); a date before the as-of date is refused. Actions due after the chosen date do not count
  yet and are listed as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app import readiness as core
from app.clock import today
from app.kernel.errors import Invalid, NotFound
from app.kernel.fields import to_date
from app.kernel.words import plural
from app.readiness.vocabulary import KIND_LABELS
from app.services.readiness.catalogue import (
    CatalogueSnapshot,
    describe,
    load_catalogue,
    next_role_code,
)
from app.services.readiness.facts import load_facts
from app.services.readiness.seats import seat_plan

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)


class PlanInputError(Invalid):
    """A plan request with bad fields; ``errors`` maps each field to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(" ".join(m for msgs in errors.values() for m in msgs), errors)


class NoRoles(NotFound):
    """The catalogue has no job role to evaluate readiness for."""


@dataclass(frozen=True)
class PlanRequest:
    """What the person asked to see (typed: the view or the API parses strings into this)."""

    role: str | None = None
    as_of: date | None = None
    planned: tuple[str, ...] = ()
    whatif_on: date | None = None
    path_to: str | None = None


@dataclass(frozen=True)
class PlannedAction:
    """A gap-closing action offered in the what-if, with the key its checkbox carries."""

    key: str
    action: core.Action
    label: str
    requirement: str  # human name of the requirement it closes


@dataclass(frozen=True)
class WhatIf:
    """The projection with the ticked actions done, next to the same date without them."""

    on: date
    ticked: tuple[PlannedAction, ...]
    not_done_yet: tuple[PlannedAction, ...]  # ticked, but due after ``on``
    without: core.ReadinessResult
    with_actions: core.ReadinessResult

    @property
    def score_change(self) -> float:
        return round(self.with_actions.score - self.without.score, 1)


@dataclass(frozen=True)
class RequirementLine:
    """A requirement of the plan, described for people."""

    result: core.RequirementResult
    name: str
    kind_label: str
    required: str
    actual: str


@dataclass(frozen=True)
class DevelopmentPlan:
    employee_id: int
    current_role: str | None
    role: str
    role_title: str
    next_role: str | None
    as_of: date
    readiness: core.ReadinessResult
    requirements: tuple[RequirementLine, ...]
    path: core.PromotionPath | None
    path_note: str | None
    roles: tuple[tuple[str, str, int], ...]  # (code, title, level) of the ladder
    planned_actions: tuple[PlannedAction, ...]
    whatif: WhatIf | None
    names: Mapping[tuple[str, str], str]
    ready_threshold: float = 90.0
    path_choices: tuple[str, ...] = ()  # roles above the current one, lowest first

    @property
    def total_cost(self) -> Decimal:
        return self.path.total_cost if self.path else Decimal("0.00")

    def role_title_of(self, code: str | None) -> str:
        if code is None:
            return "no role"
        return dict((c, t) for c, t, _ in self.roles).get(code, code)


def action_key(action: core.Action) -> str:
    """The checkbox value of an action: enrolling in and renewing a course are one step."""
    kind, target = action.key
    return f"{kind}:{target}"


def read_date(text: str, label: str) -> tuple[date | None, str | None]:
    """A date typed as YYYY-MM-DD between 1900 and 2199: (the date, None), or (None, what to
    fix). Blank is (None, None)."""
    if not text:
        return None, None
    value = to_date(text)  # YYYY-MM-DD only: no week dates, no compact forms
    if value is None:
        return None, f"{label}: enter a date as YYYY-MM-DD, for example 2027-01-31."
    if not MIN_DATE <= value <= MAX_DATE:
        return None, f"{label}: pick a date between 1900 and 2199."
    return value, None


def parse_request(args: Mapping[str, object]) -> tuple[PlanRequest, dict[str, list[str]]]:
    """Read role, as_of, plan (list) and whatif_on from strings; bad fields become errors.

    Each bad field falls back to its default, so the page still answers, with the message tied
    to the field.
    """
    errors: dict[str, list[str]] = {}

    def one(name: str) -> str:
        value = args.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return str(value or "").strip()[:40]

    def parse_date(name: str, label: str) -> date | None:
        value, message = read_date(one(name), label)
        if message:
            errors[name] = [message]
        return value

    raw = args.get("plan", ())
    values: list[object] = list(raw) if isinstance(raw, list | tuple) else [raw] if raw else []
    planned = tuple(dict.fromkeys(str(p).strip()[:120] for p in values if str(p).strip()))[:50]
    request = PlanRequest(
        role=one("role") or None,
        as_of=parse_date("as_of", "As of"),
        planned=planned,
        whatif_on=parse_date("whatif_on", "What-if date"),
        path_to=one("path_to") or None,
    )
    return request, errors


def _required(req: core.Requirement) -> str:
    if req.kind == "competency":
        return f"level {req.min_level} or more"
    if req.kind == "assessment":
        return f"score {req.min_score:g} or more" if req.min_score is not None else "a valid result"
    if req.kind == "tenure":
        return plural(req.min_months or 0, "month")
    if req.kind == "certification":
        return "valid"
    if req.kind == "background_check":
        return "clear"
    return "completed"


def _actual(result: core.RequirementResult) -> str:
    value = result.actual
    kind = result.requirement.kind
    if value is None:
        return "none on record"
    if kind == "competency":
        return f"level {value}"
    if kind == "tenure":
        return f"{value} months"
    if kind == "assessment":
        # two decimals, as the record shows it (4.09, never 4.089)
        return f"score {value:.2f}" if isinstance(value, float | int) else str(value)
    if isinstance(value, date):
        return f"completed {value.isoformat()}"
    return str(value).replace("_", " ")


def _planned_actions(
    readiness: core.ReadinessResult, snapshot: CatalogueSnapshot
) -> tuple[PlannedAction, ...]:
    offered = []
    for action in readiness.actions:
        owner = next(
            (
                r
                for r in readiness.requirements
                if any(action_key(a) == action_key(action) for a in r.actions)
            ),
            None,
        )
        name = (
            describe(owner.requirement.kind, owner.requirement.target, snapshot)
            if owner
            else action.target
        )
        offered.append(
            PlannedAction(
                key=action_key(action),
                action=action,
                label=action.description or f"{action.kind} {action.target}",
                requirement=name,
            )
        )
    return tuple(offered)


def _with_prerequisites(keys: Iterable[str], readiness: core.ReadinessResult) -> set[str]:
    """The ticked keys plus the earlier actions of each ticked action's chain."""
    chosen = set(keys)
    for r in readiness.requirements:
        chain = [action_key(a) for a in r.actions]
        for index, key in enumerate(chain):
            if key in chosen:
                chosen.update(chain[:index])
    return chosen


def development_plan(employee_id: int, request: PlanRequest | None = None) -> DevelopmentPlan:
    """The plan of one employee for the requested role and date, with the what-if if asked.

    Raises ``PlanInputError`` for an unknown role or a what-if date before the as-of date.
    """
    request = request or PlanRequest()
    snapshot = load_catalogue()
    as_of = request.as_of or today()
    facts = load_facts([employee_id], as_of=as_of).get(employee_id)
    if facts is None:
        raise NotFound(f"No employee {employee_id}.")  # callers check visibility first
    current = facts.role
    next_role = next_role_code(current, snapshot)
    errors: dict[str, list[str]] = {}
    role_code = request.role or next_role or current
    if role_code not in snapshot.roles:
        if request.role:
            errors["role"] = [f"Role: {request.role!r} is not a role of the ladder; pick one."]
        else:
            raise NoRoles("The catalogue has no job roles yet, so there is no readiness to show.")
    if request.whatif_on is not None and request.whatif_on < as_of:
        errors["whatif_on"] = ["What-if date: pick a date on or after the as-of date."]
    if request.path_to is not None and request.path_to not in snapshot.roles:
        errors["path_to"] = [f"Path to: {request.path_to!r} is not a role of the ladder; pick one."]
    if errors:
        raise PlanInputError(errors)
    assert role_code is not None
    planned_seats = seat_plan(as_of)
    snapshot = planned_seats.view
    facts = planned_seats.facts_for(facts)
    role = snapshot.roles[role_code]
    config = snapshot.config
    readiness = snapshot.evaluate(facts, role, as_of)
    lines = tuple(
        RequirementLine(
            result=r,
            name=describe(r.requirement.kind, r.requirement.target, snapshot),
            kind_label=KIND_LABELS.get(r.requirement.kind, r.requirement.kind),
            required=_required(r.requirement),
            actual=_actual(r),
        )
        for r in readiness.requirements
    )
    path, note = _path(facts, request.path_to, snapshot, as_of)
    offered = _planned_actions(readiness, snapshot)
    whatif = _whatif(facts, role, readiness, offered, request, snapshot)
    levels = snapshot.role_levels
    return DevelopmentPlan(
        employee_id=employee_id,
        current_role=current,
        role=role_code,
        role_title=snapshot.role_titles.get(role_code, role_code),
        next_role=next_role,
        as_of=as_of,
        readiness=readiness,
        requirements=lines,
        path=path,
        path_note=note,
        roles=tuple(
            (code, snapshot.role_titles[code], levels[code])
            for code in sorted(levels, key=lambda c: (levels[c], c))
        ),
        planned_actions=offered,
        whatif=whatif,
        names=snapshot.names,
        ready_threshold=config.ready_threshold,
        path_choices=tuple(
            code
            for code in sorted(levels, key=lambda c: (levels[c], c))
            if current is None or levels[code] > levels.get(current, 0)
        ),
    )


def _path(
    facts: core.EmployeeFacts,
    chosen: str | None,
    snapshot: CatalogueSnapshot,
    as_of: date,
) -> tuple[core.PromotionPath | None, str | None]:
    """The path to the chosen role when it is above the current one, else to the top."""
    levels = snapshot.role_levels
    if facts.role is None:
        return None, "No current role on record, so there is no promotion path to walk."
    current_level = levels.get(facts.role, 0)
    if chosen is not None and levels.get(chosen, 0) <= current_level:
        return None, (
            f"{snapshot.role_titles.get(chosen, chosen)} is not above the current role: "
            "pick a higher role for the promotion path."
        )
    if chosen is not None:
        target = chosen
    else:
        reachable = [
            code
            for code in levels
            if levels[code] > current_level
            and core.shortest_chains(facts.role, code, snapshot.ladder, limit=1)
        ]
        if not reachable:
            return None, "Already at the top of the ladder: there is no promotion above this role."
        target = max(reachable, key=lambda c: (levels[c], c))
    path = core.plan_path(
        facts, target, snapshot.roles, snapshot.ladder, snapshot.catalogue, as_of, snapshot.config
    )
    return path, path.reason


def _whatif(
    facts: core.EmployeeFacts,
    role: core.Role,
    readiness: core.ReadinessResult,
    offered: tuple[PlannedAction, ...],
    request: PlanRequest,
    snapshot: CatalogueSnapshot,
) -> WhatIf | None:
    known = {p.key: p for p in offered}
    keys = _with_prerequisites((k for k in request.planned if k in known), readiness)
    ticked = tuple(p for p in offered if p.key in keys)
    if not ticked and request.whatif_on is None:
        return None
    on = request.whatif_on or max(p.action.due_on for p in ticked)
    on = max(on, readiness.as_of)
    catalogue, config = snapshot.catalogue, snapshot.config
    planned = core.apply_actions(facts, (p.action for p in ticked), catalogue, config)
    return WhatIf(
        on=on,
        ticked=ticked,
        not_done_yet=tuple(p for p in ticked if p.action.due_on > on),
        without=snapshot.evaluate(facts, role, on),
        with_actions=snapshot.evaluate(planned, role, on),
    )
