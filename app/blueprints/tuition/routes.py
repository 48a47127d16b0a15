"""Tuition reimbursement pages: thin views over ``app.services.tuition``.

Employees create, submit, cancel and complete their requests; the manager, hr and finance work
their approval queues; finance pays, sees the summary (and its CSV) and the repayments owed;
hr records leavers. Every rule lives in the service; a view parses the form, calls it, and then
flashes and redirects, or re-renders the page with the errors tied to their fields.
"""

from __future__ import annotations

import io
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
    send_file,
    url_for,
)
from sqlalchemy import select

from app import policy
from app.blueprints.tuition.forms import (
    CompleteForm,
    OverrideForm,
    PayForm,
    ReasonForm,
    RequestForm,
    SettleForm,
    TerminationForm,
    apply_errors,
    choices,
)
from app.clock import today
from app.extensions import db
from app.models import Competency, Department, Employee, Repayment, TuitionRequest, Upload
from app.pagination import Page, page_args, paginate, sort_args
from app.policy import permission
from app.services import tuition as svc
from app.services import uploads
from app.tuition import rules

bp = Blueprint("tuition", __name__, url_prefix="/tuition")

REASON_LABELS = {
    "approve": "Comment (optional)",
    "reject": "Reason for the rejection",
    "cancel": "Why are you cancelling? (optional)",
    "flag_documents": "Which documents are missing?",
    "submit": "Note for your manager (optional)",
}
SUCCESS = {
    "submit": "Submitted. Your manager has been notified.",
    "approve": "Approved.",
    "reject": "Rejected. The employee has been told why.",
    "cancel": "Cancelled.",
    "complete": "Completed: finance will check the documents and pay.",
    "resubmit_documents": "Documents sent: finance will check them again.",
    "flag_documents": "Flagged: the employee has been asked for the missing documents.",
    "pay": "Marked paid.",
    svc.OVERRIDE_LATE: "Late submission allowed. The employee can submit the request now.",
}
QUEUE_TITLES = {
    "manager": "Tuition approvals for your team",
    "hr": "HR tuition queue",
    "finance": "Finance tuition queue",
}


@bp.app_context_processor
def tuition_helpers() -> dict[str, Any]:
    return {"tuition_state_words": svc.STATE_WORDS, "tuition_action_words": svc.ACTION_WORDS}


def _user():  # type: ignore[no-untyped-def]
    return policy.acting_user()


def _refused(error: svc.TuitionError) -> Any:
    """403/404 pages carry the service's reason."""
    if isinstance(error, svc.NotFound):
        abort(404)
    return render_template("errors/error.html", code=403, message=error.message), 403


# --------------------------------------------------------------------------- the request form


def _request_form(employee: Employee, req: TuitionRequest | None = None) -> RequestForm:
    form = RequestForm(formdata=request.form if request.method == "POST" else None)
    options = svc.plan_options(employee)
    form.qualification.choices = choices(
        [("", "None / not a qualification")]
        + [(q.code, f"{q.name} ({q.code})") for q in svc.qualification_options()]
    )
    roles = [(r.code, f"{r.title} ({r.code})") for r in options.roles]
    comps = [(c.code, c.name) for c in options.competencies]
    if req is not None:
        if req.target_role and req.target_role.code not in {c for c, _ in roles}:
            roles.append(
                (req.target_role.code, f"{req.target_role.title} ({req.target_role.code})")
            )
        if req.target_competency_id and req.target_competency_id not in {
            c.id for c in options.competencies
        }:
            comp = db.session.get(Competency, req.target_competency_id)
            if comp is not None:
                comps.append((comp.code, comp.name))
    form.target_role.choices = choices([("", "None")] + roles)
    form.target_competency.choices = choices([("", "None")] + comps)
    if request.method != "POST":
        if req is not None:
            data = svc.request_to_dict(req)
            for name in (
                "title",
                "institution",
                "qualification",
                "starts_on",
                "ends_on",
                "tuition",
                "fees",
                "books",
                "job_related",
                "justification",
                "pass_fail",
                "target_role",
                "target_competency",
            ):
                form[name].data = data[name] if data[name] is not None else ""
        else:
            form.job_related.data = True
    return form


