"""Qualification types: the list, and the new and edit forms."""

from __future__ import annotations

from flask import url_for
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import QualificationForm
from app.blueprints.catalogue.pages import list_page, save_entry
from app.models import QualificationType
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.services import catalogue


@bp.route("/qualifications")
@permission("authenticated")
def qualifications() -> ResponseReturnValue:
    return list_page("qualification", "catalogue/qualifications.html")


@bp.route("/qualifications/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def qualification_new() -> ResponseReturnValue:
    form = QualificationForm()
    return save_entry(
        form,
        "qualification",
        lambda: catalogue.create_qualification(form.code.data, form.name.data),
        saved=lambda entry: f"Qualification type {entry.code} created.",
        then=lambda entry: url_for("catalogue.qualifications"),
    )


@bp.route("/qualifications/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("qualification"))
def qualification_edit(entry: QualificationType) -> ResponseReturnValue:
    form = QualificationForm(obj=entry)
    return save_entry(
        form,
        "qualification",
        lambda: catalogue.update_qualification(entry.code, name=form.name.data),
        entry=entry,
        saved=lambda saved: f"Qualification type {saved.code} saved.",
        then=lambda saved: url_for("catalogue.qualifications"),
    )
