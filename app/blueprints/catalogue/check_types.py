"""Background-check types: the list, and the new and edit forms."""

from __future__ import annotations

from flask import url_for
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import CheckTypeForm
from app.blueprints.catalogue.pages import list_page, save_entry
from app.models import CheckType
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.services import catalogue


@bp.route("/check-types")
@permission("authenticated")
def check_types() -> ResponseReturnValue:
    return list_page("check_type", "catalogue/check_types.html")


@bp.route("/check-types/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def check_type_new() -> ResponseReturnValue:
    form = CheckTypeForm(data={"rescreen_months": "36", "turnaround_days": "14"})
    return save_entry(
        form,
        "check_type",
        lambda: catalogue.create_check_type(
            form.code.data, form.name.data, form.rescreen_months.data, form.turnaround_days.data
        ),
        saved=lambda entry: f"Check type {entry.code} created.",
        then=lambda entry: url_for("catalogue.check_types"),
    )


@bp.route("/check-types/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("check_type"))
def check_type_edit(entry: CheckType) -> ResponseReturnValue:
    form = CheckTypeForm(obj=entry)
    return save_entry(
        form,
        "check_type",
        lambda: catalogue.update_check_type(
            entry.code,
            name=form.name.data,
            rescreen_months=form.rescreen_months.data,
            turnaround_days=form.turnaround_days.data,
        ),
        entry=entry,
        saved=lambda saved: f"Check type {saved.code} saved.",
        then=lambda saved: url_for("catalogue.check_types"),
    )
