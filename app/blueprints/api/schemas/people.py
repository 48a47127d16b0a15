"""People's schemas: employees, their termination and the repayments it makes due."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.models.people import EMPLOYEE_STATUSES, TERMINATION_REASONS

EMPLOYEE_IN = base.obj(
    {
        "employee_no": base.S,
        "name": base.S,
        "email": base.EMAIL,
        "role": {**base.CODE, "type": ["string", "null"]},
        "role_since": {
            **base.DATE_NULL,
            "description": "Defaults to hire_date for a new employee.",
        },
        "hire_date": base.DATE,
        "manager_id": {**base.INT_NULL, "description": "The id of the employee they report to."},
        "department": {**base.S_NULL, "description": "A department code or name."},
        "jurisdiction": {**base.S_NULL, "description": "e.g. US-CA"},
        "status": base.enum(("active", "on_leave")),
    },
    ["employee_no", "name", "email", "hire_date"],
)
EMPLOYEE_PATCH = base.obj(
    {
        **{k: v for k, v in EMPLOYEE_IN["properties"].items()},
        "move_note": {**base.S_NULL, "description": "A note kept in the role history on a move."},
    }
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "Employee": base.obj(
        {
            "id": base.INT,
            "employee_no": base.S,
            "name": base.S,
            "email": base.EMAIL,
            "hire_date": base.DATE,
            "role": base.S_NULL,
            "role_since": base.DATE_NULL,
            "manager_id": base.INT_NULL,
            "department": base.S_NULL,
            "jurisdiction": base.S_NULL,
            "status": base.enum(EMPLOYEE_STATUSES),
            "termination_date": base.DATE_NULL,
            "termination_reason": base.enum(TERMINATION_REASONS, nullable=True),
        },
        ["id", "employee_no", "name", "email", "hire_date", "role", "status"],
    ),
    "EmployeeInput": EMPLOYEE_IN,
    "EmployeePatch": EMPLOYEE_PATCH,
    "EmployeePage": base.page("Employee"),
    "TerminationInput": base.obj(
        {"termination_date": base.DATE, "reason": base.enum(TERMINATION_REASONS)},
        ["termination_date", "reason"],
    ),
    "Repayment": base.obj(
        {
            "id": base.INT,
            "request_id": base.INT,
            "employee_id": base.INT,
            "termination_date": base.DATE,
            "months_since_paid": base.INT,
            "share": {**base.S, "description": 'The share repaid, e.g. "0.75".'},
            "amount_owed": base.MONEY,
            "settled_on": base.DATE_NULL,
        },
        ["request_id", "months_since_paid", "share", "amount_owed"],
    ),
    "Termination": base.obj(
        {
            "employee": base.ref("Employee"),
            "repayments": {"type": "array", "items": base.ref("Repayment")},
            "total_owed": base.MONEY,
        },
        ["employee", "repayments", "total_owed"],
    ),
}
