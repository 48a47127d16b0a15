"""Readiness screens: the development plan, bench strength, organisation, lapses, training needs.

Views are thin: read the query string, call ``app.services.development_plan`` or
``app.services.bench``, render. Every screen is read-only (GET); readiness is advisory, and
the pages say so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from app import policy
from app.blueprints.readiness.forms import BAND_ORDER, BenchFilters, read_bench_filters
from app.clock import today
from app.extensions import db
from app.models import Department
from app.pagination import Page, page_args
from app.policy import permission
from app.services import bench
from app.services import development_plan as plans
from app.services import readiness as service

bp = Blueprint("readiness", __name__)

BAND_WORDS = {
    "ready_now": "Ready now",
    "ready_1y": "Ready in 1 year",
    "ready_2y": "Ready in 2 years",
    "not_ready": "Not ready",
}
LAPSES_ON_BENCH = 10


@bp.app_context_processor
def readiness_helpers() -> dict[str, Any]:
    return {
        "band_words": BAND_WORDS,
        "action_labels": plans.ACTION_LABELS,
        "kind_labels": plans.KIND_LABELS,
    }


# --------------------------------------------------------------------------- development plan


@bp.route("/readiness/plan")
@permission("authenticated")
def my_plan():  # type: ignore[no-untyped-def]
    user = policy.acting_user()
    return redirect(url_for("readiness.plan", employee_id=user.employee_id))


@bp.route("/employees/<int:employee_id>/plan")
@permission("authenticated")
def plan(employee_id: int):  # type: ignore[no-untyped-def]
    user = policy.acting_user()
    employee = policy.require_employee(user, employee_id, "readiness")
    wanted, errors = plans.parse_request(request.args.to_dict(flat=False))
    result = None
    try:
        try:
            result = plans.development_plan(employee.id, wanted)
        except plans.PlanInputError as refused:
            errors.update(refused.errors)
            wanted = replace(
                wanted,
                role=None if "role" in refused.errors else wanted.role,
                whatif_on=None if "whatif_on" in refused.errors else wanted.whatif_on,
                path_to=None if "path_to" in refused.errors else wanted.path_to,
            )
            result = plans.development_plan(employee.id, wanted)
    except plans.NoRoles as missing:
        return render_template("errors/error.html", code=404, message=str(missing)), 404
    return render_template(
        "readiness/plan.html",
        employee=employee,
        plan=result,
        wanted=wanted,
        errors=errors,
        is_self=user.employee_id == employee.id,
    )


# --------------------------------------------------------------------------- bench and organisation


def _sorted_candidates(candidates: tuple[bench.Candidate, ...], filters: BenchFilters) -> list:
    rows = list(candidates)
    if filters.band:
        rows = [c for c in rows if c.band == filters.band]
    if filters.q:
        needle = filters.q.lower()
        rows = [c for c in rows if needle in c.name.lower()]
    keys = {
        "score": lambda c: c.score,
        "name": lambda c: c.name.lower(),
        "band": lambda c: BAND_ORDER[c.band],
        "projected": lambda c: c.projected_ready_on or date.max,
        "department": lambda c: c.department or "",
        "current_role": lambda c: c.current_role or "",
    }
    # Ties always read best score first, then by name, whichever way the column is sorted.
    rows.sort(key=lambda c: (-c.score, c.name.lower(), c.employee_id))
    rows.sort(key=keys[filters.sort], reverse=filters.descending)
    return rows


def _page(rows: list, page: int, per_page: int) -> Page:
    total = len(rows)
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    start = (page - 1) * per_page
    return Page(items=rows[start : start + per_page], total=total, page=page, per_page=per_page)


def _departments() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Department.code, Department.name).order_by(Department.name))
    return [(code, name) for code, name in rows]


def _by_department(strength: bench.BenchStrength) -> list[tuple[str, dict[str, int], int]]:
    table: dict[str, dict[str, int]] = {}
    for c in strength.candidates:
        counts = table.setdefault(c.department or "No department", dict.fromkeys(BAND_ORDER, 0))
        counts[c.band] += 1
    return [(name, counts, sum(counts.values())) for name, counts in sorted(table.items())]


def _bench_page(organisation: bool):  # type: ignore[no-untyped-def]
    user = policy.acting_user()
    snapshot = service.load_catalogue()
    roles = bench.candidate_roles(snapshot)
    departments = _departments() if organisation else None
    filters, errors = read_bench_filters(
        request.args, today(), roles, [code for code, _ in departments] if departments else None
    )
    population = bench.population_for(user, filters.department if organisation else None)
    overview = bench.bench_overview(population, filters.as_of, roles=roles)
    selected = next(
        (b for b in overview.roles if b.role_code == filters.role),
        overview.roles[0] if overview.roles else None,
    )
    page, per_page = page_args(25)
    rows = _sorted_candidates(selected.candidates, filters) if selected else []
    return render_template(
        "readiness/bench.html",
        organisation=organisation,
        overview=overview,
        selected=selected,
        filters=filters,
        errors=errors,
        page=_page(rows, page, per_page),
        lapses=overview.lapses[:LAPSES_ON_BENCH],
        departments=departments,
        by_department=_by_department(selected) if organisation and selected else [],
        scope_manager=not user.has_role("hr"),
    )


@bp.route("/readiness/bench")
@permission("manager_or_hr")
def bench_strength():  # type: ignore[no-untyped-def]
    return _bench_page(organisation=False)


@bp.route("/readiness/organisation")
@permission("hr")
def organisation():  # type: ignore[no-untyped-def]
    return _bench_page(organisation=True)


@bp.route("/readiness/lapses")
@permission("manager_or_hr")
def lapses():  # type: ignore[no-untyped-def]
    user = policy.acting_user()
    snapshot = service.load_catalogue()
    roles = bench.candidate_roles(snapshot)
    is_hr = user.has_role("hr")
    departments = _departments() if is_hr else None
    filters, errors = read_bench_filters(
        request.args, today(), roles, [code for code, _ in departments] if departments else None
    )
    population = bench.population_for(user, filters.department)
    found = bench.lapsing_soon(population, filters.as_of)
    if filters.q:
        needle = filters.q.lower()
        found = tuple(lapse for lapse in found if needle in lapse.name.lower())
    page, per_page = page_args(25)
    return render_template(
        "readiness/lapses.html",
        filters=filters,
        errors=errors,
        page=_page(list(found), page, per_page),
        departments=departments,
        scope_manager=not is_hr,
    )


@bp.route("/readiness/training-needs")
@permission("manager_or_hr")
def training_needs():  # type: ignore[no-untyped-def]
    user = policy.acting_user()
    snapshot = service.load_catalogue()
    roles = bench.candidate_roles(snapshot)
    is_hr = user.has_role("hr")
    departments = _departments() if is_hr else None
    filters, errors = read_bench_filters(
        request.args, today(), roles, [code for code, _ in departments] if departments else None
    )
    role = filters.role or (roles[0] if roles else None)
    report = None
    if role is not None:
        population = bench.population_for(user, filters.department)
        report = bench.training_needs_report(population, role, filters.as_of)
    return render_template(
        "readiness/training_needs.html",
        filters=filters,
        errors=errors,
        report=report,
        role=role,
        roles=[(code, snapshot.role_titles[code]) for code in roles],
        departments=departments,
        scope_manager=not is_hr,
    )
