"""Required training pages (docs/RULES.md "Assignments"): thin views over
``app.services.assignments``.

- HR: the rules (list, new, edit, delete after a confirmation page). A rule's form shows, on
  "Preview", how many people it covers and how many would be overdue at once, by department;
  only then does it offer "Save". Every assignment with filters, and counts by department.
- Managers (and hr): the team page, who owes what, overdue first, with a booking form per
  course that books several people at once on a session.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import policy
from app.blueprints.assignments import bp
from app.clock import today
from app.kernel.errors import DomainError
from app.kernel.fields import CODE_MAX, clean_search
from app.kernel.words import plural
from app.models import AssignmentRule
from app.pagination import Page, page_args
from app.policy import assignments as may
from app.policy import permission
from app.services import assignments as svc
from app.services import catalogue
from app.services.records.queries import departments

__all__ = ["bp"]

PEOPLE_TO_BOOK = 50


def _code_arg(name: str) -> str | None:
    return (clean_search(request.args.get(name), CODE_MAX) or "").upper() or None


def _filters() -> svc.Filters:
    status = request.args.get("status")
    return svc.Filters(
        department=_code_arg("department"),
        course=_code_arg("course"),
        role=_code_arg("role"),
        status=status if status in svc.STATUS_LABELS else None,
        search=clean_search(request.args.get("q"), 100) or None,
    )


def _choices(rule_values: dict[str, Any] | None = None) -> dict[str, Any]:
    values = rule_values or {}
    return {
        "courses": catalogue.choices("course", include=[values.get("course") or ""]),
        "roles": catalogue.choices("role", include=[values.get("role") or ""]),
        "departments": departments(),
        "labels": svc.STATUS_LABELS,
    }


# ----------------------------------------------------------------------------- assignments


@bp.route("")
@permission("hr")
def index() -> ResponseReturnValue:
    """Every open assignment with its status today, filtered; the counts by department above
    come from the same rows."""
    filters = _filters()
    rows = svc.assignment_rows(today(), filters)
    page, per_page = page_args(50)
    shown = Page(rows[(page - 1) * per_page : page * per_page], len(rows), page, per_page)
    return render_template(
        "assignments/index.html",
        page=shown,
        counts=svc.by_department(rows),
        filters=filters,
        as_of=today(),
        **_choices({"course": filters.course, "role": filters.role}),
    )


@bp.route("/team")
@permission("manager_or_hr")
def team() -> ResponseReturnValue:
    """Who in my team owes required training, overdue first, and booking them at once."""
    user = policy.acting_user()
    assert user is not None
    view = svc.team_assignments(user, today(), _filters())
    return render_template(
        "assignments/team.html",
        view=view,
        sees_everyone=may.sees_everyone(user),
        people_to_book=PEOPLE_TO_BOOK,
        labels=svc.STATUS_LABELS,
    )


# ----------------------------------------------------------------------------- rules


@bp.route("/rules")
@permission("hr")
def rules() -> ResponseReturnValue:
    return render_template(
        "assignments/rules.html", rules=svc.list_rules(), due_words=svc.due_words
    )


def _form_values() -> dict[str, Any]:
    form = request.form
    due_kind = form.get("due_kind", "days")
    return {
        "role": form.get("role", ""),
        "course": form.get("course", ""),
        "departments": form.getlist("departments"),
        "due_days": form.get("due_days", "") if due_kind == "days" else "",
        "due_on": form.get("due_on", "") if due_kind == "date" else "",
        "recertify_days": form.get("recertify_days", ""),
    }


def _rule_form(rule: AssignmentRule | None) -> ResponseReturnValue:
    """The rule form: GET shows it; "Preview" validates and shows the coverage; "Save"
    validates again and saves. A refusal shows every field's message and changes nothing."""
    values = svc.rule_values(rule) if rule is not None else {"due_days": 30, "recertify_days": 90}
    errors: dict[str, list[str]] = {}
    preview = None
    status = 200
    if request.method == "POST":
        values = _form_values()
        user = policy.acting_user()
        try:
            if request.form.get("step") == "save":
                saved = (
                    svc.update_rule(rule, values, actor=user)
                    if rule is not None
                    else svc.create_rule(values, actor=user)
                )
                flash(_saved_words(saved), "success")
                return redirect(url_for("assignments.rules"))
            preview = svc.preview(svc.parse_rule(values, rule))
        except DomainError as refused:
            flash(refused.message, "error")
            errors, status = refused.errors, refused.status
    return (
        render_template(
            "assignments/rule_form.html",
            rule=rule,
            values=values,
            errors=errors,
            preview=preview,
            **_choices(values),
        ),
        status,
    )


def _saved_words(rule: AssignmentRule) -> str:
    people = svc.assignment_rows(today(), svc.Filters(rule_id=rule.id))
    return (
        f"The rule is saved: {rule.course.code} for {rule.job_role.title}, "
        f"{svc.due_words(rule)}; {plural(len(people), 'person')} covered."
    )


@bp.route("/rules/new", methods=["GET", "POST"])
@permission("hr")
def new_rule() -> ResponseReturnValue:
    return _rule_form(None)


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@permission("hr", may.rule())
def edit_rule(rule: AssignmentRule) -> ResponseReturnValue:
    return _rule_form(rule)


@bp.route("/rules/<int:rule_id>/delete", methods=["GET", "POST"])
@permission("hr", may.rule())
def delete_rule(rule: AssignmentRule) -> ResponseReturnValue:
    """GET asks for confirmation (naming how many open assignments close); POST deletes."""
    if request.method == "POST":
        words = f"{rule.course.code} for {rule.job_role.title}"
        try:
            closed = svc.delete_rule(rule, actor=policy.acting_user())
        except DomainError as refused:
            flash(refused.message, "error")
        else:
            flash(
                f"The rule {words} is deleted; {plural(closed, 'open assignment')} closed as "
                "not required (kept in the history).",
                "success",
            )
        return redirect(url_for("assignments.rules"))
    open_rows = svc.assignment_rows(today(), svc.Filters(rule_id=rule.id))
    return render_template(
        "assignments/rule_delete.html",
        rule=rule,
        open_count=len(open_rows),
        due_words=svc.due_words,
    )


def template_helpers() -> dict[str, Any]:
    """``required_training_of(employee_id)`` for the "Required of you" include of the home and
    plan pages (app/templates/assignments/_required_of_you.html): a fixed number of queries."""

    def required_training_of(employee_id: int) -> svc.RequiredOfYou:
        return svc.required_of(employee_id, today())

    return {"required_training_of": required_training_of}
