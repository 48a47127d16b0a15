"""The tuition state machine at work: one small step per action (docs/RULES.md "States").

``transition`` checks what needs no lock (the action, the state the user saw, who may act) and
hands over to the action's step. Each step has three parts:

1. validate: the action's input (a reason, the grade and documents, the payment date), before
   anything is written;
2. the locked conditional update: the employee's row lock first, always (finance steps
   serialize the cap arithmetic on it, and every step raises the employee's facts_version as
   it commits, so locking it last would let two steps deadlock), then
   ``UPDATE tuition_requests ... WHERE id = ? AND state = ?``; the loser of a race gets a
   ``StaleTransition`` that says what happened. Checks that read other rows (the cap) run
   after it, under the write lock;
3. effects: the audit row, the history event and the notifications.

A step runs in one unit of work: a refusal at any point rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select

from app.audit import record_change
from app.clock import today
from app.extensions import db
from app.kernel.fields import FieldErrors
from app.models import Employee, TuitionEvent, TuitionRequest, Upload, User
from app.services.tuition import errors as refusals
from app.services.tuition.approvers import (
    authorize,
    completion_refusal,
    is_late,
    unknown_action,
)
from app.services.tuition.caps import cap_entries, payment_preview
from app.services.tuition.config import (
    ACTION_WORDS,
    OVERRIDE_LATE,
    grades_for,
    state_words,
    tuition_config,
)
from app.services.tuition.notifications import notify_transition
from app.services.tuition.parsing import clean_reason, parse_date, refuse_if_any
from app.services.tuition.queries import load_request
from app.services.tuition.store import (
    TR,
    actor_context,
    add_event,
    conditional_update,
    lock_employee,
    set_columns,
    tuition_work,
)
from app.tuition import rules


@dataclass(frozen=True)
class Given:
    """What the caller sent with an action (each action reads the parts it needs)."""

    reason: str | None = None
    grade: str | None = None
    paid_on: date | str | None = None
    receipt: Any = None
    transcript: Any = None


@dataclass
class Step:
    """One action on one request: what it writes (``values``), notes and records."""

    req: TuitionRequest
    action: str
    actor: User
    seen: str
    target: str
    config: rules.TuitionConfig
    values: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    amount: Decimal | None = None
    before: dict[str, Any] | None = None
    only_if: Any = None
    version: int | None = None  # the version every check of the step was made against

    @property
    def stage(self) -> str | None:
        """The approval stage the request was in when the caller acted."""
        return rules.approval_stage(self.seen)


Hook = Callable[[Step], None]


def stale(req_id: int, action: str, seen_state: str) -> refusals.StaleTransition:
    """The message for the loser of a race: what the request is now, and who moved it."""
    db.session.rollback()
    state = db.session.scalar(select(TR.c.state).where(TR.c.id == req_id)) or seen_state
    last = db.session.execute(
        select(TuitionEvent.action, User.email, Employee.name)
        .outerjoin(User, User.id == TuitionEvent.actor_user_id)
        .outerjoin(Employee, Employee.id == User.employee_id)
        .where(TuitionEvent.request_id == req_id)
        .order_by(TuitionEvent.id.desc())
        .limit(1)
    ).first()
    who = ""
    if last is not None and last[2]:
        who = f" {last[2]} {ACTION_WORDS.get(last[0], last[0])} it a moment ago."
    db.session.rollback()
    return refusals.StaleTransition(
        f"This request was already handled by someone else:{who or ' it changed a moment ago.'}"
        f" It is now {state_words(state)}, so your "
        f"{action.replace('_', ' ')} was not applied. Nothing else changed.",
    )


# --------------------------------------------------------------------------- the dispatcher


def transition(
    request_id: int,
    action: str,
    actor: User,
    reason: str | None = None,
    grade: str | None = None,
    paid_on: date | str | None = None,
    override_reason: str | None = None,
    receipt: Any = None,
    transcript: Any = None,
    expected_state: str | None = None,
) -> TuitionRequest:
    """Apply ``action`` to a request for ``actor``; answer the request in its new state.

    ``action`` is one of rules.ACTIONS (submit, approve, reject, cancel, complete,
    flag_documents, resubmit_documents, pay) or ``override_late``. An approve or reject applies
    to whichever stage the request is in now. ``expected_state`` (the state the user saw, sent
    by the web forms) turns a change in between into a clear StaleTransition.
    """
    action = str(action or "").strip().lower()
    req = load_request(request_id, actor)
    if action == OVERRIDE_LATE:
        return override_late(request_id, actor, override_reason or reason)
    if action not in STEPS:
        raise unknown_action(action)
    if override_reason not in (None, ""):
        raise refusals.ValidationFailed(
            "An override reason goes with HR's override_late action only.",
            {"override_reason": ["Only HR gives an override reason, with override_late."]},
        )
    seen = req.state
    if expected_state and expected_state != seen:
        raise stale(req.id, action, expected_state)
    try:
        target = rules.next_state(action, seen)
    except rules.IllegalTransition as error:
        raise refusals.IllegalTransition(str(error)) from None
    authorize(action, req, actor)
    step = Step(req, action, actor, seen, target, tuition_config(), values={"state": target})
    step.version = req.version  # the UPDATE applies only to the request the checks saw
    given = Given(reason, grade, paid_on, receipt, transcript)
    return STEPS[action](step, given)


def _run(step: Step, before: Hook | None = None, after: Hook | None = None) -> TuitionRequest:
    """The locked conditional update and the effects, in one unit of work."""
    with actor_context(step.actor):  # around the commit: the audit rows name the actor
        _locked_update(step, before, after)
    db.session.expire(step.req)
    return step.req


@tuition_work
def _locked_update(step: Step, before: Hook | None, after: Hook | None) -> None:
    lock_employee(step.req.employee_id)  # first, always (see the module's docstring)
    if before is not None:
        before(step)
    only_if = step.only_if
    if step.version is not None:  # an edit since the checks (a new start date): not applied
        seen = TR.c.version == step.version
        only_if = seen if only_if is None else and_(only_if, seen)
    if not conditional_update(step.req.id, step.seen, step.values, only_if):
        raise stale(step.req.id, step.action, step.seen)
    if after is not None:  # the request is ours now: checks of other rows run under the lock
        after(step)
    _effects(step)


def _effects(step: Step) -> None:
    """The audit row, the history event and the notifications of an applied step."""
    req = step.req
    before = step.before if step.before is not None else {"state": step.seen}
    record_change(db.session(), TR.name, req.id, "update", before, step.values)
    add_event(req, step.action, step.seen, step.target, step.actor, step.note, step.amount)
    notify_transition(req, step.action, step.seen, step.target, step.actor, step.note, step.amount)


# --------------------------------------------------------------------------- the steps


def submit(step: Step, given: Given) -> TuitionRequest:
    """docs/RULES.md Timing: pre-approval is requested before the course starts."""
    req = step.req
    if is_late(req, today()) and not req.late_override_reason:
        raise refusals.LateSubmission(
            f"The course starts on {req.starts_on.isoformat()}: pre-approval must be "
            "requested before the course starts, so this late request is refused. HR can "
            "allow a late submission with a reason; then submit it again.",
            {"starts_on": ["Pre-approval must be requested before the course starts."]},
        )
    step.values["submitted_on"] = today()
    step.amount = req.eligible_cost
    step.note = clean_reason(given.reason, "reason", "note", False) if given.reason else None
    return _run(step)


def approve(step: Step, given: Given) -> TuitionRequest:
    """Approve the stage the request is in; finance's approval reserves the amount."""
    step.note = clean_reason(given.reason, "reason", "comment", False)
    if step.stage == "finance":
        return _run(step, before=_reserve, after=_check_cap)
    step.amount = step.req.eligible_cost
    return _run(step)