def _form_data(form: RequestForm) -> dict[str, Any]:
    names = (
        "title",
        "institution",
        "qualification",
        "starts_on",
        "ends_on",
        "tuition",
        "fees",
        "books",
        "justification",
        "target_role",
        "target_competency",
    )
    data: dict[str, Any] = {name: request.form.get(name, "") for name in names}
    data["job_related"] = "job_related" in request.form
    data["pass_fail"] = "pass_fail" in request.form
    return data


@bp.route("/")
@permission("authenticated")
def index():  # type: ignore[no-untyped-def]
    user = _user()
    q = request.args.get("q", "").strip()[:100] or None
    state = request.args.get("state") if request.args.get("state") in rules.STATES else None
    sort_key, descending, order = sort_args(svc.REQUEST_SORTS, "updated")
    if "sort" not in request.args:
        order = svc.REQUEST_SORTS["updated"].desc()
        descending = True
    page, per_page = page_args(25)
    stmt = svc.own_requests_query(user.employee_id, q=q, state=state).order_by(
        order, TuitionRequest.id.desc()
    )
    result = paginate(stmt, page, per_page)
    return render_template(
        "tuition/index.html",
        page=result,
        q=q,
        state=state,
        states=rules.STATES,
        sort_key=sort_key,
        descending=descending,
        cap=svc.cap_status(user.employee_id),
        other_caps=[
            svc.cap_status(user.employee_id, year)
            for year in svc.cap_years(user.employee_id)
            if year != today().year
        ],
        currency=svc.tuition_config().currency,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission("authenticated")
def new():  # type: ignore[no-untyped-def]
    user = _user()
    employee = user.employee
    form = _request_form(employee)
    status = 200
    if request.method == "POST":
        try:
            req = svc.create_request(employee, _form_data(form), user)
        except svc.ValidationFailed as error:
            for message in apply_errors(form, error.errors):
                form.form_errors.append(message)
            status = 422
        except (svc.NotAllowed, svc.Conflict) as error:
            flash(error.message, "error")
            return redirect(url_for("tuition.index"))
        else:
            if request.form.get("then") == "submit":
                return _apply(req.id, "submit", {}, saved=True)
            flash("Draft saved. Submit it when it is ready.", "success")
            return redirect(url_for("tuition.show", request_id=req.id))
    return render_template(
        "tuition/form.html",
        form=form,
        req=None,
        cap=svc.cap_status(employee.id),
        currency=svc.tuition_config().currency,
    ), status


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@permission("authenticated")
def edit(request_id: int):  # type: ignore[no-untyped-def]
    user = _user()
    try:
        req = svc.load_request(request_id, user)
    except svc.NotFound:
        abort(404)
    if req.employee_id != user.employee_id:
        abort(403)
    if req.state != rules.DRAFT:
        flash("Only a draft can be edited.", "error")
        return redirect(url_for("tuition.show", request_id=req.id))
    form = _request_form(req.employee, req)
    status = 200
    if request.method == "POST":
        try:
            svc.update_request(req.id, _form_data(form), user)
        except svc.ValidationFailed as error:
            for message in apply_errors(form, error.errors):
                form.form_errors.append(message)
            status = 422
        except (svc.NotAllowed, svc.Conflict) as error:
            flash(error.message, "error")
            return redirect(url_for("tuition.show", request_id=request_id))
        else:
            if request.form.get("then") == "submit":
                return _apply(request_id, "submit", {}, saved=True)
            flash("Saved.", "success")
            return redirect(url_for("tuition.show", request_id=request_id))
    return render_template(
        "tuition/form.html",
        form=form,
        req=req,
        cap=svc.cap_status(req.employee_id),
        currency=svc.tuition_config().currency,
    ), status


# --------------------------------------------------------------------------- one request


def _action_forms(req: TuitionRequest, actions: list[str]) -> dict[str, Any]:
    posted = request.method == "POST"
    forms: dict[str, Any] = {}
    for action in ("approve", "reject", "cancel", "flag_documents", "submit"):
        if action in actions:
            form = ReasonForm(prefix=action, formdata=request.form if posted else None)
            form.reason.label.text = REASON_LABELS[action]
            form.expected_state.data = req.state
            forms[action] = form
    if "pay" in actions:
        form = PayForm(prefix="pay", formdata=request.form if posted else None)
        if not form.paid_on.data:
            form.paid_on.data = today().isoformat()
        form.expected_state.data = req.state
        forms["pay"] = form
    if svc.OVERRIDE_LATE in actions:
        forms[svc.OVERRIDE_LATE] = OverrideForm(
            prefix="override", formdata=request.form if posted else None
        )
    return forms


def _documents(req: TuitionRequest) -> list[tuple[str, Upload, str | None]]:
    found = []
    for label, kind, upload_id in (
        ("Receipt", "receipt", req.receipt_upload_id),
        ("Transcript", "transcript", req.transcript_upload_id),
    ):
        if upload_id:
            upload = db.session.get(Upload, upload_id)
            if upload is not None:
                found.append((label, upload, _upload_href(req, kind)))
    return found


def _upload_href(req: TuitionRequest, kind: str) -> str:
    return url_for("tuition.document", request_id=req.id, kind=kind)


@bp.route("/<int:request_id>/documents/<any(receipt, transcript):kind>")
@permission("authenticated")
def document(request_id: int, kind: str):  # type: ignore[no-untyped-def]
    """A request's receipt or transcript, for whoever may see the request (finance included:
    it checks them before paying), always as an attachment."""
    try:
        req = svc.load_request(request_id, _user())
    except svc.NotFound:
        abort(404)
    upload_id = req.receipt_upload_id if kind == "receipt" else req.transcript_upload_id
    upload = db.session.get(Upload, upload_id) if upload_id else None
    if upload is None or upload.purged_on is not None or upload.employee_id != req.employee_id:
        abort(404)
    try:
        path = uploads.stored_path(upload)
        data = path.read_bytes()
    except (OSError, ValueError):
        abort(404)
    g.no_store = True
    return send_file(
        io.BytesIO(data),
        mimetype=upload.content_type,
        as_attachment=True,
        download_name=upload.original_name,
    )


def _waiting_for(req: TuitionRequest) -> str | None:
    """Who must act next, in words."""
    if req.state == "submitted":
        approver = svc.manager_approver(req.employee)
        if approver is None:
            return "Waiting for HR at the manager stage: there is no manager with a sign-in above."
        return f"Waiting for {approver.name} at the manager stage."
    if req.state == "manager_approved":
        return "Waiting for HR at the HR stage."
    if req.state == "hr_approved":
        return "Waiting for finance to pre-approve it and reserve the amount against the cap."
    return None


def _render_show(
    req: TuitionRequest, forms: dict[str, Any] | None = None, status: int = 200
) -> Any:
    user = _user()
    actions = svc.actions_for(user, req)
    forms = forms if forms is not None else _action_forms(req, actions)
    cap = svc.cap_status(req.employee_id, rules.cap_year(req.starts_on, req.paid_on))
    return render_template(
        "tuition/show.html",
        req=req,
        actions=actions,
        forms=forms,
        events=svc.history(req),
        documents=_documents(req),
        cap=cap,
        late=svc.is_late(req),
        needs_override=svc.needs_override(req),
        stage=rules.approval_stage(req.state),
        waiting_for=_waiting_for(req),
        currency=svc.tuition_config().currency,
        is_owner=user.employee_id == req.employee_id,
        target_competency=(
            db.session.get(Competency, req.target_competency_id)
            if req.target_competency_id
            else None
        ),
    ), status


@bp.route("/<int:request_id>")
@permission("authenticated")
def show(request_id: int):  # type: ignore[no-untyped-def]
    try:
        req = svc.load_request(request_id, _user())
    except svc.NotFound:
        abort(404)
    return _render_show(req)


def _apply(request_id: int, action: str, params: dict[str, Any], saved: bool = False) -> Any:
    """Run one transition; flash+redirect on success or conflict, re-render on bad input."""
    user = _user()
    try:
        req = svc.transition(request_id, action, user, **params)
    except svc.ValidationFailed as error:
        req = svc.load_request(request_id, user)
        forms = _action_forms(req, svc.actions_for(user, req))
        form = forms.get(action)
        leftover = apply_errors(form, error.errors) if form is not None else [error.message]
        for message in leftover:
            flash(message, "error")
        return _render_show(req, forms, 422)
    except svc.NotFound:
        abort(404)
    except svc.NotAllowed as error:
        return _refused(error)
    except svc.Conflict as error:
        if saved:
            flash("Your draft was saved, but it was not submitted.", "warning")
        flash(error.message, "error")
        return redirect(url_for("tuition.show", request_id=request_id))
    message = SUCCESS.get(action, "Done.")
    if action in ("approve", "pay") and req.state in ("finance_approved", "reimbursed"):
        amount = req.reserved_amount if req.state == "finance_approved" else req.reimbursed_amount
        word = "Reserved" if req.state == "finance_approved" else "Paid"
        message = f"{message} {word} {svc.tuition_config().currency} {amount:,.2f}."
    flash(message, "success")
    return redirect(url_for("tuition.show", request_id=request_id))


@bp.route(
    "/<int:request_id>/<any(submit, approve, reject, cancel, flag_documents):action>",
    methods=["POST"],
)
@permission("authenticated")
def act(request_id: int, action: str):  # type: ignore[no-untyped-def]
    form = ReasonForm(prefix=action)
    params = {"reason": form.reason.data or None, "expected_state": form.expected_state.data}
    return _apply(request_id, action, params)


@bp.route("/<int:request_id>/pay", methods=["POST"])
@permission("finance")
def pay(request_id: int):  # type: ignore[no-untyped-def]
    form = PayForm(prefix="pay")
    params = {
        "paid_on": form.paid_on.data or None,
        "reason": form.reason.data or None,
        "expected_state": form.expected_state.data,
    }
    return _apply(request_id, "pay", params)


@bp.route("/<int:request_id>/override-late", methods=["POST"])
@permission("hr")
def override_late(request_id: int):  # type: ignore[no-untyped-def]
    form = OverrideForm(prefix="override")
    user = _user()
    try:
        svc.override_late(request_id, user, form.override_reason.data)
    except svc.ValidationFailed as error:
        req = svc.load_request(request_id, user)
        forms = _action_forms(req, svc.actions_for(user, req))
        apply_errors(
            forms[svc.OVERRIDE_LATE],
            {"override_reason": error.errors.get("override_reason", [error.message])},
        )
        return _render_show(req, forms, 422)
    except svc.NotFound:
        abort(404)
    except svc.NotAllowed as error:
        return _refused(error)
    except svc.Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("tuition.show", request_id=request_id))
    flash(SUCCESS[svc.OVERRIDE_LATE], "success")
    return redirect(url_for("tuition.show", request_id=request_id))


