"""Four eyes: nobody verifies, clears, rates, promotes or terminates themselves (issue 20,
finding 4).

Hannah (hr) could record her own verified completion, a ``clear`` background check of her
own, her own 360, a new job role for herself, and her own termination (which also ended her
API token mid-run). Each is now a 403 whose message says another HR user must do it; a
colleague in HR still can.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assessment, BackgroundCheck, Completion, Employee
from tests.factories import persona_user
from tests.integration.api_support import Api
from tests.integration.tuition_support import sign_in_for
from tests.security import figures

WHO_CAN = "another HR user must do it"


def _attempts(employee_id: int) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        "verified completion": (
            "POST",
            f"/employees/{employee_id}/training-records",
            {"course": "PCI-AWARE", "completed_on": "2026-11-02"},
        ),
        "clear background check": (
            "POST",
            f"/employees/{employee_id}/background-checks",
            {
                "type": "CREDIT",
                "consent_signed_on": "2026-10-01",
                "consent_form_version": "FCRA-2026",
                "requested_on": "2026-10-02",
                "status": "clear",
                "completed_on": "2026-10-20",
            },
        ),
        "360": (
            "POST",
            f"/employees/{employee_id}/assessments",
            {"instrument": "LEAD-360", "conducted_on": "2026-11-01", "responses": []},
        ),
        "job role": (
            "PATCH",
            f"/employees/{employee_id}",
            {"role": "L3-CSM", "role_since": "2026-11-01"},
        ),
        "termination": (
            "POST",
            f"/employees/{employee_id}/termination",
            {"termination_date": "2026-11-20", "reason": "voluntary"},
        ),
    }


def _counts(employee_id: int) -> tuple[int, ...]:
    db.session.expire_all()
    person = db.session.get(Employee, employee_id)
    return (
        *(
            db.session.scalar(select(func.count(model.id)).where(model.employee_id == employee_id))
            for model in (Completion, BackgroundCheck, Assessment)
        ),
        person.job_role_id,
        person.status,
    )


@pytest.mark.parametrize(
    "what", ["verified completion", "clear background check", "360", "job role", "termination"]
)
def test_hr_cannot_deal_with_their_own_records_and_a_colleague_can(demo_app, demo_db, what):
    hannah = persona_user("hr")
    colleague = sign_in_for("Owen Blake", ("hr",))
    api = Api(demo_app)
    method, path, body = _attempts(hannah.employee_id)[what]
    before = _counts(hannah.employee_id)

    refused = api.call(method, path, hannah, body)
    assert refused.status_code == 403, refused.get_json()
    assert WHO_CAN in refused.get_json()["error"]
    assert _counts(hannah.employee_id) == before, "a refused self-dealing write changed something"
    assert (
        api.get(f"/employees/{hannah.employee_id}", hannah).status_code == 200
    )  # her token still works

    done = api.call(method, path, colleague, body)
    assert done.status_code in (200, 201), done.get_json()
    figures.add("self-dealing writes refused", 1)
