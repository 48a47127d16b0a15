"""Qualification types: the list, and the new and edit forms."""

from __future__ import annotations

from app.blueprints.catalogue.forms import QualificationForm
from app.blueprints.catalogue.pages import entry_forms
from app.services import catalogue

entry_forms(
    "qualification",
    "/qualifications",
    "Qualification type",
    QualificationForm,
    ("name",),
    catalogue.create_qualification,
    catalogue.update_qualification,
    listed=True,
)
