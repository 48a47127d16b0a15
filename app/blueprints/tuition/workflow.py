"""One tuition request: its page, its documents, and every action on it.

An action's view parses its form and calls ``svc.transition``; on success or a conflict it
flashes and goes back to the request's page, on bad input it shows the page again with the
messages on the action's form.
"""

from __future__ import annotations

import io
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for

from app.blueprints.tuition import bp
from app.blueprints.tuition.common import currency, refused, user
from app.blueprints.tuition.forms import CompleteForm, OverrideForm, PayForm, ReasonForm
from app.clock import today
from app.kernel.forms import apply_errors, options, refuse
from app.models import TuitionRequest
from app.policy import permission
from app.policy import tuition as may
from app.services import tuition as svc
from app.services import uploads
from app.tuition import rules

REASON_LABELS = {
    "approve": "Comment (optional)",
    "reject": "Reason for the rejection",
    "cancel": "Why are you cancelling? (optional)",
    "flag_documents": "Which documents are missing?",
    "submit": "Note for your manager (optional)",
}
SUCCESS = {
    "approve": "Approved.",
    "reject": "Rejected. The employee has been told why.",
    "cancel": "Cancelled.",
    "complete": "Completed: finance will check the documents and pay.",
    "resubmit_documents": "Documents sent: finance will check them again.",
    "flag_documents": "Flagged: the employee has been asked for the missing documents.",
    "pay": "Marked paid.",
    svc.OVERRIDE_LATE: "Late submission allowed. The employee can submit the request now.",
}


def _back(req_id: int) -> Any:
    return redirect(url_for("tuition.show", request_id=req_id))


# --------------------------------------------------------------------------- the request's page


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
    me = user()
    actions = svc.actions_for(me, req)
    forms = forms if forms is not None else _action_forms(req, actions)
    cap = svc.cap_status(req.employee_id, rules.cap_year(req.starts_on, req.paid_on))
    documents = [
        (label, upload, url_for("tuition.document", request_id=req.id, kind=kind))
        for label, kind, upload in svc.documents(req)
    ]
    return render_template(
        "tuition/show.html",
        req=req,
        actions=actions,
        forms=forms,
        events=svc.history(req),
        documents=documents,
        cap=cap,
        late=svc.is_late(req),
        needs_override=svc.needs_override(req),
        stage=rules.approval_stage(req.state),
        waiting_for=_waiting_for(req),
        currency=currency(),
        is_owner=may.is_owner(me, req),
        target_competency=svc.target_competency(req),
        too_early=svc.completion_refusal(req) if "complete" in actions else None,
        to_pay=svc.payment_preview(req).words(currency()) if "pay" in actions else None,
    ), status


@bp.route("/<int:request_id>")
@permission("authenticated", may.request())
def show(req: TuitionRequest) -> Any:
    return _render_show(req)


@bp.route("/<int:request_id>/documents/<any(receipt, transcript):kind>")
@permission("authenticated", may.request(), open_args=("kind",))
def document(req: TuitionRequest, kind: str) -> Any:
    """A request's receipt or transcript, for whoever may see the request (finance included:
    it checks them before paying), always as an attachment."""
    upload = svc.document(req, kind)
    if upload is None:
        abort(404)
    try:
        data = uploads.stored_path(upload).read_bytes()
    except (OSError, ValueError):
        abort(404)
    g.no_store = True
    return send_file(
        io.BytesIO(data),
        mimetype=upload.content_type,
        as_attachment=True,
        download_name=upload.original_name,
    )


# --------------------------------------------------------------------------- the actions


def _success(action: str, req: TuitionRequest) -> str:
    if action == "submit":
        return svc.submitted_words(req)
    message = SUCCESS.get(action, "Done.")
    if action in ("approve", "pay") and req.state in ("finance_approved", "reimbursed"):
        amount = req.reserved_amount if req.state == "finance_approved" else req.reimbursed_amount
        word = "Reserved" if req.state == "finance_approved" else "Paid"
        message = f"{message} {word} {currency()} {amount:,.2f}."
    return message