@bp.route("/<int:request_id>/complete", methods=["GET", "POST"])
@permission("authenticated")
def complete(request_id: int):  # type: ignore[no-untyped-def]
    """After the course: grade and documents (complete), or the missing documents (resubmit)."""
    user = _user()
    try:
        req = svc.load_request(request_id, user)
    except svc.NotFound:
        abort(404)
    action = "resubmit_documents" if req.state == rules.DOCUMENTS_MISSING else "complete"
    form = CompleteForm(prefix="done")
    grades = svc.grades_for(req)
    first = "Choose…"
    if action == "resubmit_documents" and req.grade:
        first = f"Keep {req.grade}"
    form.grade.choices = choices([("", first)] + [(g, g) for g in grades])
    if request.method == "GET":
        if action not in svc.actions_for(user, req):
            flash(
                "This request cannot be completed now: "
                f"it is {svc.STATE_WORDS.get(req.state, req.state)}.",
                "error",
            )
            return redirect(url_for("tuition.show", request_id=req.id))
        form.expected_state.data = req.state
        return _render_complete(req, form, action)
    try:
        svc.transition(
            req.id,
            action,
            user,
            grade=form.grade.data or None,
            receipt=request.files.get("done-receipt"),
            transcript=request.files.get("done-transcript"),
            reason=form.reason.data or None,
            expected_state=form.expected_state.data or None,
        )
    except svc.ValidationFailed as error:
        for message in apply_errors(form, error.errors):
            form.form_errors.append(message)
        return _render_complete(req, form, action, 422)
    except svc.NotFound:
        abort(404)
    except svc.NotAllowed as error:
        return _refused(error)
    except svc.Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("tuition.show", request_id=req.id))
    flash(SUCCESS[action], "success")
    return redirect(url_for("tuition.show", request_id=req.id))


