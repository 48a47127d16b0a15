"""Reports as documents (issue 7): an HTML page, a PDF and CSV tables for each report.

- individual readiness report: the employee for themselves, their managers, hr (404 otherwise);
- team bench strength and succession: managers for their part of the organisation, hr for any
  department;
- compliance: hr for any department, managers for their part;
- tuition: finance and hr, per calendar year.

Views only parse the query string, ask ``app.policy`` what the reader may see, call
``app.reports.sources`` and render. Reports only read, so every route is a GET.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from app import policy
from app.blueprints import to_own_page
from app.models import Employee
from app.pagination import MAX_PAGE, Page, page_args, page_of_rows
from app.policy import permission
from app.policy.readiness import (
    sees_all_check_findings,
    sees_team_reports,
    sees_tuition_report,
)
from app.reports import compliance as compliance_data
from app.reports import lapsing, render, sources, tables, team_screen
from app.reports.sources import ReportInputError
from app.services import compliance_lines
from app.services.assignments.queries import OWED_SORTS
from app.services.jobs import periodic
from app.services.jobs import reports as report_jobs

bp = Blueprint("reports", __name__, url_prefix="/reports")

FORMATS = ("html", "pdf", "csv")
ROWS_PER_PAGE = 50
PEOPLE_LIMIT = 20
GATES_SHOWN_IN_PDF = 3  # per candidate; the CSV and the individual report list them all
GATES_SHOWN_ON_SCREEN = 50
CSV_TABLES = {"team": tables.TEAM_TABLES, "compliance": tables.COMPLIANCE_TABLES}


def _in_every_format(rule: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route a report as an HTML page at ``rule``, a PDF at ``rule.pdf`` and CSV tables at
    ``rule.csv`` (endpoints: the view's name, then ``_pdf`` and ``_csv``), passing ``fmt``."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        for fmt in FORMATS:
            suffix = "" if fmt == "html" else f".{fmt}"
            endpoint = view.__name__ if fmt == "html" else f"{view.__name__}_{fmt}"
            bp.route(f"{rule}{suffix}", defaults={"fmt": fmt}, endpoint=endpoint)(view)
        return view

    return register


def _collect(**parsers: Callable[[], Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Run every parser; gather each value, or each field's messages."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, parse in parsers.items():
        try:
            values[name] = parse()
        except ReportInputError as error:
            errors.update(error.errors or {name: [error.message]})
    return values, errors


def _arg(name: str, limit: int = 60) -> str:
    return (request.args.get(name) or "").strip()[:limit]


def _page(items: list[Any], param: str = "page") -> Page:
    """One page of an in-memory list; ``param`` names the page argument (a report page can
    hold several paginated tables)."""
    page, per_page = page_args(ROWS_PER_PAGE)
    if param != "page":
        try:
            page = max(1, int(request.args.get(param, 1)))
        except (TypeError, ValueError):
            page = 1
    start = (page - 1) * per_page
    return Page(
        items=items[start : start + per_page], total=len(items), page=page, per_page=per_page
    )


def _csv(tables_of: dict[str, Callable[[], tables.Table]], filename: str) -> Response:
    name = _arg("table") or next(iter(tables_of))
    if name not in tables_of:
        abort(404)
    return render.csv_response(tables_of[name], filename)


def _links(
    report: str, args: dict[str, Any], filename: str, csv_tables: list[tuple[str, str]]
) -> dict[str, Any]:
    """The report's PDF link and the link of each of its CSV tables (label, table name)."""
    return {
        "pdf_url": url_for(f".{report}_pdf", **args),
        "pdf_filename": filename,
        "csv_links": [
            (label, url_for(f".{report}_csv", table=table, **args)) for label, table in csv_tables
        ],
    }


def _document(
    fmt: str,
    template: str,
    context: dict[str, Any],
    filename: str,
    tables_of: Callable[[], dict[str, Callable[[], tables.Table]]],
    printed: Callable[[], dict[str, Any]],
    on_screen: Callable[[], dict[str, Any]],
) -> Any:
    """A report in the asked format: a CSV table, the PDF (with ``printed`` added to the
    context) or the HTML page (with ``on_screen`` added: its filtered, sorted pages)."""
    if fmt == "csv":
        return _csv(tables_of(), filename)
    if fmt == "pdf":
        context.update(printed())
        return render.pdf_response(render.pdf_bytes(template, **context), filename)
    context.update(on_screen())
    return render.html(template, **context)


