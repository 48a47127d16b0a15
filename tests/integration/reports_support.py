"""Helpers for the report tests: PDF text, people by name."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from app.models import Employee
from tests import factories


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF; fails the test when it is not a valid PDF."""
    assert data[:5] == b"%PDF-", "not a PDF"
    assert b"%%EOF" in data[-1024:], "the PDF is truncated"
    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def employee_id(db, name: str) -> int:  # type: ignore[no-untyped-def]
    """The id of the employee with this name (``db`` is the fixture the callers hold)."""
    return factories.employee_id(name)


def add_people(db, count: int, *, department: str, manager: str, prefix: str = "B") -> list[int]:  # type: ignore[no-untyped-def]
    """Bulk-insert ``count`` CSRs with certifications and checks lapsing at spread-out dates.

    Every tenth person also has a CREDIT check in review_required with findings that mention
    "collections" (docs/RULES.md: findings are for hr only).
    """
    from datetime import date, timedelta

    from sqlalchemy import insert

    from app.models import (
        BackgroundCheck,
        CheckType,
        Competency,
        CompetencyRating,
        Completion,
        Course,
        Department,
        JobRole,
    )
    from tests.conftest import TEST_TODAY

    role = db.session.scalar(select(JobRole.id).where(JobRole.code == "L1-CSR"))
    dept = db.session.scalar(select(Department.id).where(Department.code == department))
    boss = employee_id(db, manager)
    course = dict(db.session.execute(select(Course.code, Course.id)).all())
    check = dict(db.session.execute(select(CheckType.code, CheckType.id)).all())
    competency = dict(db.session.execute(select(Competency.code, Competency.id)).all())
    start = db.session.scalar(select(Employee.id).order_by(Employee.id.desc())) + 1
    ids = [start + i for i in range(count)]
    db.session.execute(
        insert(Employee),
        [
            {
                "id": eid,
                "employee_no": f"{prefix}{i:05d}",
                "email": f"{prefix.lower()}{i}@example.com",
                "name": f"{prefix}ulk Person {i:04d}",
                "hire_date": date(2021, 1, 1),
                "job_role_id": role,
                "role_since": date(2022, 1, 1),
                "manager_id": boss,
                "department_id": dept,
                "status": "active",
                "version": 1,
            }
            for i, eid in enumerate(ids)
        ],
    )
    completions, checks, ratings = [], [], []
    for i, eid in enumerate(ids):
        lapses = TEST_TODAY + timedelta(days=(i * 7) % 130 - 20)
        completions.append(
            {
                "employee_id": eid,
                "course_id": course["PCI-AWARE"],
                "completed_on": lapses - timedelta(days=365),
                "expires_on": lapses,
                "verification": "verified",
                "version": 1,
            }
        )
        for code in ("CS-FOUND", "HARASS-REF"):
            completions.append(
                {
                    "employee_id": eid,
                    "course_id": course[code],
                    "completed_on": date(2026, 1, 10),
                    "expires_on": date(2028, 1, 10) if code == "HARASS-REF" else None,
                    "verification": "verified",
                    "version": 1,
                }
            )
        checks.append(
            {
                "employee_id": eid,
                "check_type_id": check["EMPLOYMENT"],
                "consent_signed_on": date(2024, 1, 1),
                "consent_form_version": "FCRA-2024-1",
                "requested_on": date(2024, 1, 2),
                "status": "clear",
                "completed_on": date(2024, 1, 20),
                "valid_until": TEST_TODAY + timedelta(days=(i * 11) % 150 + 1),
                "version": 1,
            }
        )
        if i % 10 == 0:
            checks.append(
                {
                    "employee_id": eid,
                    "check_type_id": check["CREDIT"],
                    "consent_signed_on": date(2026, 9, 1),
                    "consent_form_version": "FCRA-2024-1",
                    "requested_on": date(2026, 9, 2),
                    "status": "review_required",
                    "completed_on": date(2026, 9, 20),
                    "valid_until": date(2027, 9, 20),
                    "findings": "One account in collections.",
                    "version": 1,
                }
            )
        for code, level in (("PRODUCT", 3), ("COMPLAINT", 3), ("COACHING", 2)):
            ratings.append(
                {
                    "employee_id": eid,
                    "competency_id": competency[code],
                    "level": level,
                    "rated_on": date(2026, 6, 1),
                    "source": "manager",
                    "version": 1,
                }
            )
    db.session.execute(insert(Completion), completions)
    db.session.execute(insert(BackgroundCheck), checks)
    db.session.execute(insert(CompetencyRating), ratings)
    db.session.commit()
    return ids


def fresh_request_state(db) -> None:  # type: ignore[no-untyped-def]
    """Forget what the held app context cached, so the next request sees the new rows."""
    from flask import g

    db.session.expire_all()
    for key in ("_catalogue_snapshot", "_settings", "_managed_ids", "_is_manager"):
        g.pop(key, None)
