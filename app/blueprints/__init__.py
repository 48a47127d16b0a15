"""The pages and the API, one package per area (app/registry.py registers them)."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from werkzeug.wrappers import Response

from app import policy


def to_own_page(endpoint: str, **args: Any) -> Response:
    """Send the signed-in person to their own page of ``endpoint`` (their employee id): the
    short addresses such as /me and /readiness/plan."""
    user = policy.acting_user()
    if user is None:  # the routes that use it admit only signed-in people
        return redirect(url_for("auth.login"))
    return redirect(url_for(endpoint, employee_id=user.employee_id, **args))
