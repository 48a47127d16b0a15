"""CSV import (upload -> mapping -> dry run -> apply, all or nothing) and export (hr only)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for

from app import policy
from app.blueprints.accounts import imported
from app.blueprints.records import forms, staging
from app.blueprints.records.common import bp, user
from app.clock import today
from app.kernel.forms import refuse
from app.policy import Load, permission
from app.policy import records as may
from app.services import csv_io
from app.services.jobs import imports as import_jobs
from app.services.records import RecordError

# A staged file opens only for the one who uploaded it (404 for anyone else).
STAGED = Load(
    "token",
    "staged",
    lambda token: staging.load(token, policy.acting_user()),
    lambda user, staged: True,
)


@bp.route("/import", methods=["GET", "POST"])
@permission("hr")
def import_start() -> Any:
    form = forms.ImportForm()
    status = 200
    if form.validate_on_submit():
        try:
            token = staging.stage(
                form.file.data,
                kind=form.kind.data,
                date_format=form.date_format.data,
                user=user(),
            )
        except RecordError as error:
            status = refuse(form, error)
        else:
            return redirect(url_for("records.import_review", token=token))
    return (
        render_template(
            "records/import.html", form=form, kinds=csv_io.KINDS, imported=imported.people()
        ),
        status,
    )


def _mapping_from_form(kind: csv_io.ImportKind) -> dict[str, str | None]:
    mapping: dict[str, str | None] = {}
    for column in kind.columns:
        key = f"map_{column.field}"
        if key in request.form:
            mapping[column.field] = request.form.get(key) or None
    return mapping


def _run(staged: staging.Staged, mapping: dict[str, str | None] | None, apply: bool) -> Any:
    return csv_io.run_import(
        staged.kind,
        staged.data,
        mapping=mapping,
        date_format=request.form.get("date_format", staged.date_format),
        apply=apply,
        actor=user(),
    )


def _review_page(staged: staging.Staged, report, status: int) -> Any:
    return (
        render_template(
            "records/import_review.html",
            staged=staged,
            kind=csv_io.KINDS[staged.kind],
            report=report,
            token=staged.token,
            date_format=report.date_format,
            formats=csv_io.DATE_FORMATS,
            preview=csv_io.parse_csv(staged.data).rows[:5],
        ),
        status,
    )


@bp.route("/import/<token>", methods=["GET", "POST"])
@permission("hr", STAGED)
def import_review(staged: staging.Staged) -> Any:
    kind = csv_io.KINDS[staged.kind]
    posted = request.method == "POST"
    report = _run(staged, _mapping_from_form(kind) if posted else None, apply=False)
    return _review_page(staged, report, 422 if posted and not report.ok else 200)


@bp.route("/import/<token>/apply", methods=["POST"])
@permission("hr", STAGED)
def import_apply(staged: staging.Staged) -> Any:
    kind = csv_io.KINDS[staged.kind]
    if import_jobs.is_large(staged.data):  # a worker applies it (issue 23), all or nothing
        job_id = import_jobs.request_import(
            user(),
            staged.kind,
            staged.data,
            mapping=_mapping_from_form(kind) or None,
            date_format=request.form.get("date_format", staged.date_format),
            filename=staged.filename,
        )
        staging.discard(staged.token)
        return redirect(url_for("jobs.show", job_id=job_id))
    before = imported.before_import()
    report = _run(staged, _mapping_from_form(kind), apply=True)
    if report.applied:
        staging.discard(staged.token)
        if staged.kind == "employees" and report.counts["create"]:
            imported.remember(before)
        counts = report.counts
        flash(
            f"Imported {kind.title.lower()}: {counts['create']} created, {counts['update']} "
            f"updated, {counts['unchanged']} unchanged.",
            "success",
        )
        return redirect(url_for("records.import_start"))
    flash("Nothing was imported: fix the refused rows and try again (all or nothing).", "error")
    return _review_page(staged, report, 422)


@bp.route("/export/<kind>.csv")
@permission("hr", may.known("kind", csv_io.KINDS))
def export(kind: str) -> Any:
    g.no_store = True
    text = csv_io.export_csv(kind)
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="echelon-{kind}-{today().isoformat()}.csv"'
            )
        },
    )
