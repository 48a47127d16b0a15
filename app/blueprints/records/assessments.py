"""Leadership assessments: a test or assessment centre scored per dimension, or a 360 whose
responses come in one by one, raters never named (docs/RULES.md "Leadership assessments")."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import CHOOSE, bp, user
from app.blueprints.records.loads import ASSESSMENT
from app.clock import today
from app.kernel.forms import apply_errors, options, refuse
from app.models import Assessment, Employee, Instrument
from app.policy import permission
from app.policy import records as may
from app.policy import talent as talent_may
from app.readiness.vocabulary import RATER_GROUPS
from app.services import records
from app.services.records import RecordError, queries


def _score_form(instrument: Instrument, for_response: bool, formdata: Any = "default") -> Any:
    dims = list(instrument.dimensions or [])
    groups = options((g, g.replace("_", " ")) for g in RATER_GROUPS) if for_response else None
    cls = forms.scores_form(dims, groups)
    form = cls() if formdata == "default" else cls(formdata=formdata)
    return form, dims


def _scores_from(form: Any, dims: list[str]) -> dict[str, str]:
    return {name: (form[f"dim_{i}"].data or "").strip() for i, name in enumerate(dims)}


def _dimension_aliases(dims: list[str], prefix: str) -> dict[str, str]:
    return {f"{prefix}.{name}": f"dim_{i}" for i, name in enumerate(dims)}


def _save_assessment(
    employee: Employee, form: Any, chosen: Instrument | None, score_form: Any, dims: list[str]
) -> Any:
    """Record the assessment; answers the page to go to, or the status of the refusal."""
    scores = _scores_from(score_form, dims) if score_form is not None else None
    try:
        assessment = records.record_assessment(
            employee,
            form.instrument.data,
            form.conducted_on.data,
            scores=scores,
            responses=[] if chosen is not None and chosen.kind == "360" else None,
            actor=user(),
        )
    except RecordError as error:
        status = refuse(form, error)
        if score_form is not None:
            apply_errors(score_form, error.errors, _dimension_aliases(dims, "scores"))
        return status
    flash(
        "The 360 was created; add the responses as they come in."
        if assessment.instrument.kind == "360"
        else f"The assessment was saved; overall {assessment.overall:.2f}.",
        "success",
    )
    return redirect(url_for("records.show_assessment", assessment_id=assessment.id))


@bp.route("/employees/<int:employee_id>/assessments/new", methods=["GET", "POST"])
@permission("hr", policy.employee("assessments"))
def new_assessment(employee: Employee) -> Any:
    form = forms.AssessmentForm()
    instruments = queries.active_instruments()
    form.instrument.choices = options(
        [CHOOSE]
        + [(i.code, f"{i.code} · {i.name} ({i.kind.replace('_', ' ')})") for i in instruments]
    )
    chosen = next((i for i in instruments if i.code == (form.instrument.data or "")), None)
    score_form, dims = (None, [])
    if chosen is not None and chosen.kind != "360":
        score_form, dims = _score_form(chosen, False)
    status = 200
    if (
        request.method == "POST"
        and form.validate_on_submit()
        and request.form.get("step") == "save"
    ):
        outcome = _save_assessment(employee, form, chosen, score_form, dims)
        if not isinstance(outcome, int):
            return outcome
        status = outcome
    elif request.method == "GET":
        form.conducted_on.data = today().isoformat()
    return (
        render_template(
            "records/assessment_new.html",
            form=form,
            employee=employee,
            chosen=chosen,
            score_form=score_form,
            dims=dims,
        ),
        status,
    )


@bp.route("/assessments/<int:assessment_id>")
@permission("authenticated", ASSESSMENT)
def show_assessment(assessment: Assessment) -> Any:
    return _assessment_page(assessment)


def _assessment_page(assessment: Assessment, response_form=None, code: int = 200) -> Any:
    employee = queries.employee_of(assessment)
    view = records.assessment_view(assessment)
    if response_form is None and assessment.instrument.kind == "360":
        response_form, _ = _score_form(assessment.instrument, True, formdata=None)
    return (
        render_template(
            "records/assessment.html",
            view=view,
            assessment=assessment,
            employee=employee,
            response_form=response_form,
            dims=list(assessment.instrument.dimensions or []),
            groups=talent_may.shown_rater_groups(user(), assessment.employee_id, view.result.groups)
            if view.result
            else (),
        ),
        code,
    )


@bp.route("/assessments/<int:assessment_id>/responses", methods=["POST"])
@permission("hr", ASSESSMENT, may.then("assessment", may.is_360, denied=404))
def add_response(assessment: Assessment) -> Any:
    form, dims = _score_form(assessment.instrument, True)
    if form.validate_on_submit():
        try:
            records.add_360_response(
                assessment, form.rater_group.data, _scores_from(form, dims), actor=user()
            )
        except RecordError as error:
            apply_errors(form, error.errors, _dimension_aliases(dims, "scores"))
            return _assessment_page(assessment, form, 422)
        flash("The response was added. Raters are never named.", "success")
    return redirect(url_for("records.show_assessment", assessment_id=assessment.id))
