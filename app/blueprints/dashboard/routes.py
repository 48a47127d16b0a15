"""The first screen after sign-in, fitted to what the user does."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from app import policy
from app.policy import permission
from app.services.readiness import overview

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@permission("authenticated")
def home() -> Any:
    user = policy.acting_user()
    return render_template("dashboard/home.html", home=overview.home_for(user))
