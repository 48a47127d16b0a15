"""The 9-box grid of a review period, and calibration (docs/RULES.md "Talent review grid").

People are placed by their talent review (performance 1-3 across, potential 1-3 up). Managers
see the people below them, HR anyone, by department. Each person is a card: role, months in
the role, readiness for the next role (score and band, evaluated in bulk: one catalogue
snapshot, one facts load) and a flag when a mandatory gate fails. HR moves a person to another
box with a reason: the move is kept (from, to, reason, who, when) and audited, the review
takes the new box, and the grid shows the person as moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import readiness as core
from app.clock import today
from app.extensions import db
from app.models import Department, Employee, JobRole, TalentCalibration, TalentReview, User
from app.policy import talent as may
from app.readiness.dates import whole_months_between
from app.readiness.vocabulary import BAND_LABELS
from app.services.readiness.bench import population_for
from app.services.readiness.catalogue import load_catalogue, next_role_code
from app.services.readiness.facts import collector_paused, load_facts
from app.services.records.talent_reviews import NINE_BOX
from app.services.talent.errors import (
    TalentConflict,
    TalentFields,
    TalentForbidden,
    talent_write,
)

LEVELS = (1, 2, 3)
REASON_MAX = 1000


def box_names() -> dict[tuple[int, int], str]:
    """Each box's name, (performance, potential): the defaults, or NINE_BOX_NAMES (cfg), a
    mapping like {"3x3": "Future leader"} in the instance configuration."""
    names = dict(NINE_BOX)
    for key, name in dict(current_app.config.get("NINE_BOX_NAMES") or {}).items():
        perf, _, pot = str(key).partition("x")
        if perf.isdigit() and pot.isdigit() and (int(perf), int(pot)) in names and name:
            names[(int(perf), int(pot))] = str(name)[:60]
    return names


@dataclass(frozen=True)
class Card:
    """One person on the grid."""

    employee_id: int
    review_id: int
    name: str
    department: str
    role: str
    months_in_role: int | None
    performance: int
    potential: int
    next_role: str | None
    score: float | None
    band: str | None
    gate_failed: bool
    moved: bool

    @property
    def band_label(self) -> str:
        return BAND_LABELS.get(self.band or "", "")


@dataclass(frozen=True)
class Grid:
    """A period's grid for one caller: cards by box, in name order."""

    period: str | None
    periods: tuple[str, ...]
    department: str | None
    departments: tuple[tuple[str, str], ...]
    names: dict[tuple[int, int], str]
    cards: tuple[Card, ...] = ()
    boxes: dict[tuple[int, int], list[Card]] = field(default_factory=dict)

    def box(self, performance: int, potential: int) -> list[Card]:
        return self.boxes.get((performance, potential), [])

    def pages(self) -> list[tuple[str, Grid]]:
        """The grid department by department (the PDF's pages)."""
        found: dict[str, list[Card]] = {}
        for card in self.cards:
            found.setdefault(card.department, []).append(card)
        return [
            (name, replace(self, cards=tuple(cards), boxes=_boxes(cards)))
            for name, cards in sorted(found.items())
        ]


def _boxes(cards: Iterable[Card]) -> dict[tuple[int, int], list[Card]]:
    boxes: dict[tuple[int, int], list[Card]] = {}
    for card in cards:
        boxes.setdefault((card.performance, card.potential), []).append(card)
    return boxes


def periods() -> tuple[str, ...]:
    """Every review period with a placement, newest first."""
    rows = db.session.scalars(select(TalentReview.period).distinct())
    return tuple(sorted(rows, reverse=True))


def departments() -> tuple[tuple[str, str], ...]:
    rows = db.session.execute(select(Department.code, Department.name).order_by(Department.name))
    return tuple((code, name) for code, name in rows)


def _readiness(
    people: list[Employee], as_of: date
) -> dict[int, tuple[str | None, core.ReadinessResult | None]]:
    """Each person's next role and their readiness for it: one snapshot, one facts load."""
    snapshot = load_catalogue()
    with collector_paused():
        facts = load_facts([p.id for p in people], as_of=as_of)
    found: dict[int, tuple[str | None, core.ReadinessResult | None]] = {}
    for person in people:
        current = person.job_role.code if person.job_role else None
        target = next_role_code(current, snapshot)
        role = snapshot.roles.get(target) if target else None
        if role is None or person.id not in facts:
            found[person.id] = (target, None)
            continue
        result = snapshot.evaluate(facts[person.id], role, as_of)
        found[person.id] = (target, result)
    return found


def _card(
    review: TalentReview, person: Employee, moved: set[int], readiness: Any, as_of: date
) -> Card:
    target, result = readiness
    since = person.role_since or person.hire_date
    return Card(
        employee_id=person.id,
        review_id=review.id,
        name=person.name,
        department=person.department.name if person.department else "No department",
        role=person.job_role.title if person.job_role else "No role",
        months_in_role=whole_months_between(since, as_of) if since and since <= as_of else None,
        performance=review.performance,
        potential=review.potential,
        next_role=target,
        score=result.score if result else None,
        band=str(result.band) if result else None,
        gate_failed=bool(result and not result.gates_met),
        moved=review.id in moved,
    )