def _render_complete(req: TuitionRequest, form: CompleteForm, action: str, status: int = 200):  # type: ignore[no-untyped-def]
    flagged = None
    if action == "resubmit_documents":
        flagged = next(
            (e for e in reversed(svc.history(req)) if e.action == rules.FLAG_DOCUMENTS), None
        )
    return render_template(
        "tuition/complete.html", req=req, form=form, action=action, flagged=flagged
    ), status


# --------------------------------------------------------------------------- approval queues


def _queue(stage: str):  # type: ignore[no-untyped-def]
    user = _user()
    q = request.args.get("q", "").strip()[:100] or None
    views = {"hr": ("approve", "late"), "finance": ("all", "approve", "pay", "waiting")}
    view = request.args.get("view")
    if view not in views.get(stage, ()):
        view = None
    sort_key, descending, order = sort_args(svc.REQUEST_SORTS, "updated")
    page, per_page = page_args(25)
    stmt = svc.queue_query(user, stage, q=q, view=view).order_by(order, TuitionRequest.id)
    result = paginate(stmt, page, per_page)
    return render_template(
        "tuition/queue.html",
        stage=stage,
        title=QUEUE_TITLES[stage],
        page=result,
        q=q,
        view=view,
        sort_key=sort_key,
        descending=descending,
        late_count=svc.queue_count(user, "hr", view="late") if stage == "hr" else None,
    )