def apply_action(request_id: int, action: str, params: dict[str, Any], saved: bool = False) -> Any:
    """Run one transition; flash+redirect on success or conflict, re-render on bad input."""
    me = user()
    try:
        req = svc.transition(request_id, action, me, **params)
    except svc.ValidationFailed as error:
        req = svc.load_request(request_id, me)
        forms = _action_forms(req, svc.actions_for(me, req))
        form = forms.get(action)
        leftover = apply_errors(form, error.errors) if form is not None else [error.message]
        for message in leftover:
            flash(message, "error")
        return _render_show(req, forms, 422)
    except (svc.NotFound, svc.NotAllowed) as error:
        return refused(error)
    except svc.Conflict as error:
        if saved:
            flash("Your draft was saved, but it was not submitted.", "warning")
        flash(error.message, "error")
        return _back(request_id)
    flash(_success(action, req), "success")
    return _back(request_id)


@bp.route(
    "/<int:request_id>/<any(submit, approve, reject, cancel, flag_documents):action>",
    methods=["POST"],
)
@permission("authenticated", may.request(), open_args=("action",))
def act(req: TuitionRequest, action: str) -> Any:
    form = ReasonForm(prefix=action)
    params = {"reason": form.reason.data or None, "expected_state": form.expected_state.data}
    return apply_action(req.id, action, params)


@bp.route("/<int:request_id>/pay", methods=["POST"])
@permission("finance", may.request())
def pay(req: TuitionRequest) -> Any:
    form = PayForm(prefix="pay")
    params = {
        "paid_on": form.paid_on.data or None,
        "reason": form.reason.data or None,
        "expected_state": form.expected_state.data,
    }
    return apply_action(req.id, "pay", params)


@bp.route("/<int:request_id>/override-late", methods=["POST"])
@permission("hr", may.request())
def override_late(req: TuitionRequest) -> Any:
    form = OverrideForm(prefix="override")
    me = user()
    request_id = req.id
    try:
        svc.override_late(request_id, me, form.override_reason.data)
    except svc.ValidationFailed as error:
        req = svc.load_request(request_id, me)
        forms = _action_forms(req, svc.actions_for(me, req))
        apply_errors(
            forms[svc.OVERRIDE_LATE],
            {"override_reason": error.errors.get("override_reason", [error.message])},
        )
        return _render_show(req, forms, 422)
    except (svc.NotFound, svc.NotAllowed) as error:
        return refused(error)
    except svc.Conflict as error:
        flash(error.message, "error")
        return _back(request_id)
    flash(SUCCESS[svc.OVERRIDE_LATE], "success")
    return _back(request_id)


def _complete_form(req: TuitionRequest, action: str) -> CompleteForm:
    form = CompleteForm(prefix="done")
    first = "Choose…"
    if action == "resubmit_documents" and req.grade:
        first = f"Keep {req.grade}"
    form.grade.choices = options([("", first)] + [(g, g) for g in svc.grades_for(req)])
    return form


@bp.route("/<int:request_id>/complete", methods=["GET", "POST"])
@permission("authenticated", may.request())
def complete(req: TuitionRequest) -> Any:
    """After the course: grade and documents (complete), or the missing documents (resubmit)."""
    me = user()
    action = "resubmit_documents" if req.state == rules.DOCUMENTS_MISSING else "complete"
    form = _complete_form(req, action)
    if request.method == "GET":
        if action not in svc.actions_for(me, req):
            flash(
                f"This request cannot be completed now: it is {svc.state_words(req.state)}.",
                "error",
            )
            return _back(req.id)
        too_early = svc.completion_refusal(req) if action == "complete" else None
        if too_early is not None:
            flash(too_early, "error")
            return _back(req.id)
        form.expected_state.data = req.state
        return _render_complete(req, form, action)
    try:
        svc.transition(
            req.id,
            action,
            me,
            grade=form.grade.data or None,
            receipt=request.files.get("done-receipt"),
            transcript=request.files.get("done-transcript"),
            reason=form.reason.data or None,
            expected_state=form.expected_state.data or None,
        )
    except svc.ValidationFailed as error:
        return _render_complete(req, form, action, refuse(form, error))
    except (svc.NotFound, svc.NotAllowed) as error:
        return refused(error)
    except svc.Conflict as error:
        flash(error.message, "error")
        return _back(req.id)
    flash(SUCCESS[action], "success")
    return _back(req.id)


def _render_complete(
    req: TuitionRequest, form: CompleteForm, action: str, status: int = 200
) -> Any:
    flagged = None
    if action == "resubmit_documents":
        flagged = next(
            (e for e in reversed(svc.history(req)) if e.action == rules.FLAG_DOCUMENTS), None
        )
    return render_template(
        "tuition/complete.html", req=req, form=form, action=action, flagged=flagged
    ), status
