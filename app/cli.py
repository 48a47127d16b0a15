"""Command-line tasks: `flask --app app <command>`."""

from __future__ import annotations

import click
from flask import Flask

from app.audit import acting_as
from app.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--password", required=True, help="At least PASSWORD_MIN_LENGTH characters.")
    @click.option("--role", "roles", multiple=True, help="employee, hr, finance or admin.")
    @click.option("--name", default=None, help="Name for a new employee record.")
    def create_user_command(email: str, password: str, roles: tuple[str, ...], name: str | None):
        """Create a sign-in with app roles, linked to the employee with that email."""
        from app.services.accounts import AccountError, create_user

        with acting_as("cli:create-user"):
            try:
                user = create_user(email, password, list(roles), name)
            except AccountError as error:
                db.session.rollback()
                raise click.ClickException(str(error)) from error
            db.session.commit()
        click.echo(
            f"Created sign-in {user.email} for {user.employee.name} "
            f"with roles: {', '.join(sorted(user.app_roles))}"
        )

    @app.cli.command("backup")
    @click.argument("destination")
    def backup_command(destination: str) -> None:
        """Make a consistent online backup of the database to DESTINATION."""
        from app.services.backup import BackupError, backup

        try:
            path = backup(app.config["SQLALCHEMY_DATABASE_URI"], destination)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {path}")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo organisation of DOMAIN.md (safe to run twice)."""
        from app.seed import demo

        with acting_as("cli:seed-demo"):
            created = demo.seed()
        if created:
            click.echo("Loaded the demo organisation. Logins are listed in the README.")
        else:
            click.echo("The demo organisation is already loaded; nothing changed.")

    from app.services.csv_io import register_records_cli  # import-csv, export-csv

    register_records_cli(app)

    from app.blueprints.notifications.commands import register as register_reminders_cli
    from app.blueprints.privacy.commands import register as register_retention_cli

    register_reminders_cli(app)  # send-reminders
    register_retention_cli(app)  # purge-expired-data

    from app.services.tokens import register_cli as register_tokens_cli

    register_tokens_cli(app)  # create-token

    from bench.cli import register as register_bench_cli

    register_bench_cli(app)  # bench-data