def _asked(
    form: dict[str, str],
    errors: dict[str, list[str]],
    title: str,
    reader: Any = None,
    **more: Any,
) -> dict[str, Any]:
    """A department-scoped report's context before its data: the form as typed, its messages
    and the department choices (given the ``reader`` of a people report: those of their part
    of the organisation)."""
    return {
        "form": form,
        "errors": errors,
        "department_options": sources.department_options(reader),
        **more,
        "report_title": title,
        "r": None,
    }


def _sorting(sorts: dict[str, Any], default: str) -> tuple[str, str, bool]:
    """The screen's search text, sort key and direction from the query string."""
    sort_key = _arg("sort") if _arg("sort") in sorts else default
    return _arg("q", 100), sort_key, _arg("dir") == "desc"


# ----------------------------------------------------------------------------- index


@bp.route("/")
@permission("authenticated")
def index() -> Any:
    user = policy.acting_user()
    may_team = sees_team_reports(user)
    person_q = _arg("person", 100)
    people = None
    if may_team:
        people = sources.find_people(user, person_q, limit=PEOPLE_LIMIT + 1) if person_q else []
    return render_template(
        "reports/index.html",
        may_team=may_team,
        may_tuition=sees_tuition_report(user),
        person_q=person_q,
        people=people[:PEOPLE_LIMIT] if people else people,
        more=bool(people) and len(people) > PEOPLE_LIMIT,
    )


# ----------------------------------------------------------------------------- individual


@bp.route("/readiness")
@permission("authenticated")
def my_readiness() -> Any:
    args = {key: _arg(key) for key in ("role", "as_of") if _arg(key)}
    return to_own_page(".individual", **args)


@_in_every_format("/readiness/<int:employee_id>")
@permission("authenticated", policy.employee("readiness"))
def individual(employee: Employee, fmt: str) -> Any:
    user = policy.acting_user()
    form = {"role": _arg("role"), "as_of": _arg("as_of")}
    values, errors = _collect(
        role=lambda: sources.parse_role(form["role"], sources.default_target_role(employee)),
        as_of=lambda: sources.parse_as_of(form["as_of"]),
    )
    context: dict[str, Any] = {
        "employee": employee,
        "form": {"role": values.get("role", form["role"]), "as_of": form["as_of"]},
        "errors": errors,
        "roles": [(code, f"{title} ({code})") for code, title in sources.role_choices()],
        "report_title": f"Readiness report: {employee.name}",
        "r": None,
    }
    if errors:
        return render.html("reports/individual.html", **context), 400
    role, as_of = values["role"], values["as_of"]
    report = sources.individual(
        employee, role, as_of, show_findings=policy.can_view(user, employee, "check_findings")
    )
    filename = f"readiness-{employee.employee_no}-{role}-{as_of.isoformat()}"
    if fmt != "csv":
        context.update(_individual_links(employee, role, as_of.isoformat(), filename))
        context.update(r=report, report_title=report.title)
    return _document(
        fmt,
        "reports/individual.html",
        context,
        filename,
        lambda: tables.individual_tables(report),
        printed=dict,
        on_screen=dict,
    )


def _individual_links(employee: Employee, role: str, as_of: str, filename: str) -> dict[str, Any]:
    """The individual report's form values, its PDF and CSV links and how to verify it."""
    args = {"employee_id": employee.id, "role": role, "as_of": as_of}
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    return {
        "form": {"role": role, "as_of": as_of},
        **_links(
            "individual",
            args,
            filename,
            [("requirements", "requirements"), ("promotion path", "path")],
        ),
        "verify_url": url_for(".verify", employee_no=employee.employee_no, role=role, as_of=as_of),
        "verify_display": base + url_for(".verify"),
    }