@bp.route("/queue/manager")
@permission("authenticated")
def queue_manager():  # type: ignore[no-untyped-def]
    if not policy.is_manager(_user()):
        abort(403)
    return _queue("manager")


@bp.route("/queue/hr")
@permission("hr")
def queue_hr():  # type: ignore[no-untyped-def]
    return _queue("hr")


@bp.route("/queue/finance")
@permission("finance")
def queue_finance():  # type: ignore[no-untyped-def]
    return _queue("finance")


# --------------------------------------------------------------------------- finance views


def _year_arg() -> int:
    try:
        year = int(request.args.get("year", today().year))
    except (TypeError, ValueError):
        year = today().year
    return year if 1900 <= year <= 2200 else today().year


SUMMARY_SORTS = {
    "department": lambda r: (r.department_name, r.name),
    "name": lambda r: (r.name, r.employee_id),
    "reserved": lambda r: r.reserved,
    "reimbursed": lambda r: r.reimbursed,
    "cap_used": lambda r: r.cap_used,
    "taxable_excess": lambda r: r.taxable_excess,
    "repayments_owed": lambda r: r.repayments_owed,
}


@bp.route("/summary")
@permission("finance_or_hr")
def summary():  # type: ignore[no-untyped-def]
    year = _year_arg()
    department = request.args.get("department") or None
    q = request.args.get("q", "").strip()[:100] or None
    data = svc.summary(year, department)
    rows = data.rows
    if q:
        rows = [
            r for r in rows if q.lower() in r.name.lower() or q.lower() in r.employee_no.lower()
        ]
    sort_key = request.args.get("sort", "department")
    if sort_key not in SUMMARY_SORTS:
        sort_key = "department"
    descending = request.args.get("dir") == "desc"
    rows = sorted(rows, key=SUMMARY_SORTS[sort_key], reverse=descending)  # type: ignore[arg-type]
    page, per_page = page_args(50)
    start = (page - 1) * per_page
    result = Page(
        items=rows[start : start + per_page], total=len(rows), page=page, per_page=per_page
    )
    return render_template(
        "tuition/summary.html",
        data=data,
        page=result,
        q=q,
        year=year,
        years=svc.summary_years(),
        department=department,
        departments=db.session.scalars(select(Department).order_by(Department.name)).all(),
        sort_key=sort_key,
        descending=descending,
        outstanding=svc.outstanding_total(),
    )


@bp.route("/summary.csv")
@permission("finance_or_hr")
def summary_csv():  # type: ignore[no-untyped-def]
    year = _year_arg()
    department = request.args.get("department") or None
    body = svc.summary_csv(svc.summary(year, department))
    name = f"tuition-summary-{year}" + (f"-{department}" if department else "")
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'},
    )


@bp.route("/repayments")
@permission("finance_or_hr")
def repayments():  # type: ignore[no-untyped-def]
    q = request.args.get("q", "").strip()[:100] or None
    show_all = request.args.get("show") == "all"
    sort_key, descending, order = sort_args(svc.REPAYMENT_SORTS, "termination_date")
    page, per_page = page_args(25)
    stmt = svc.repayments_query(q=q, outstanding=not show_all).order_by(order, Repayment.id)
    result = paginate(stmt, page, per_page)
    return render_template(
        "tuition/repayments.html",
        page=result,
        q=q,
        show_all=show_all,
        sort_key=sort_key,
        descending=descending,
        outstanding=svc.outstanding_total(),
        currency=svc.tuition_config().currency,
        settle_form=SettleForm(),
        today=today(),
    )


