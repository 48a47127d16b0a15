from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from app.kernel.fields import EMAIL_HINT, email_address


def an_address(form: Any, field: Any) -> None:
    """The one check of an address (app.kernel.fields.email_address): intranet domains pass."""
    if field.data and email_address(field.data) is None:
        raise ValidationError(f"Enter {EMAIL_HINT}.")


class SignInForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email address."), an_address],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


class SignOutForm(FlaskForm):
    submit = SubmitField("Sign out")
