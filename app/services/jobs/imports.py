"""Large CSV imports as jobs (issue 23): rows applied, all or nothing, as the requester.

A file of more than JOBS_IMPORT_ROWS_THRESHOLD rows (cfg) is applied by a worker. The import
runs exactly as on the page (``csv_io.run_import``: one transaction for the whole file) and the
job is marked done inside that same transaction, just before its commit: a worker killed in the
middle leaves nothing imported and the job still running, and its retry starts from a clean
database; an attempt that is no longer current rolls the whole import back (``Superseded``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from app import policy
from app.audit import acting_as
from app.models import User
from app.services import csv_io, signins
from app.services.jobs import requests
from app.services.jobs.runner import JobRun, Refused, jobs_folder, kind, signed_in_as
from app.services.records import RecordError

REFUSALS_KEPT = 20  # refused lines shown in the summary


def row_count(data: bytes | str) -> int:
    return len(csv_io.parse_csv(data).rows)


def is_large(data: bytes | str) -> bool:
    threshold = int(current_app.config.get("JOBS_IMPORT_ROWS_THRESHOLD") or 0)
    return row_count(data) > threshold


def request_import(
    user: User,
    kind_name: str,
    data: bytes,
    *,
    mapping: Mapping[str, str | None] | None,
    date_format: str,
    filename: str,
) -> int:
    """Queue the import of a staged file for ``user``; answers the job's id."""
    title = f"Import of {csv_io.KINDS[kind_name].title.lower()} ({filename})"
    params = {
        "kind": kind_name,
        "mapping": dict(mapping) if mapping else None,
        "date_format": date_format,
    }
    return requests.submit(
        "csv_import",
        title,
        requester_id=user.id,
        params=params,
        unit="rows checked",
        total=row_count(data),
        before_queue=lambda job_id: _keep_input(job_id, data),
    )


def _input(job_id: int) -> Any:
    return jobs_folder() / f"job-{job_id}-input.csv"


def _keep_input(job_id: int, data: bytes) -> None:
    _input(job_id).write_bytes(data)


def _summary(report: csv_io.ImportReport) -> dict[str, Any]:
    counts = report.counts
    summary: dict[str, Any] = {
        "imported": "yes" if report.applied else "no: the import is all or nothing",
        "created": counts["create"],
        "updated": counts["update"],
        "unchanged": counts["unchanged"],
        "refused": counts["refuse"],
    }
    refused = [
        f"line {r.line}: {'; '.join(r.messages)}" for r in report.rows if r.action == "refuse"
    ]
    if refused or report.file_errors:
        summary["why"] = " | ".join([*report.file_errors, *refused[:REFUSALS_KEPT]])
    return summary


@kind("csv_import")
def run_csv_import(run: JobRun) -> None:
    user = run.requester("The requester may no longer import records.", policy.is_hr)
    data = _input(run.job_id).read_bytes()

    def on_row(done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            run.step(done, total)

    employees = run.params["kind"] == "employees"
    before = signins.newest_employee_id() if employees else 0

    def finish_with(report: csv_io.ImportReport) -> None:
        if employees and report.counts["create"]:
            # the people it created, for the offer to give them sign-ins (issue 19)
            run.job.params = {**run.params, "created": [before, signins.newest_employee_id()]}
        run.finish(_summary(report), commit=False)

    with signed_in_as(user), acting_as(user.email, user.id):
        try:
            report = csv_io.run_import(
                run.params["kind"],
                data,
                mapping=run.params.get("mapping"),
                date_format=run.params.get("date_format") or "iso",
                apply=True,
                actor=user,
                on_row=on_row,
                before_commit=finish_with,
            )
        except RecordError as error:
            raise Refused(error.message) from error
    if not report.applied:  # refused rows: nothing was written; the job is done, saying why
        run.finish(_summary(report))
    _input(run.job_id).unlink(missing_ok=True)
