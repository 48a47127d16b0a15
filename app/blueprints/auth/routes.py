"""Sign-in and sign-out; setting a password by an invitation or a reset link, and asking for one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from app.blueprints.auth.forms import (
    ForgotForm,
    LdapSignInForm,
    SetPasswordForm,
    SignInForm,
    SignOutForm,
)
from app.policy import permission
from app.services import accounts, invitations
from app.services.directory import identity as directory
from app.services.directory import ldap, oidc

bp = Blueprint("auth", __name__)


def _when_configured(service: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A sign-in route of a directory (``oidc``, ``ldap``): 404 unless it is configured."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not service.configured():
                abort(404)
            return view(*args, **kwargs)

        return guarded

    return decorate


def _throttled(throttled: accounts.SignInThrottled, page: tuple[Any, int]) -> Any:
    """A rendered page (body, status) answered 429, with the wait in Retry-After."""
    return page[0], 429, {"Retry-After": str(throttled.retry_after)}


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
            return _throttled(throttled, _page(form, str(throttled), 429))
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
@_when_configured(oidc)
def oidc_login() -> Any:
    try:
        return oidc.begin(url_for("auth.oidc_callback", _external=True))
    except oidc.OidcRefusal as refusal:
        return _page(SignInForm(), str(refusal), refusal.status)


@bp.route("/auth/oidc/callback", methods=["GET"])
@permission("public")
@_when_configured(oidc)
def oidc_callback() -> Any:
    try:
        try:
            person = oidc.finish()
        except oidc.OidcRefusal:
            directory.count_failure(request.remote_addr)  # counts like a wrong password
            raise
        user = directory.sign_in(person, request.remote_addr)
    except accounts.SignInThrottled as throttled:
        return _throttled(throttled, _page(SignInForm(), str(throttled), 429))
    except directory.DirectoryRefusal as refusal:
        return _page(SignInForm(), str(refusal), refusal.status)
    return _signed_in(user, None)


@bp.route("/auth/ldap/login", methods=["POST"])
@permission("public")
@_when_configured(ldap)
def ldap_login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LdapSignInForm()
    if not form.validate_on_submit():
        return _page(SignInForm(formdata=None), None, 422, ldap_form=form)
    try:
        user = ldap.sign_in(form.username.data, form.password.data, request.remote_addr)
    except accounts.SignInThrottled as throttled:
        page = _page(SignInForm(formdata=None), str(throttled), 429, ldap_form=form)
        return _throttled(throttled, page)
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


# ---------------------------------------------------------------- one-time links


def _refused(refusal: invitations.InvitationError, purpose: str) -> Any:
    return render_template(
        "auth/link_refused.html", message=refusal.message, purpose=purpose
    ), refusal.status


def _password_page(secret: str, purpose: str) -> Any:
    """The page behind an invitation or a reset link: the new password, twice."""
    g.no_store = True  # the link is a credential: no cache keeps the page
    try:
        link = invitations.check_link(secret, purpose)
    except invitations.InvitationError as refusal:
        return _refused(refusal, purpose)
    if purpose == invitations.RESET and invitations.is_directory_managed(link.user):
        return _refused(invitations.DirectoryManaged(invitations.DIRECTORY_MANAGED), purpose)
    form = SetPasswordForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                if purpose == invitations.INVITATION:
                    user = invitations.accept_invitation(secret, form.password.data)
                else:
                    user = invitations.reset_password(secret, form.password.data)
            except (invitations.LinkRefused, invitations.UnknownLink) as refusal:
                return _refused(refusal, purpose)
            except invitations.InvitationError as refusal:
                form.password.errors = list(refusal.errors.get("password", [refusal.message]))
            else:
                if current_user.is_authenticated:
                    logout_user()
                session.clear()
                flash(
                    f"Your password is set. Sign in with {user.email} and your new password.",
                    "success",
                )
                return redirect(url_for("auth.login"))
        status = 422
    return render_template(
        "auth/set_password.html",
        form=form,
        purpose=purpose,
        email=link.user.email,
        name=link.user.employee.name,
        minimum=current_app.config["PASSWORD_MIN_LENGTH"],
    ), status


@bp.route("/auth/invitation/<secret>", methods=["GET", "POST"])
@permission("public", open_args=("secret",))
def invitation(secret: str) -> Any:
    """An invitation's link: the person sets their first password (the secret is the check)."""
    return _password_page(secret, invitations.INVITATION)


@bp.route("/auth/reset/<secret>", methods=["GET", "POST"])
@permission("public", open_args=("secret",))
def reset(secret: str) -> Any:
    """A reset link: a new password for the one sign-in the link was made for."""
    return _password_page(secret, invitations.RESET)


@bp.route("/auth/forgot", methods=["GET", "POST"])
@permission("public")
def forgot() -> Any:
    """Ask for a reset link. The answer is the same whether or not the address has a sign-in;
    every request counts against the client address like a failed sign-in."""
    form = ForgotForm()
    status = 200
    sent_to = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                accounts.check_ip_throttle(request.remote_addr)  # the claim is kept: it counts
            except accounts.SignInThrottled as throttled:
                return _throttled(throttled, _forgot_page(form, None, 429, str(throttled)))
            invitations.request_reset(form.email.data)
            sent_to = form.email.data.strip()
        else:
            status = 422
    return _forgot_page(form, sent_to, status)


def _forgot_page(
    form: ForgotForm, sent_to: str | None, status: int, error: str | None = None
) -> Any:
    config = current_app.config
    return render_template(
        "auth/forgot.html",
        form=form,
        sent_to=sent_to,
        error=error,
        minutes=config.get("PASSWORD_RESET_VALID_MINUTES") or 60,
        password_sign_in=config.get("PASSWORD_SIGN_IN", True),
        oidc_name=config["OIDC_NAME"] if oidc.configured() else None,
    ), status
