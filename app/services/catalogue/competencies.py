"""Competencies, rated on the OPM 0-5 scale (docs/RULES.md Competencies)."""

from __future__ import annotations

from typing import Any

from app.models import Competency
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import add_entry, get_competency
from app.services.catalogue.parsing import UNSET, Fields, assign, kept


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
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _competency_fields(fields, name, category, description)
    fields.raise_if_any("Check the competency's fields.")
    return add_entry("competency", clean_code, **values)


@write
def update_competency(
    code: str, *, name: Any = UNSET, category: Any = UNSET, description: Any = UNSET
) -> Competency:
    competency = get_competency(code)
    fields = Fields()
    given = kept(competency, name=name, category=category, description=description)
    values = _competency_fields(fields, **given)
    fields.raise_if_any("Check the competency's fields.")
    return assign(competency, values)
