"""Small helpers for the shapes the services hand out: JSON fields and CSV text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def attributes(row: Any, *names: str) -> dict[str, Any]:
    """``{name: row.name}`` for each name, in order: the plain fields of a JSON shape."""
    return {name: getattr(row, name) for name in names}


def formula_safe(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text of a header and rows (CRLF line ends, as RFC 4180 says)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
