"""Catalogue forms: they only carry text to the service, which validates (one set of rules).

Required fields carry a marker validator so the label shows the asterisk; the messages come
from ``app.services.catalogue`` so the web page and the API say the same thing.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.kernel.forms import DATE_INPUT, options
from app.readiness.vocabulary import INSTRUMENT_KINDS, KIND_LABELS, REQUIREMENT_KINDS


class Needed:
    """Marks a field as required for the label and assistive technology; the service checks."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


NEEDED = [Needed()]


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (each with its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        return None  # unknown codes are reported by the service, naming the code


class LenientSelect(SelectField):
    """A select whose value the service validates (so an unknown code gets a clear message)."""

    def pre_validate(self, form: Any) -> None:
        return None


class CompetencyForm(FlaskForm):
    code = StringField("Code", validators=NEEDED)
    name = StringField("Name", validators=NEEDED)
    category = StringField("Category")
    description = TextAreaField("Description")


class CheckTypeForm(FlaskForm):
    code = StringField("Code", validators=NEEDED)
    name = StringField("Name", validators=NEEDED)
    rescreen_months = StringField(
        "Rescreen after (months)", validators=NEEDED, render_kw={"inputmode": "numeric"}
    )
    turnaround_days = StringField(
        "Typical turnaround (days)", validators=NEEDED, render_kw={"inputmode": "numeric"}
    )


class InstrumentForm(FlaskForm):
    code = StringField("Code", validators=NEEDED)
    name = StringField("Name", validators=NEEDED)
    kind = LenientSelect(
        "Kind",
        choices=options(
            [("", "Choose a kind")]
            + [
                (k, {"360": "360 feedback"}.get(k, k.replace("_", " ").capitalize()))
                for k in INSTRUMENT_KINDS
            ]
        ),
        validators=NEEDED,
    )
    scale_min = StringField("Scale minimum", validators=NEEDED, render_kw={"inputmode": "decimal"})
    scale_max = StringField("Scale maximum", validators=NEEDED, render_kw={"inputmode": "decimal"})
    dimensions = TextAreaField("Dimensions", validators=NEEDED)
    validity_months = StringField(
        "Valid for (months)", validators=NEEDED, render_kw={"inputmode": "numeric"}
    )


class QualificationForm(FlaskForm):
    code = StringField("Code", validators=NEEDED)
    name = StringField("Name", validators=NEEDED)


class GrantRow(Form):
    competency = LenientSelect("Competency", choices=[])
    level = LenientSelect(
        "Level", choices=options([("", "—")] + [(str(n), str(n)) for n in range(1, 6)])
    )


class CourseForm(FlaskForm):
    code = StringField("Code", validators=NEEDED)
    title = StringField("Title", validators=NEEDED)
    category = StringField("Category")
    hours = StringField("Hours", render_kw={"inputmode": "decimal"})
    cost = StringField("Cost", render_kw={"inputmode": "decimal"})
    validity_months = StringField("Valid for (months)", render_kw={"inputmode": "numeric"})
    default_duration_days = StringField(
        "Default duration (days)", render_kw={"inputmode": "numeric"}
    )
    prerequisites = CheckboxList("Prerequisites", choices=[])
    grants = FieldList(FormField(GrantRow), min_entries=0)
    approval = LenientSelect(
        "Approval",
        choices=options(
            [("none", "None: bookings are made at once"), ("manager", "Manager approval")]
        ),
        default="none",
    )
    version = HiddenField()


class SessionForm(FlaskForm):
    starts_on = StringField("Starts on", validators=NEEDED, render_kw=DATE_INPUT)
    ends_on = StringField("Ends on", validators=NEEDED, render_kw=DATE_INPUT)
    seats = StringField("Seats", validators=NEEDED, render_kw={"inputmode": "numeric"})
    location = StringField("Location")
    trainer_id = LenientSelect("Trainer", choices=[])


class RoleForm(FlaskForm):
    code = StringField("Code", validators=NEEDED)
    title = StringField("Title", validators=NEEDED)
    level = StringField("Level", validators=NEEDED, render_kw={"inputmode": "numeric"})
    financial_authority_limit = StringField(
        "Financial authority limit", render_kw={"inputmode": "decimal"}
    )


class RequirementRow(Form):
    kind = LenientSelect(
        "Kind",
        choices=options([("", "— none —")] + [(k, KIND_LABELS[k]) for k in REQUIREMENT_KINDS]),
    )
    target = LenientSelect("Target", choices=[])
    threshold = StringField("Minimum", render_kw={"inputmode": "decimal"})
    mandatory = BooleanField("Mandatory")
    weight = StringField("Weight", render_kw={"inputmode": "decimal"})
    remove = BooleanField("Remove")


class RequirementsForm(FlaskForm):
    rows = FieldList(FormField(RequirementRow), min_entries=0)
    # The fingerprint of the list whose band changes were shown: saving it again confirms them.
    confirmed = HiddenField()


class LadderForm(FlaskForm):
    from_role = LenientSelect("From role", choices=[], validators=NEEDED)
    to_role = LenientSelect("To role", choices=[], validators=NEEDED)
    typical_months = StringField(
        "Typical months", validators=NEEDED, render_kw={"inputmode": "numeric"}
    )
