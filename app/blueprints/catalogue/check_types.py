"""Background-check types: the list, and the new and edit forms."""

from __future__ import annotations

from app.blueprints.catalogue.forms import CheckTypeForm
from app.blueprints.catalogue.pages import entry_forms
from app.services import catalogue

entry_forms(
    "check_type",
    "/check-types",
    "Check type",
    CheckTypeForm,
    ("name", "rescreen_months", "turnaround_days"),
    catalogue.create_check_type,
    catalogue.update_check_type,
    listed=True,
    defaults={"rescreen_months": "36", "turnaround_days": "14"},
)
