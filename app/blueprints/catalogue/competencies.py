"""Competencies: the list, and the new and edit forms."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import CompetencyForm
from app.blueprints.catalogue.pages import category_filter, entry_forms, list_page
from app.policy import permission
from app.services import catalogue


@bp.route("/competencies")
@permission("authenticated")
def competencies() -> ResponseReturnValue:
    return list_page(
        "competency",
        {"category": category_filter()},
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
