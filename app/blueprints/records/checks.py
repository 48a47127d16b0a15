"""Background checks (hr only): requesting one with the person's consent, its lifecycle, the
adverse-action notices, and the list (docs/RULES.md "Background checks", "Adverse action")."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from app import policy
from app.blueprints.records import forms
from app.blueprints.records.common import bp, catalogue_choices, form_page, sorting, text, user
from app.blueprints.records.loads import CHECK
from app.clock import today
from app.kernel.forms import options, refuse
from app.models import BackgroundCheck, CheckType, Employee
from app.pagination import choice_arg, list_page, search_term
from app.policy import permission
from app.policy import records as may
from app.services import records, settings
from app.services.records import RecordError, queries

NOTICES = {"pre-adverse": "pre", "final": "final"}


@bp.route("/employees/<int:employee_id>/checks/new", methods=["GET", "POST"])
@permission("hr", policy.employee("check_findings"))
def new_check(employee: Employee) -> Any:
    form = forms.CheckRequestForm()
    form.type.choices = catalogue_choices(CheckType)

    def save() -> tuple[str, str]:
        check = records.record_check(
            employee,
            form.type.data,
            form.consent_signed_on.data,
            form.consent_form_version.data,
            form.requested_on.data or None,
            text(form.vendor.data),
            form.status.data or "requested",
            form.completed_on.data or None,
            text(form.findings.data),
            actor=user(),
        )
        return (
            f"The {check.check_type.code} check was recorded.",
            url_for("records.show_check", check_id=check.id),
        )

    return form_page(
        form,
        save=save,
        initial={"requested_on": today(), "status": "requested"},
        title=f"Request a background check for {employee.name}",
        employee=employee,
        fields=list(forms.CHECK_FIELDS),
        intro=(
            "No check may be requested without the employee's signed consent (FCRA written "
            "authorisation): record when it was signed and which form version. A check done "
            "before it was entered here can be recorded with its result."
        ),
        hints={"consent_form_version": "For example FCRA-2024-1."},
    )


def _check_page(check: BackgroundCheck, code: int = 200, **shown: Any) -> Any:
    """The check's page; ``shown`` holds the form just refused (status, details, pre, final)."""
    status_form = shown.get("status_form")
    if status_form is None:
        status_form = forms.CheckStatusForm(formdata=None)
    status_form.status.choices = options(
        [(s, s.replace("_", " ")) for s in records.next_check_statuses(check)]
    )
    details_form = shown.get("details_form")
    if details_form is None:
        details_form = forms.CheckDetailsForm(
            formdata=None, vendor=check.vendor, findings=check.findings, version=check.version
        )
    pre_form = shown.get("pre_form")
    if pre_form is None:
        pre_form = forms.NoticeForm(formdata=None, prefix="pre", notice_on=today().isoformat())
    final_form = shown.get("final_form")
    if final_form is None:
        earliest = records.earliest_final_notice(check)
        default = max(earliest, today()) if earliest else today()
        final_form = forms.NoticeForm(formdata=None, prefix="final", notice_on=default.isoformat())
    return (
        render_template(
            "records/check.html",
            check=check,
            employee=queries.employee_of(check),
            status_form=status_form,
            details_form=details_form,
            pre_form=pre_form,
            final_form=final_form,
            display_status=records.check_display_status(check),
            earliest_final=records.earliest_final_notice(check),
            wait_days=settings.get("adverse_action_wait_business_days"),
        ),
        code,
    )


@bp.route("/checks/<int:check_id>")
@permission("hr", CHECK)
def show_check(check: BackgroundCheck) -> Any:
    g.no_store = True
    return _check_page(check)


@bp.route("/checks/<int:check_id>/status", methods=["POST"])
@permission("hr", CHECK)
def check_status(check: BackgroundCheck) -> Any:
    check_id = check.id
    form = forms.CheckStatusForm()
    form.status.choices = options([(s, s) for s in records.next_check_statuses(check)])
    if form.validate_on_submit():
        try:
            records.change_check_status(
                check,
                form.status.data,
                form.completed_on.data or None,
                text(form.findings.data),
                actor=user(),
            )
        except RecordError as error:
            check = queries.record_of(BackgroundCheck, check_id)
            return _check_page(check, refuse(form, error), status_form=form)
        flash(f"The check is now {form.status.data.replace('_', ' ')}.", "success")
    return redirect(url_for("records.show_check", check_id=check_id))


@bp.route("/checks/<int:check_id>/details", methods=["POST"])
@permission("hr", CHECK)
def check_details(check: BackgroundCheck) -> Any:
    form = forms.CheckDetailsForm()
    if not form.validate_on_submit():
        return _check_page(check, 422, details_form=form)
    try:
        records.update_check_details(
            check,
            text(form.vendor.data),
            text(form.findings.data),
            actor=user(),
            expected_version=form.version.data,
        )
    except RecordError as error:
        return _check_page(check, refuse(form, error), details_form=form)
    flash("The check's details were saved.", "success")
    return redirect(url_for("records.show_check", check_id=check.id))


@bp.route("/checks/<int:check_id>/notice/<which>", methods=["POST"])
@permission("hr", may.known("which", NOTICES), CHECK)
def check_notice(check: BackgroundCheck, which: str) -> Any:
    check_id = check.id
    prefix = NOTICES[which]
    form = forms.NoticeForm(prefix=prefix)
    if form.validate_on_submit():
        service = (
            records.record_pre_adverse_notice
            if which == "pre-adverse"
            else records.record_final_notice
        )
        try:
            service(check, form.notice_on.data, actor=user())
        except RecordError as error:
            check = queries.record_of(BackgroundCheck, check_id)
            return _check_page(check, refuse(form, error), **{f"{prefix}_form": form})
        flash(
            "The pre-adverse notice was recorded."
            if which == "pre-adverse"
            else "The final notice was recorded; the check is not cleared.",
            "success",
        )
    return redirect(url_for("records.show_check", check_id=check_id))


@bp.route("/checks")
@permission("hr")
def checks() -> Any:
    filters = {
        "q": search_term(),
        "status": choice_arg("status", records.CHECK_FILTER_STATUSES),
        "type": request.args.get("type") or None,
    }
    return list_page(
        "records/checks.html",
        sorting(records.CHECK_SORTS, "requested_on"),
        lambda order: records.check_list_query(
            q=filters["q"], status=filters["status"], check_type=filters["type"]
        ).order_by(order, BackgroundCheck.id),
        scalars=False,
        filters=filters,
        types=queries.check_types(),
        statuses=records.CHECK_FILTER_STATUSES,
    )
