"""`flask --app app send-reminders [--as-of DATE]`: the expiry reminders, safe to run from cron."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask

from app.audit import acting_as


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise click.BadParameter(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-22."
        ) from error


def register(app: Flask) -> None:
    @app.cli.command("send-reminders")
    @click.option(
        "--as-of",
        "as_of",
        callback=_parse_date,
        metavar="YYYY-MM-DD",
        help="Run as if today were this date (default: today, ECHELON_TODAY when set).",
    )
    def send_reminders_command(as_of: date | None) -> None:
        """Email and notify expiring certifications and background checks (idempotent)."""
        from app.services.reminders import ReminderError, send_reminders

        with acting_as("cli:send-reminders"):
            try:
                run = send_reminders(as_of)
            except ReminderError as error:
                raise click.ClickException(str(error)) from error
        for reminder in run.reminders:
            if reminder.created:
                stage = "expired" if reminder.stage == 0 else f"{reminder.stage}-day"
                click.echo(
                    f"  {stage} reminder to {reminder.audience} ({reminder.created}): "
                    f"{reminder.employee_name}, {reminder.item.title} "
                    f"({reminder.item.code}) expires {reminder.item.expires_on.isoformat()}"
                )
        click.echo(
            f"Reminders as of {run.as_of.isoformat()}: {run.items_due} item(s) due, "
            f"{run.created} new notification(s), {run.already_sent} already sent before."
        )
        delivery = run.delivery
        if delivery is not None:
            click.echo(
                f"Mail: {delivery.sent} emailed, {delivery.logged} written to the log "
                f"(no MAIL_SERVER), {delivery.failed} failed."
            )
            if delivery.failed:
                raise click.ClickException(
                    "Some mail could not be sent; it stays queued and the next run retries it. "
                    + "; ".join(delivery.errors[:3])
                )
