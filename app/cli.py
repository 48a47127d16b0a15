"""Command-line tasks: `flask --app app <command>`, every one of them defined here.

The registry (app/registry.py) adds ``COMMANDS`` to the app's command line; the bench's own
command stays in the bench package (bench/cli.py), registered from the registry too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from app.audit import acting_as
from app.extensions import db
from app.kernel.words import plural


def audited_command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """A command ``name`` that runs in the app context, its changes audited as ``cli:<name>``
    (app.audit.acting_as). Its options go below this decorator."""

    def decorate(function: Callable[..., Any]) -> click.Command:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with acting_as(f"cli:{name}"):
                return function(*args, **kwargs)

        return click.command(name)(with_appcontext(run))

    return decorate


@audited_command("create-user")
@click.argument("email")
@click.option("--password", required=True, help="At least PASSWORD_MIN_LENGTH characters.")
@click.option("--role", "roles", multiple=True, help="employee, hr, finance or admin.")
@click.option("--name", default=None, help="Name for a new employee record.")
def create_user_command(email: str, password: str, roles: tuple[str, ...], name: str | None):
    """Create a sign-in with app roles, linked to the employee with that email."""
    from app.services.accounts import AccountError, create_user

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


@audited_command("create-token")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="What will use it.")
def create_token_command(email: str, name: str) -> None:
    """Create an API token for the sign-in EMAIL and print it (it is shown only once)."""
    from app.services.accounts import user_by_email
    from app.services.tokens import TokenError, create_token

    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no sign-in for {email}.")
    try:
        token, secret = create_token(user, name)
    except TokenError as error:
        raise click.ClickException(error.message) from error
    click.echo(secret)
    click.echo(
        f"Token “{token.name}” ({token.prefix}…) for {user.email}. Keep it secret: it is "
        "shown only once. Send it as 'Authorization: Bearer <token>'.",
        err=True,
    )


@click.command("backup")
@click.argument("destination")
@with_appcontext
def backup_command(destination: str) -> None:
    """Make a consistent online backup of the database to DESTINATION."""
    from app.services.backup import BackupError, backup

    try:
        path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], destination)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path}")


@audited_command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo organisation of docs/RULES.md (safe to run twice)."""
    from app.seed import demo

    created = demo.seed()
    if created:
        click.echo("Loaded the demo organisation.")
    else:
        click.echo("The demo organisation is already loaded; nothing changed.")
    url = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    click.echo(f"Open {url} and sign in as one of these, password {demo.DEMO_PASSWORD}:")
    for login in demo.LOGINS:
        click.echo(f"  {login.email:<28} {login.persona}")


# ----------------------------------------------------------------------------- CSV


def _csv_kinds() -> list[str]:
    from app.services.csv_io import KINDS

    return sorted(KINDS)


def _date_formats() -> list[str]:
    from app.services.csv_io import DATE_FORMATS

    return sorted(DATE_FORMATS)


def _column_overrides(mappings: tuple[str, ...]) -> dict[str, str | None]:
    """--map FIELD=COLUMN options as {field: column}; FIELD= ignores the field."""
    overrides: dict[str, str | None] = {}
    for item in mappings:
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not FIELD=COLUMN.", param_hint="--map")
        key, _, header = item.partition("=")
        overrides[key.strip()] = header.strip() or None
    return overrides


@audited_command("import-csv")
@click.argument("kind", type=click.Choice(_csv_kinds()))
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
    type=click.Choice(_date_formats()),
    default="iso",
    show_default=True,
    help="How the file writes dates (ISO dates are always understood).",
)
def import_csv_command(
    kind: str, file: str, dry_run: bool, mappings: tuple[str, ...], date_format: str
) -> None:
    """Import employees, completions or ratings from a CSV file, all or nothing."""
    from app.services.csv_io import format_report, run_import

    overrides = _column_overrides(mappings)
    with open(file, "rb") as handle:
        data = handle.read()
    report = run_import(
        kind, data, mapping=overrides, date_format=date_format, apply=not dry_run, actor=None
    )
    for line in format_report(report):
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@click.command("export-csv")
@click.argument("kind", type=click.Choice(_csv_kinds()))
@click.argument("file", type=click.Path(dir_okay=False, writable=True), required=False)
@with_appcontext
def export_csv_command(kind: str, file: str | None) -> None:
    """Write employees, completions or ratings as CSV (to FILE or standard output)."""
    from app.services.csv_io import export_csv

    text = export_csv(kind)
    if file:
        with open(file, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"Wrote {text.count(chr(10)) - 1} {kind} to {file}.")
    else:
        click.echo(text, nl=False)


# ----------------------------------------------------------------------------- reminders


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise click.BadParameter(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-22."
        ) from error


