"""360 rounds (docs/RULES.md "Collecting 360 feedback"): HR or the manager opens a round, each
rater answers through their emailed link without signing in, the round's page shows counts per
group (never who), HR closes it early."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import policy
from app.blueprints.talent import bp
from app.clock import today
from app.models import Employee, FeedbackRound
from app.models.talent import RATER_GROUP_LABELS
from app.policy import permission
from app.policy import talent as may
from app.services import talent as svc

COUNTED_GROUPS = ("manager", "peer", "direct_report", "other")


def _typed_emails(raw: str | None) -> list[str]:
    return [part for part in (raw or "").replace(",", "\n").splitlines() if part.strip()]


def _raters_from_form(employee: Employee) -> list[dict[str, Any]]:
    """The form's raters: self when ticked, then per group the people picked and the typed
    addresses, in the service's shape."""
    form = request.form
    raters: list[dict[str, Any]] = []
    if form.get("self") == "1":
        raters.append({"group": "self", "email": employee.email})
    for group in COUNTED_GROUPS:
        for picked in form.getlist(f"{group}_people"):
            raters.append({"group": group, "employee_id": picked})
        for email in _typed_emails(form.get(f"{group}_emails")):
            raters.append({"group": group, "email": email.strip()})
    return raters


def _new_round_page(employee: Employee, errors: dict[str, list[str]], status: int = 200) -> Any:
    user = policy.acting_user()
    return (
        render_template(
            "talent/round_new.html",
            employee=employee,
            instruments=svc.instruments_360(),
            directory=svc.directory(user, exclude=employee.id),
            groups=COUNTED_GROUPS,
            labels=RATER_GROUP_LABELS,
            errors=errors,
            form=request.form,
            earliest=today().isoformat(),
        ),
        status,
    )


@bp.route("/talent/people/<int:employee_id>/360/new", methods=["GET", "POST"])
@permission("authenticated", policy.employee("assessments"))
def new_round(employee: Employee) -> ResponseReturnValue:
    user = policy.acting_user()
    if not may.can_open_round(user, employee):
        return render_template("errors/error.html", code=403, message=svc.OPEN_REFUSAL), 403
    if request.method == "GET":
        return _new_round_page(employee, {})
    try:
        opened = svc.open_round(
            employee,
            request.form.get("instrument"),
            request.form.get("closes_on"),
            _raters_from_form(employee),
            actor=user,
        )
    except svc.TalentError as refused:
        flash(refused.message, "error")
        return _new_round_page(employee, dict(refused.errors), refused.status)
    run = svc.send_invitations(opened)
    flash(svc.invitation_summary(run), "error" if run.failed else "success")
    return redirect(url_for("talent.show_round", round_id=opened.round.id))


@bp.route("/talent/360/<int:round_id>")
@permission("authenticated", may.feedback_round())
def show_round(feedback_round: FeedbackRound) -> ResponseReturnValue:
    user = policy.acting_user()
    view = svc.round_view(feedback_round, user)
    return render_template(
        "talent/round.html",
        view=view,
        labels=RATER_GROUP_LABELS,
        may_close=feedback_round.state == "open"
        and may.can_close_round(user, feedback_round.employee_id),
    )


@bp.route("/talent/360/<int:round_id>/close", methods=["POST"])
@permission("hr", may.feedback_round())
def close_round(feedback_round: FeedbackRound) -> ResponseReturnValue:
    svc.close_early(feedback_round, actor=policy.acting_user())
    flash("The round is closed: its answers are now an assessment.", "success")
    return redirect(url_for("talent.show_round", round_id=feedback_round.id))


def _form_values() -> tuple[dict[str, str], dict[str, str]]:
    scores = {k[6:]: v for k, v in request.form.items() if k.startswith("score:")}
    comments = {k[8:]: v for k, v in request.form.items() if k.startswith("comment:")}
    return scores, comments


@bp.route("/feedback/<feedback_token>", methods=["GET", "POST"])
@permission("public", open_args=("feedback_token",))
def feedback_form(feedback_token: str) -> ResponseReturnValue:
    """The rater's form: no sign-in, the link's secret is the credential; used once."""
    try:
        invitation = svc.invitation_for(feedback_token)
    except svc.TalentError as refused:
        return render_template("talent/feedback_done.html", message=refused.message), (
            refused.status
        )
    feedback_round = invitation.round
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        scores, comments = _form_values()
        try:
            svc.answer(feedback_token, scores, comments)
        except svc.TalentError as refused:
            if not refused.errors:
                return render_template("talent/feedback_done.html", message=refused.message), (
                    refused.status
                )
            errors = dict(refused.errors)
            flash(refused.message, "error")
        else:
            return render_template(
                "talent/feedback_done.html",
                message="Thank you: your answers are saved. Only your rater group is kept "
                "with them, never your name. This link now stops working.",
                thanked=True,
            )
    return render_template(
        "talent/feedback_form.html",
        feedback_round=feedback_round,
        group_label=RATER_GROUP_LABELS[invitation.group],
        group=invitation.group,
        instrument=feedback_round.instrument,
        errors=errors,
        form=request.form,
    ), (422 if errors else 200)
