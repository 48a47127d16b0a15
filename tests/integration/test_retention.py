"""Retention: erase check findings and uploaded documents past their period (issue 8).

`purge-expired-data [--dry-run]` erases background-check findings older than
check_retention_years (cfg, default 5 years after completion) and uploaded documents older than
upload_retention_years (cfg, default 5); it keeps the status history and leaves an audit entry.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, BackgroundCheck, CheckType, Employee, Upload
from app.services import settings
from app.services.retention import find_expired, purge_expired_data
from tests.conftest import TEST_TODAY

OLD_FINDINGS = "Misdemeanour in 2019, disclosed by the candidate at interview."
RECENT_FINDINGS = "Two accounts in collections (2023), both settled"  # Grace's demo CREDIT check


@dataclass
class Retained:
    old_check_id: int
    recent_check_id: int
    old_upload_id: int
    old_file: Path
    recent_upload_id: int
    recent_file: Path


def _check(db, employee: Employee, completed: date, findings: str, status: str):  # type: ignore[no-untyped-def]
    check = BackgroundCheck(
        employee_id=employee.id,
        check_type_id=db.session.scalar(select(CheckType.id).where(CheckType.code == "CRIMINAL")),
        consent_signed_on=completed - timedelta(days=20),
        consent_form_version="FCRA-2019-2",
        requested_on=completed - timedelta(days=14),
        vendor="Sterling Screening",
        status=status,
        completed_on=completed,
        valid_until=completed + timedelta(days=3 * 365),
        findings=findings,
    )
    db.session.add(check)
    return check


def _upload(app, db, employee: Employee, uploaded_at: datetime, content: bytes):  # type: ignore[no-untyped-def]
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + ".pdf"
    (folder / stored).write_bytes(content)
    upload = Upload(
        stored_name=stored,
        original_name="transcript.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        employee_id=employee.id,
        purpose="transcript",
        uploaded_at=uploaded_at,
    )
    db.session.add(upload)
    return upload, folder / stored


@pytest.fixture
def retained(demo_app, demo_db) -> Retained:  # type: ignore[no-untyped-def]
    maria = demo_db.session.scalar(
        select(Employee).where(Employee.email == "maria.lopez@example.com")
    )
    old = _check(demo_db, maria, date(2020, 6, 1), OLD_FINDINGS, "review_required")
    demo_db.session.flush()
    old.status = "clear"  # a later decision: the audit trail now holds the findings twice
    recent = demo_db.session.scalar(
        select(BackgroundCheck).where(BackgroundCheck.findings.like(f"{RECENT_FINDINGS}%"))
    )
    six_years_ago = datetime(2020, 11, 1, 9, 30, tzinfo=UTC)
    old_upload, old_file = _upload(demo_app, demo_db, maria, six_years_ago, b"%PDF-1.4 old")
    new_upload, new_file = _upload(
        demo_app, demo_db, maria, datetime(2025, 1, 5, tzinfo=UTC), b"%PDF-1.4 new"
    )
    demo_db.session.commit()
    return Retained(old.id, recent.id, old_upload.id, old_file, new_upload.id, new_file)


def _audit_text(db) -> str:  # type: ignore[no-untyped-def]
    entries = db.session.scalars(select(AuditEntry)).all()
    return json.dumps([[e.before, e.after] for e in entries])


def test_the_dry_run_lists_exactly_what_the_real_purge_erases(demo_db, retained):
    audit_rows = demo_db.session.scalar(select(func.count(AuditEntry.id)))
    dry = purge_expired_data(dry_run=True)
    assert dry.dry_run is True
    assert [i.record_id for i in dry.checks] == [retained.old_check_id]
    assert [i.record_id for i in dry.uploads] == [retained.old_upload_id]
    # the dry run changed nothing at all
    demo_db.session.expire_all()
    assert demo_db.session.get(BackgroundCheck, retained.old_check_id).findings == OLD_FINDINGS
    assert retained.old_file.exists()
    assert demo_db.session.get(Upload, retained.old_upload_id).purged_on is None
    assert demo_db.session.scalar(select(func.count(AuditEntry.id))) == audit_rows

    real = purge_expired_data()
    assert real.dry_run is False
    assert [(i.table, i.record_id) for i in real.items] == [
        (i.table, i.record_id) for i in dry.items
    ]
    demo_db.session.expire_all()
    check = demo_db.session.get(BackgroundCheck, retained.old_check_id)
    assert check.findings is None and check.findings_purged_on == TEST_TODAY
    assert not retained.old_file.exists()
    assert demo_db.session.get(Upload, retained.old_upload_id).purged_on == TEST_TODAY


def test_the_purge_keeps_the_status_history_and_recent_data(demo_db, retained):
    purge_expired_data()
    demo_db.session.expire_all()
    check = demo_db.session.get(BackgroundCheck, retained.old_check_id)
    assert (check.status, check.completed_on, check.valid_until) == (
        "clear",
        date(2020, 6, 1),
        date(2023, 6, 1),
    )
    assert check.consent_form_version == "FCRA-2019-2"
    upload = demo_db.session.get(Upload, retained.old_upload_id)
    assert upload.original_name == "transcript.pdf"  # the record of the document stays
    recent = demo_db.session.get(BackgroundCheck, retained.recent_check_id)
    assert recent.findings.startswith(RECENT_FINDINGS)  # 20 days old: kept
    assert retained.recent_file.exists()
    assert demo_db.session.get(Upload, retained.recent_upload_id).purged_on is None
    # the status changes of the old check are still in its audit history
    history = demo_db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.table_name == "background_checks",
            AuditEntry.record_id == str(retained.old_check_id),
        )
    ).all()
    assert any((e.after or {}).get("status") == "clear" for e in history if e.action == "update")


def test_the_purge_leaves_audit_entries_and_erases_the_text_everywhere(demo_db, retained):
    assert OLD_FINDINGS in _audit_text(demo_db)  # the insert and the update recorded it
    purge_expired_data()
    demo_db.session.expire_all()
    purges = demo_db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "purge").order_by(AuditEntry.id)
    ).all()
    assert [(e.table_name, e.record_id) for e in purges] == [
        ("background_checks", str(retained.old_check_id)),
        ("uploads", str(retained.old_upload_id)),
        ("retention", TEST_TODAY.isoformat()),
    ]
    assert purges[-1].after["check_findings_erased"] == 1
    assert purges[-1].after["uploads_erased"] == 1
    assert OLD_FINDINGS not in _audit_text(demo_db)  # erasure is real, trail redacted
    assert "erased under the retention policy on 2026-11-22" in _audit_text(demo_db)
    assert RECENT_FINDINGS in _audit_text(demo_db)  # other checks' history untouched


def test_a_second_purge_erases_nothing_more(demo_db, retained):
    purge_expired_data()
    again = purge_expired_data()
    assert again.items == []
    assert purge_expired_data(dry_run=True).items == []


def test_retention_periods_come_from_settings(demo_db, retained):
    settings.set_value("check_retention_years", 10)
    settings.set_value("upload_retention_years", 1)
    demo_db.session.commit()
    report = find_expired()
    assert report.check_cutoff == date(2016, 11, 22)
    assert report.checks == []  # 6 years old is within 10 years
    assert {i.record_id for i in report.uploads} == {
        retained.old_upload_id,
        retained.recent_upload_id,
    }


def test_the_retention_boundary_is_the_anniversary(demo_db, retained):
    """Kept for five whole years after completion: erased on the anniversary, not a day before."""
    check = demo_db.session.get(BackgroundCheck, retained.old_check_id)
    assert [i.record_id for i in find_expired(date(2025, 5, 31)).checks] == []
    assert [i.record_id for i in find_expired(date(2025, 6, 1)).checks] == [check.id]


def test_cli_dry_run_then_real_purge(demo_app, demo_db, retained):
    runner = demo_app.test_cli_runner()
    dry = runner.invoke(args=["purge-expired-data", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would erase findings of CRIMINAL check #{retained.old_check_id}" in dry.output
    assert "Would erase the findings of 1 background check " in dry.output
    assert "Nothing was changed (dry run)." in dry.output
    assert retained.old_file.exists()
    real = runner.invoke(args=["purge-expired-data"])
    assert real.exit_code == 0, real.output
    assert "Erased the findings of 1 background check completed on or before 2021-11-22" in (
        real.output
    )
    assert "and 1 uploaded file from" in real.output
    assert not retained.old_file.exists()
    demo_db.session.expire_all()
    assert demo_db.session.get(BackgroundCheck, retained.old_check_id).findings is None
    audit = demo_db.session.scalar(select(AuditEntry).where(AuditEntry.table_name == "retention"))
    assert audit.actor == "cli:purge-expired-data"


def test_a_missing_file_is_still_marked_erased(demo_app, demo_db, retained):
    retained.old_file.unlink()
    report = purge_expired_data()
    assert report.missing_files == [retained.old_file.name]
    demo_db.session.expire_all()
    assert demo_db.session.get(Upload, retained.old_upload_id).purged_on == TEST_TODAY
