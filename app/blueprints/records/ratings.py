"""Competency ratings: hr and a person's managers rate, a person rates themselves (shown, never
counted); hr corrects and deletes (docs/RULES.md "Competencies")."""

from __future__ import annotations

from typing import Any

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import (
    bp,
    catalogue_choices,
    record_page,
    submitted,
    user,
)
from app.clock import today
from app.kernel.forms import options
from app.models import Competency, Employee
from app.policy import permission
from app.policy import records as may
from app.services import records


@bp.route("/employees/<int:employee_id>/ratings/new", methods=["GET", "POST"])
@permission("authenticated", policy.employee("ratings"), may.then("employee", may.rates))
def new_rating(employee: Employee) -> Any:
    rater = user()
    sources = records.allowed_rating_sources(rater, employee)
    form = forms.RatingForm()
    form.competency.choices = catalogue_choices(Competency)
    form.source.choices = options([(s, s.replace("_", " ")) for s in sources])

    fields = ["competency", "level", "rated_on", "source", "evidence"]
    own = policy.is_self(rater, employee)
    return record_page(
        form,
        employee,
        write=lambda: records.record_rating(employee, *submitted(form, fields), actor=rater),
        done="The rating was saved.",
        anchor="ratings-h",
        initial={"rated_on": today(), "level": 2},
        title="Rate your own competencies" if own else f"Rate {employee.name}",
        fields=fields,
        intro=(
            "Self-ratings are shown on your record but never count toward readiness."
            if own
            else "Levels follow the OPM scale, 0 (not needed) to 5 (expert)."
        ),
    )
