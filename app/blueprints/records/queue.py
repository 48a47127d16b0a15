"""The completions hr verifies: the pending queue, the list of every completion, and the
verify and refuse decisions on a reported one."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from app.blueprints.records import forms
from app.blueprints.records.common import act, bp, form_page, sorting, user
from app.blueprints.records.loads import COMPLETION
from app.models import Completion
from app.models.records import VERIFICATIONS
from app.pagination import choice_arg, list_page, search_term
from app.policy import permission
from app.services import records
from app.services.records import queries


def _completion_page(
    template: str, verification: str | None, default_sort: str, **context: Any
) -> str:
    """A list of completions (all, or those of one ``verification``) with its filters."""
    filters = {
        "q": search_term(),
        "course": request.args.get("course") or None,
        "status": choice_arg("status", records.COMPLETION_STATUSES),
    }
    verification_filter = verification
    if verification is None:
        verification_filter = choice_arg("verification", VERIFICATIONS)
        filters["verification"] = verification_filter
    return list_page(
        template,
        sorting(records.COMPLETION_SORTS, default_sort),
        lambda order: records.completion_list_query(
            q=filters["q"],
            course=filters["course"],
            verification=verification_filter,
            status=filters["status"],
        ).order_by(order, Completion.id),
        filters=filters,
        courses=queries.course_codes(),
        **context,
    )


@bp.route("/completions/pending")
@permission("hr")
def pending_completions() -> Any:
    return _completion_page("records/pending.html", "pending", "reported")


@bp.route("/completions")
@permission("hr")
def completions() -> Any:
    return _completion_page(
        "records/completions.html",
        None,
        "completed_on",
        statuses=records.COMPLETION_STATUSES,
        pending=records.pending_completion_count(),
    )


def _after_decision(completion: Completion) -> str:
    target = request.form.get("next") or ""
    if target == "employee":
        return url_for("employees.show", employee_id=completion.employee_id) + "#training-h"
    return url_for("records.pending_completions")


@bp.route("/completions/<int:completion_id>/verify", methods=["POST"])
@permission("hr", COMPLETION)
def verify_completion(completion: Completion) -> Any:
    return act(
        lambda: records.verify_completion(completion, actor=user()),
        lambda: f"Verified {completion.course.code} for {completion.employee.name}.",
        _after_decision(completion),
    )


@bp.route("/completions/<int:completion_id>/reject", methods=["GET", "POST"])
@permission("hr", COMPLETION)
def reject_completion(completion: Completion) -> Any:
    employee = queries.employee_of(completion)
    form = forms.RejectForm()

    def save() -> tuple[str, str]:
        records.reject_completion(completion, form.reason.data, actor=user())
        return (
            f"The {completion.course.code} completion was refused.",
            url_for("records.pending_completions"),
        )

    return form_page(
        form,
        save=save,
        title=f"Refuse {completion.course.code} reported by {employee.name}",
        employee=employee,
        fields=["reason"],
        intro="The employee is told the reason. The completion will not count.",
        back_url=url_for("records.pending_completions"),
    )
