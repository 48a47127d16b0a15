from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
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


class LdapSignInForm(FlaskForm):
    """The directory user name and password (LDAP / Active Directory); prefixed "ldap-" so it
    sits beside the email form on the sign-in page."""

    username = StringField(
        "User name",
        validators=[DataRequired("Enter your user name."), Length(max=256)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="ldap", **kwargs)


class SignOutForm(FlaskForm):
    submit = SubmitField("Sign out")
