"""Competency ratings: hr and a person's managers rate, a person rates themselves (shown, never
counted); hr corrects and deletes (docs/RULES.md "Competencies")."""

from __future__ import annotations

from typing import Any

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import back, bp, catalogue_choices, delete, form_page, text, user
from app.clock import today
from app.kernel.forms import current, options
from app.models import Competency, CompetencyRating, Employee
from app.policy import permission
from app.policy import records as may
from app.services import records
from app.services.records import queries

RATING = may.record(CompetencyRating, "ratings", arg="rating_id", name="rating")


@bp.route("/employees/<int:employee_id>/ratings/new", methods=["GET", "POST"])
@permission("authenticated", policy.employee("ratings"), may.then("employee", may.rates))
def new_rating(employee: Employee) -> Any:
    rater = user()
    sources = records.allowed_rating_sources(rater, employee)
    form = forms.RatingForm()
    form.competency.choices = catalogue_choices(Competency)
    form.source.choices = options([(s, s.replace("_", " ")) for s in sources])

    def save() -> tuple[str, str]:
        records.record_rating(
            employee,
            form.competency.data,
            form.level.data,
            form.rated_on.data,
            form.source.data,
            text(form.evidence.data),
            actor=rater,
        )
        return "The rating was saved.", back(employee, "ratings-h")

    own = policy.is_self(rater, employee)
    return form_page(
        form,
        save=save,
        initial={"rated_on": today(), "level": 2},
        title="Rate your own competencies" if own else f"Rate {employee.name}",
        employee=employee,
        fields=["competency", "level", "rated_on", "source", "evidence"],
        intro=(
            "Self-ratings are shown on your record but never count toward readiness."
            if own
            else "Levels follow the OPM scale, 0 (not needed) to 5 (expert)."
        ),
    )


@bp.route("/ratings/<int:rating_id>/edit", methods=["GET", "POST"])
@permission("hr", RATING)
def edit_rating(rating: CompetencyRating) -> Any:
    employee = queries.employee_of(rating)
    form = forms.RatingEditForm()

    def save() -> tuple[str, str]:
        records.update_rating(
            rating,
            form.level.data,
            form.rated_on.data,
            text(form.evidence.data),
            actor=user(),
            expected_version=form.version.data,
        )
        return "The rating was updated.", back(employee, "ratings-h")

    return form_page(
        form,
        save=save,
        initial=current(rating, "level", "rated_on", "evidence", "version"),
        title=f"Edit the {rating.competency.name} rating ({rating.source}) of {employee.name}",
        employee=employee,
        fields=["level", "rated_on", "evidence"],
    )


@bp.route("/ratings/<int:rating_id>/delete", methods=["POST"])
@permission("hr", RATING)
def delete_rating(rating: CompetencyRating) -> Any:
    return delete(rating, "The rating was deleted.", "ratings-h")
