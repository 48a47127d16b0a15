"""Reading a CSV file: its encoding and separator, its rows, and its cells and dates."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from app.services.csv_io.kinds import DATE_FORMATS
from app.services.records import RecordError
from app.services.shapes import FORMULA_PREFIXES

MAX_ROWS = 20000


class RowRefused(RecordError):
    """A row that cannot be applied; its message names the column."""


@dataclass
class ParsedFile:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    errors: list[str] = field(default_factory=list)


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_csv(data: bytes | str) -> ParsedFile:
    """Read a CSV file (comma, semicolon, tab or pipe separated) into headers and rows."""
    if isinstance(data, bytes) and b"\x00" in data[:4096]:
        return ParsedFile([], [], ["This is not a text CSV file. Save the sheet as CSV first."])
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ParsedFile([], [], ["The file is empty."])
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = max(",;\t|", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = _unique_headers(cells)
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                return ParsedFile(
                    headers, [], [f"The file has more than {MAX_ROWS} rows; split it up."]
                )
    except csv.Error as error:
        return ParsedFile(headers or [], [], [f"The file is not valid CSV: {error}."])
    if headers is None:
        return ParsedFile([], [], ["The file is empty."])
    if not rows:
        return ParsedFile(headers, [], ["The file has a header row but no data rows."])
    return ParsedFile(headers, rows)


def _unique_headers(cells: list[str]) -> list[str]:
    headers: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = cell.replace("\ufeff", "").strip() or f"(column {index})"
        candidate, n = name, 2
        while candidate in headers:
            candidate, n = f"{name} ({n})", n + 1
        headers.append(candidate)
    return headers


def cell(value: str) -> str:
    text = value.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def convert_date(raw: str, date_format: str, label: str) -> str:
    """A spreadsheet date in the chosen format (ISO always works) as YYYY-MM-DD."""
    text = raw.strip()
    for fmt in ("iso", date_format):
        pattern, order = DATE_FORMATS[fmt][1], DATE_FORMATS[fmt][2]
        match = re.match(pattern, text, re.ASCII)
        if match:
            parts = dict(zip(order, (int(p) for p in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"]).isoformat()
            except ValueError:
                break
    raise RowRefused(
        f"{label}: {raw!r} is not a date (expected {DATE_FORMATS[date_format][0]}; "
        "choose the file's date format if it writes dates another way)."
    )
