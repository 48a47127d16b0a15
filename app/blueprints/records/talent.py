"""Talent reviews (the 9-box): a person's managers and hr place them by performance and
potential for a period; hr deletes (docs/RULES.md "Talent reviews")."""

from __future__ import annotations

from datetime import date
from typing import Any

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import bp, record_page, submitted, user
from app.blueprints.records.loads import REVIEW
from app.clock import today
from app.kernel.forms import current
from app.models import Employee, TalentReview
from app.policy import permission
from app.policy import records as may
from app.services import records
from app.services.records import queries

REVIEW_FIELDS = ["period", "performance", "potential", "notes"]


def _default_period(on: date) -> str:
    return f"{on.year}-H{1 if on.month <= 6 else 2}"


def _review_page(employee: Employee, review: TalentReview | None) -> Any:
    """The 9-box form of ``employee``: a new review, or ``review`` changed (its period stays:
    a new period is a new review)."""
    form = forms.TalentReviewForm()
    if review is None:
        return record_page(
            form,
            employee,
            write=lambda: records.record_talent_review(
                employee, *submitted(form, REVIEW_FIELDS), actor=user()
            ),
            done="The talent review was saved.",
            anchor="assess-h",
            initial={"period": _default_period(today()), "performance": 2, "potential": 2},
            title=f"Talent review (9-box) for {employee.name}",
            fields=REVIEW_FIELDS,
            hints={"period": "A year, half or quarter: 2026, 2026-H2 or 2026-Q4."},
            intro="Place the person on the 9-box: performance 1–3 by potential 1–3.",
        )
    changeable = REVIEW_FIELDS[1:]

    def show_period() -> None:
        form.period.data = review.period
        form.period.render_kw = {"readonly": True}

    def change() -> object:
        return records.update_talent_review(review, *submitted(form, changeable), actor=user())

    return record_page(
        form,
        employee,
        write=change,
        done="The talent review was updated.",
        anchor="assess-h",
        initial=current(review, *changeable),
        before_render=show_period,
        title=f"Edit the {review.period} talent review of {employee.name}",
        fields=REVIEW_FIELDS,
    )


@bp.route("/employees/<int:employee_id>/talent-reviews/new", methods=["GET", "POST"])
@permission("authenticated", policy.employee("assessments"), may.editing("talent_review"))
def new_talent_review(employee: Employee) -> Any:
    return _review_page(employee, None)


@bp.route("/talent-reviews/<int:review_id>/edit", methods=["GET", "POST"])
@permission("authenticated", REVIEW, may.editing("talent_review", name="review"))
def edit_talent_review(review: TalentReview) -> Any:
    return _review_page(queries.employee_of(review), review)
