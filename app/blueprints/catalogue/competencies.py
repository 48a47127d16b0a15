"""Competencies: the list, and the new and edit forms."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import CompetencyForm
from app.blueprints.catalogue.pages import entry_forms, list_page
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


entry_forms(
    "competency",
    "/competencies",
    "Competency",
    CompetencyForm,
    ("name", "category", "description"),
    catalogue.create_competency,
    catalogue.update_competency,
)
