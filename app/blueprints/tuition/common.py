"""What the tuition views share: the acting user, and how a refusal becomes a page."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template

from app import policy
from app.services import tuition as svc


def user() -> Any:
    """The signed-in user (the route's permission made sure there is one)."""
    return policy.acting_user()


def refused(error: svc.TuitionError) -> Any:
    """403/404 pages carry the service's reason."""
    if isinstance(error, svc.NotFound):
        abort(404)
    return render_template("errors/error.html", code=403, message=error.message), 403


def currency() -> str:
    return svc.tuition_config().currency
