"""Job roles: the list, one role, the new and edit forms, and the requirements editor."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import RequirementsForm, RoleForm
from app.blueprints.catalogue.pages import (
    blank_rows,
    form_values,
    list_page,
    refused,
    save_entry,
    show_page,
)
from app.kernel.forms import options
from app.kernel.words import plural
from app.models import JobRole
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.readiness.vocabulary import REQUIREMENT_KINDS
from app.services import catalogue
from app.services.catalogue.errors import CatalogueError

# The target picker's groups, by the catalogue kind a requirement points at.
TARGET_GROUPS = {
    "competency": "Competencies",
    "course": "Courses and certifications",
    "check_type": "Background-check types",
    "instrument": "Instruments",
    "qualification": "Qualifications",
}
ROLE_FIELDS = ("title", "level", "financial_authority_limit")
# A new row starts unticked: a requirement is a gate only when someone says so.
BLANK_REQUIREMENT = {"kind": "", "target": "", "threshold": "", "weight": "", "mandatory": False}
NO_TARGET = "— none (for tenure) —"


@bp.route("/roles")
@permission("authenticated")
def roles() -> ResponseReturnValue:
    level = request.args.get("level", "")
    return list_page(
        "role",
        {"level": int(level) if level.isdigit() and len(level) < 4 else None},
    )


@bp.route("/roles/<code>")
@permission("authenticated", catalogue_policy.entry("role", name="role"))
def role_show(role: JobRole) -> ResponseReturnValue:
    leads_to, reached_from = catalogue.ladder_steps(role)
    return show_page("role", role, leads_to=leads_to, reached_from=reached_from)


@bp.route("/roles/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def role_new() -> ResponseReturnValue:
    form = RoleForm(data={"financial_authority_limit": "0.00"})
    return save_entry(
        form,
        "role",
        lambda: catalogue.create_role(form.code.data, **form_values(form, ROLE_FIELDS)),
        saved=lambda role: f"Role {role.code} created. Now list its requirements.",
        then=lambda role: url_for("catalogue.role_requirements", code=role.code),
    )


@bp.route("/roles/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("role", name="role"))
def role_edit(role: JobRole) -> ResponseReturnValue:
    form = RoleForm(obj=role)
    if not form.is_submitted():
        form.financial_authority_limit.data = f"{role.financial_authority_limit:.2f}"
        form.level.data = str(role.level)
    return save_entry(
        form,
        "role",
        lambda: catalogue.update_role(role.code, **form_values(form, ROLE_FIELDS)),
        entry=role,
        saved=lambda saved: f"Role {saved.code} saved.",
        then=lambda saved: url_for("catalogue.role_show", code=saved.code),
    )


def _target_label(kind: str, entry: Any) -> str:
    label = f"{entry.code} · {getattr(entry, catalogue.KINDS[kind].name_attr)}"
    if kind == "course" and entry.validity_months:
        label += f" (expires after {plural(entry.validity_months, 'month')})"
    return label + (" (retired)" if entry.retired else "")


def _targets_by_kind(role: JobRole) -> dict[str, list[tuple[str, str]]]:
    """Requirement kind -> the (value, label) of each target it may point at: a competency
    requires a competency, a course a course that never expires, a certification one that
    does... A retired target the role already uses stays offered."""
    by_target: dict[str, list[Any]] = {}
    for kind in TARGET_GROUPS:
        current = [
            r.target_code
            for r in role.requirements
            if r.target_code and catalogue.REQUIREMENT_TARGETS.get(r.kind) == kind
        ]
        by_target[kind] = catalogue.choices(kind, current)
    targets: dict[str, list[tuple[str, str]]] = {}
    for kind in REQUIREMENT_KINDS:
        target_kind = catalogue.REQUIREMENT_TARGETS.get(kind)
        entries = by_target.get(target_kind, []) if target_kind else []
        if kind == "course":
            entries = [e for e in entries if not e.validity_months]
        elif kind == "certification":
            entries = [e for e in entries if e.validity_months]
        targets[kind] = [
            (f"{target_kind}:{e.code}", _target_label(target_kind, e)) for e in entries
        ]
    return targets


def _target_choices(kind: str, targets: dict[str, list[tuple[str, str]]]) -> list[Any]:
    """A row's target picker: only the targets of its kind; a row without a kind yet offers
    every target, grouped (the page's script narrows it as soon as a kind is chosen)."""
    if kind in targets:
        blank = NO_TARGET if kind == "tenure" else "— choose —"
        return options([("", blank)] + targets[kind])
    choices = options([("", NO_TARGET)])
    for target_kind, label in TARGET_GROUPS.items():
        kinds = [
            k for k in REQUIREMENT_KINDS if catalogue.REQUIREMENT_TARGETS.get(k) == target_kind
        ]
        seen = dict.fromkeys(pair for k in kinds for pair in targets[k])
        choices += options(seen, optgroup=label)
    return choices


def _requirement_target_value(requirement: Any) -> str:
    kind = catalogue.REQUIREMENT_TARGETS.get(requirement.kind)
    return f"{kind}:{requirement.target_code}" if kind and requirement.target_code else ""


def _fill_requirements(form: RequirementsForm, role: JobRole) -> None:
    """One row per stored requirement, as the editor shows it."""
    for requirement in role.requirements:
        threshold = catalogue.requirement_threshold(requirement)
        form.rows.append_entry(
            {
                "kind": requirement.kind,
                "target": _requirement_target_value(requirement),
                "threshold": "" if threshold is None else str(threshold),
                "mandatory": bool(requirement.mandatory),
                "weight": str(catalogue.plain_number(requirement.weight)),
            }
        )


def _requirements_from(form: RequirementsForm) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows kept (not removed, with a kind) as the service's items, and their row index."""
    items, positions = [], []
    for index, row in enumerate(form.rows.entries):
        data = row.form
        kind = (data.kind.data or "").strip()
        if data.remove.data or not kind:
            continue
        target = (data.target.data or "").split(":", 1)[-1].strip()
        item: dict[str, Any] = {
            "kind": kind,
            "target": target or None,
            "mandatory": bool(data.mandatory.data),
            "weight": data.weight.data,
        }
        threshold_key = catalogue.REQUIREMENT_THRESHOLD.get(kind)
        threshold = (data.threshold.data or "").strip()
        if threshold_key:
            item[threshold_key] = threshold
        elif threshold:
            item["min_level"] = threshold  # refused by the service with a clear message
        items.append(item)
        positions.append(index)
    return items, positions


def _requirements_page(
    form: RequirementsForm, role: JobRole, status: int, impact: catalogue.Impact | None = None
) -> tuple[str, int]:
    blank_rows(form.rows, BLANK_REQUIREMENT)
    targets = _targets_by_kind(role)
    for row in form.rows.entries:
        row.form.target.choices = _target_choices((row.form.kind.data or "").strip(), targets)
    page = render_template(
        "catalogue/requirements_form.html",
        form=form,
        role=role,
        kinds=REQUIREMENT_KINDS,
        targets=targets,
        no_target=NO_TARGET,
        impact=impact,
    )
    return page, status


def _unconfirmed(
    form: RequirementsForm, role: JobRole, items: list[dict[str, Any]]
) -> catalogue.Impact | None:
    """The band changes the list would make, to show before saving; None once they are
    confirmed (the same list as previewed comes back) or when nobody changes band."""
    fingerprint = catalogue.digest(items)
    if form.confirmed.data == fingerprint:
        return None
    impact = catalogue.band_changes(role.code, items)
    if not impact.changes:
        return None
    form.confirmed.data = fingerprint
    return impact


@bp.route("/roles/<code>/requirements", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("role", name="role"))
def role_requirements(role: JobRole) -> ResponseReturnValue:
    """Saving first shows who would change readiness band, by name, and asks again."""
    form = RequirementsForm()
    if not form.is_submitted():
        _fill_requirements(form, role)
    else:
        # Rows left without a kind are dropped, so a page shown again (refused, or to confirm)
        # numbers its rows as its messages do and ends with the usual few empty rows.
        form.rows.entries = [e for e in form.rows.entries if (e.form.kind.data or "").strip()]
    status, impact = 200, None
    if form.validate_on_submit():
        items, positions = _requirements_from(form)
        try:
            impact = _unconfirmed(form, role, items)
            if impact is None:
                catalogue.replace_requirements(role.code, items)
        except CatalogueError as error:
            status = refused(form, error, "requirements", positions)
            role = catalogue.get_role(role.code)
            impact = None
        else:
            if impact is None:
                flash(f"Requirements of {role.code} saved ({len(items)}).", "success")
                return redirect(url_for("catalogue.role_show", code=role.code))
    return _requirements_page(form, role, status, impact)
