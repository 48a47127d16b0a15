"""Profile forms: they render the fields and carry the CSRF token; the rules live in the service."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class TokenForm(FlaskForm):
    """A new API token: only its name (what will use it)."""

    name = StringField(
        "Token name",
        render_kw={"maxlength": 100, "autocomplete": "off", "placeholder": "HRIS nightly sync"},
    )


class FeedForm(FlaskForm):
    """Making or resetting the calendar feed, and booking an offered seat: only the CSRF token."""


class PasswordForm(FlaskForm):
    """Changing one's own password: the current one, then the new one twice."""

    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm the new password",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("new", "The two new passwords differ. Enter the same password twice."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
