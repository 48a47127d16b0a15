"""Accounts' schemas: sign-ins, their app roles and state."""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import base
from app.models.people import APP_ROLES
from app.services.signins import SIGNIN_STATES

ROLES: dict[str, Any] = {
    "type": "array",
    "items": base.enum(APP_ROLES),
    "description": "App roles; every sign-in has employee, named or not.",
}

COMPONENTS: dict[str, dict[str, Any]] = {
    "User": base.obj(
        {
            "id": base.INT,
            "employee_id": base.INT,
            "name": base.S,
            "email": base.EMAIL,
            "roles": ROLES,
            "state": base.enum(SIGNIN_STATES),
            "last_login_at": base.DATE_TIME_NULL,
        },
        ["id", "employee_id", "name", "email", "roles", "state"],
    ),
    "UserPage": base.page("User"),
    "UserInput": base.obj(
        {
            "employee_id": {**base.INT, "description": "The person who gets the sign-in."},
            "roles": {**ROLES, "description": "Beyond employee: admin only."},
        },
        ["employee_id"],
    ),
    "UserPatch": base.obj(
        {
            "roles": {**ROLES, "description": "The sign-in's roles from now on, exactly."},
            "disabled": {
                **base.B,
                "description": "true ends its sessions and API tokens at once.",
            },
        }
    ),
}
