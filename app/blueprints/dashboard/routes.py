"""The first screen after sign-in, fitted to what the user does."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from app import policy
from app.policy import permission
from app.services import enrolment
from app.services.readiness import overview

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@permission("authenticated")
def home() -> Any:
    user = policy.acting_user()
    home = overview.home_for(user)
    held = enrolment.held_by_course(user.employee_id) if home.renewals else {}
    return render_template("dashboard/home.html", home=home, held=held)