def _reserve(step: Step) -> None:
    step.values["reserved_amount"] = rules.to_cents(step.req.eligible_cost)
    step.values["cap_year"] = rules.cap_year(step.req.starts_on)


def _check_cap(step: Step) -> None:
    """docs/RULES.md Annual cap: the reservation fits in what the employee has left."""
    req = step.req
    step.amount = step.values["reserved_amount"]
    year = step.values["cap_year"]
    used = rules.cap_used(year, cap_entries(req.employee_id, req.id))
    try:
        rules.check_reservation(step.amount, used, step.config)
    except rules.CapExceeded as error:
        raise refusals.CapExceeded(
            f"{req.employee.name}, {year}: {error}", {"amount": [str(error)]}
        ) from None


def reject(step: Step, given: Given) -> TuitionRequest:
    """Reject at the current stage, with the reason the employee is told."""
    step.note = clean_reason(given.reason, "reason", "reason for the rejection", True)
    step.values["rejection_reason"] = step.note
    return _run(step)


def cancel(step: Step, given: Given) -> TuitionRequest:
    """The employee withdraws the request, with an optional comment."""
    step.note = clean_reason(given.reason, "reason", "comment", False)
    return _run(step)


def flag_documents(step: Step, given: Given) -> TuitionRequest:
    """Finance asks for the missing documents (which ones: required)."""
    step.note = clean_reason(given.reason, "reason", "list of missing documents", True)
    return _run(step)


