"""The profile page: who you are, and your API tokens (create, see, revoke).

docs/API.md "Auth": a user creates and revokes tokens on their profile page; the token is shown
once, right after it is created, and only its hash is stored. Views are thin: the rules live in
app.services.tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, url_for

from app import policy
from app.blueprints.profile.forms import FeedForm, TokenForm
from app.models import User
from app.pagination import choice_arg, list_page, newest_first, search_term
from app.policy import permission
from app.policy import self_service as own
from app.services import tokens
from app.services.enrolment import feeds

bp = Blueprint("profile", __name__, url_prefix="/profile")


def _page(
    form: TokenForm,
    secret: str | None = None,
    created: Any = None,
    code: int = 200,
    feed_url: str | None = None,
) -> Any:
    user = _user()
    q = search_term()
    status = choice_arg("status", tokens.TOKEN_STATUSES)
    return (
        list_page(
            "profile/index.html",
            newest_first(tokens.TOKEN_SORTS, "created_at"),
            lambda order: tokens.tokens_query(user.id, q=q, status=status).order_by(
                order, tokens.ApiToken.id.desc()
            ),
            user=user,
            form=form,
            q=q,
            status=status,
            statuses=tokens.TOKEN_STATUSES,
            secret=secret,
            created=created,
            feed=feeds.feed_of(user),
            feed_url=feed_url,
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
