"""Forms for the records pages. They carry CSRF and render labelled inputs; the rules (and
their messages) live in app.services.records, whose field errors are put back on these fields."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.kernel.forms import DATE_INPUT, options

OPM_LEVELS = options(
    [
        ("0", "0 · Not needed"),
        ("1", "1 · Awareness"),
        ("2", "2 · Basic"),
        ("3", "3 · Intermediate"),
        ("4", "4 · Advanced"),
        ("5", "5 · Expert"),
    ]
)
ONE_TO_THREE = options([("1", "1 · Low"), ("2", "2 · Moderate"), ("3", "3 · High")])


def date_field(label: str, **kwargs: Any) -> StringField:
    """A date input whose value the service parses (YYYY-MM-DD), so its message is the one."""
    return StringField(label, render_kw={**DATE_INPUT, **kwargs.pop("render_kw", {})}, **kwargs)


def choice(label: str, **kwargs: Any) -> SelectField:
    # The service decides what is a valid choice and says why; the form only renders it.
    return SelectField(label, validate_choice=False, **kwargs)


class ProfileForm(FlaskForm):
    employee_no = StringField("Employee number", validators=[Length(max=40)])
    name = StringField("Name", validators=[Length(max=200)])
    email = StringField("Email", validators=[Length(max=254)])
    hire_date = date_field("Hire date")
    role = choice("Job role")
    role_since = date_field("In this role since")
    move_note = StringField(
        "Note for the role history (optional)", validators=[Optional(), Length(max=200)]
    )
    manager = StringField(
        "Manager (employee number or email)", validators=[Optional(), Length(max=254)]
    )
    department = choice("Department")
    jurisdiction = StringField("Jurisdiction", validators=[Optional(), Length(max=20)])
    status = choice("Status", choices=options([("active", "Active"), ("on_leave", "On leave")]))
    version = HiddenField("Version")  # the version the page showed (optimistic locking)
    submit = SubmitField("Save profile")


class CompletionForm(FlaskForm):
    course = choice("Course")
    completed_on = date_field("Completed on")
    score = StringField("Score (optional)", validators=[Optional(), Length(max=20)])
    submit = SubmitField("Save completion")


class CompletionEditForm(FlaskForm):
    completed_on = date_field("Completed on")
    score = StringField("Score (optional)", validators=[Optional(), Length(max=20)])
    version = HiddenField("Version")
    submit = SubmitField("Save changes")


class ReportCompletionForm(CompletionForm):
    """A person's own course: a completion with its evidence, sent for hr to verify."""

    score = StringField("Score, if the course gave one", validators=[Optional(), Length(max=20)])
    evidence = FileField("Evidence: certificate or transcript (PDF, PNG or JPEG)")
    submit = SubmitField("Send for verification")


class RejectForm(FlaskForm):
    reason = TextAreaField("Why is it not accepted?", validators=[Length(max=1000)])
    submit = SubmitField("Refuse the completion")


class RatingForm(FlaskForm):
    competency = choice("Competency")
    level = choice("Level", choices=OPM_LEVELS)
    rated_on = date_field("Rated on")
    source = choice("Source")
    evidence = TextAreaField("Evidence (optional)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Save rating")


class RatingEditForm(FlaskForm):
    level = choice("Level", choices=OPM_LEVELS)
    rated_on = date_field("Rated on")
    evidence = TextAreaField("Evidence (optional)", validators=[Optional(), Length(max=1000)])
    version = HiddenField("Version")
    submit = SubmitField("Save changes")


# A check request's fields in the order the page shows them and the API reads them.
CHECK_FIELDS = (
    "type",
    "consent_signed_on",
    "consent_form_version",
    "requested_on",
    "vendor",
    "status",
    "completed_on",
    "findings",
)


class CheckRequestForm(FlaskForm):
    type = choice("Check type")
    consent_signed_on = date_field("Consent signed on")
    consent_form_version = StringField(
        "Consent form version", validators=[Optional(), Length(max=40)]
    )
    requested_on = date_field("Requested on")
    vendor = StringField("Vendor (optional)", validators=[Optional(), Length(max=120)])
    status = choice(
        "Status",
        choices=options(
            [
                ("requested", "Requested (a new check)"),
                ("in_progress", "In progress"),
                ("clear", "Clear (a check done earlier)"),
                ("review_required", "Review required (a check done earlier)"),
                ("not_cleared", "Not cleared (a check done earlier)"),
            ]
        ),
    )
    completed_on = date_field("Completed on (only for a check done earlier)")
    findings = TextAreaField("Findings (HR only)", validators=[Optional()])
    submit = SubmitField("Save check")


class CheckStatusForm(FlaskForm):
    status = choice("New status")
    completed_on = date_field("Completed on (when the result came back)")
    findings = TextAreaField("Findings (HR only)", validators=[Optional()])
    submit = SubmitField("Change status")


class CheckDetailsForm(FlaskForm):
    vendor = StringField("Vendor", validators=[Optional(), Length(max=120)])
    findings = TextAreaField("Findings (HR only)", validators=[Optional()])
    version = HiddenField("Version")
    submit = SubmitField("Save details")


class NoticeForm(FlaskForm):
    notice_on = date_field("Notice sent on")
    submit = SubmitField("Record notice")


class AssessmentForm(FlaskForm):
    instrument = choice("Instrument")
    conducted_on = date_field("Conducted on")
    submit = SubmitField("Continue")


class EducationForm(FlaskForm):
    qualification = choice("Qualification")
    institution = StringField("Institution", validators=[Length(max=200)])
    completed_on = date_field("Completed on")
    tuition_request_id = choice("Funded by tuition request (optional)")
    submit = SubmitField("Save qualification")


class TalentReviewForm(FlaskForm):
    period = StringField("Review period", validators=[Length(max=20)])
    performance = choice("Performance", choices=ONE_TO_THREE)
    potential = choice("Potential", choices=ONE_TO_THREE)
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save review")


IMPORT_KINDS = [
    ("employees", "Employees"),
    ("completions", "Training completions"),
    ("ratings", "Competency ratings"),
]
DATE_FORMATS = [
    ("iso", "2026-01-31 (YYYY-MM-DD)"),
    ("us", "01/31/2026 (MM/DD/YYYY)"),
    ("eu", "31/01/2026 (DD/MM/YYYY)"),
]


class ImportForm(FlaskForm):
    kind = choice("What the file holds", choices=options(IMPORT_KINDS))
    file = FileField("CSV file")
    date_format = choice("How the file writes dates", choices=options(DATE_FORMATS))
    submit = SubmitField("Upload and check")


def scores_form(dimensions: list[str], groups: list[SelectChoice] | None) -> type[FlaskForm]:
    """A form with one score input per dimension (and a rater group for a 360 response)."""

    class ScoresForm(FlaskForm):
        pass

    if groups is not None:
        ScoresForm.rater_group = choice("Rater group", choices=groups)  # type: ignore[attr-defined]
    for index, name in enumerate(dimensions):
        setattr(
            ScoresForm,
            f"dim_{index}",
            StringField(name, validators=[Optional(), Length(max=20)]),
        )
    ScoresForm.submit = SubmitField("Save scores")  # type: ignore[attr-defined]
    return ScoresForm
