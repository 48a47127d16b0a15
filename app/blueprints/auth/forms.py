from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

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


def _new_password(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Enter a new password."), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        "Confirm the new password",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("password", "The two passwords differ. Enter the same password twice."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(FlaskForm):
    """An invitation's or a reset link's form: the new password, twice."""

    password = _new_password()
    confirm = _confirmation()
    submit = SubmitField("Set my password")


class ForgotForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter the email address you sign in with."), an_address],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField("Email me a reset link")
