"""Competencies: the list, and the new and edit forms."""

from __future__ import annotations

from flask import request, url_for
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import CompetencyForm
from app.blueprints.catalogue.pages import list_page, save_entry
from app.models import Competency
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.services import catalogue


@bp.route("/competencies")
@permission("authenticated")
def competencies() -> ResponseReturnValue:
    return list_page(
        "competency",
        "catalogue/competencies.html",
        {"category": request.args.get("category", "").strip()[:80] or None},
        categories=catalogue.categories("competency"),
    )


@bp.route("/competencies/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def competency_new() -> ResponseReturnValue:
    form = CompetencyForm()
    return save_entry(
        form,
        "competency",
        lambda: catalogue.create_competency(
            form.code.data, form.name.data, form.category.data, form.description.data
        ),
        saved=lambda entry: f"Competency {entry.code} created.",
        then=lambda entry: url_for("catalogue.competencies"),
    )


@bp.route("/competencies/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("competency"))
def competency_edit(entry: Competency) -> ResponseReturnValue:
    form = CompetencyForm(obj=entry)
    return save_entry(
        form,
        "competency",
        lambda: catalogue.update_competency(
            entry.code,
            name=form.name.data,
            category=form.category.data,
            description=form.description.data,
        ),
        entry=entry,
        saved=lambda saved: f"Competency {saved.code} saved.",
        then=lambda saved: url_for("catalogue.competencies"),
    )
