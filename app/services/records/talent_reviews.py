"""Talent reviews: the 9-box, performance 1-3 x potential 1-3, one per review period."""

from __future__ import annotations

import re
from typing import Any

from app import policy
from app.extensions import db
from app.kernel.fields import assign
from app.models import Employee, TalentReview, User
from app.services.records.common import (
    RecordFields,
    actor_id,
    add_record,
    other_record,
    unit_of_work,
)
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


def _validate_review(period: Any, performance: Any, potential: Any, notes: Any) -> dict[str, Any]:
    """A review's period, placement and notes, checked: what a new review and an edit set."""
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
    return {"period": text, "performance": perf, "potential": pot, "notes": remark}


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
    values = _validate_review(period, performance, potential, notes)
    text = values["period"]
    if other_record(TalentReview, employee, None, TalentReview.period == text) is not None:
        raise RecordConflict.on(
            "period", f"{employee.name} already has a talent review for {text}; edit that one."
        )
    return add_record(TalentReview, employee, {**values, "reviewed_by_user_id": actor_id(actor)})


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
    values = _validate_review(review.period, performance, potential, notes)
    del values["period"]  # a review's period stays: a new period is a new review
    return assign(review, {**values, "reviewed_by_user_id": actor_id(actor)})
