"""Talent reviews: the 9-box, performance 1-3 x potential 1-3, one per review period."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from app import policy
from app.extensions import db
from app.models import Employee, TalentReview, User
from app.services.records.common import RecordFields, actor_id, unit_of_work
from app.services.records.errors import RecordConflict, RecordForbidden

PERIOD = re.compile(r"^\d{4}(-(H[12]|Q[1-4]))?$")
NINE_BOX = {
    # (performance, potential): the box's name
    (1, 1): "Under-performer",
    (2, 1): "Effective",
    (3, 1): "Trusted professional",
    (1, 2): "Inconsistent",
    (2, 2): "Core contributor",
    (3, 2): "High performer",
    (1, 3): "Rough diamond",
    (2, 3): "Emerging talent",
    (3, 3): "Future leader",
}


def nine_box_name(performance: int, potential: int) -> str:
    return NINE_BOX.get((performance, potential), "")


def _validate_review(
    period: Any, performance: Any, potential: Any, notes: Any
) -> tuple[str | None, int | None, int | None, str | None]:
    fields = RecordFields()
    text = fields.text("period", period, "review period", max_length=20)
    if text is not None:
        text = text.upper()
        if not PERIOD.match(text):
            fields.add("period", f"{text!r} is not a period like 2026, 2026-H1 or 2026-Q3.")
            text = None
    perf = fields.whole("performance", performance, "performance", 1, 3)
    pot = fields.whole("potential", potential, "potential", 1, 3)
    remark = fields.text("notes", notes, "notes", max_length=2000, required=False, multiline=True)
    fields.raise_if_any()
    return text, perf, pot, remark


def _may_review(actor: User | None, employee: Employee) -> None:
    if actor is not None and not policy.can_edit(actor, employee, "talent_review"):
        raise RecordForbidden(
            "Talent reviews are recorded by HR or by a manager for the people they manage."
        )


@unit_of_work
def record_talent_review(
    employee: Employee,
    period: str,
    performance: int | str,
    potential: int | str,
    notes: str | None = None,
    *,
    actor: User | None,
) -> TalentReview:
    """A 9-box talent review: performance 1-3 x potential 1-3, one per review period."""
    _may_review(actor, employee)
    text, perf, pot, remark = _validate_review(period, performance, potential, notes)
    clash = db.session.scalar(
        select(TalentReview.id).where(
            TalentReview.employee_id == employee.id, TalentReview.period == text
        )
    )
    if clash is not None:
        raise RecordConflict.on(
            "period", f"{employee.name} already has a talent review for {text}; edit that one."
        )
    review = TalentReview(
        employee_id=employee.id,
        period=text,
        performance=perf,
        potential=pot,
        notes=remark,
        reviewed_by_user_id=actor_id(actor),
    )
    db.session.add(review)
    return review


@unit_of_work
def update_talent_review(
    review: TalentReview,
    performance: int | str,
    potential: int | str,
    notes: str | None = None,
    *,
    actor: User | None,
) -> TalentReview:
    employee = db.session.get(Employee, review.employee_id)
    assert employee is not None
    _may_review(actor, employee)
    _, perf, pot, remark = _validate_review(review.period, performance, potential, notes)
    review.performance = perf  # type: ignore[assignment]
    review.potential = pot  # type: ignore[assignment]
    review.notes = remark
    review.reviewed_by_user_id = actor_id(actor)
    return review