def complete(step: Step, given: Given) -> TuitionRequest:
    """After the course (docs/RULES.md Timing): the grade and a receipt or transcript."""
    refusal = completion_refusal(step.req)
    if refusal is not None:
        raise refusals.TooEarly(refusal, {"grade": [refusal]})
    _check_completion(step, given)
    return _run(step, after=_documents(given))


def resubmit_documents(step: Step, given: Given) -> TuitionRequest:
    """The missing documents (and optionally a corrected grade) for finance to check again."""
    _check_completion(step, given)
    return _run(step, after=_documents(given))


def _grade_message(step: Step, grade: str | None) -> str | None:
    """Why ``grade`` is not a grade of this course, or None (and the grade in ``values``)."""
    valid = grades_for(step.req, step.config)
    try:
        normal = rules.normalize_grade(str(grade or ""), step.config)
    except ValueError:
        normal = None
    if normal is not None and normal in valid:
        step.values["grade"] = normal
        return None
    choices = ", ".join(valid)
    message = (
        f"Enter the grade: one of {choices}"
        if not grade
        else f"{grade!r} is not a grade for this course: use one of {choices}"
    )
    return message + ("." if step.req.pass_fail else " (a letter may carry + or -).")


def _is_document(doc: Any) -> bool:
    if doc in (None, ""):
        return False
    return isinstance(doc, int | Upload) or bool(getattr(doc, "filename", None))


def _check_completion(step: Step, given: Given) -> None:
    step.note = clean_reason(given.reason, "reason", "comment", False)
    errors = FieldErrors()
    if given.grade not in (None, "") or step.action == rules.COMPLETE:
        message = _grade_message(step, given.grade)
        if message is not None:
            errors.add("grade", message)
    if not any(_is_document(d) for d in (given.receipt, given.transcript)):
        errors.add(
            "receipt",
            "Upload the receipt or the transcript (PDF, PNG or JPEG)."
            if step.action == rules.COMPLETE
            else "Upload the missing document: the receipt or the transcript.",
        )
    refuse_if_any(errors)


def _document_id(doc: Any, req: TuitionRequest, kind: str, actor: User) -> int | None:
    """Store or check one document: a file upload, an Upload row or an upload id."""
    if doc is None or doc == "":
        return None
    if isinstance(doc, Upload | int):
        upload = doc if isinstance(doc, Upload) else db.session.get(Upload, doc)
        if upload is None or upload.employee_id != req.employee_id:
            raise refusals.ValidationFailed(
                "Unknown document.", {kind: ["That document does not exist for this person."]}
            )
        if upload.purpose != kind or _attached_elsewhere(upload.id, req.id):
            # not any of the person's files: finance would see it (issue 20, finding 12)
            raise refusals.ValidationFailed(
                f"That file was not uploaded as a {kind} for this request.",
                {kind: [f"Upload the {kind} with this request, or pick one uploaded for it."]},
            )
        return upload.id
    if not getattr(doc, "filename", None):
        return None
    from app.services.uploads import save_upload

    try:
        upload = save_upload(doc, req.employee, kind, actor)
    except ValueError as error:
        raise refusals.ValidationFailed(str(error), {kind: [str(error)]}) from None
    db.session.flush()
    return upload.id


