"""Background-check types (docs/RULES.md Background checks: rescreen and turnaround)."""

from __future__ import annotations

from typing import Any

from app.models import CheckType
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import add_entry, get_check_type
from app.services.catalogue.parsing import UNSET, Fields, assign, kept


def _check_type_values(
    fields: Fields, name: Any, rescreen_months: Any, turnaround_days: Any
) -> dict[str, Any]:
    return {
        "name": fields.text("name", name, "Name"),
        "rescreen_months": fields.integer(
            "rescreen_months", rescreen_months, "Rescreen (months)", minimum=1, maximum=240
        ),
        "turnaround_days": fields.integer(
            "turnaround_days", turnaround_days, "Turnaround (days)", minimum=0, maximum=365
        ),
    }


@write
def create_check_type(
    code: Any, name: Any, rescreen_months: Any = 36, turnaround_days: Any = 14
) -> CheckType:
    """A background-check type (docs/RULES.md: rescreen default 36 months, turnaround 14 days)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _check_type_values(fields, name, rescreen_months, turnaround_days)
    fields.raise_if_any("Check the check type's fields.")
    return add_entry("check_type", clean_code, **values)


@write
def update_check_type(
    code: str, *, name: Any = UNSET, rescreen_months: Any = UNSET, turnaround_days: Any = UNSET
) -> CheckType:
    """Edit a check type; a new rescreen period applies to checks completed from now on."""
    check_type = get_check_type(code)
    fields = Fields()
    given = kept(
        check_type, name=name, rescreen_months=rescreen_months, turnaround_days=turnaround_days
    )
    values = _check_type_values(fields, **given)
    fields.raise_if_any("Check the check type's fields.")
    return assign(check_type, values)
