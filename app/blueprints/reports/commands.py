"""`flask --app app reports verify EMPLOYEE_NO ROLE AS_OF FINGERPRINT`: check a printed report.

Recomputes the fingerprint of an individual readiness report from today's records and says
whether it matches the one printed on the paper (exit status 0 when it matches, 1 when it does
not, 2 for bad input). Runs with the rights of the command line, i.e. of whoever may run the
server's commands.
"""

from __future__ import annotations

import click
from flask import Blueprint


def register(bp: Blueprint) -> None:
    @bp.cli.command("verify")
    @click.argument("employee_no")
    @click.argument("role")
    @click.argument("as_of")
    @click.argument("fingerprint")
    def verify_command(employee_no: str, role: str, as_of: str, fingerprint: str) -> None:
        """Does a printed readiness report still match the records?"""
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
