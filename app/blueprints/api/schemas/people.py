"""People's schemas: employees, their termination and the repayments it makes due."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas.base import (
    CODE,
    DATE,
    DATE_NULL,
    INT,
    INT_NULL,
    MONEY,
    S_NULL,
    S,
    enum,
    obj,
    page,
    ref,
)
from app.models.people import EMPLOYEE_STATUSES, TERMINATION_REASONS

EMPLOYEE_IN = obj(
    {
        "employee_no": S,
        "name": S,
        "email": {**S, "format": "email"},
        "role": {**CODE, "type": ["string", "null"]},
        "role_since": {**DATE_NULL, "description": "Defaults to hire_date for a new employee."},
        "hire_date": DATE,
        "manager_id": {**INT_NULL, "description": "The id of the employee they report to."},
        "department": {**S_NULL, "description": "A department code or name."},
        "jurisdiction": {**S_NULL, "description": "e.g. US-CA"},
        "status": enum(("active", "on_leave")),
    },
    ["employee_no", "name", "email", "hire_date"],
)
EMPLOYEE_PATCH = obj(
    {
        **{k: v for k, v in EMPLOYEE_IN["properties"].items()},
        "move_note": {**S_NULL, "description": "A note kept in the role history on a move."},
    }
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "Employee": obj(
        {
            "id": INT,
            "employee_no": S,
            "name": S,
            "email": S,
            "hire_date": DATE,
            "role": S_NULL,
            "role_since": DATE_NULL,
            "manager_id": INT_NULL,
            "department": S_NULL,
            "jurisdiction": S_NULL,
            "status": enum(EMPLOYEE_STATUSES),
            "termination_date": DATE_NULL,
            "termination_reason": enum(TERMINATION_REASONS, nullable=True),
        },
        ["id", "employee_no", "name", "email", "hire_date", "role", "status"],
    ),
    "EmployeeInput": EMPLOYEE_IN,
    "EmployeePatch": EMPLOYEE_PATCH,
    "EmployeePage": page("Employee"),
    "TerminationInput": obj(
        {"termination_date": DATE, "reason": enum(TERMINATION_REASONS)},
        ["termination_date", "reason"],
    ),
    "Repayment": obj(
        {
            "id": INT,
            "request_id": INT,
            "employee_id": INT,
            "termination_date": DATE,
            "months_since_paid": INT,
            "share": {**S, "description": 'The share repaid, e.g. "0.75".'},
            "amount_owed": MONEY,
            "settled_on": DATE_NULL,
        },
        ["request_id", "months_since_paid", "share", "amount_owed"],
    ),
    "Termination": obj(
        {
            "employee": ref("Employee"),
            "repayments": {"type": "array", "items": ref("Repayment")},
            "total_owed": MONEY,
        },
        ["employee", "repayments", "total_owed"],
    ),
}
