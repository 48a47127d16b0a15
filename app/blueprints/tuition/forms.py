"""Tuition forms: they render the fields and carry the CSRF token; the rules live in the service.

The service validates every value (the JSON API sends the same data), so these forms declare no
validators of their own: a refused value comes back as ``ValidationFailed.errors`` and is tied
to its field with ``app.kernel.forms``.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.kernel.forms import DATE_INPUT

DATE = DATE_INPUT
MONEY = {"inputmode": "decimal", "placeholder": "0.00", "autocomplete": "off"}


class RequestForm(FlaskForm):
    """A tuition request (docs/RULES.md TuitionRequest)."""

    title = StringField("Programme or course", render_kw={"maxlength": 200})
    institution = StringField("Institution", render_kw={"maxlength": 200})
    qualification = SelectField("Qualification it leads to", choices=[], validate_choice=False)
    starts_on = StringField("Course starts on", render_kw=DATE)
    ends_on = StringField("Course ends on", render_kw=DATE)
    tuition = StringField("Tuition", render_kw=MONEY)
    fees = StringField("Fees", render_kw=MONEY)
    books = StringField("Books", render_kw=MONEY)
    job_related = BooleanField("The course is job-related")
    justification = TextAreaField("Justification", render_kw={"maxlength": 2000, "rows": 4})
    pass_fail = BooleanField("The course is graded pass/fail")
    target_role = SelectField("Target role", choices=[], validate_choice=False)
    target_competency = SelectField("Competency gap it closes", choices=[], validate_choice=False)


class ReasonForm(FlaskForm):
    """Approve, reject, cancel, flag documents: a reason or comment and the state the user saw."""

    expected_state = HiddenField()
    reason = TextAreaField("Reason", render_kw={"maxlength": 1000, "rows": 2})


class OverrideForm(FlaskForm):
    override_reason = TextAreaField(
        "Reason for allowing the late request", render_kw={"maxlength": 1000, "rows": 2}
    )


class PayForm(FlaskForm):
    expected_state = HiddenField()
    paid_on = StringField("Paid on", render_kw=DATE)
    reason = StringField("Payment reference or comment", render_kw={"maxlength": 1000})


class CompleteForm(FlaskForm):
    """After the course: the grade, the receipt and the transcript (PDF, PNG or JPEG)."""

    expected_state = HiddenField()
    grade = SelectField("Grade", choices=[], validate_choice=False)
    receipt = FileField("Receipt", render_kw={"accept": ".pdf,.png,.jpg,.jpeg"})
    transcript = FileField("Transcript", render_kw={"accept": ".pdf,.png,.jpg,.jpeg"})
    reason = TextAreaField("Comment for finance", render_kw={"maxlength": 1000, "rows": 2})


class TerminationForm(FlaskForm):
    employee_no = StringField("Employee number", render_kw={"maxlength": 40})
    termination_date = StringField("Last day (termination date)", render_kw=DATE)
    reason = SelectField(
        "Reason",
        choices=[
            SelectChoice("", "Choose…"),
            SelectChoice("voluntary", "Voluntary"),
            SelectChoice("involuntary", "Involuntary"),
        ],
        validate_choice=False,
    )


class SettleForm(FlaskForm):
    settled_on = StringField("Repaid on", render_kw=DATE)