@bp.route("/verify")
@permission("authenticated")
def verify() -> Any:
    """Check a printed readiness report: recompute its fingerprint from today's records."""
    user = policy.acting_user()
    form = {
        "employee_no": _arg("employee_no", 40),
        "role": _arg("role"),
        "as_of": _arg("as_of"),
        "fingerprint": _arg("fingerprint", 100),
    }
    result = None
    errors: dict[str, list[str]] = {}
    # A report's own link fills in the person, role and date but not the fingerprint (the reader
    # types it from the paper): it opens a form to finish, not a list of problems. The Check
    # button (check=1), or a fingerprint, asks for the check.
    if form["fingerprint"] or request.args.get("check"):
        employee = sources.employee_by_number(form["employee_no"]) if form["employee_no"] else None
        if employee is None or not policy.can_view(user, employee, "readiness"):
            errors["employee_no"] = [
                "No employee with that number whose readiness you may see."
                if form["employee_no"]
                else "Enter the employee number printed on the report."
            ]
        values, more = _collect(
            role=lambda: sources.parse_role(form["role"], None),
            as_of=lambda: sources.parse_as_of(form["as_of"], required=True),
        )
        errors.update(more)
        if not errors and employee is not None:
            try:
                result = sources.verify(
                    employee, values["role"], values["as_of"], form["fingerprint"]
                )
            except ReportInputError as error:
                errors.update(error.errors)
    status = 400 if errors else 200
    return (
        render_template(
            "reports/verify.html",
            form=form,
            errors=errors,
            result=result,
            roles=[(code, f"{title} ({code})") for code, title in sources.role_choices()],
            report_title="Check a readiness report",
        ),
        status,
    )


# ----------------------------------------------------------------------------- compliance

COMPLIANCE_SORTS = dict.fromkeys(lapsing.COMPLIANCE_SORTS)


@_in_every_format("/compliance")
@permission("manager_or_hr")
def compliance(fmt: str) -> Any:
    user = policy.acting_user()
    form = {"department": _arg("department"), "days": _arg("days"), "as_of": _arg("as_of")}
    values, errors = _collect(
        department=lambda: sources.parse_department(form["department"], user),
        days=lambda: sources.parse_horizon(form["days"]),
        as_of=lambda: sources.parse_as_of(form["as_of"]),
    )
    context = _asked(
        form,
        errors,
        "Compliance report",
        user,
        bucket_labels=compliance_data.BUCKET_LABELS,
        show_findings=sees_all_check_findings(user),
    )
    if errors:
        return render.html("reports/compliance.html", **context), 400
    population, scope = sources.report_population(user, values["department"])
    queued = _queued_pdf(fmt, "compliance_pdf", population, values, days=values["days"])
    if queued is not None:
        return queued
    screen: dict[str, Any] = {}
    if fmt == "html":
        report, screen = _compliance_screen(population, values, context["show_findings"], scope)
    else:
        report = sources.compliance(
            population,
            values["as_of"],
            values["days"],
            show_findings=context["show_findings"],
            scope=scope,
        )
    args = _kept_args(
        department=values["department"].code if values["department"] else None,
        days=values["days"],
        as_of=values["as_of"].isoformat(),
    )
    filename = f"compliance-{_scope_slug(user, values['department'])}-{values['as_of']}"
    context.update(
        r=report,
        form={k: str(v) for k, v in args.items()},
        **_links(
            "compliance",
            args,
            filename,
            [
                ("items", "items"),
                ("departments", "departments"),
                ("who to chase", "chase"),
                ("required training", "assignments"),
                ("required training by department", "assignment_departments"),
            ],
        ),
    )
    return _document(
        fmt,
        "reports/compliance.html",
        context,
        filename,
        lambda: tables.compliance_tables(report),
        printed=lambda: {"rows": report.rows},
        on_screen=lambda: screen,
    )


def _scope_slug(user: Any, department: Any) -> str:
    """The scope in a people report's file name: ``all`` or the department code for hr; for a
    manager ``team-of-<their name>`` (and the department), never ``all``."""
    if policy.is_hr(user):
        return department.code if department else "all"
    name = re.sub(r"[^a-z0-9]+", "-", user.employee.name.lower()).strip("-")
    slug = f"of-{name or user.employee.employee_no}"
    return f"{slug}-{department.code}" if department else slug


