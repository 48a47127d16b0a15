"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from app.blueprints.auth.forms import LdapSignInForm, SignInForm, SignOutForm
from app.policy import permission
from app.services import accounts
from app.services.directory import identity as directory
from app.services.directory import ldap, oidc

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
        if not directory.password_form_allowed(form.email.data):
            return _page(form, PASSWORD_OFF, 403)
        try:
            user, error = accounts.authenticate(
                form.email.data, form.password.data, client_ip=request.remote_addr
            )
        except accounts.SignInThrottled as throttled:
            page, _ = _page(form, str(throttled), 429)
            return page, 429, {"Retry-After": str(throttled.retry_after)}
        if user is not None:
            return _signed_in(user, request.args.get("next"))
        status = 401
    return _page(form, error, status)


PASSWORD_OFF = "Password sign-in is switched off here. Use your organisation's sign-in below."


def _page(
    form: SignInForm, error: str | None, status: int, ldap_form: LdapSignInForm | None = None
) -> Any:
    if ldap_form is None and ldap.configured():
        ldap_form = LdapSignInForm(formdata=None)
    return render_template(
        "auth/login.html",
        form=form,
        ldap_form=ldap_form,
        ldap_name=current_app.config["LDAP_NAME"],
        next_page=request.args.get("next"),
        error=error,
        oidc_name=current_app.config["OIDC_NAME"] if oidc.configured() else None,
        password_sign_in=current_app.config.get("PASSWORD_SIGN_IN", True),
    ), status


def _signed_in(user: Any, target: str | None) -> Any:
    session.clear()  # a fresh session identifier at sign-in
    login_user(user)
    flash(f"Welcome, {user.employee.name}.", "success")
    return redirect(_safe_next(target))


@bp.route("/auth/oidc/login", methods=["GET"])
@permission("public")
def oidc_login() -> Any:
    if not oidc.configured():
        abort(404)
    try:
        return oidc.begin(url_for("auth.oidc_callback", _external=True))
    except oidc.OidcRefusal as refusal:
        return _page(SignInForm(), str(refusal), refusal.status)


@bp.route("/auth/oidc/callback", methods=["GET"])
@permission("public")
def oidc_callback() -> Any:
    if not oidc.configured():
        abort(404)
    try:
        try:
            person = oidc.finish()
        except oidc.OidcRefusal:
            directory.count_failure(request.remote_addr)  # counts like a wrong password
            raise
        user = directory.sign_in(person, request.remote_addr)
    except accounts.SignInThrottled as throttled:
        page, _ = _page(SignInForm(), str(throttled), 429)
        return page, 429, {"Retry-After": str(throttled.retry_after)}
    except directory.DirectoryRefusal as refusal:
        return _page(SignInForm(), str(refusal), refusal.status)
    return _signed_in(user, None)


@bp.route("/auth/ldap/login", methods=["POST"])
@permission("public")
def ldap_login() -> Any:
    if not ldap.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LdapSignInForm()
    if not form.validate_on_submit():
        return _page(SignInForm(formdata=None), None, 422, ldap_form=form)
    try:
        user = ldap.sign_in(form.username.data, form.password.data, request.remote_addr)
    except accounts.SignInThrottled as throttled:
        page, _ = _page(SignInForm(formdata=None), str(throttled), 429, ldap_form=form)
        return page, 429, {"Retry-After": str(throttled.retry_after)}
    except directory.DirectoryRefusal as refusal:
        return _page(SignInForm(formdata=None), str(refusal), refusal.status, ldap_form=form)
    return _signed_in(user, request.args.get("next"))


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
