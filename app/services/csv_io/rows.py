"""What the import's kinds share row by row: the key a row is reported by, the labels of the
services' field names, and a score as the database stores it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.kernel.fields import to_decimal
from app.services.csv_io.kinds import ImportKind


def _decimal_text(value: str) -> str:
    """A score as the database stores it (two decimals), to compare with the stored one."""
    number = to_decimal(value)
    if number is None:
        return value
    try:
        return str(number.quantize(Decimal("0.01")))
    except InvalidOperation:
        return value


# Service field names -> the column label the user sees in the report.
SERVICE_FIELDS = {"manager_id": "manager", "type": "type", "note": "note"}


def row_key(kind: ImportKind, values: dict[str, str]) -> str:
    if kind.name == "employees":
        return values.get("employee_no", "")
    if kind.name == "assignment_rules":
        return " ".join(v for v in (values.get("role"), values.get("course")) if v)
    if kind.name == "completions":
        return " ".join(
            v
            for v in (values.get("employee"), values.get("course"), values.get("completed_on"))
            if v
        )
    return " ".join(
        v for v in (values.get("employee"), values.get("competency"), values.get("rated_on")) if v
    )
