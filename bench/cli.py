"""`flask --app app bench-data --employees N --seed S`: build a synthetic organisation."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("bench-data")
    @click.option(
        "--employees",
        type=click.IntRange(min=10),
        default=1000,
        show_default=True,
        help="How many people the organisation has.",
    )
    @click.option(
        "--seed",
        type=int,
        default=1,
        show_default=True,
        help="The same seed builds the same organisation.",
    )
    @click.option(
        "--anchor",
        default=None,
        metavar="YYYY-MM-DD",
        help="The date records are anchored on (default: the clock's today).",
    )
    @click.option("--no-logins", is_flag=True, help="Do not create the bench sign-ins.")
    def bench_data_command(employees: int, seed: int, anchor: str | None, no_logins: bool) -> None:
        """Load a deterministic synthetic organisation (reporting tree, records, tuition)."""
        from bench.generate import BENCH_PASSWORD, generate

        try:
            anchor_date = date.fromisoformat(anchor) if anchor else None
        except ValueError as error:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--anchor") from error
        report = generate(employees, seed, anchor_date, logins=not no_logins)
        click.echo(f"Generated {report.summary()}.")
        for persona, email in report.personas.items():
            click.echo(f"  {persona:<10} {email}  (password {BENCH_PASSWORD})")
