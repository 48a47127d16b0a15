"""Training completions: hr records and corrects them; a person reports their own course with
evidence, which stays pending until hr verifies it (docs/RULES.md "Training")."""

from __future__ import annotations

from typing import Any

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import (
    back,
    bp,
    catalogue_choices,
    form_page,
    text,
    user,
)
from app.clock import today
from app.models import Course, Employee
from app.policy import permission
from app.policy import records as may
from app.services import records, uploads


@bp.route("/employees/<int:employee_id>/completions/new", methods=["GET", "POST"])
@permission("hr", policy.employee("training"))
def new_completion(employee: Employee) -> Any:
    form = forms.CompletionForm()
    form.course.choices = catalogue_choices(Course, "title")

    def save() -> tuple[str, str]:
        completion = records.record_completion(
            employee, form.course.data, form.completed_on.data, text(form.score.data), actor=user()
        )
        expiry = completion.expires_on.isoformat() if completion.expires_on else "never"
        return f"{completion.course.code} recorded; it expires {expiry}.", back(
            employee, "training-h"
        )

    return form_page(
        form,
        save=save,
        initial={"completed_on": today()},
        title=f"Record a completion for {employee.name}",
        employee=employee,
        fields=["course", "completed_on", "score"],
        intro="The expiry date is worked out from the course's validity.",
    )


@bp.route("/employees/<int:employee_id>/completions/report", methods=["GET", "POST"])
@permission("authenticated", policy.employee("training"), may.editing("reported_completion"))
def report_completion(employee: Employee) -> Any:
    form = forms.ReportCompletionForm()
    form.course.choices = catalogue_choices(Course, "title")

    def save() -> tuple[str, str]:
        records.report_completion(
            employee,
            form.course.data,
            form.completed_on.data,
            form.evidence.data,
            score=text(form.score.data),
            actor=user(),
        )
        return (
            "Thank you. HR will verify the completion; until then it shows as pending and "
            "does not count toward readiness.",
            back(employee, "training-h"),
        )

    limit = uploads.human_size(uploads.max_bytes())
    return form_page(
        form,
        save=save,
        initial={"completed_on": today()},
        title="Report a completed course",
        employee=employee,
        fields=["course", "completed_on", "score", "evidence"],
        intro=(
            "Attach your certificate or transcript. The completion stays pending until HR "
            "verifies it, and only a verified completion counts."
        ),
        hints={"evidence": f"PDF, PNG or JPEG, up to {limit}."},
        multipart=True,
    )
