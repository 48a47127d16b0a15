"""Tuition input through the kernel's parsers, in the words the tuition pages use.

Each parser files its message on its field in a ``FieldErrors`` and answers the value or None;
``refuse_if_any`` then refuses the whole input at once with "Some of the values are not
valid." (the tuition headline, even for one problem).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.kernel.fields import MONEY_MAX, FieldErrors, blank, to_decimal
from app.services.tuition.config import REASON_MAX, TEXT_LIMITS
from app.services.tuition.errors import NOT_VALID, ValidationFailed

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def refuse_if_any(errors: FieldErrors) -> None:
    """Refuse with every collected message (ValidationFailed, 422)."""
    if errors:
        raise ValidationFailed(NOT_VALID, errors.errors)


def text(errors: FieldErrors, name: str, value: Any, label: str, required: bool) -> str:
    """Trimmed text within the field's limit (TEXT_LIMITS, else REASON_MAX); "" when blank."""
    found = errors.text(
        name,
        value,
        label,
        required=required,
        max_length=TEXT_LIMITS.get(name, REASON_MAX),
        multiline=True,
    )
    return found or ""


def clean_reason(reason: Any, name: str, label: str, required: bool) -> str | None:
    """A reason or comment of a transition; a bad one is refused on its own."""
    errors = FieldErrors()
    value = text(errors, name, reason, label, required)
    if errors:
        raise ValidationFailed(errors.errors[name][0], errors.errors)
    return value or None


def parse_date(errors: FieldErrors, name: str, value: Any, label: str) -> date | None:
    """An ISO date (YYYY-MM-DD) or a date; records a message and answers None otherwise."""
    if isinstance(value, date):
        return value
    shown = "" if value is None else str(value).strip()
    return errors.date(
        name,
        value,
        label,
        missing=f"Enter the {label} as YYYY-MM-DD.",
        message=f"{shown!r} is not a date: enter the {label} as YYYY-MM-DD, e.g. 2026-09-01.",
    )


def parse_money(errors: FieldErrors, name: str, value: Any, label: str) -> Decimal | None:
    """Money as an exact Decimal with at most two decimals; blank means 0.00."""
    if blank(value):
        return ZERO
    number = to_decimal(value)
    if number is None:
        message = (
            f"Enter the {label} as an amount such as 1500.00."
            if isinstance(value, bool | float)
            else f"{value!r} is not an amount: enter the {label} like 1500.00."
        )
        errors.add(name, message)
        return None
    if number < 0:
        errors.add(name, f"The {label} cannot be negative.")
        return None
    if number > MONEY_MAX:  # before quantize: a huge number would overflow its precision
        errors.add(name, f"The {label} cannot be more than {MONEY_MAX:,.2f}.")
        return None
    if number != number.quantize(CENT):
        errors.add(name, f"The {label} has more than two decimals (cents).")
        return None
    return number.quantize(CENT)


def parse_bool(errors: FieldErrors, name: str, value: Any, label: str) -> bool | None:
    """yes/no, true/false, on/off, 1/0."""
    return errors.boolean(name, value, label)