def _queued_pdf(fmt: str, kind: str, population: Any, values: dict[str, Any], **more: Any) -> Any:
    """A PDF of more people than JOBS_PDF_PEOPLE_THRESHOLD, or a CSV table of more than
    JOBS_CSV_PEOPLE_THRESHOLD, is made by a worker (issue 23): queue it and show its progress
    page; None when it is made here."""
    prefix = kind.removesuffix("_pdf")
    if fmt == "csv":
        table = _arg("table") or CSV_TABLES[prefix][0]
        if table not in CSV_TABLES[prefix]:
            abort(404)  # before anything is built, whatever the report's size
        if not report_jobs.is_large(population, "JOBS_CSV_PEOPLE_THRESHOLD"):
            return None
        kind, more = f"{prefix}_csv", {**more, "table": table}
    elif fmt != "pdf" or not report_jobs.is_large(population):
        return None
    department = values["department"].code if values["department"] else None
    as_of = values["as_of"].isoformat()
    params = {"department": department, "as_of": as_of, **more}
    job_id = report_jobs.request_pdf(
        policy.acting_user(),
        kind,
        params,
        f"{prefix}-{_scope_slug(policy.acting_user(), values['department'])}-{as_of}",
    )
    return redirect(url_for("jobs.show", job_id=job_id))


def _kept_args(**args: Any) -> dict[str, Any]:
    """The report's arguments worth keeping in its links (those given)."""
    return {k: v for k, v in args.items() if v}


def _compliance_screen(
    population: Any, values: dict[str, Any], show_findings: bool, scope: str
) -> tuple[Any, dict[str, Any]]:
    """The compliance page: its summary counted in SQL and one page of its lapsing items,
    searched and sorted in SQL (?q=, ?sort=, ?dir=, ?page=); its required training a page at a
    time from SQL too (?apage=, ?asort=, ?adir=, the page size ?per_page= shared), with the
    whole scope's counts."""
    q, sort_key, descending = _sorting(COMPLIANCE_SORTS, "days")
    page_at, per_page = page_args(ROWS_PER_PAGE)
    # the stored compliance lines, brought up to date for the people whose records moved
    stored = compliance_lines.current(population, values["as_of"])
    report, page = sources.compliance_page(
        population,
        values["as_of"],
        values["days"],
        show_findings=show_findings,
        scope=scope,
        screen=lapsing.RowScreen(q or None, sort_key, descending, page_at, per_page),
        stored=stored,
    )
    owed_sort = _arg("asort") if _arg("asort") in OWED_SORTS else "due"
    owed_descending = _arg("adir") == "desc"
    owed, counts = sources.owed_screen(
        population,
        report.as_of,
        sort=owed_sort,
        descending=owed_descending,
        page=_page_number("apage"),
        per_page=per_page,
        stored=stored,
    )
    # who to chase a page at a time too (?cpage=, ?csort=, ?cdir=): the whole scope's managers
    # are counted (the summary), the CSV and the PDF list every one
    chase_sort = _arg("csort") if _arg("csort") in compliance_data.CHASE_SORTS else "urgent"
    chase_descending = _arg("cdir") == "desc"
    chase = page_of_rows(
        compliance_data.sorted_chase(report.chase, chase_sort, chase_descending),
        _page_number("cpage"),
        per_page,
    )
    return report, {
        "page": page,
        "q": q,
        "sort_key": sort_key,
        "descending": descending,
        "owed": owed,
        "owed_departments": counts,
        "owed_sort": owed_sort,
        "owed_descending": owed_descending,
        "chase": chase,
        "chase_sort": chase_sort,
        "chase_descending": chase_descending,
    }


