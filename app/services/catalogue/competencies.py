"""Competencies, rated on the OPM 0-5 scale (docs/RULES.md Competencies)."""

from __future__ import annotations

from typing import Any

from app.models import Competency
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import add_entry, get_competency
from app.services.catalogue.parsing import UNSET, Fields


def _competency_fields(
    fields: Fields, name: Any, category: Any, description: Any
) -> tuple[str | None, str | None, str | None]:
    return (
        fields.text("name", name, "Name"),
        fields.text("category", category, "Category", max_length=80, default="general"),
        fields.text(
            "description",
            description,
            "Description",
            required=False,
            max_length=1000,
            multiline=True,
        ),
    )


@write
def create_competency(
    code: Any, name: Any, category: Any = "general", description: Any = None
) -> Competency:
    """A competency rated on the OPM 0-5 scale (docs/RULES.md Competencies)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _competency_fields(fields, name, category, description)
    fields.raise_if_any("Check the competency's fields.")
    name, category, description = values
    return add_entry(
        "competency", clean_code, name=name, category=category, description=description
    )


@write
def update_competency(
    code: str, *, name: Any = UNSET, category: Any = UNSET, description: Any = UNSET
) -> Competency:
    competency = get_competency(code)
    fields = Fields()
    values = _competency_fields(
        fields,
        competency.name if name is UNSET else name,
        competency.category if category is UNSET else category,
        competency.description if description is UNSET else description,
    )
    fields.raise_if_any("Check the competency's fields.")
    competency.name, competency.category, competency.description = values  # type: ignore[assignment]
    return competency
