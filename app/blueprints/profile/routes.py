"""The profile page: who you are, your password, and your API tokens (create, see, revoke).

docs/API.md "Auth": a user creates and revokes tokens on their profile page; the token is shown
once, right after it is created, and only its hash is stored. Views are thin: the rules live in
app.services.tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_login import login_user

from app import policy
from app.blueprints.profile.forms import FeedForm, PasswordForm, TokenForm
from app.models import User
from app.pagination import status_list_page
from app.policy import permission
from app.policy import self_service as own
from app.services import accounts, invitations, tokens
from app.services.enrolment import feeds

bp = Blueprint("profile", __name__, url_prefix="/profile")


def _page(
    form: TokenForm,
    secret: str | None = None,
    created: Any = None,
    code: int = 200,
    feed_url: str | None = None,
    password_form: PasswordForm | None = None,
) -> Any:
    user = _user()
    return (
        status_list_page(
            "profile/index.html",
            tokens.TOKEN_SORTS,
            tokens.TOKEN_STATUSES,
            lambda q, status: tokens.tokens_query(user.id, q=q, status=status),
            tokens.ApiToken.id.desc(),
            user=user,
            form=form,
            secret=secret,
            created=created,
            feed=feeds.feed_of(user),
            feed_url=feed_url,
            password_form=password_form or PasswordForm(formdata=None),
            directory_managed=invitations.is_directory_managed(user),
            password_minimum=current_app.config["PASSWORD_MIN_LENGTH"],
        ),
        code,
    )


def _user() -> User:
    user = policy.acting_user()
    assert user is not None  # @permission("authenticated") let only signed-in users in
    return user


@bp.route("/")
@permission("authenticated")
def index() -> Any:
    return _page(TokenForm())


@bp.route("/tokens", methods=["POST"])
@permission("authenticated")
def create_token() -> Any:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, code=400)
    try:
        token, secret = tokens.create_token(_user(), form.name.data)
    except tokens.TokenError as error:
        form.name.errors = list(error.errors.get("name", [error.message]))
        return _page(form, code=422)
    # The secret is shown in this answer only: never flashed (the session cookie is signed, not
    # encrypted) and never cached.
    g.no_store = True
    return _page(TokenForm(formdata=None), secret=secret, created=token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@permission("authenticated", own.token())
def revoke_token(token) -> Any:
    try:
        token = tokens.revoke_token(_user(), token.id)
    except tokens.TokenConflict as error:
        flash(error.message, "info")
        return redirect(url_for("profile.index"))
    flash(f"Revoked the token “{token.name}”: it stopped working at once.", "success")
    return redirect(url_for("profile.index"))


@bp.route("/calendar-feed", methods=["POST"])
@permission("authenticated")
def calendar_feed() -> Any:
    """Make the calendar feed, or reset it: the new URL is shown in this answer only."""
    form = FeedForm()
    if not form.validate_on_submit():
        flash("The form expired; press the button again.", "error")
        return redirect(url_for("profile.index"))
    had_one = feeds.feed_of(_user()) is not None
    _feed, token = feeds.create_or_reset(_user())
    g.no_store = True
    url = url_for("calendar.feed", feed_token=token, _external=True)
    if had_one:
        flash("Reset your calendar feed: the old URL stopped working.", "success")
    return _page(TokenForm(formdata=None), feed_url=url)


@bp.route("/password", methods=["POST"])
@permission("authenticated")
def change_password() -> Any:
    """Change one's own password with the current one; the other sessions end, this one stays."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(TokenForm(formdata=None), code=422, password_form=form)
    user = _user()
    try:
        invitations.change_password(
            user, form.current.data, form.new.data, client_ip=request.remote_addr
        )
    except accounts.SignInThrottled as throttled:
        form.current.errors = [str(throttled)]
        page, _ = _page(TokenForm(formdata=None), code=429, password_form=form)
        return page, 429, {"Retry-After": str(throttled.retry_after)}
    except invitations.InvitationError as refused:
        for name in ("current", "new"):
            if name in refused.errors:
                form[name].errors = list(refused.errors[name])
        if not refused.errors:
            form.current.errors = [refused.message]
        return _page(TokenForm(formdata=None), code=refused.status, password_form=form)
    # this session carries the new session epoch (the others have ended): the user itself,
    # not the current_user proxy, is signed in again
    login_user(getattr(user, "_get_current_object", lambda: user)())
    flash("Your password is changed. Your other sessions have been signed out.", "success")
    return redirect(url_for("profile.index"))