def grid(user: User | None, period: str | None, department: str | None = None) -> Grid:
    """The grid of ``period`` (default: the newest) for ``user``: hr anyone, a manager the
    people below them; ``department`` (a code) narrows it."""
    known = periods()
    chosen = period if period in known else (known[0] if known and not period else None)
    names = box_names()
    base = Grid(chosen, known, department, departments(), names)
    if chosen is None or not may.sees_grid(user):
        return base
    as_of = today()
    rows = db.session.execute(
        select(TalentReview, Employee)
        .join(Employee, Employee.id == TalentReview.employee_id)
        .where(TalentReview.period == chosen, Employee.id.in_(population_for(user, department)))
        .options(
            joinedload(Employee.job_role).lazyload(JobRole.requirements),
            joinedload(Employee.department),
        )
        .order_by(Employee.name, Employee.id)
    ).all()
    moved = set(
        db.session.scalars(
            select(TalentCalibration.review_id).where(TalentCalibration.period == chosen)
        )
    )
    readiness = _readiness([person for _, person in rows], as_of)
    cards = tuple(
        _card(review, person, moved, readiness[person.id], as_of) for review, person in rows
    )
    return Grid(chosen, known, department, base.departments, names, cards, _boxes(cards))


# ----------------------------------------------------------------------------- calibration


@talent_write
def calibrate(
    review: TalentReview, performance: Any, potential: Any, reason: Any, *, actor: User | None
) -> TalentCalibration:
    """Move a person to another box with a reason; the earlier box is kept in the move."""
    if actor is not None and not may.calibrates(actor, review.employee_id):
        raise TalentForbidden("Only HR calibrates the grid, and never their own placement.")
    fields = TalentFields()
    perf = fields.integer("performance", performance, "performance", minimum=1, maximum=3)
    pot = fields.integer("potential", potential, "potential", minimum=1, maximum=3)
    why = fields.text(
        "reason",
        reason,
        "reason",
        max_length=REASON_MAX,
        multiline=True,
        missing="Give the reason for the move; it is kept with it.",
    )
    fields.raise_if_any()
    assert perf is not None and pot is not None and why is not None
    if (perf, pot) == (review.performance, review.potential):
        raise TalentConflict.on("performance", "The person is in that box already.")
    move = TalentCalibration(
        employee_id=review.employee_id,
        review_id=review.id,
        period=review.period,
        from_performance=review.performance,
        from_potential=review.potential,
        to_performance=perf,
        to_potential=pot,
        reason=why,
        moved_by_user_id=actor.id if actor is not None else None,
    )
    db.session.add(move)
    review.performance = perf
    review.potential = pot
    return move


def moves_of(period: str, employee_ids: Iterable[int]) -> dict[int, list[TalentCalibration]]:
    """The calibration moves of a period, per person, oldest first."""
    ids = list(employee_ids)
    found: dict[int, list[TalentCalibration]] = {}
    if not ids:
        return found
    rows = db.session.scalars(
        select(TalentCalibration)
        .where(TalentCalibration.period == period, TalentCalibration.employee_id.in_(ids))
        .order_by(TalentCalibration.moved_at, TalentCalibration.id)
    )
    for move in rows:
        found.setdefault(move.employee_id, []).append(move)
    return found


# ----------------------------------------------------------------------------- output

CSV_HEADER = (
    "period",
    "department",
    "name",
    "role",
    "months_in_role",
    "performance",
    "potential",
    "box",
    "next_role",
    "next_role_score",
    "next_role_band",
    "mandatory_gate_failed",
    "moved",
)


def csv_rows(shown: Grid) -> list[tuple[Any, ...]]:
    """One row per person (the CSV download)."""
    return [
        (
            shown.period,
            c.department,
            c.name,
            c.role,
            c.months_in_role,
            c.performance,
            c.potential,
            shown.names[(c.performance, c.potential)],
            c.next_role or "",
            "" if c.score is None else f"{c.score:.1f}",
            c.band_label,
            "yes" if c.gate_failed else "no",
            "yes" if c.moved else "no",
        )
        for c in shown.cards
    ]


def grid_to_dict(shown: Grid) -> dict[str, Any]:
    """The API answer (docs/API.md "Talent"): the nine boxes with their people."""
    return {
        "period": shown.period,
        "periods": list(shown.periods),
        "department": shown.department,
        "boxes": [
            {
                "performance": perf,
                "potential": pot,
                "name": shown.names[(perf, pot)],
                "people": [
                    {
                        "employee_id": c.employee_id,
                        "name": c.name,
                        "department": c.department,
                        "role": c.role,
                        "months_in_role": c.months_in_role,
                        "next_role": c.next_role,
                        "next_role_score": c.score,
                        "next_role_band": c.band,
                        "mandatory_gate_failed": c.gate_failed,
                        "moved": c.moved,
                    }
                    for c in shown.box(perf, pot)
                ],
            }
            for pot in (3, 2, 1)
            for perf in LEVELS
        ],
    }
