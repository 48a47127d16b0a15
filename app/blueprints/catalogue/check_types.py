"""Background-check types: the list, and the new and edit forms."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import CheckTypeForm
from app.blueprints.catalogue.pages import entry_forms, list_page
from app.policy import permission
from app.services import catalogue


@bp.route("/check-types")
@permission("authenticated")
def check_types() -> ResponseReturnValue:
    return list_page("check_type", "catalogue/check_types.html")


entry_forms(
    "check_type",
    "/check-types",
    "Check type",
    CheckTypeForm,
    ("name", "rescreen_months", "turnaround_days"),
    catalogue.create_check_type,
    catalogue.update_check_type,
    defaults={"rescreen_months": "36", "turnaround_days": "14"},
)
