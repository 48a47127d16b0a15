"""The catalogue's field collector: the kernel's ``FieldErrors`` in the catalogue's words.

The parsers are the kernel's; only the wording of a few messages differs (``Enter a name.``,
``Name has at most 200 characters.``), and a refusal is an ``InvalidEntry``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.kernel.errors import DomainError
from app.kernel.fields import FieldErrors, blank

MONEY_MAX = Decimal("9999999999.99")  # Numeric(12, 2)
UNLIMITED = 10**9


class _Unset:
    """Marks a keyword argument the caller left out of an update (keep the stored value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def keep(value: Any, current: Any) -> Any:
    """The value an update was given, or the stored one when it was left out."""
    return current if value is UNSET else value


def edited(entry: Any, editable: tuple[str, ...], changes: dict[str, Any]) -> dict[str, Any]:
    """An edit's values for every ``editable`` field of ``entry``: the one ``changes`` names
    (UNSET keeps the stored value), else the stored value. A field outside ``editable`` is a
    caller's mistake (TypeError, as an unknown keyword argument is)."""
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise TypeError(f"{type(entry).__name__} has no editable field {', '.join(unknown)}")
    return {name: keep(changes.get(name, UNSET), getattr(entry, name)) for name in editable}


class Fields(FieldErrors):
    """``FieldErrors`` with the catalogue's wording, refusing with ``InvalidEntry``."""

    money_max = MONEY_MAX

    def raise_if_any(
        self,
        many: str | None = "Some of the values are not valid.",
        kind: type[DomainError] | None = None,
        conflict: type[DomainError] | None = None,
    ) -> None:
        from app.services.catalogue.errors import DuplicateEntry, InvalidEntry

        super().raise_if_any(many, kind or InvalidEntry, conflict or DuplicateEntry)

    def text(
        self, name: str, value: Any, label: str, *, max_length: int = 200, **options: Any
    ) -> str | None:
        if value is not None and not isinstance(value, str):
            self.add(name, f"{label} must be text.")
            return None
        missing = f"Enter a {label.lower()}."
        text = super().text(name, value, label, max_length=UNLIMITED, missing=missing, **options)
        if text is not None and len(text) > max_length:
            self.add(name, f"{label} has at most {max_length} characters.")
            return None
        return text

    def integer(self, name: str, value: Any, label: str, **options: Any) -> int | None:
        return super().integer(name, value, label, missing=f"Enter {label.lower()}.", **options)

    def decimal(self, name: str, value: Any, label: str, **options: Any) -> Decimal | None:
        if isinstance(value, bool):
            self.add(name, f"{label} must be a number.")
            return None
        return super().decimal(name, value, label, missing=f"Enter {label.lower()}.", **options)

    def date(self, name: str, value: Any, label: str) -> date | None:  # type: ignore[override]
        if isinstance(value, date):
            return value
        if blank(value):
            self.add(name, f"Enter {label.lower()} as YYYY-MM-DD.")
            return None
        return super().date(
            name,
            value,
            label,
            message=f"{label} must be a real date written YYYY-MM-DD, e.g. 2026-11-22.",
        )
