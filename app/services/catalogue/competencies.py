"""Competencies, rated on the OPM 0-5 scale (docs/RULES.md Competencies)."""

from __future__ import annotations

from typing import Any

from app.models import Competency
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import create_checked, get_entry, update_checked
from app.services.catalogue.parsing import Fields


def _competency_fields(
    fields: Fields, name: Any, category: Any, description: Any
) -> dict[str, str | None]:
    return {
        "name": fields.text("name", name, "Name"),
        "category": fields.text("category", category, "Category", max_length=80, default="general"),
        "description": fields.text(
            "description",
            description,
            "Description",
            required=False,
            max_length=1000,
            multiline=True,
        ),
    }


@write
def create_competency(
    code: Any, name: Any, category: Any = "general", description: Any = None
) -> Competency:
    """A competency rated on the OPM 0-5 scale (docs/RULES.md Competencies)."""
    return create_checked(
        "competency", code, "competency", _competency_fields, name, category, description
    )


@write
def update_competency(code: str, **changes: Any) -> Competency:
    """Edit a competency (``changes``: any of name, category, description)."""
    entry = get_entry("competency", code)
    return update_checked(entry, "competency", _competency_fields, changes)