@bp.route("/repayments/<int:repayment_id>/settle", methods=["POST"])
@permission("finance")
def settle(repayment_id: int):  # type: ignore[no-untyped-def]
    form = SettleForm()
    try:
        rep = svc.settle_repayment(repayment_id, form.settled_on.data or None, _user())
    except svc.NotFound:
        abort(404)
    except svc.NotAllowed as error:
        return _refused(error)
    except svc.TuitionError as error:
        messages = [m for ms in error.errors.values() for m in ms] or [error.message]
        for message in messages:
            flash(message, "error")
        return redirect(url_for("tuition.repayments"))
    flash(
        f"Recorded {rep.request.employee.name}'s repayment as settled on {rep.settled_on}.",
        "success",
    )
    return redirect(url_for("tuition.repayments"))


# --------------------------------------------------------------------------- leavers


@bp.route("/leavers/new", methods=["GET", "POST"])
@permission("hr")
def leaver():  # type: ignore[no-untyped-def]
    """HR records that someone left; a voluntary leaver's repayments are computed now."""
    form = TerminationForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.employee_no.data = request.args.get("employee_no", "")
        form.termination_date.data = today().isoformat()
        return _render_leaver(form)
    number = (form.employee_no.data or "").strip()
    employee = (
        db.session.scalar(select(Employee).where(Employee.employee_no == number))
        if number
        else None
    )
    if employee is None:
        form.employee_no.errors = [
            "Enter the employee number of someone on record, e.g. E0017."
            if number
            else "Enter the employee number."
        ]
        return _render_leaver(form, status=422)
    try:
        owed = svc.record_termination(
            employee, form.termination_date.data or "", form.reason.data or "", _user()
        )
    except svc.ValidationFailed as error:
        for message in apply_errors(form, error.errors):
            form.form_errors.append(message)
        return _render_leaver(form, employee=employee, status=422)
    except svc.NotAllowed as error:
        return _refused(error)
    except svc.Conflict as error:
        form.form_errors.append(error.message)
        return _render_leaver(form, employee=employee, status=409)
    db.session.expire_all()
    return _render_leaver(None, result=owed, employee=db.session.get(Employee, employee.id))


def _render_leaver(  # type: ignore[no-untyped-def]
    form: TerminationForm | None,
    result: list[Repayment] | None = None,
    employee: Employee | None = None,
    status: int = 200,
):
    config = svc.tuition_config()
    return render_template(
        "tuition/leaver.html",
        form=form,
        result=result,
        employee=employee,
        currency=config.currency,
        schedule=config.repayment_schedule,
    ), status


# --------------------------------------------------------------------------- navigation


def _register_navigation() -> None:
    """Tuition's items in the main navigation, with the number waiting in each queue."""
    from app.navigation import NAV_ENTRIES, NavEntry

    if any(entry[1].startswith("tuition.") for entry in NAV_ENTRIES):
        return
    NAV_ENTRIES.extend(
        [
            NavEntry("My tuition requests", "tuition.index", lambda user: True),
            NavEntry(
                "Team approvals",
                "tuition.queue_manager",
                lambda user: policy.is_manager(user),
                lambda user: svc.queue_count_query(user, "manager"),
                count_label="to decide",
            ),
            NavEntry(
                "HR tuition queue",
                "tuition.queue_hr",
                lambda user: user.has_role("hr"),
                lambda user: svc.queue_count_query(user, "hr"),
                count_label="to decide",
            ),
            NavEntry(
                "Finance queue",
                "tuition.queue_finance",
                lambda user: user.has_role("finance"),
                lambda user: svc.queue_count_query(user, "finance"),
                count_label="to approve or pay",
            ),
            NavEntry(
                "Tuition summary",
                "tuition.summary",
                lambda user: user.has_role("finance", "hr"),
            ),
            NavEntry(
                "Repayments",
                "tuition.repayments",
                lambda user: user.has_role("finance", "hr"),
            ),
        ]
    )


_register_navigation()
