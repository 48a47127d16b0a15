"""CSV import and export of employees, training completions and competency ratings (issue 3).

Import: legacy spreadsheets arrive with their own headers. Common header variants are
recognised (``detect_mapping``) and the user can map columns by hand. A dry run reports, per
row, what would be created, updated, left unchanged or refused and why; the import is applied
all or nothing: a single refused row means nothing is written.

Every row goes through the same service functions as the web pages and the API
(``app.services.records``), each inside a savepoint of one transaction, so the rules live once:
the dry run is the real import rolled back at the end.

Export writes the same sets with the import's own column names, so an export can be edited and
imported again. Cells that a spreadsheet would run as a formula are prefixed with ``'`` and the
import strips that prefix again.

Modules: ``kinds`` (the kinds, their columns and header variants), ``reading`` (the file, its
cells and dates), ``rows`` (one handler per kind), ``importing`` (the run and its report),
``export``.
"""

from __future__ import annotations

import click
from flask import Flask

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
    "register_records_cli",
    "resolve_mapping",
    "run_import",
]


# ================================================================================================
# TO BE DELETED AT THE MERGE: the import-csv and export-csv commands move into app/cli.py, which
# calls run_import, format_report, export_csv, KINDS and DATE_FORMATS above. Until then
# app/cli.py still imports this function. Nothing below this line is used by anything else.
# ================================================================================================


def register_records_cli(app: Flask) -> None:
    @app.cli.command("import-csv")
    @click.argument("kind", type=click.Choice(sorted(KINDS)))
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
    @click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
    @click.option(
        "--map",
        "mappings",
        multiple=True,
        metavar="FIELD=COLUMN",
        help="Use COLUMN of the file for FIELD (repeatable); FIELD= ignores the field.",
    )
    @click.option(
        "--date-format",
        type=click.Choice(sorted(DATE_FORMATS)),
        default="iso",
        show_default=True,
        help="How the file writes dates (ISO dates are always understood).",
    )
    def import_csv_command(
        kind: str, file: str, dry_run: bool, mappings: tuple[str, ...], date_format: str
    ) -> None:
        """Import employees, completions or ratings from a CSV file, all or nothing."""
        from app.audit import acting_as

        overrides: dict[str, str | None] = {}
        for item in mappings:
            if "=" not in item:
                raise click.BadParameter(f"{item!r} is not FIELD=COLUMN.", param_hint="--map")
            key, _, header = item.partition("=")
            overrides[key.strip()] = header.strip() or None
        with open(file, "rb") as handle:
            data = handle.read()
        with acting_as("cli:import-csv"):
            report = run_import(
                kind,
                data,
                mapping=overrides,
                date_format=date_format,
                apply=not dry_run,
                actor=None,
            )
        for line in format_report(report):
            click.echo(line)
        if not report.ok:
            raise SystemExit(1)

    @app.cli.command("export-csv")
    @click.argument("kind", type=click.Choice(sorted(KINDS)))
    @click.argument("file", type=click.Path(dir_okay=False, writable=True), required=False)
    def export_csv_command(kind: str, file: str | None) -> None:
        """Write employees, completions or ratings as CSV (to FILE or standard output)."""
        text = export_csv(kind)
        if file:
            with open(file, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            click.echo(f"Wrote {text.count(chr(10)) - 1} {kind} to {file}.")
        else:
            click.echo(text, nl=False)
