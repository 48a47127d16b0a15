"""Retention: erase background-check findings and uploaded documents past their period.

Issue 8 and docs/RULES.md (cfg): findings are kept ``check_retention_years`` (default 5) after the
check was completed; uploaded documents ``upload_retention_years`` (default 5) after upload.
Erasing keeps the status history: the check row with its type, status and dates stays (so
readiness and reports still know a check was done), the upload's metadata row stays (so the
records pointing at it stay valid) while the stored file is deleted. Each erased record gets an
audit entry, and one entry records the run itself.

Erasure is real: the findings text is also redacted from the earlier audit entries of that check
(their before/after values), the one sanctioned edit of the append-only trail; who changed what
and when stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import CursorResult, Update, func, select, update

from app.audit import record_change
from app.clock import today
from app.extensions import db
from app.kernel.uow import unit_of_work
from app.models import AuditEntry, BackgroundCheck, CheckType, Upload
from app.readiness.dates import add_months
from app.services import settings

ERASED = "[erased under the retention policy on {on}]"


class RetentionError(RuntimeError):
    """The purge could not finish; nothing was committed (the message says what to fix)."""


@dataclass(frozen=True)
class PurgeItem:
    """One record whose personal content is past its retention period."""

    table: str  # "background_checks" or "uploads"
    record_id: int
    employee_id: int
    label: str
    dated: date


@dataclass
class PurgeReport:
    as_of: date
    dry_run: bool
    check_cutoff: date
    upload_cutoff: date
    checks: list[PurgeItem] = field(default_factory=list)
    uploads: list[PurgeItem] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[PurgeItem]:
        return [*self.checks, *self.uploads]


def cutoffs(as_of: date) -> tuple[date, date]:
    """Records dated on or before these dates are past retention (checks, uploads)."""
    check_years = int(settings.get("check_retention_years"))
    upload_years = int(settings.get("upload_retention_years"))
    return add_months(as_of, -12 * check_years), add_months(as_of, -12 * upload_years)


def find_expired(as_of: date | None = None) -> PurgeReport:
    """What a purge on ``as_of`` would erase; changes nothing (the dry run)."""
    as_of = as_of or today()
    check_cutoff, upload_cutoff = cutoffs(as_of)
    report = PurgeReport(as_of, True, check_cutoff, upload_cutoff)
    # A check that never completed counts from its request date.
    check_date = func.coalesce(BackgroundCheck.completed_on, BackgroundCheck.requested_on)
    for cid, eid, code, completed, requested in db.session.execute(
        select(
            BackgroundCheck.id,
            BackgroundCheck.employee_id,
            CheckType.code,
            BackgroundCheck.completed_on,
            BackgroundCheck.requested_on,
        )
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(BackgroundCheck.findings.is_not(None), check_date <= check_cutoff)
        .order_by(check_date, BackgroundCheck.id)
    ):
        dated = completed or requested
        verb = "completed" if completed else "requested"
        report.checks.append(
            PurgeItem(
                "background_checks",
                cid,
                eid,
                f"findings of {code} check #{cid} ({verb} {dated.isoformat()})",
                dated,
            )
        )
    before = datetime.combine(upload_cutoff + timedelta(days=1), time.min, tzinfo=UTC)
    for uid, eid, name, purpose, uploaded_at in db.session.execute(
        select(
            Upload.id, Upload.employee_id, Upload.original_name, Upload.purpose, Upload.uploaded_at
        )
        .where(Upload.purged_on.is_(None), Upload.uploaded_at < before)
        .order_by(Upload.uploaded_at, Upload.id)
    ):
        dated = uploaded_at.date()
        report.uploads.append(
            PurgeItem(
                "uploads",
                uid,
                eid,
                f"{purpose} file #{uid} {name!r} (uploaded {dated.isoformat()})",
                dated,
            )
        )
    return report


def _stored_path(stored_name: str) -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    path = (folder / Path(stored_name).name).resolve()
    if path.parent != folder:
        raise RetentionError(f"Upload file name {stored_name!r} is not a plain file name.")
    return path


def _redact_audit_history(check_ids: list[int], marker: str) -> int:
    """Replace the findings text in earlier audit entries of these checks; answers how many."""
    if not check_ids:
        return 0
    table = AuditEntry.__table__
    wanted = {str(cid) for cid in check_ids}
    redacted = 0
    # Insert entries may carry no record_id (the id is only known after the flush), so they
    # are matched on the "id" in their snapshot instead.
    rows = db.session.execute(
        select(table.c.id, table.c.record_id, table.c.before, table.c.after).where(
            table.c.table_name == "background_checks",
            table.c.record_id.in_(wanted) | table.c.record_id.is_(None),
        )
    ).all()
    for entry_id, record_id, before, after in rows:
        snapshot_id = next(
            (str(v["id"]) for v in (after, before) if isinstance(v, dict) and "id" in v), None
        )
        if record_id not in wanted and snapshot_id not in wanted:
            continue
        changed = {}
        for column, values in (("before", before), ("after", after)):
            if isinstance(values, dict) and values.get("findings") not in (None, marker):
                changed[column] = {**values, "findings": marker}
        if changed:
            db.session.execute(update(table).where(table.c.id == entry_id).values(**changed))
            redacted += 1
    return redacted


def purge_expired_data(as_of: date | None = None, dry_run: bool = False) -> PurgeReport:
    """Erase what `find_expired` lists (or only list it, with ``dry_run``); one commit.

    Each erasure is a conditional UPDATE (``WHERE findings IS NOT NULL`` / ``purged_on IS NULL``)
    so two runs never erase or audit the same record twice.
    """
    report = find_expired(as_of)
    if dry_run:
        return report
    report.dry_run = False
    on = report.as_of
    marker = ERASED.format(on=on.isoformat())
    erased_checks, erased_uploads = _erase(report, on, marker)
    report.checks, report.uploads = erased_checks, erased_uploads
    return report


def _claimed(statement: Update) -> bool:
    """Run one guarded update: True when it changed the row (nobody erased it first)."""
    result: CursorResult[Any] = db.session.execute(statement)  # type: ignore[assignment]
    return result.rowcount == 1


def _audit_purge(table: str, record_id: int, before: dict[str, Any], after: dict[str, Any]) -> None:
    record_change(db.session(), table, record_id, "purge", before, after)


def _erase_checks(report: PurgeReport, on: date, marker: str) -> list[PurgeItem]:
    """Erase the findings of the listed checks not erased yet, with their audit rows."""
    erased: list[PurgeItem] = []
    checks = BackgroundCheck.__table__
    for item in report.checks:
        if not _claimed(
            update(checks)
            .where(checks.c.id == item.record_id, checks.c.findings.is_not(None))
            .values(findings=None, findings_purged_on=on, version=checks.c.version + 1)
        ):
            continue
        # Redact the earlier entries first, so the new one (which holds no text) stays as is.
        _redact_audit_history([item.record_id], marker)
        _audit_purge(
            "background_checks",
            item.record_id,
            {"findings": marker},
            {"findings": None, "findings_purged_on": on},
        )
        erased.append(item)
    return erased


def _erase_uploads(report: PurgeReport, on: date) -> list[PurgeItem]:
    """Mark the listed uploads erased and delete their files, with their audit rows."""
    erased: list[PurgeItem] = []
    uploads = Upload.__table__
    stored = dict(
        db.session.execute(
            select(Upload.id, Upload.stored_name).where(
                Upload.id.in_([item.record_id for item in report.uploads])
            )
        ).all()
    )
    for item in report.uploads:
        if not _claimed(
            update(uploads)
            .where(uploads.c.id == item.record_id, uploads.c.purged_on.is_(None))
            .values(purged_on=on)
        ):
            continue
        path = _stored_path(stored[item.record_id])
        existed = path.exists()
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise RetentionError(f"Could not delete {path}: {error}") from error
        if not existed:
            report.missing_files.append(path.name)
        _audit_purge(
            "uploads", item.record_id, {"purged_on": None}, {"purged_on": on, "file_erased": True}
        )
        erased.append(item)
    return erased


@unit_of_work
def _erase(report: PurgeReport, on: date, marker: str) -> tuple[list[PurgeItem], list[PurgeItem]]:
    """Erase everything the report lists, and audit the run (one commit: all or nothing)."""
    erased_checks = _erase_checks(report, on, marker)
    erased_uploads = _erase_uploads(report, on)
    record_change(
        db.session(),
        "retention",
        on.isoformat(),
        "purge",
        None,
        {
            "check_findings_erased": len(erased_checks),
            "uploads_erased": len(erased_uploads),
            "check_cutoff": report.check_cutoff,
            "upload_cutoff": report.upload_cutoff,
        },
    )
    return erased_checks, erased_uploads
