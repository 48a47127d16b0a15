"""Profile forms: they render the fields and carry the CSRF token; the rules live in the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField


class TokenForm(FlaskForm):
    """A new API token: only its name (what will use it)."""

    name = StringField(
        "Token name",
        render_kw={"maxlength": 100, "autocomplete": "off", "placeholder": "HRIS nightly sync"},
    )


class FeedForm(FlaskForm):
    """Making or resetting the calendar feed, and booking an offered seat: only the CSRF token."""
