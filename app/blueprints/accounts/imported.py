"""The people a CSV import of employees just created, kept in the importer's session (the id
range it created) so the import and sign-in pages can offer to give them sign-ins; a large
import run as a background job keeps the range in its job, whose page makes the same offer."""

from __future__ import annotations

from typing import Any

from flask import session

from app.models import Job
from app.services import signins

IMPORTED = "imported_employees"


def before_import() -> int:
    """The newest employee id before an import of employees (its new people come after)."""
    return signins.newest_employee_id()


def remember(before: int) -> None:
    """After an applied import of employees: keep the id range it created."""
    upto = signins.newest_employee_id()
    if upto > before:
        session[IMPORTED] = [before, upto]


def people() -> list[int]:
    """Those people, still without a sign-in (none when there was no such import)."""
    return _without_signin(session.get(IMPORTED))


def of_job(job: Job | None) -> list[int]:
    """The people a background import of employees created, still without a sign-in."""
    if job is None or job.kind != "csv_import" or job.state != "done":
        return []
    return _without_signin((job.params or {}).get("created"))


def _without_signin(found: Any) -> list[int]:
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(i, int) for i in found)):
        return []
    return signins.without_signin_ids(signins.created_between(found[0], found[1]))


def forget() -> None:
    session.pop(IMPORTED, None)
