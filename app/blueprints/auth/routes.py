"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.blueprints.auth.forms import SignInForm, SignOutForm
from app.policy import permission
from app.services import accounts

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@permission("public")
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = SignInForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            user, error = accounts.authenticate(
                form.email.data, form.password.data, client_ip=request.remote_addr
            )
        except accounts.SignInThrottled as throttled:
            page = render_template("auth/login.html", form=form, error=str(throttled))
            return page, 429, {"Retry-After": str(throttled.retry_after)}
        if user is not None:
            session.clear()  # a fresh session identifier at sign-in
            login_user(user)
            flash(f"Welcome, {user.employee.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        status = 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@permission("authenticated")
def logout() -> Any:
    form = SignOutForm()
    if form.validate_on_submit():
        accounts.end_sessions(current_user)  # type: ignore[arg-type]
        logout_user()
        session.clear()
        flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