def _echo_reminders(run: Any) -> None:
    for reminder in run.reminders:
        if reminder.created:
            stage = "expired" if reminder.stage == 0 else f"{reminder.stage}-day"
            click.echo(
                f"  {stage} reminder to {reminder.audience} ({reminder.created}): "
                f"{reminder.employee_name}, {reminder.item.title} "
                f"({reminder.item.code}) expires {reminder.item.expires_on.isoformat()}"
            )
    click.echo(
        f"Reminders as of {run.as_of.isoformat()}: {plural(run.items_due, 'item')} due, "
        f"{plural(run.created, 'new notification')}, {run.already_sent} already sent before."
    )


AS_OF = click.option(
    "--as-of",
    "as_of",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="Run as if today were this date (default: today, ECHELON_TODAY when set).",
)
"""The --as-of option of the periodic commands."""


@audited_command("send-reminders")
@AS_OF
def send_reminders_command(as_of: date | None) -> None:
    """Email and notify expiring certifications and background checks (idempotent)."""
    from app.services.assignments import send_assignment_reminders
    from app.services.reminders import ReminderError, send_reminders

    try:
        required = send_assignment_reminders(as_of, deliver=False)  # mailed just below
        run = send_reminders(as_of)
    except ReminderError as error:
        raise click.ClickException(str(error)) from error
    _echo_reminders(run)
    click.echo(f"Required training: {plural(len(required.sent), 'reminder')} of assignments.")
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


# ----------------------------------------------------------------------------- 360 rounds


@audited_command("run-360-rounds")
@AS_OF
def run_360_rounds_command(as_of: date | None) -> None:
    """Remind 360 raters who have not answered, close rounds past their date (idempotent)."""
    from app.services import mailer, talent

    try:
        run = talent.send_reminders(as_of)
    except mailer.MailError as error:
        raise click.ClickException(f"{error} No reminder was marked as sent.") from error
    closed = talent.close_due_rounds(as_of)
    click.echo(
        f"360 rounds: {plural(run.sent, 'reminder')} sent, {plural(closed, 'round')} closed."
    )
    if run.failed:
        raise click.ClickException(f"Could not remind {', '.join(run.failed)}.")


# ----------------------------------------------------------------------------- retention


@audited_command("purge-expired-data")
@click.option("--dry-run", is_flag=True, help="List what would be erased; change nothing.")
def purge_expired_data_command(dry_run: bool) -> None:
    """Erase check findings and uploaded files older than their retention period."""
    from app.services.retention import RetentionError, purge_expired_data

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
        f"{verb} the findings of {plural(len(report.checks), 'background check')} completed "
        f"on or before {report.check_cutoff.isoformat()} and "
        f"{plural(len(report.uploads), 'uploaded file')} from on or before "
        f"{report.upload_cutoff.isoformat()}."
        + (" Nothing was changed (dry run)." if dry_run else " Status history was kept.")
    )


# ----------------------------------------------------------------------------- reports


@click.group("reports")
def reports_group() -> None:
    pass  # `flask reports ...`: no help text of its own, as before


@reports_group.command("verify")
@click.argument("employee_no")
@click.argument("role")
@click.argument("as_of")
@click.argument("fingerprint")
@with_appcontext
def verify_report_command(employee_no: str, role: str, as_of: str, fingerprint: str) -> None:
    """Does a printed readiness report still match the records?"""
    # Recomputes the fingerprint of an individual readiness report from today's records (exit
    # status 0 when it matches, 1 when it does not, 2 for bad input). Runs with the rights of
    # the command line, i.e. of whoever may run the server's commands.
    from app.reports import sources

    employee = sources.employee_by_number(employee_no)
    if employee is None:
        click.echo(f"No employee with number {employee_no!r}.", err=True)
        raise SystemExit(2)
    try:
        role_code = sources.parse_role(role, None)
        when = sources.parse_as_of(as_of, required=True)
        result = sources.verify(employee, role_code, when, fingerprint)
    except sources.ReportInputError as error:
        messages = [m for ms in error.errors.values() for m in ms] or [error.message]
        click.echo(" ".join(messages), err=True)
        raise SystemExit(2) from None
    if result.matches:
        click.echo(
            f"MATCH: the records of {result.employee_name} for {result.role} as of "
            f"{result.as_of} give the printed fingerprint ({result.current_short})."
        )
        return
    click.echo(
        f"NO MATCH: the records of {result.employee_name} for {result.role} as of "
        f"{result.as_of} now give {result.current_short}, not {result.typed}; "
        "the records changed after the report was made, or a detail was typed differently."
    )
    raise SystemExit(1)


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Threads (default: JOBS_WORKERS).")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run a background-jobs worker (and the periodic tasks) until stopped (Ctrl-C, SIGTERM)."""
    from app.services import jobs

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs.consumer(app, workers).run()


COMMANDS: tuple[click.Command, ...] = (
    create_user_command,
    create_token_command,
    backup_command,
    seed_demo_command,
    import_csv_command,
    export_csv_command,
    send_reminders_command,
    run_360_rounds_command,
    purge_expired_data_command,
    worker_command,
    reports_group,
)