def _attached_elsewhere(upload_id: int, request_id: int) -> bool:
    """Is the file a document of another tuition request?"""
    return bool(
        db.session.scalar(
            select(TR.c.id).where(
                TR.c.id != request_id,
                (TR.c.receipt_upload_id == upload_id) | (TR.c.transcript_upload_id == upload_id),
            )
        )
    )


def _documents(given: Given) -> Hook:
    """Store the documents once the request is ours; the amount is the reservation."""

    def store(step: Step) -> None:
        req = step.req
        more: dict[str, Any] = {}
        receipt_id = _document_id(given.receipt, req, "receipt", step.actor)
        transcript_id = _document_id(given.transcript, req, "transcript", step.actor)
        if receipt_id:
            more["receipt_upload_id"] = receipt_id
        if transcript_id:
            more["transcript_upload_id"] = transcript_id
        if more:
            set_columns(req.id, **more)
        step.values.update(more)
        step.amount = req.reserved_amount

    return store


def pay(step: Step, given: Given) -> TuitionRequest:
    """Finance records the payment: the amount follows the grade and the cap left that year."""
    req = step.req
    errors = FieldErrors()
    paid = (
        parse_date(errors, "paid_on", given.paid_on, "payment date")
        if given.paid_on not in (None, "")
        else today()
    )
    if paid is not None and paid > today():
        errors.add(
            "paid_on",
            f"The payment date {paid.isoformat()} is in the future: record a payment once "
            "it is made.",
        )
    if paid is not None and paid < req.starts_on:
        errors.add(
            "paid_on", f"The payment date cannot be before the course started ({req.starts_on})."
        )
    refuse_if_any(errors)
    assert paid is not None
    step.values["paid_on"] = paid
    step.values["cap_year"] = paid.year
    step.note = clean_reason(given.reason, "reason", "comment", False)
    return _run(step, after=_reimburse)


def _reimburse(step: Step) -> None:
    """docs/RULES.md Amount: the grade's share of the cost, within the cap left."""
    req = step.req
    amount = payment_preview(req, step.values["paid_on"]).amount
    set_columns(req.id, reimbursed_amount=amount)
    step.values["reimbursed_amount"] = amount
    step.amount = amount


STEPS: dict[str, Callable[[Step, Given], TuitionRequest]] = {
    rules.SUBMIT: submit,
    rules.APPROVE: approve,
    rules.REJECT: reject,
    rules.CANCEL: cancel,
    rules.COMPLETE: complete,
    rules.FLAG_DOCUMENTS: flag_documents,
    rules.RESUBMIT_DOCUMENTS: resubmit_documents,
    rules.PAY: pay,
}
"""One step per action of rules.ACTIONS."""


# --------------------------------------------------------------------------- late submissions


def override_late(request_id: int, actor: User, reason: str | None) -> TuitionRequest:
    """HR allows a late draft to be submitted (docs/RULES.md Timing), with a reason that is kept
    on the request (late_override_reason) and in its history."""
    req = load_request(request_id, actor)
    authorize(OVERRIDE_LATE, req, actor)
    if req.state != rules.DRAFT:
        raise refusals.IllegalTransition(
            f"A request that is {req.state} needs no late-submission override: only a draft "
            "that is late can get one."
        )
    if req.late_override_reason:
        raise refusals.Conflict("HR already allowed this late submission.")
    if not is_late(req, today()):
        raise refusals.Conflict(
            f"The course starts on {req.starts_on.isoformat()}, after today: the request is "
            "not late, so it needs no override."
        )
    note = clean_reason(reason, "override_reason", "reason for the override", True)
    step = Step(
        req,
        OVERRIDE_LATE,
        actor,
        rules.DRAFT,
        rules.DRAFT,
        tuition_config(),
        values={"late_override_reason": note},
        note=note,
        before={"late_override_reason": None},
        only_if=TR.c.late_override_reason.is_(None),
    )
    return _run(step)