def _page_number(name: str) -> int:
    """A page number of the query string (1 when missing or bad, at most MAX_PAGE)."""
    try:
        return min(max(1, int(request.args.get(name, 1))), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


# ----------------------------------------------------------------------------- team

CANDIDATE_SORTS: dict[str, Callable[[Any], Any]] = {
    "score": lambda c: (-c.score, c.name),
    "name": lambda c: (c.name.lower(), -c.score),
    "projected": lambda c: (c.projected_ready_on is None, c.projected_ready_on, c.name),
}


@_in_every_format("/team")
@permission("manager_or_hr")
def team(fmt: str) -> Any:
    user = policy.acting_user()
    form = {"department": _arg("department"), "as_of": _arg("as_of")}
    values, errors = _collect(
        department=lambda: sources.parse_department(form["department"], user),
        as_of=lambda: sources.parse_as_of(form["as_of"]),
    )
    context = _asked(form, errors, "Team bench strength and succession", user)
    if errors:
        return render.html("reports/team.html", **context), 400
    population, scope = sources.report_population(user, values["department"])
    queued = _queued_pdf(fmt, "team_pdf", population, values)
    if queued is not None:
        return queued
    screen: dict[str, Any] = {}
    if fmt == "html":
        report, screen = _team_screen(user, values, scope)
    else:
        report = sources.team(population, values["as_of"], scope=scope)
    args = _kept_args(
        department=values["department"].code if values["department"] else None,
        as_of=values["as_of"].isoformat(),
    )
    filename = f"team-{_scope_slug(user, values['department'])}-{values['as_of']}"
    context.update(
        r=report,
        form=args,
        **_links(
            "team",
            args,
            filename,
            [("candidates", "candidates"), ("top gaps", "gaps"), ("lapses", "lapses")],
        ),
        gates_shown=GATES_SHOWN_IN_PDF if fmt == "pdf" else GATES_SHOWN_ON_SCREEN,
    )
    return _document(
        fmt,
        "reports/team.html",
        context,
        filename,
        lambda: tables.team_tables(report),
        printed=lambda: {"candidate_pages": {s.role_code: s.candidates for s in report.roles}},
        on_screen=lambda: screen,
    )


def _team_screen(user: Any, values: dict[str, Any], scope: str) -> tuple[Any, dict[str, Any]]:
    """The team page from stored readiness: the report's counts, gaps and lapses, and the
    candidates of each role searched, sorted and a page per role in SQL (?q=, ?sort=, ?dir=,
    ?page_<role>=, ?per_page=)."""
    q, sort_key, descending = _sorting(CANDIDATE_SORTS, "score")
    _, per_page = page_args(ROWS_PER_PAGE)
    pages = {}
    for code, _title in sources.role_choices():
        try:
            pages[code] = min(max(1, int(request.args.get(f"page_{code}", 1))), MAX_PAGE)
        except (TypeError, ValueError):
            pages[code] = 1
    report, candidate_pages = team_screen.team_page(
        user,
        values["department"],
        values["as_of"],
        scope=scope,
        screen=team_screen.CandidateScreen(q or None, sort_key, descending, pages, per_page),
        limit=periodic.inline_limit(),
    )
    return report, {
        "candidate_pages": candidate_pages,
        "q": q,
        "sort_key": sort_key,
        "descending": descending,
    }


# ----------------------------------------------------------------------------- tuition


@_in_every_format("/tuition")
@permission("finance_or_hr")
def tuition(fmt: str) -> Any:
    form = {"year": _arg("year", 10), "department": _arg("department")}
    values, errors = _collect(
        year=lambda: sources.parse_year(form["year"]),
        department=lambda: sources.parse_department(form["department"]),
    )
    context = _asked(form, errors, "Tuition report", years=sources.tuition_years())
    if errors:
        return render.html("reports/tuition.html", **context), 400
    report = sources.tuition(values["year"], values["department"])
    args = {"year": values["year"]}
    if values["department"]:
        args["department"] = values["department"].code
    filename = f"tuition-{values['year']}-{args.get('department', 'all')}"
    context.update(
        r=report,
        report_title=report.title,
        form={k: str(v) for k, v in args.items()},
        **_links(
            "tuition",
            args,
            filename,
            [
                ("departments", "departments"),
                ("employees", "employees"),
                ("repayments", "repayments"),
            ],
        ),
    )
    return _document(
        fmt,
        "reports/tuition.html",
        context,
        filename,
        lambda: tables.tuition_tables(report),
        printed=lambda: {"people": report.capped},
        on_screen=lambda: {"page": _page(list(report.capped))},
    )
