"""`flask --app app purge-expired-data [--dry-run]`: erase data past its retention period."""

from __future__ import annotations

import click
from flask import Flask

from app.audit import acting_as


def register(app: Flask) -> None:
    @app.cli.command("purge-expired-data")
    @click.option("--dry-run", is_flag=True, help="List what would be erased; change nothing.")
    def purge_expired_data_command(dry_run: bool) -> None:
        """Erase check findings and uploaded files older than their retention period."""
        from app.services.retention import RetentionError, purge_expired_data

        with acting_as("cli:purge-expired-data"):
            try:
                report = purge_expired_data(dry_run=dry_run)
            except RetentionError as error:
                raise click.ClickException(f"{error} Nothing was erased.") from error
        verb = "Would erase" if dry_run else "Erased"
        for item in report.items:
            click.echo(f"  {verb.lower()} {item.label}, employee #{item.employee_id}")
        for name in report.missing_files:
            click.echo(f"  note: file {name} was already missing; its record is marked erased")
        click.echo(
            f"{verb} the findings of {len(report.checks)} background check(s) completed on or "
            f"before {report.check_cutoff.isoformat()} and {len(report.uploads)} uploaded "
            f"file(s) from on or before {report.upload_cutoff.isoformat()}."
            + (" Nothing was changed (dry run)." if dry_run else " Status history was kept.")
        )
