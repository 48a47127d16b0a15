"""Employee records pages: hr editing, manager ratings and talent reviews, self-service,
the pending-completion queue, background checks, assessments, uploads and CSV import/export.

Views are thin: parse the form, call app.services.records / uploads / csv_io, then flash and
redirect or render. Every rule and message lives in those services.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from app import policy
from app.blueprints.records import forms, staging
from app.clock import today
from app.extensions import db
from app.models import (
    Assessment,
    BackgroundCheck,
    CheckType,
    Competency,
    CompetencyRating,
    Completion,
    Course,
    Department,
    EducationRecord,
    Employee,
    Instrument,
    JobRole,
    QualificationType,
    TalentReview,
    TuitionRequest,
)
from app.models.records import RATER_GROUPS
from app.pagination import page_args, paginate, sort_args
from app.policy import permission
from app.services import csv_io, records, uploads
from app.services.records import RecordError

bp = Blueprint("records", __name__, url_prefix="/records")

PROFILE_ALIASES = {"manager_id": "manager", "note": "move_note"}


# ---------------------------------------------------------------- helpers


def _user():  # type: ignore[no-untyped-def]
    return policy.acting_user()


def _employee(employee_id: int, aspect: str = "profile") -> Employee:
    return policy.require_employee(_user(), employee_id, aspect)


def _owned(model: Any, record_id: int, aspect: str) -> Any:
    """A record of an employee the user may see (404 otherwise: existence is private)."""
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    _employee(row.employee_id, aspect)
    return row


def _back(employee: Employee, anchor: str = "") -> str:
    return url_for("employees.show", employee_id=employee.id) + (f"#{anchor}" if anchor else "")


def _refused(form: forms.FlaskForm, error: RecordError, aliases: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    forms.apply_errors(form, error.errors, aliases or {})
    if not error.errors:
        form.form_errors.append(error.message)
    return error.status if error.status in (403, 409, 422) else 422


def _render_form(  # type: ignore[no-untyped-def]
    form: forms.FlaskForm,
    *,
    title: str,
    employee: Employee | None,
    fields: list[str],
    status: int = 200,
    intro: str | None = None,
    hints: dict[str, str] | None = None,
    multipart: bool = False,
    back_url: str | None = None,
    aside: str | None = None,
):
    return (
        render_template(
            "records/form.html",
            form=form,
            title=title,
            employee=employee,
            fields=fields,
            intro=intro,
            hints=hints or {},
            multipart=multipart,
            back_url=back_url or (_back(employee) if employee else url_for("dashboard.home")),
            aside=aside,
        ),
        status,
    )


def _codes(model: Any, label: str = "name", include: str | None = None) -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(model)
        .where((model.retired.is_(False)) | (model.code == (include or "")))
        .order_by(model.code)
    ).all()
    return forms.options(
        [("", "Choose…")] + [(r.code, f"{r.code} · {getattr(r, label)}") for r in rows]
    )


def _sorting(allowed: dict[str, Any], default: str) -> tuple[str, bool, Any]:
    """Like sort_args, but a list opened without a choice shows the newest first."""
    if "sort" not in request.args and default != "reported":
        return default, True, allowed[default].desc()
    return sort_args(allowed, default)


def _text(value: Any) -> str | None:
    return value if value not in (None, "") else None


# ---------------------------------------------------------------- people (hr)


def _profile_choices(form: forms.ProfileForm, employee: Employee | None) -> None:
    current = employee.job_role.code if employee and employee.job_role else None
    form.role.choices = forms.options(
        [("", "No job role")]
        + [
            (r.code, f"{r.code} · {r.title}")
            for r in db.session.scalars(
                select(JobRole)
                .where((JobRole.retired.is_(False)) | (JobRole.code == (current or "")))
                .order_by(JobRole.level)
            )
        ]
    )
    form.department.choices = forms.options(
        [("", "No department")]
        + [
            (d.code, d.name)
            for d in db.session.scalars(select(Department).order_by(Department.name))
        ]
    )


def _profile_data(form: forms.ProfileForm, creating: bool) -> dict[str, Any]:
    manager_ref = (form.manager.data or "").strip()
    manager_id: Any = None
    if manager_ref:
        manager = records.find_employee(manager_ref)
        manager_id = manager.id if manager else -1
    data: dict[str, Any] = {
        "employee_no": form.employee_no.data,
        "name": form.name.data,
        "email": form.email.data,
        "hire_date": form.hire_date.data,
        "role": form.role.data or None,
        "role_since": form.role_since.data or None,
        "manager_id": manager_id,
        "department": form.department.data or None,
        "jurisdiction": form.jurisdiction.data,
    }
    if not creating:
        data["status"] = form.status.data
        if form.move_note.data:
            data["move_note"] = form.move_note.data
    else:
        data["status"] = form.status.data or "active"
    return data


PROFILE_FIELDS = [
    "employee_no",
    "name",
    "email",
    "hire_date",
    "role",
    "role_since",
    "move_note",
    "manager",
    "department",
    "jurisdiction",
    "status",
]


@bp.route("/employees/new", methods=["GET", "POST"])
@permission("hr")
def new_employee():  # type: ignore[no-untyped-def]
    form = forms.ProfileForm()
    _profile_choices(form, None)
    form.submit.label.text = "Add employee"
    status = 200
    if form.validate_on_submit():
        try:
            employee = records.create_employee(_profile_data(form, True), actor=_user())
        except RecordError as error:
            status = _refused(form, error, PROFILE_ALIASES)
        else:
            flash(f"{employee.name} was added.", "success")
            return redirect(url_for("employees.show", employee_id=employee.id))
    elif request.method == "GET":
        form.hire_date.data = today().isoformat()
    return _render_form(
        form,
        title="Add an employee",
        employee=None,
        fields=[f for f in PROFILE_FIELDS if f != "move_note"],
        status=status,
        hints={"jurisdiction": "A code like US-CA.", "role_since": "Defaults to the hire date."},
        back_url=url_for("employees.index"),
    )


@bp.route("/employees/<int:employee_id>/profile", methods=["GET", "POST"])
@permission("hr")
def edit_profile(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id)
    form = forms.ProfileForm(obj=None)
    _profile_choices(form, employee)
    status = 200
    if employee.status == "terminated":
        form.status.choices = forms.options([("terminated", "Terminated (left)")])
    if form.validate_on_submit():
        try:
            change = records.update_employee(
                employee,
                _profile_data(form, False),
                actor=_user(),
                expected_version=form.version.data,
            )
        except RecordError as error:
            status = _refused(form, error, PROFILE_ALIASES)
        else:
            if change.changes:
                flash(f"Saved: {', '.join(sorted(change.changes))} changed.", "success")
            else:
                flash("Nothing changed.", "info")
            return redirect(_back(employee))
    elif request.method == "GET":
        form.employee_no.data = employee.employee_no
        form.name.data = employee.name
        form.email.data = employee.email
        form.hire_date.data = employee.hire_date.isoformat()
        form.role.data = employee.job_role.code if employee.job_role else ""
        form.role_since.data = employee.role_since.isoformat() if employee.role_since else ""
        form.manager.data = employee.manager.employee_no if employee.manager else ""
        form.department.data = employee.department.code if employee.department else ""
        form.jurisdiction.data = employee.jurisdiction or ""
        form.status.data = employee.status
        form.version.data = employee.version
    return _render_form(
        form,
        title=f"Edit profile: {employee.name}",
        employee=employee,
        fields=PROFILE_FIELDS,
        status=status,
        intro=(
            "Choosing a new job role is a move or promotion: give the date they entered it. "
            "The old role stays in the role history. To correct when the current role began, "
            "keep the role and change only the date."
        ),
        hints={
            "manager": "Leave empty for no manager.",
            "jurisdiction": "A code like US-CA.",
            "status": "A termination is recorded separately (it settles repayments).",
        },
        aside="termination",
    )


# ---------------------------------------------------------------- training


def _course_choices(form: Any) -> None:
    form.course.choices = _codes(Course, "title")


@bp.route("/employees/<int:employee_id>/completions/new", methods=["GET", "POST"])
@permission("hr")
def new_completion(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id, "training")
    form = forms.CompletionForm()
    _course_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            completion = records.record_completion(
                employee,
                form.course.data,
                form.completed_on.data,
                _text(form.score.data),
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            expiry = completion.expires_on.isoformat() if completion.expires_on else "never"
            flash(f"{completion.course.code} recorded; it expires {expiry}.", "success")
            return redirect(_back(employee, "training-h"))
    elif request.method == "GET":
        form.completed_on.data = today().isoformat()
    return _render_form(
        form,
        title=f"Record a completion for {employee.name}",
        employee=employee,
        fields=["course", "completed_on", "score"],
        status=status,
        intro="The expiry date is worked out from the course's validity.",
    )


@bp.route("/completions/<int:completion_id>/edit", methods=["GET", "POST"])
@permission("hr")
def edit_completion(completion_id: int):  # type: ignore[no-untyped-def]
    completion = _owned(Completion, completion_id, "training")
    employee = db.session.get(Employee, completion.employee_id)
    form = forms.CompletionEditForm()
    status = 200
    if form.validate_on_submit():
        try:
            records.update_completion(
                completion,
                form.completed_on.data,
                _text(form.score.data),
                actor=_user(),
                expected_version=form.version.data,
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash("The completion was updated.", "success")
            return redirect(_back(employee, "training-h"))
    elif request.method == "GET":
        form.completed_on.data = completion.completed_on.isoformat()
        form.score.data = str(completion.score) if completion.score is not None else ""
        form.version.data = completion.version
    return _render_form(
        form,
        title=f"Edit {completion.course.code} for {employee.name}",
        employee=employee,
        fields=["completed_on", "score"],
        status=status,
    )


@bp.route("/completions/<int:completion_id>/delete", methods=["POST"])
@permission("hr")
def delete_completion(completion_id: int):  # type: ignore[no-untyped-def]
    completion = _owned(Completion, completion_id, "training")
    employee = db.session.get(Employee, completion.employee_id)
    code = completion.course.code
    try:
        records.delete_completion(completion, actor=_user())
    except RecordError as error:
        flash(error.message, "error")
    else:
        flash(f"The {code} completion was deleted.", "success")
    return redirect(_back(employee, "training-h"))


@bp.route("/employees/<int:employee_id>/completions/report", methods=["GET", "POST"])
@permission("authenticated")
def report_completion(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id, "training")
    if not policy.can_edit(_user(), employee, "reported_completion"):
        abort(403)
    form = forms.ReportCompletionForm()
    _course_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            records.report_completion(
                employee,
                form.course.data,
                form.completed_on.data,
                form.evidence.data,
                score=_text(form.score.data),
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash(
                "Thank you. HR will verify the completion; until then it shows as pending and "
                "does not count toward readiness.",
                "success",
            )
            return redirect(_back(employee, "training-h"))
    elif request.method == "GET":
        form.completed_on.data = today().isoformat()
    limit = uploads.human_size(uploads.max_bytes())
    return _render_form(
        form,
        title="Report a completed course",
        employee=employee,
        fields=["course", "completed_on", "score", "evidence"],
        status=status,
        intro=(
            "Attach your certificate or transcript. The completion stays pending until HR "
            "verifies it, and only a verified completion counts."
        ),
        hints={"evidence": f"PDF, PNG or JPEG, up to {limit}."},
        multipart=True,
    )


COMPLETION_FILTERS = ("q", "course", "status")


def _completion_page(verification: str | None, default_sort: str):  # type: ignore[no-untyped-def]
    filters = {
        "q": (request.args.get("q") or "").strip()[:100] or None,
        "course": request.args.get("course") or None,
        "status": request.args.get("status")
        if request.args.get("status") in records.COMPLETION_STATUSES
        else None,
    }
    verification_filter = verification
    if verification is None:
        chosen = request.args.get("verification")
        verification_filter = chosen if chosen in ("verified", "pending", "rejected") else None
        filters["verification"] = verification_filter
    sort_key, descending, order = _sorting(records.COMPLETION_SORTS, default_sort)
    page, per_page = page_args(25)
    stmt = records.completion_list_query(
        q=filters["q"],
        course=filters["course"],
        verification=verification_filter,
        status=filters["status"],
    ).order_by(order, Completion.id)
    return filters, sort_key, descending, paginate(stmt, page, per_page)


@bp.route("/completions/pending")
@permission("hr")
def pending_completions():  # type: ignore[no-untyped-def]
    filters, sort_key, descending, result = _completion_page("pending", "reported")
    return render_template(
        "records/pending.html",
        page=result,
        filters=filters,
        sort_key=sort_key,
        descending=descending,
        courses=db.session.scalars(select(Course.code).order_by(Course.code)).all(),
    )


@bp.route("/completions")
@permission("hr")
def completions():  # type: ignore[no-untyped-def]
    filters, sort_key, descending, result = _completion_page(None, "completed_on")
    return render_template(
        "records/completions.html",
        page=result,
        filters=filters,
        sort_key=sort_key,
        descending=descending,
        courses=db.session.scalars(select(Course.code).order_by(Course.code)).all(),
        statuses=records.COMPLETION_STATUSES,
        pending=records.pending_completion_count(),
    )


def _after_decision(completion: Completion) -> str:
    target = request.form.get("next") or ""
    if target == "employee":
        return url_for("employees.show", employee_id=completion.employee_id) + "#training-h"
    return url_for("records.pending_completions")


@bp.route("/completions/<int:completion_id>/verify", methods=["POST"])
@permission("hr")
def verify_completion(completion_id: int):  # type: ignore[no-untyped-def]
    completion = _owned(Completion, completion_id, "training")
    try:
        records.verify_completion(completion, actor=_user())
    except RecordError as error:
        flash(error.message, "error")
    else:
        flash(f"Verified {completion.course.code} for {completion.employee.name}.", "success")
    return redirect(_after_decision(completion))


@bp.route("/completions/<int:completion_id>/reject", methods=["GET", "POST"])
@permission("hr")
def reject_completion(completion_id: int):  # type: ignore[no-untyped-def]
    completion = _owned(Completion, completion_id, "training")
    employee = db.session.get(Employee, completion.employee_id)
    form = forms.RejectForm()
    status = 200
    if form.validate_on_submit():
        try:
            records.reject_completion(completion, form.reason.data, actor=_user())
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash(f"The {completion.course.code} completion was refused.", "success")
            return redirect(url_for("records.pending_completions"))
    return _render_form(
        form,
        title=f"Refuse {completion.course.code} reported by {employee.name}",
        employee=employee,
        fields=["reason"],
        status=status,
        intro="The employee is told the reason. The completion will not count.",
        back_url=url_for("records.pending_completions"),
    )


# ---------------------------------------------------------------- uploads


@bp.route("/uploads/<int:upload_id>")
@permission("authenticated")
def upload(upload_id: int):  # type: ignore[no-untyped-def]
    upload = uploads.upload_for(_user(), upload_id)
    if upload is None:
        abort(404)
    g.no_store = True
    # Documents are small (UPLOAD_MAX_BYTES): read them whole, so no file handle outlives the
    # request, and always as an attachment so the browser never renders them in our origin.
    data = uploads.stored_path(upload).read_bytes()
    return Response(
        data,
        mimetype=upload.content_type,
        headers={
            "Content-Disposition": _attachment(upload.original_name),
            "Cache-Control": "private, no-store",
        },
    )


def _attachment(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "replace").decode("ascii").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# ---------------------------------------------------------------- ratings


@bp.route("/employees/<int:employee_id>/ratings/new", methods=["GET", "POST"])
@permission("authenticated")
def new_rating(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id, "ratings")
    user = _user()
    sources = records.allowed_rating_sources(user, employee)
    if not sources:
        abort(403)
    form = forms.RatingForm()
    form.competency.choices = _codes(Competency)
    form.source.choices = forms.options([(s, s.replace("_", " ")) for s in sources])
    status = 200
    if form.validate_on_submit():
        try:
            records.record_rating(
                employee,
                form.competency.data,
                form.level.data,
                form.rated_on.data,
                form.source.data,
                _text(form.evidence.data),
                actor=user,
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash("The rating was saved.", "success")
            return redirect(_back(employee, "ratings-h"))
    elif request.method == "GET":
        form.rated_on.data = today().isoformat()
        form.level.data = "2"
    own = policy.is_self(user, employee)
    return _render_form(
        form,
        title="Rate your own competencies" if own else f"Rate {employee.name}",
        employee=employee,
        fields=["competency", "level", "rated_on", "source", "evidence"],
        status=status,
        intro=(
            "Self-ratings are shown on your record but never count toward readiness."
            if own
            else "Levels follow the OPM scale, 0 (not needed) to 5 (expert)."
        ),
    )


@bp.route("/ratings/<int:rating_id>/edit", methods=["GET", "POST"])
@permission("hr")
def edit_rating(rating_id: int):  # type: ignore[no-untyped-def]
    rating = _owned(CompetencyRating, rating_id, "ratings")
    employee = db.session.get(Employee, rating.employee_id)
    form = forms.RatingEditForm()
    status = 200
    if form.validate_on_submit():
        try:
            records.update_rating(
                rating,
                form.level.data,
                form.rated_on.data,
                _text(form.evidence.data),
                actor=_user(),
                expected_version=form.version.data,
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash("The rating was updated.", "success")
            return redirect(_back(employee, "ratings-h"))
    elif request.method == "GET":
        form.level.data = str(rating.level)
        form.rated_on.data = rating.rated_on.isoformat()
        form.evidence.data = rating.evidence or ""
        form.version.data = rating.version
    return _render_form(
        form,
        title=f"Edit the {rating.competency.name} rating ({rating.source}) of {employee.name}",
        employee=employee,
        fields=["level", "rated_on", "evidence"],
        status=status,
    )


@bp.route("/ratings/<int:rating_id>/delete", methods=["POST"])
@permission("hr")
def delete_rating(rating_id: int):  # type: ignore[no-untyped-def]
    rating = _owned(CompetencyRating, rating_id, "ratings")
    employee = db.session.get(Employee, rating.employee_id)
    try:
        records.delete_rating(rating, actor=_user())
    except RecordError as error:
        flash(error.message, "error")
    else:
        flash("The rating was deleted.", "success")
    return redirect(_back(employee, "ratings-h"))


# ---------------------------------------------------------------- background checks


@bp.route("/employees/<int:employee_id>/checks/new", methods=["GET", "POST"])
@permission("hr")
def new_check(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id, "check_findings")
    form = forms.CheckRequestForm()
    form.type.choices = _codes(CheckType)
    status = 200
    if form.validate_on_submit():
        try:
            check = records.record_check(
                employee,
                form.type.data,
                form.consent_signed_on.data,
                form.consent_form_version.data,
                form.requested_on.data or None,
                _text(form.vendor.data),
                form.status.data or "requested",
                form.completed_on.data or None,
                _text(form.findings.data),
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash(f"The {check.check_type.code} check was recorded.", "success")
            return redirect(url_for("records.show_check", check_id=check.id))
    elif request.method == "GET":
        form.requested_on.data = today().isoformat()
        form.status.data = "requested"
    return _render_form(
        form,
        title=f"Request a background check for {employee.name}",
        employee=employee,
        fields=[
            "type",
            "consent_signed_on",
            "consent_form_version",
            "requested_on",
            "vendor",
            "status",
            "completed_on",
            "findings",
        ],
        status=status,
        intro=(
            "No check may be requested without the employee's signed consent (FCRA written "
            "authorisation): record when it was signed and which form version. A check done "
            "before it was entered here can be recorded with its result."
        ),
        hints={"consent_form_version": "For example FCRA-2024-1."},
    )


def _check_page(
    check: BackgroundCheck,
    status_form=None,
    details_form=None,  # type: ignore[no-untyped-def]
    pre_form=None,
    final_form=None,
    code: int = 200,
):
    employee = db.session.get(Employee, check.employee_id)
    if status_form is None:
        status_form = forms.CheckStatusForm(formdata=None)
    status_form.status.choices = forms.options(
        [(s, s.replace("_", " ")) for s in records.next_check_statuses(check)]
    )
    if details_form is None:
        details_form = forms.CheckDetailsForm(
            formdata=None, vendor=check.vendor, findings=check.findings, version=check.version
        )
    if pre_form is None:
        pre_form = forms.NoticeForm(formdata=None, prefix="pre", notice_on=today().isoformat())
    if final_form is None:
        earliest = records.earliest_final_notice(check)
        default = max(earliest, today()) if earliest else today()
        final_form = forms.NoticeForm(formdata=None, prefix="final", notice_on=default.isoformat())
    return (
        render_template(
            "records/check.html",
            check=check,
            employee=employee,
            status_form=status_form,
            details_form=details_form,
            pre_form=pre_form,
            final_form=final_form,
            display_status=records.check_display_status(check),
            earliest_final=records.earliest_final_notice(check),
            wait_days=records.settings.get("adverse_action_wait_business_days"),
        ),
        code,
    )


@bp.route("/checks/<int:check_id>")
@permission("hr")
def show_check(check_id: int):  # type: ignore[no-untyped-def]
    check = _owned(BackgroundCheck, check_id, "check_findings")
    g.no_store = True
    return _check_page(check)


@bp.route("/checks/<int:check_id>/status", methods=["POST"])
@permission("hr")
def check_status(check_id: int):  # type: ignore[no-untyped-def]
    check = _owned(BackgroundCheck, check_id, "check_findings")
    form = forms.CheckStatusForm()
    form.status.choices = forms.options([(s, s) for s in records.next_check_statuses(check)])
    if form.validate_on_submit():
        try:
            records.change_check_status(
                check,
                form.status.data,
                form.completed_on.data or None,
                _text(form.findings.data),
                actor=_user(),
            )
        except RecordError as error:
            check = db.session.get(BackgroundCheck, check_id)
            return _check_page(check, status_form=form, code=_refused(form, error))
        flash(f"The check is now {form.status.data.replace('_', ' ')}.", "success")
    return redirect(url_for("records.show_check", check_id=check_id))


@bp.route("/checks/<int:check_id>/details", methods=["POST"])
@permission("hr")
def check_details(check_id: int):  # type: ignore[no-untyped-def]
    check = _owned(BackgroundCheck, check_id, "check_findings")
    form = forms.CheckDetailsForm()
    if form.validate_on_submit():
        try:
            records.update_check_details(
                check,
                _text(form.vendor.data),
                _text(form.findings.data),
                actor=_user(),
                expected_version=form.version.data,
            )
        except RecordError as error:
            return _check_page(check, details_form=form, code=_refused(form, error))
        flash("The check's details were saved.", "success")
    else:
        return _check_page(check, details_form=form, code=422)
    return redirect(url_for("records.show_check", check_id=check_id))


@bp.route("/checks/<int:check_id>/notice/<which>", methods=["POST"])
@permission("hr")
def check_notice(check_id: int, which: str):  # type: ignore[no-untyped-def]
    if which not in ("pre-adverse", "final"):
        abort(404)
    check = _owned(BackgroundCheck, check_id, "check_findings")
    prefix = "pre" if which == "pre-adverse" else "final"
    form = forms.NoticeForm(prefix=prefix)
    if form.validate_on_submit():
        service = (
            records.record_pre_adverse_notice
            if which == "pre-adverse"
            else records.record_final_notice
        )
        try:
            service(check, form.notice_on.data, actor=_user())
        except RecordError as error:
            check = db.session.get(BackgroundCheck, check_id)
            code = _refused(form, error)
            if which == "pre-adverse":
                return _check_page(check, pre_form=form, code=code)
            return _check_page(check, final_form=form, code=code)
        flash(
            "The pre-adverse notice was recorded."
            if which == "pre-adverse"
            else "The final notice was recorded; the check is not cleared.",
            "success",
        )
    return redirect(url_for("records.show_check", check_id=check_id))


@bp.route("/checks")
@permission("hr")
def checks():  # type: ignore[no-untyped-def]
    filters = {
        "q": (request.args.get("q") or "").strip()[:100] or None,
        "status": request.args.get("status")
        if request.args.get("status") in records.CHECK_FILTER_STATUSES
        else None,
        "type": request.args.get("type") or None,
    }
    sort_key, descending, order = _sorting(records.CHECK_SORTS, "requested_on")
    page, per_page = page_args(25)
    stmt = records.check_list_query(
        q=filters["q"], status=filters["status"], check_type=filters["type"]
    ).order_by(order, BackgroundCheck.id)
    result = paginate(stmt, page, per_page, scalars=False)
    return render_template(
        "records/checks.html",
        page=result,
        filters=filters,
        sort_key=sort_key,
        descending=descending,
        types=db.session.scalars(select(CheckType).order_by(CheckType.code)).all(),
        statuses=records.CHECK_FILTER_STATUSES,
    )


# ---------------------------------------------------------------- assessments


def _score_form(instrument: Instrument, for_response: bool, formdata: Any = "default"):  # type: ignore[no-untyped-def]
    dims = list(instrument.dimensions or [])
    groups = forms.options((g, g.replace("_", " ")) for g in RATER_GROUPS) if for_response else None
    cls = forms.scores_form(dims, groups)
    form = cls() if formdata == "default" else cls(formdata=formdata)
    return form, dims


def _scores_from(form: Any, dims: list[str]) -> dict[str, str]:
    return {name: (form[f"dim_{i}"].data or "").strip() for i, name in enumerate(dims)}


def _dimension_aliases(dims: list[str], prefix: str) -> dict[str, str]:
    return {f"{prefix}.{name}": f"dim_{i}" for i, name in enumerate(dims)}


@bp.route("/employees/<int:employee_id>/assessments/new", methods=["GET", "POST"])
@permission("hr")
def new_assessment(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id, "assessments")
    form = forms.AssessmentForm()
    instruments = db.session.scalars(
        select(Instrument).where(Instrument.retired.is_(False)).order_by(Instrument.code)
    ).all()
    form.instrument.choices = forms.options(
        [("", "Choose…")]
        + [(i.code, f"{i.code} · {i.name} ({i.kind.replace('_', ' ')})") for i in instruments]
    )
    chosen = next((i for i in instruments if i.code == (form.instrument.data or "")), None)
    score_form, dims = (None, [])
    if chosen is not None and chosen.kind != "360":
        score_form, dims = _score_form(chosen, False)
    status = 200
    if (
        request.method == "POST"
        and form.validate_on_submit()
        and request.form.get("step") == "save"
    ):
        scores = _scores_from(score_form, dims) if score_form is not None else None
        try:
            assessment = records.record_assessment(
                employee,
                form.instrument.data,
                form.conducted_on.data,
                scores=scores,
                responses=[] if chosen is not None and chosen.kind == "360" else None,
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
            if score_form is not None:
                forms.apply_errors(score_form, error.errors, _dimension_aliases(dims, "scores"))
        else:
            flash(
                "The 360 was created; add the responses as they come in."
                if assessment.instrument.kind == "360"
                else f"The assessment was saved; overall {assessment.overall:.2f}.",
                "success",
            )
            return redirect(url_for("records.show_assessment", assessment_id=assessment.id))
    elif request.method == "GET":
        form.conducted_on.data = today().isoformat()
    return (
        render_template(
            "records/assessment_new.html",
            form=form,
            employee=employee,
            chosen=chosen,
            score_form=score_form,
            dims=dims,
        ),
        status,
    )


@bp.route("/assessments/<int:assessment_id>")
@permission("authenticated")
def show_assessment(assessment_id: int):  # type: ignore[no-untyped-def]
    assessment = _owned(Assessment, assessment_id, "assessments")
    return _assessment_page(assessment)


def _assessment_page(assessment: Assessment, response_form=None, code: int = 200):  # type: ignore[no-untyped-def]
    employee = db.session.get(Employee, assessment.employee_id)
    view = records.assessment_view(assessment)
    if response_form is None and assessment.instrument.kind == "360":
        response_form, _ = _score_form(assessment.instrument, True, formdata=None)
    return (
        render_template(
            "records/assessment.html",
            view=view,
            assessment=assessment,
            employee=employee,
            response_form=response_form,
            dims=list(assessment.instrument.dimensions or []),
        ),
        code,
    )


@bp.route("/assessments/<int:assessment_id>/responses", methods=["POST"])
@permission("hr")
def add_response(assessment_id: int):  # type: ignore[no-untyped-def]
    assessment = _owned(Assessment, assessment_id, "assessments")
    if assessment.instrument.kind != "360":
        abort(404)
    form, dims = _score_form(assessment.instrument, True)
    if form.validate_on_submit():
        try:
            records.add_360_response(
                assessment, form.rater_group.data, _scores_from(form, dims), actor=_user()
            )
        except RecordError as error:
            forms.apply_errors(form, error.errors, _dimension_aliases(dims, "scores"))
            return _assessment_page(assessment, form, 422)
        flash("The response was added. Raters are never named.", "success")
    return redirect(url_for("records.show_assessment", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/delete", methods=["POST"])
@permission("hr")
def delete_assessment(assessment_id: int):  # type: ignore[no-untyped-def]
    assessment = _owned(Assessment, assessment_id, "assessments")
    employee = db.session.get(Employee, assessment.employee_id)
    try:
        records.delete_assessment(assessment, actor=_user())
    except RecordError as error:
        flash(error.message, "error")
    else:
        flash("The assessment was deleted.", "success")
    return redirect(_back(employee, "assess-h"))


# ---------------------------------------------------------------- education


def _education_choices(form: forms.EducationForm, employee: Employee, include: str | None) -> None:
    form.qualification.choices = _codes(QualificationType, include=include)
    requests = db.session.scalars(
        select(TuitionRequest)
        .where(TuitionRequest.employee_id == employee.id)
        .order_by(TuitionRequest.starts_on.desc())
    ).all()
    form.tuition_request_id.choices = forms.options(
        [("", "None")]
        + [
            (str(r.id), f"{r.title} ({r.starts_on.isoformat()}, {r.state.replace('_', ' ')})")
            for r in requests
        ]
    )


@bp.route("/employees/<int:employee_id>/education/new", methods=["GET", "POST"])
@permission("hr")
def new_education(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id, "education")
    form = forms.EducationForm()
    _education_choices(form, employee, None)
    status = 200
    if form.validate_on_submit():
        try:
            records.record_education(
                employee,
                form.qualification.data,
                form.institution.data,
                form.completed_on.data,
                form.tuition_request_id.data or None,
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash("The qualification was recorded.", "success")
            return redirect(_back(employee, "edu-h"))
    return _render_form(
        form,
        title=f"Record a qualification for {employee.name}",
        employee=employee,
        fields=["qualification", "institution", "completed_on", "tuition_request_id"],
        status=status,
    )


@bp.route("/education/<int:record_id>/edit", methods=["GET", "POST"])
@permission("hr")
def edit_education(record_id: int):  # type: ignore[no-untyped-def]
    record = _owned(EducationRecord, record_id, "education")
    employee = db.session.get(Employee, record.employee_id)
    form = forms.EducationForm()
    _education_choices(form, employee, record.qualification.code)
    status = 200
    if form.validate_on_submit():
        try:
            records.update_education(
                record,
                form.qualification.data,
                form.institution.data,
                form.completed_on.data,
                form.tuition_request_id.data or None,
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash("The qualification was updated.", "success")
            return redirect(_back(employee, "edu-h"))
    elif request.method == "GET":
        form.qualification.data = record.qualification.code
        form.institution.data = record.institution
        form.completed_on.data = record.completed_on.isoformat()
        form.tuition_request_id.data = (
            str(record.tuition_request_id) if record.tuition_request_id else ""
        )
    return _render_form(
        form,
        title=f"Edit a qualification of {employee.name}",
        employee=employee,
        fields=["qualification", "institution", "completed_on", "tuition_request_id"],
        status=status,
    )


@bp.route("/education/<int:record_id>/delete", methods=["POST"])
@permission("hr")
def delete_education(record_id: int):  # type: ignore[no-untyped-def]
    record = _owned(EducationRecord, record_id, "education")
    employee = db.session.get(Employee, record.employee_id)
    try:
        records.delete_education(record, actor=_user())
    except RecordError as error:
        flash(error.message, "error")
    else:
        flash("The qualification was deleted.", "success")
    return redirect(_back(employee, "edu-h"))


# ---------------------------------------------------------------- talent reviews


def _default_period(on: date) -> str:
    return f"{on.year}-H{1 if on.month <= 6 else 2}"


@bp.route("/employees/<int:employee_id>/talent-reviews/new", methods=["GET", "POST"])
@permission("authenticated")
def new_talent_review(employee_id: int):  # type: ignore[no-untyped-def]
    employee = _employee(employee_id, "assessments")
    if not policy.can_edit(_user(), employee, "talent_review"):
        abort(403)
    form = forms.TalentReviewForm()
    status = 200
    if form.validate_on_submit():
        try:
            records.record_talent_review(
                employee,
                form.period.data,
                form.performance.data,
                form.potential.data,
                _text(form.notes.data),
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash("The talent review was saved.", "success")
            return redirect(_back(employee, "assess-h"))
    elif request.method == "GET":
        form.period.data = _default_period(today())
        form.performance.data = "2"
        form.potential.data = "2"
    return _render_form(
        form,
        title=f"Talent review (9-box) for {employee.name}",
        employee=employee,
        fields=["period", "performance", "potential", "notes"],
        status=status,
        hints={"period": "A year, half or quarter: 2026, 2026-H2 or 2026-Q4."},
        intro="Place the person on the 9-box: performance 1–3 by potential 1–3.",
    )


@bp.route("/talent-reviews/<int:review_id>/edit", methods=["GET", "POST"])
@permission("authenticated")
def edit_talent_review(review_id: int):  # type: ignore[no-untyped-def]
    review = _owned(TalentReview, review_id, "assessments")
    employee = db.session.get(Employee, review.employee_id)
    if not policy.can_edit(_user(), employee, "talent_review"):
        abort(403)
    form = forms.TalentReviewForm()
    status = 200
    if form.validate_on_submit():
        try:
            records.update_talent_review(
                review,
                form.performance.data,
                form.potential.data,
                _text(form.notes.data),
                actor=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            flash("The talent review was updated.", "success")
            return redirect(_back(employee, "assess-h"))
    elif request.method == "GET":
        form.performance.data = str(review.performance)
        form.potential.data = str(review.potential)
        form.notes.data = review.notes or ""
    form.period.data = review.period
    form.period.render_kw = {"readonly": True}
    return _render_form(
        form,
        title=f"Edit the {review.period} talent review of {employee.name}",
        employee=employee,
        fields=["period", "performance", "potential", "notes"],
        status=status,
    )


@bp.route("/talent-reviews/<int:review_id>/delete", methods=["POST"])
@permission("hr")
def delete_talent_review(review_id: int):  # type: ignore[no-untyped-def]
    review = _owned(TalentReview, review_id, "assessments")
    employee = db.session.get(Employee, review.employee_id)
    try:
        records.delete_talent_review(review, actor=_user())
    except RecordError as error:
        flash(error.message, "error")
    else:
        flash("The talent review was deleted.", "success")
    return redirect(_back(employee, "assess-h"))


# ---------------------------------------------------------------- CSV import and export


@bp.route("/import", methods=["GET", "POST"])
@permission("hr")
def import_start():  # type: ignore[no-untyped-def]
    form = forms.ImportForm()
    status = 200
    if form.validate_on_submit():
        try:
            token = staging.stage(
                form.file.data,
                kind=form.kind.data,
                date_format=form.date_format.data,
                user=_user(),
            )
        except RecordError as error:
            status = _refused(form, error)
        else:
            return redirect(url_for("records.import_review", token=token))
    return (
        render_template("records/import.html", form=form, kinds=csv_io.KINDS),
        status,
    )


def _mapping_from_form(kind: csv_io.ImportKind) -> dict[str, str | None]:
    mapping: dict[str, str | None] = {}
    for column in kind.columns:
        key = f"map_{column.field}"
        if key in request.form:
            mapping[column.field] = request.form.get(key) or None
    return mapping


@bp.route("/import/<token>", methods=["GET", "POST"])
@permission("hr")
def import_review(token: str):  # type: ignore[no-untyped-def]
    staged = staging.load(token, _user())
    if staged is None:
        abort(404)
    kind = csv_io.KINDS[staged.kind]
    date_format = request.form.get("date_format", staged.date_format)
    mapping = _mapping_from_form(kind) if request.method == "POST" else None
    report = csv_io.run_import(
        staged.kind,
        staged.data,
        mapping=mapping,
        date_format=date_format,
        apply=False,
        actor=_user(),
    )
    return render_template(
        "records/import_review.html",
        staged=staged,
        kind=kind,
        report=report,
        token=token,
        date_format=report.date_format,
        formats=csv_io.DATE_FORMATS,
        preview=csv_io.parse_csv(staged.data).rows[:5],
    ), (200 if report.ok else 422 if request.method == "POST" else 200)


@bp.route("/import/<token>/apply", methods=["POST"])
@permission("hr")
def import_apply(token: str):  # type: ignore[no-untyped-def]
    staged = staging.load(token, _user())
    if staged is None:
        abort(404)
    kind = csv_io.KINDS[staged.kind]
    date_format = request.form.get("date_format", staged.date_format)
    report = csv_io.run_import(
        staged.kind,
        staged.data,
        mapping=_mapping_from_form(kind),
        date_format=date_format,
        apply=True,
        actor=_user(),
    )
    if report.applied:
        staging.discard(token)
        counts = report.counts
        flash(
            f"Imported {kind.title.lower()}: {counts['create']} created, {counts['update']} "
            f"updated, {counts['unchanged']} unchanged.",
            "success",
        )
        return redirect(url_for("records.import_start"))
    flash("Nothing was imported: fix the refused rows and try again (all or nothing).", "error")
    return (
        render_template(
            "records/import_review.html",
            staged=staged,
            kind=kind,
            report=report,
            token=token,
            date_format=report.date_format,
            formats=csv_io.DATE_FORMATS,
            preview=csv_io.parse_csv(staged.data).rows[:5],
        ),
        422,
    )


@bp.route("/export/<kind>.csv")
@permission("hr")
def export(kind: str):  # type: ignore[no-untyped-def]
    if kind not in csv_io.KINDS:
        abort(404)
    g.no_store = True
    text = csv_io.export_csv(kind)
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="echelon-{kind}-{today().isoformat()}.csv"'
            )
        },
    )


# ---------------------------------------------------------------- template helpers


def _termination_url(employee: Employee) -> str | None:
    """The tuition area's page for recording a leaver, when it is registered."""
    from flask import current_app

    if "tuition.leaver" in current_app.view_functions:
        return url_for("tuition.leaver", employee_no=employee.employee_no)
    return None


@bp.app_context_processor
def record_helpers() -> dict[str, Any]:
    return {
        "completion_status": records.completion_status,
        "check_display_status": records.check_display_status,
        "nine_box_name": records.nine_box_name,
        "records_termination_url": _termination_url,
        "rating_sources_for": lambda employee: (
            records.allowed_rating_sources(policy.acting_user(), employee)
            if policy.acting_user() is not None
            else ()
        ),
    }


def _register_navigation() -> None:
    """Records' items in the main navigation; Training shows how many completions wait."""
    from sqlalchemy import func

    from app.navigation import NAV_ENTRIES

    if any(entry[1].startswith("records.") for entry in NAV_ENTRIES):
        return
    NAV_ENTRIES.extend(
        [
            (
                "Training",
                "records.completions",
                lambda user: user.has_role("hr"),
                lambda user: select(func.count(Completion.id)).where(
                    Completion.verification == "pending"
                ),
                None,
                "to verify",
            ),
            ("Checks", "records.checks", lambda user: user.has_role("hr")),
            ("Import/export", "records.import_start", lambda user: user.has_role("hr")),
        ]
    )


_register_navigation()
