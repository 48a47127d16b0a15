"""Readiness screens: the development plan, bench strength, organisation, lapses, training needs.

Views are thin: read the query string, call ``app.services.readiness.plan`` or the stored
readiness of ``app.services.readiness.stored``, render. Every screen is read-only (GET);
readiness is advisory, and the pages say so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, render_template, request

from app import policy
from app.blueprints import to_own_page
from app.blueprints.readiness.forms import BenchFilters, read_bench_filters
from app.clock import today
from app.models import Employee
from app.pagination import Page, page_args, page_of_rows
from app.policy import permission
from app.policy.enrolment import can_book
from app.policy.readiness import sees_organisation
from app.readiness.vocabulary import ACTION_LABELS, BAND_LABELS, BANDS, KIND_LABELS
from app.services import enrolment
from app.services.jobs import periodic
from app.services.readiness import bench, load_catalogue, reasons, stored
from app.services.readiness import capacity as capacities
from app.services.readiness import plan as plans

bp = Blueprint("readiness", __name__)

LAPSES_ON_BENCH = 10
PEOPLE_TO_BOOK = 100  # a course of the training needs offers at most this many people to book
RELOAD_SECONDS = 5  # the "being recomputed" page reloads itself this often


def template_helpers() -> dict[str, Any]:
    return {
        "band_words": BAND_LABELS,
        "bands": BANDS,
        "action_labels": ACTION_LABELS,
        "kind_labels": KIND_LABELS,
        "people_to_book": PEOPLE_TO_BOOK,
    }


@bp.app_errorhandler(stored.Recomputing)
def recomputing(waiting: stored.Recomputing) -> Any:
    """Too many people are stale to compute in this request: no stale row is shown; the page
    says how far the warm-up got (from stored readiness) and reloads itself. Any page that
    reads stored readiness (the readiness pages, the team report) answers it; the API answers
    its own 503."""
    periodic.ensure_warmup()
    return render_template(
        "readiness/recomputing.html",
        done=waiting.done,
        total=waiting.total,
        reload_seconds=RELOAD_SECONDS,
    )


# --------------------------------------------------------------------------- development plan


@bp.route("/readiness/plan")
@permission("authenticated")
def my_plan() -> Any:
    return to_own_page("readiness.plan")


def _development_plan(
    employee: Employee, wanted: plans.PlanRequest, errors: dict[str, list[str]]
) -> tuple[plans.DevelopmentPlan, plans.PlanRequest]:
    """The plan asked for; a refused field is reported and falls back to its default."""
    try:
        return plans.development_plan(employee.id, wanted), wanted
    except plans.PlanInputError as refused:
        errors.update(refused.errors)
        wanted = replace(
            wanted,
            role=None if "role" in refused.errors else wanted.role,
            whatif_on=None if "whatif_on" in refused.errors else wanted.whatif_on,
            path_to=None if "path_to" in refused.errors else wanted.path_to,
        )
        return plans.development_plan(employee.id, wanted), wanted


@bp.route("/employees/<int:employee_id>/plan")
@permission("authenticated", policy.employee("readiness"))
def plan(employee: Employee) -> Any:
    user = policy.acting_user()
    wanted, errors = plans.parse_request(request.args.to_dict(flat=False))
    try:
        result, wanted = _development_plan(employee, wanted, errors)
    except plans.NoRoles as missing:
        return render_template("errors/error.html", code=404, message=str(missing)), 404
    return render_template(
        "readiness/plan.html",
        employee=employee,
        plan=result,
        wanted=wanted,
        errors=errors,
        is_self=policy.is_self(user, employee),
        held=enrolment.held_by_course(employee.id),
        books=can_book(user, employee),
        no_path=reasons.no_path_note(result.current_role, result.role),
    )


# --------------------------------------------------------------------------- bench and organisation


def _filters(
    roles: list[str], departments: list[tuple[str, str]] | None
) -> tuple[BenchFilters, dict[str, list[str]]]:
    codes = [code for code, _ in departments] if departments else None
    return read_bench_filters(request.args, today(), roles, codes)


def _bench_page(organisation: bool) -> Any:
    """Bench strength and the organisation view read stored readiness: counts, the department
    table and one page of candidates come from SQL, never 10,000 rows."""
    user = policy.acting_user()
    roles = bench.candidate_roles(load_catalogue())
    departments = bench.departments() if organisation else None
    filters, errors = _filters(roles, departments)
    department = filters.department if organisation else None
    scope = stored.scope_for(user, department, roles, filters.as_of, periodic.inline_limit())
    role_counts = scope.role_counts()
    selected = next(
        (b for b in role_counts if b.role_code == filters.role),
        role_counts[0] if role_counts else None,
    )
    page, per_page = page_args(25)
    candidates = Page(items=[], total=0, page=1, per_page=per_page)
    if selected:
        candidates = scope.candidates(
            selected.role_code,
            band=filters.band,
            q=filters.q,
            sort=filters.sort,
            descending=filters.descending,
            page=page,
            per_page=per_page,
            total=selected.counts_by_band[filters.band] if filters.band else selected.total,
        )
        candidates = reasons.with_reasons(candidates, selected.role_code, filters.as_of)
    lapses = scope.lapses()
    return render_template(
        "readiness/bench.html",
        organisation=organisation,
        people=scope.people(),
        role_counts=role_counts,
        selected=selected,
        filters=filters,
        errors=errors,
        page=candidates,
        lapses=lapses[:LAPSES_ON_BENCH],
        lapse_total=len(lapses),
        departments=departments,
        by_department=[
            (name, [counts[band] for band in BANDS], total)
            for name, counts, total in scope.by_department(selected.role_code)
        ]
        if organisation and selected
        else [],
        scope_manager=not sees_organisation(user),
    )


@bp.route("/readiness/bench")
@permission("manager_or_hr")
def bench_strength() -> Any:
    return _bench_page(organisation=False)


@bp.route("/readiness/organisation")
@permission("hr")
def organisation() -> Any:
    return _bench_page(organisation=True)


@bp.route("/readiness/lapses")
@permission("manager_or_hr")
def lapses() -> Any:
    user = policy.acting_user()
    roles = bench.candidate_roles(load_catalogue())
    is_hr = sees_organisation(user)
    departments = bench.departments() if is_hr else None
    filters, errors = _filters(roles, departments)
    found = stored.scope_for(
        user, filters.department, roles, filters.as_of, periodic.inline_limit()
    ).lapses()
    if filters.q:
        needle = filters.q.lower()
        found = tuple(lapse for lapse in found if needle in lapse.name.lower())
    page, per_page = page_args(25)
    shown = page_of_rows(list(found), page, per_page)
    certificates = [lapse for lapse in shown.items if lapse.item_kind == "certification"]
    return render_template(
        "readiness/lapses.html",
        filters=filters,
        errors=errors,
        page=shown,
        booking=enrolment.booking_options(
            [lapse.item_code for lapse in certificates],
            [lapse.employee_id for lapse in certificates],
        ),
        departments=departments,
        scope_manager=not is_hr,
    )


@bp.route("/readiness/training-needs")
@permission("manager_or_hr")
def training_needs() -> Any:
    user = policy.acting_user()
    snapshot = load_catalogue()
    roles = bench.candidate_roles(snapshot)
    is_hr = sees_organisation(user)
    departments = bench.departments() if is_hr else None
    filters, errors = _filters(roles, departments)
    role = filters.role or (roles[0] if roles else None)
    report = None
    if role is not None:
        scope = stored.scope_for(
            user, filters.department, [role], filters.as_of, periodic.inline_limit()
        )
        report = scope.training_needs(role)
    courses = [c for c in report.courses if c.kind == "course"] if report else []
    return render_template(
        "readiness/training_needs.html",
        filters=filters,
        errors=errors,
        report=report,
        role=role,
        roles=[(code, snapshot.role_titles[code]) for code in roles],
        booking=enrolment.booking_options(
            [c.code for c in courses], [i for c in courses for i in c.employee_ids[:PEOPLE_TO_BOOK]]
        ),
        departments=departments,
        scope_manager=not is_hr,
        sees_capacity=policy.admits(user, "readiness.capacity"),
    )


@bp.route("/readiness/capacity")
@permission("hr")
def capacity() -> Any:
    """Each course's demand, its seats over the next 6 months, and how many more sessions would
    let everyone who needs it finish within the chosen horizon (docs/RULES.md "The seat plan")."""
    wanted, errors = capacities.parse_capacity(request.args, today())
    view = capacities.capacity(wanted)
    return render_template("readiness/capacity.html", view=view, errors=errors.errors)
