"""Retiring and restoring entries: retiring keeps history (docs/RULES.md).

A retired entry stays readable and still resolves for past records, but new references to it
are refused (a reference that already existed may stay).
"""

from __future__ import annotations

from typing import Any

from app.services.catalogue.errors import InvalidEntry, write
from app.services.catalogue.kinds import get_entry


@write
def retire(kind: str, code: str) -> Any:
    """Retire an entry: hidden from pickers for new records; past records keep resolving."""
    entry = get_entry(kind, code)
    if entry.retired:
        raise InvalidEntry(f"{entry.code} is already retired.")
    entry.retired = True
    return entry


@write
def restore(kind: str, code: str) -> Any:
    """Bring a retired entry back into the pickers."""
    entry = get_entry(kind, code)
    if not entry.retired:
        raise InvalidEntry(f"{entry.code} is not retired.")
    entry.retired = False
    return entry
