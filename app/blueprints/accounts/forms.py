"""Sign-in forms: they render the fields and carry the CSRF token; the rules live in
app.services.signins."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class RoleBoxes(SelectMultipleField):
    """The app roles as checkboxes; unknown values are refused by the service, by name."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        return None


class NewSignInForm(FlaskForm):
    """A sign-in for a person who has none, with the roles an admin grants at once."""

    employee_id = SelectField("Person", validate_choice=False)
    roles = RoleBoxes("App roles besides employee")
