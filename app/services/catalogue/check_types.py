"""Background-check types (docs/RULES.md Background checks: rescreen and turnaround)."""

from __future__ import annotations

from typing import Any

from app.models import CheckType
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import create_checked, get_entry, update_checked
from app.services.catalogue.parsing import Fields


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
    return create_checked(
        "check_type", code, "check type", _check_type_values, name, rescreen_months, turnaround_days
    )


@write
def update_check_type(code: str, **changes: Any) -> CheckType:
    """Edit a check type (``changes``: any of name, rescreen_months, turnaround_days); a new
    rescreen period applies to checks completed from now on."""
    entry = get_entry("check_type", code)
    return update_checked(entry, "check type", _check_type_values, changes)
