"""Employee records pages: hr editing, manager ratings and talent reviews, self-service,
the pending-completion queue, background checks, assessments, uploads and CSV import/export.

Views are thin: parse the form, call app.services.records / uploads / csv_io, then flash and
redirect or render. Every rule and message lives in those services; who may reach each page is
declared on its route (app.policy.records). The pages live in a module per sub-area, all on
the one blueprint ``bp``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from app import policy
from app.blueprints.records import (  # noqa: F401  (each registers its pages on bp)
    assessments,
    checks,
    corrections,
    education,
    imports,
    profile,
    queue,
    ratings,
    talent,
    training,
    uploads,
)
from app.blueprints.records.common import bp
from app.models import Employee
from app.policy import records as may
from app.services import records

__all__ = ["bp"]


def _termination_url(employee: Employee) -> str | None:
    """The tuition area's page for recording a leaver, when it is registered."""
    if "tuition.leaver" in current_app.view_functions:
        return url_for("tuition.leaver", employee_no=employee.employee_no)
    return None


def template_helpers() -> dict[str, Any]:
    return {
        "completion_status": records.completion_status,
        "check_display_status": records.check_display_status,
        "nine_box_name": records.nine_box_name,
        "records_termination_url": _termination_url,
        "rating_sources_for": lambda employee: (
            records.allowed_rating_sources(policy.acting_user(), employee)
            if policy.acting_user() is not None
            else ()
        ),
        "writes_records": lambda: may.writes_records(policy.acting_user()),
    }
