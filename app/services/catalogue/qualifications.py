"""Education qualification types, e.g. CERT-MGMT or BBA (docs/RULES.md EducationRecord)."""

from __future__ import annotations

from typing import Any

from app.models import QualificationType
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import add_entry, get_entry
from app.services.catalogue.parsing import UNSET, Fields


@write
def create_qualification(code: Any, name: Any) -> QualificationType:
    """An education qualification type, e.g. CERT-MGMT or BBA (docs/RULES.md EducationRecord)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    clean_name = fields.text("name", name, "Name")
    fields.raise_if_any("Check the qualification's fields.")
    return add_entry("qualification", clean_code, name=clean_name)


@write
def update_qualification(code: str, *, name: Any = UNSET) -> QualificationType:
    qualification: QualificationType = get_entry("qualification", code)
    fields = Fields()
    clean_name = fields.text("name", qualification.name if name is UNSET else name, "Name")
    fields.raise_if_any("Check the qualification's fields.")
    qualification.name = clean_name  # type: ignore[assignment]  # refused above when None
    return qualification
