"""CSV import and export of employees, training completions and competency ratings (issue 3).

Import: legacy spreadsheets arrive with their own headers. Common header variants are
recognised (``detect_mapping``) and the user can map columns by hand. A dry run reports, per
row, what would be created, updated, left unchanged or refused and why; the import is applied
all or nothing: a single refused row means nothing is written.

Every row is checked by the same rules as the web pages and the API (``app.services.records``,
``app.services.assignments``), so the rules live once. Every kind is checked in bulk, against
what the whole file touches: its dry run only reads (no write lock, nothing written, no audit),
and applying writes the checked file in one transaction (``employees``, ``changes``,
``completions``, ``ratings``, ``rules``): new rows in batched INSERTs, changes to people on file
in an UPDATE by primary key per set of changed columns, the audit in one INSERT per batch.

Export writes the same sets with the import's own column names, so an export can be edited and
imported again. Cells that a spreadsheet would run as a formula are prefixed with ``'`` and the
import strips that prefix again.

Modules: ``kinds`` (the kinds, their columns and header variants), ``reading`` (the file, its
cells and dates), ``rows`` (what the kinds share row by row), ``employees`` and ``changes``,
``completions``, ``ratings`` and ``rules`` (the bulk checks and writes), ``importing`` (the run
and its report), ``export``.
"""

from __future__ import annotations

from app.services.csv_io.export import export_csv, export_rows
from app.services.csv_io.importing import ImportReport, RowResult, format_report, run_import
from app.services.csv_io.kinds import (
    DATE_FORMATS,
    KINDS,
    Column,
    ImportKind,
    detect_mapping,
    normalise_header,
    resolve_mapping,
)
from app.services.csv_io.reading import MAX_ROWS, ParsedFile, RowRefused, convert_date, parse_csv

__all__ = [
    "DATE_FORMATS",
    "KINDS",
    "MAX_ROWS",
    "Column",
    "ImportKind",
    "ImportReport",
    "ParsedFile",
    "RowRefused",
    "RowResult",
    "convert_date",
    "detect_mapping",
    "export_csv",
    "export_rows",
    "format_report",
    "normalise_header",
    "parse_csv",
    "resolve_mapping",
    "run_import",
]
