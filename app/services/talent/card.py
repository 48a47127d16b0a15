"""The talent card on a person's page (docs/RULES.md "Talent review grid (9-box)", the card):
readiness for every role up the ladder, the latest 9-box placement, the latest 360 by group,
tenure, and certifications expiring soon, in one compact block.

Facts and the catalogue load once (one snapshot, one facts load); the ladder is walked up
from the current role through the first rung above each role, at most ``MAX_RUNGS`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.clock import today
from app.extensions import db
from app.models import (
    Assessment,
    Completion,
    Employee,
    FeedbackRound,
    Instrument,
    TalentReview,
    User,
)
from app.policy import talent as may
from app.readiness.aggregate360 import GroupResult
from app.readiness.dates import whole_months_between
from app.readiness.vocabulary import BAND_LABELS
from app.services import settings
from app.services.readiness.catalogue import next_role_code
from app.services.readiness.facts import load_facts
from app.services.readiness.seats import seat_plan
from app.services.records.assessments import assessment_view
from app.services.talent.grid import box_names
from app.services.talent.views import rounds_of

MAX_RUNGS = 6


@dataclass(frozen=True)
class Rung:
    """Readiness for one role up the ladder."""

    role: str
    title: str
    score: float
    band: str
    gates_met: bool

    @property
    def band_label(self) -> str:
        return BAND_LABELS[self.band]


@dataclass(frozen=True)
class TalentCard:
    employee: Employee
    tenure_months: int | None
    months_in_role: int | None
    ladder: tuple[Rung, ...]
    placement: TalentReview | None
    box: str | None
    latest_360: Assessment | None
    groups: tuple[GroupResult, ...]
    expiring: tuple[Completion, ...]  # verified, expiring within the window, with the course
    rounds: tuple[FeedbackRound, ...] = ()


def _months(since: date | None, on: date) -> int | None:
    return whole_months_between(since, on) if since and since <= on else None


def _ladder(employee: Employee, on: date) -> tuple[Rung, ...]:
    planned = seat_plan(on)
    snapshot = planned.view  # the same seats, dates and bands as the bench and the plan
    loaded = load_facts([employee.id], as_of=on).get(employee.id)
    if loaded is None:
        return ()
    facts = planned.facts_for(loaded)
    rungs: list[Rung] = []
    current = employee.job_role.code if employee.job_role else None
    seen: set[str] = set()
    while len(rungs) < MAX_RUNGS:
        target = next_role_code(current, snapshot)
        if target is None or target in seen or target not in snapshot.roles:
            break
        seen.add(target)
        role = snapshot.roles[target]
        result = snapshot.evaluate(facts, role, on)
        rungs.append(Rung(target, role.title, result.score, str(result.band), result.gates_met))
        current = target
    return tuple(rungs)


def _latest_360(employee: Employee) -> Assessment | None:
    return db.session.scalar(
        select(Assessment)
        .join(Instrument, Instrument.id == Assessment.instrument_id)
        .where(Assessment.employee_id == employee.id, Instrument.kind == "360")
        .options(joinedload(Assessment.instrument))
        .order_by(Assessment.conducted_on.desc(), Assessment.id.desc())
        .limit(1)
    )


def _expiring(employee: Employee, on: date) -> tuple[Completion, ...]:
    horizon = on + timedelta(days=int(settings.get("expiring_window_days")))
    rows = db.session.scalars(
        select(Completion)
        .where(
            Completion.employee_id == employee.id,
            Completion.verification == "verified",
            Completion.expires_on.is_not(None),
            Completion.expires_on > on,
            Completion.expires_on <= horizon,
        )
        .options(joinedload(Completion.course))
        .order_by(Completion.expires_on)
    )
    return tuple(rows)


def talent_card(employee: Employee, user: User | None) -> TalentCard:
    """The card of ``employee`` as ``user`` sees it (the caller checked they see the person's
    readiness and assessments); self 360 results only for the person and hr."""
    on = today()
    placement = db.session.scalar(
        select(TalentReview)
        .where(TalentReview.employee_id == employee.id)
        .order_by(TalentReview.period.desc())
        .limit(1)
    )
    latest = _latest_360(employee)
    groups: tuple[GroupResult, ...] = ()
    if latest is not None:
        view = assessment_view(latest)
        sees_self = may.sees_self_responses(user, employee)
        if view.result is not None:
            groups = tuple(
                g for g in view.result.groups if g.responses and (sees_self or g.group != "self")
            )
    return TalentCard(
        employee=employee,
        tenure_months=_months(employee.hire_date, on),
        months_in_role=_months(employee.role_since or employee.hire_date, on),
        ladder=_ladder(employee, on),
        placement=placement,
        box=box_names()[(placement.performance, placement.potential)] if placement else None,
        latest_360=latest,
        groups=groups,
        expiring=_expiring(employee, on),
        rounds=tuple(rounds_of(employee)[:5]),
    )
