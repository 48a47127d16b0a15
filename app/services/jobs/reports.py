"""Large team and compliance reports as jobs (issue 23): people evaluated, then pages rendered.

A PDF of more people than JOBS_PDF_PEOPLE_THRESHOLD (cfg), or a CSV table of more than
JOBS_CSV_PEOPLE_THRESHOLD, is not made inside the request: the page asks for a job and shows
its progress; a worker builds the report as its requester (their part of the organisation,
checked again when the job runs and again at download) and keeps the file for
JOBS_RESULT_HOURS (cfg).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from app import policy
from app.extensions import db
from app.models import User
from app.policy.readiness import sees_all_check_findings
from app.reports import compliance as compliance_data
from app.reports import render, sources, tables
from app.reports import team as team_data
from app.services.jobs import requests
from app.services.jobs.runner import JobRun, kind, signed_in_as

GATES_SHOWN_IN_PDF = 3  # per candidate, as the report page prints them


@dataclass(frozen=True)
class PdfKind:
    endpoint: str  # the report route whose permission the requester must still hold
    template: str
    title: str


PDF_KINDS = {
    "team_pdf": PdfKind(
        "reports.team_pdf", "reports/team.html", "Team bench strength and succession"
    ),
    "compliance_pdf": PdfKind(
        "reports.compliance_pdf", "reports/compliance.html", "Compliance report"
    ),
    "team_csv": PdfKind("reports.team_csv", "", "Team bench strength and succession"),
    "compliance_csv": PdfKind("reports.compliance_csv", "", "Compliance report"),
}


def population_size(population: Select) -> int:
    return int(db.session.scalar(select(func.count()).select_from(population.subquery())) or 0)


def is_large(population: Select, setting: str = "JOBS_PDF_PEOPLE_THRESHOLD") -> bool:
    """Is this report big enough to be made by a worker rather than in the request?"""
    threshold = int(current_app.config.get(setting) or 0)
    return population_size(population) > threshold


def request_pdf(user: User, kind_name: str, params: dict[str, Any], filename: str) -> int:
    """Queue a report PDF (or a CSV table: ``params["table"]``) for ``user``; answers the
    job's id."""
    spec = PDF_KINDS[kind_name]
    scope = params.get("department") or "all departments"
    what = f"CSV of {params['table']}" if kind_name.endswith("_csv") else "PDF"
    return requests.submit(
        kind_name,
        f"{spec.title} {what} ({scope}, as of {params['as_of']})",
        requester_id=user.id,
        params={**params, "filename": filename},
        unit="people evaluated",
    )


def may_download(user: User | None, kind_name: str) -> bool:
    """Does the requester still hold the report's permission (asked again at download)?"""
    spec = PDF_KINDS.get(kind_name)
    return bool(user and user.is_active and spec and policy.admits(user, spec.endpoint))


def _team(report: Any) -> dict[str, Any]:
    return {
        "band_labels": team_data.BAND_LABELS,
        "gates_shown": GATES_SHOWN_IN_PDF,
        "candidate_pages": {s.role_code: s.candidates for s in report.roles},
    }


def _compliance(report: Any) -> dict[str, Any]:
    return {"bucket_labels": compliance_data.BUCKET_LABELS, "rows": report.rows}


def _build(
    run: JobRun, user: User, population: Select, scope: str, as_of: date
) -> tuple[Any, dict[str, Any]]:
    if run.job.kind.startswith("team_"):
        team = sources.team(population, as_of, scope=scope)
        return team, _team(team)
    show = sees_all_check_findings(user)
    days = int(run.params.get("days") or 90)
    compliance = sources.compliance(population, as_of, days, show_findings=show, scope=scope)
    return compliance, {**_compliance(compliance), "show_findings": show}


def _report(run: JobRun) -> tuple[User, int, Any, dict[str, Any]]:
    """The job's report built as its requester (whose right to it is asked again): the
    requester, the number of people, the report and what its PDF prints besides."""
    user = run.requester(
        "The requester may no longer see this report.",
        lambda user: may_download(user, run.job.kind),
    )
    with signed_in_as(user):
        department = sources.parse_department(run.params.get("department"))
        as_of = date.fromisoformat(run.params["as_of"])
        population, scope = sources.report_population(user, department)
        people = population_size(population)
        run.step(0, people, "people evaluated")
        report, printed = _build(run, user, population, scope, as_of)
        run.step(people, people)
    return user, people, report, printed


def _result_name(run: JobRun) -> str:
    return render.safe_filename(str(run.params.get("filename") or run.job.kind))


def _pdf(run: JobRun) -> None:
    spec = PDF_KINDS[run.job.kind]
    user, people, report, printed = _report(run)
    form = {k: str(v) for k, v in run.params.items() if k in ("department", "days", "as_of")}

    def on_page(page: int) -> None:
        run.step(page, None, "pages rendered")

    with signed_in_as(user):
        data = render.pdf_bytes(
            spec.template,
            on_page=on_page,
            form=form,
            errors={},
            report_title=spec.title,
            r=report,
            **printed,
        )
    run.total = run.done
    path = run.write_result(data, ".pdf")
    run.finish(
        {"people": people, "pages": run.done, "bytes": len(data)}, path, _result_name(run) + ".pdf"
    )


def _csv(run: JobRun) -> None:
    """One CSV table of a large team or compliance report, as the report page's CSV link
    gives it (the same rows and columns)."""
    _user, people, report, _printed = _report(run)
    tables_of = (
        tables.team_tables(report)
        if run.job.kind == "team_csv"
        else tables.compliance_tables(report)
    )
    made = tables_of[str(run.params["table"])]()
    rows = list(made.rows)
    data = tables.as_text(tables.Table(made.name, made.header, rows)).encode()
    path = run.write_result(data, ".csv")
    name = f"{_result_name(run)}-{made.name}.csv"
    run.finish({"people": people, "rows": len(rows), "bytes": len(data)}, path, name)


kind("team_pdf")(_pdf)
kind("compliance_pdf")(_pdf)
kind("team_csv")(_csv)
kind("compliance_csv")(_csv)
