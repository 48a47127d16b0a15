"""Qualification types: the list, and the new and edit forms."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import QualificationForm
from app.blueprints.catalogue.pages import entry_forms, list_page
from app.policy import permission
from app.services import catalogue


@bp.route("/qualifications")
@permission("authenticated")
def qualifications() -> ResponseReturnValue:
    return list_page("qualification", "catalogue/qualifications.html")


entry_forms(
    "qualification",
    "/qualifications",
    "Qualification type",
    QualificationForm,
    ("name",),
    catalogue.create_qualification,
    catalogue.update_qualification,
)
