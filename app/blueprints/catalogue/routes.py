"""The catalogue HR configures: thin views over ``app.services.catalogue``.

Any signed-in user may read the catalogue; hr and admins create, edit and retire entries.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app import clock, policy
from app.blueprints.catalogue.forms import (
    CheckTypeForm,
    CompetencyForm,
    CourseForm,
    InstrumentForm,
    LadderForm,
    QualificationForm,
    RequirementsForm,
    RoleForm,
    SessionForm,
    apply_errors,
    options,
)
from app.models import CheckType, Competency, Course, Instrument, JobRole, QualificationType
from app.models.catalogue import INSTRUMENT_KINDS, REQUIREMENT_KINDS
from app.pagination import page_args, paginate, sort_args
from app.policy import permission
from app.services import catalogue
from app.services.catalogue_errors import CatalogueError, UnknownEntry

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

# URL section -> (catalogue kind, list endpoint, page endpoint of one entry)
SECTIONS: dict[str, tuple[str, str, str]] = {
    "competencies": ("competency", "catalogue.competencies", "catalogue.competency_edit"),
    "courses": ("course", "catalogue.courses", "catalogue.course_show"),
    "check-types": ("check_type", "catalogue.check_types", "catalogue.check_type_edit"),
    "instruments": ("instrument", "catalogue.instruments", "catalogue.instrument_edit"),
    "qualifications": (
        "qualification",
        "catalogue.qualifications",
        "catalogue.qualification_edit",
    ),
    "roles": ("role", "catalogue.roles", "catalogue.role_show"),
}
SECTIONS_ANY = "any(competencies, courses, 'check-types', instruments, qualifications, roles)"
BLANK_ROWS = 3


@bp.app_context_processor
def catalogue_helpers() -> dict[str, Any]:
    return {
        "can_configure": lambda: policy.can_manage_configuration(policy.acting_user()),
        "requirement_threshold": catalogue.requirement_threshold,
    }


@bp.app_template_filter("plain_number")
def plain_number_filter(value: Any) -> str:
    """3.50 -> 3.5, 16.0 -> 16: scores, hours and weights without noise."""
    number = catalogue.plain_number(value)
    return "—" if number is None else str(number)


def _entry_or_404(kind: str, code: str) -> Any:
    try:
        return catalogue.get_entry(kind, code)
    except UnknownEntry:
        abort(404)


def _refused(form: Any, error: CatalogueError) -> int:
    apply_errors(form, error)
    return error.status if error.status in (409, 422) else 422


def _filters() -> dict[str, Any]:
    status = request.args.get("status", "active")
    return {
        "q": request.args.get("q", "").strip()[:100] or None,
        "status": status if status in catalogue.STATUSES else "active",
    }


def _list(kind: str, template: str, extra: dict[str, Any] | None = None, **context: Any) -> str:
    """A paginated, searchable, filterable, sortable list of one kind of entry."""
    filters = _filters()
    extra = {k: v for k, v in (extra or {}).items() if v not in (None, "")}
    sort_key, descending, order = sort_args(
        catalogue.SORTS[kind], "level" if kind == "role" else "code"
    )
    page, per_page = page_args(25)
    model = catalogue.KINDS[kind].model
    stmt = catalogue.list_query(kind, **filters, **extra).order_by(order, model.id)
    return render_template(
        template,
        page=paginate(stmt, page, per_page),
        filters={**filters, **extra},
        sort_key=sort_key,
        descending=descending,
        **context,
    )


def _form_page(
    form: Any, kind: str, entry: Any = None, status: int = 200, **context: Any
) -> tuple[str, int]:
    spec = catalogue.KINDS[kind]
    section = next(s for s, (k, _l, _p) in SECTIONS.items() if k == kind)
    usage = catalogue.usage(kind, entry) if entry is not None else None
    return (
        render_template(
            "catalogue/entry_form.html",
            form=form,
            kind=spec,
            entry=entry,
            usage=usage,
            section=section,
            list_endpoint=SECTIONS[section][1],
            **context,
        ),
        status,
    )


# ----------------------------------------------------------------------------- overview


@bp.route("/")
@permission("authenticated")
def index():  # type: ignore[no-untyped-def]
    return render_template(
        "catalogue/index.html",
        counts=catalogue.overview(),
        sections={kind: (section, endpoint) for section, (kind, endpoint, _p) in SECTIONS.items()},
        upcoming_sessions=catalogue.upcoming_session_count(clock.today()),
        ladder_steps=catalogue.ladder_count(),
    )


@bp.route(f"/<{SECTIONS_ANY}:section>/<code>/retire", methods=["POST"])
@permission("hr_or_admin")
def retire(section: str, code: str):  # type: ignore[no-untyped-def]
    kind, _list_endpoint, page_endpoint = SECTIONS[section]
    try:
        entry = catalogue.retire(kind, code)
    except UnknownEntry:
        abort(404)
    except CatalogueError as error:
        flash(error.message, "error")
        return redirect(url_for(page_endpoint, code=code.upper()))
    used = catalogue.usage(kind, entry)
    message = f"{entry.code} is retired. New records cannot pick it; past records keep showing it."
    if used.required_by:
        message += (
            f" It is still a requirement of {', '.join(used.required_by)}: "
            "edit those roles to replace it."
        )
    if kind == "role" and used.people_in_role:
        message += f" {used.people_in_role} people still hold this role."
    flash(message, "success")
    return redirect(url_for(page_endpoint, code=entry.code))


@bp.route(f"/<{SECTIONS_ANY}:section>/<code>/restore", methods=["POST"])
@permission("hr_or_admin")
def restore(section: str, code: str):  # type: ignore[no-untyped-def]
    kind, _list_endpoint, page_endpoint = SECTIONS[section]
    try:
        entry = catalogue.restore(kind, code)
    except UnknownEntry:
        abort(404)
    except CatalogueError as error:
        flash(error.message, "error")
        return redirect(url_for(page_endpoint, code=code.upper()))
    flash(f"{entry.code} is active again and can be picked for new records.", "success")
    return redirect(url_for(page_endpoint, code=entry.code))


# ----------------------------------------------------------------------------- competencies


@bp.route("/competencies")
@permission("authenticated")
def competencies():  # type: ignore[no-untyped-def]
    return _list(
        "competency",
        "catalogue/competencies.html",
        {"category": request.args.get("category", "").strip()[:80] or None},
        categories=catalogue.categories("competency"),
    )


@bp.route("/competencies/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def competency_new():  # type: ignore[no-untyped-def]
    form = CompetencyForm()
    if form.validate_on_submit():
        try:
            entry = catalogue.create_competency(
                form.code.data, form.name.data, form.category.data, form.description.data
            )
        except CatalogueError as error:
            return _form_page(form, "competency", status=_refused(form, error))
        flash(f"Competency {entry.code} created.", "success")
        return redirect(url_for("catalogue.competencies"))
    return _form_page(form, "competency")


@bp.route("/competencies/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def competency_edit(code: str):  # type: ignore[no-untyped-def]
    entry: Competency = _entry_or_404("competency", code)
    form = CompetencyForm(obj=entry)
    if form.validate_on_submit():
        try:
            catalogue.update_competency(
                entry.code,
                name=form.name.data,
                category=form.category.data,
                description=form.description.data,
            )
        except CatalogueError as error:
            return _form_page(form, "competency", entry, status=_refused(form, error))
        flash(f"Competency {entry.code} saved.", "success")
        return redirect(url_for("catalogue.competencies"))
    return _form_page(form, "competency", entry)


# ----------------------------------------------------------------------------- check types


@bp.route("/check-types")
@permission("authenticated")
def check_types():  # type: ignore[no-untyped-def]
    return _list("check_type", "catalogue/check_types.html")


@bp.route("/check-types/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def check_type_new():  # type: ignore[no-untyped-def]
    form = CheckTypeForm(data={"rescreen_months": "36", "turnaround_days": "14"})
    if form.validate_on_submit():
        try:
            entry = catalogue.create_check_type(
                form.code.data,
                form.name.data,
                form.rescreen_months.data,
                form.turnaround_days.data,
            )
        except CatalogueError as error:
            return _form_page(form, "check_type", status=_refused(form, error))
        flash(f"Check type {entry.code} created.", "success")
        return redirect(url_for("catalogue.check_types"))
    return _form_page(form, "check_type")


@bp.route("/check-types/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def check_type_edit(code: str):  # type: ignore[no-untyped-def]
    entry: CheckType = _entry_or_404("check_type", code)
    form = CheckTypeForm(obj=entry)
    if form.validate_on_submit():
        try:
            catalogue.update_check_type(
                entry.code,
                name=form.name.data,
                rescreen_months=form.rescreen_months.data,
                turnaround_days=form.turnaround_days.data,
            )
        except CatalogueError as error:
            return _form_page(form, "check_type", entry, status=_refused(form, error))
        flash(f"Check type {entry.code} saved.", "success")
        return redirect(url_for("catalogue.check_types"))
    return _form_page(form, "check_type", entry)


# ----------------------------------------------------------------------------- instruments


@bp.route("/instruments")
@permission("authenticated")
def instruments():  # type: ignore[no-untyped-def]
    kind = request.args.get("kind")
    return _list(
        "instrument",
        "catalogue/instruments.html",
        {"instrument_kind": kind if kind in INSTRUMENT_KINDS else None},
        instrument_kinds=INSTRUMENT_KINDS,
    )


def _instrument_form(entry: Instrument | None) -> InstrumentForm:
    if entry is None:
        return InstrumentForm(data={"scale_min": "1", "scale_max": "5", "validity_months": "24"})
    form = InstrumentForm(obj=entry)
    if not form.is_submitted():
        form.dimensions.data = "\n".join(entry.dimensions or [])
        form.scale_min.data = str(catalogue.plain_number(entry.scale_min))
        form.scale_max.data = str(catalogue.plain_number(entry.scale_max))
    return form


@bp.route("/instruments/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def instrument_new():  # type: ignore[no-untyped-def]
    form = _instrument_form(None)
    if form.validate_on_submit():
        try:
            entry = catalogue.create_instrument(
                form.code.data,
                form.name.data,
                form.kind.data,
                form.scale_min.data,
                form.scale_max.data,
                (form.dimensions.data or "").splitlines(),
                form.validity_months.data,
            )
        except CatalogueError as error:
            return _form_page(form, "instrument", status=_refused(form, error))
        flash(f"Instrument {entry.code} created.", "success")
        return redirect(url_for("catalogue.instruments"))
    return _form_page(form, "instrument")


@bp.route("/instruments/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def instrument_edit(code: str):  # type: ignore[no-untyped-def]
    entry: Instrument = _entry_or_404("instrument", code)
    form = _instrument_form(entry)
    if form.validate_on_submit():
        try:
            catalogue.update_instrument(
                entry.code,
                name=form.name.data,
                kind=form.kind.data,
                scale_min=form.scale_min.data,
                scale_max=form.scale_max.data,
                dimensions=(form.dimensions.data or "").splitlines(),
                validity_months=form.validity_months.data,
            )
        except CatalogueError as error:
            return _form_page(form, "instrument", entry, status=_refused(form, error))
        flash(f"Instrument {entry.code} saved.", "success")
        return redirect(url_for("catalogue.instruments"))
    return _form_page(form, "instrument", entry)


# ----------------------------------------------------------------------------- qualifications


@bp.route("/qualifications")
@permission("authenticated")
def qualifications():  # type: ignore[no-untyped-def]
    return _list("qualification", "catalogue/qualifications.html")


@bp.route("/qualifications/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def qualification_new():  # type: ignore[no-untyped-def]
    form = QualificationForm()
    if form.validate_on_submit():
        try:
            entry = catalogue.create_qualification(form.code.data, form.name.data)
        except CatalogueError as error:
            return _form_page(form, "qualification", status=_refused(form, error))
        flash(f"Qualification type {entry.code} created.", "success")
        return redirect(url_for("catalogue.qualifications"))
    return _form_page(form, "qualification")


@bp.route("/qualifications/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def qualification_edit(code: str):  # type: ignore[no-untyped-def]
    entry: QualificationType = _entry_or_404("qualification", code)
    form = QualificationForm(obj=entry)
    if form.validate_on_submit():
        try:
            catalogue.update_qualification(entry.code, name=form.name.data)
        except CatalogueError as error:
            return _form_page(form, "qualification", entry, status=_refused(form, error))
        flash(f"Qualification type {entry.code} saved.", "success")
        return redirect(url_for("catalogue.qualifications"))
    return _form_page(form, "qualification", entry)


# ----------------------------------------------------------------------------- courses


@bp.route("/courses")
@permission("authenticated")
def courses():  # type: ignore[no-untyped-def]
    expires = request.args.get("expires")
    return _list(
        "course",
        "catalogue/courses.html",
        {
            "category": request.args.get("category", "").strip()[:80] or None,
            "expires": expires if expires in ("yes", "no") else None,
        },
        categories=catalogue.categories("course"),
    )


@bp.route("/courses/<code>")
@permission("authenticated")
def course_show(code: str):  # type: ignore[no-untyped-def]
    course: Course = _entry_or_404("course", code)
    today = clock.today()
    sessions = paginate(
        catalogue.session_query(
            course=course.code, when="upcoming", on=today, include_cancelled=True
        ).order_by(catalogue.SESSION_SORTS["starts_on"], catalogue.CourseSession.id),
        1,
        10,
    )
    return render_template(
        "catalogue/course_show.html",
        course=course,
        kind=catalogue.KINDS["course"],
        usage=catalogue.usage("course", course),
        sessions=sessions,
    )


def _course_form(course: Course | None) -> CourseForm:
    form = CourseForm(obj=course) if course is not None else CourseForm()
    current_prereqs = (
        [link.prerequisite.code for link in course.prerequisite_links] if course else []
    )
    current_grants = [(g.competency.code, g.level) for g in course.grants] if course else []
    form.prerequisites.choices = options(
        (c.code, f"{c.code} · {c.title}" + (" (retired)" if c.retired else ""))
        for c in catalogue.choices("course", include=current_prereqs)
        if course is None or c.id != course.id
    )
    competency_choices = options(
        [("", "— none —")]
        + [
            (c.code, f"{c.code} · {c.name}" + (" (retired)" if c.retired else ""))
            for c in catalogue.choices("competency", include=[code for code, _ in current_grants])
        ]
    )
    if not form.is_submitted():
        if course is not None:
            form.prerequisites.data = current_prereqs
            form.version.data = str(course.version)
            form.hours.data = str(catalogue.plain_number(course.hours))
            form.cost.data = f"{course.cost:.2f}"
            form.validity_months.data = str(course.validity_months or "")
            while form.grants.entries:
                form.grants.pop_entry()
            for code, level in current_grants:
                form.grants.append_entry({"competency": code, "level": str(level)})
        else:
            from app.services import settings

            form.default_duration_days.data = str(settings.get("default_course_duration_days"))
            form.hours.data, form.cost.data = "0", "0.00"
    _blank_rows(form.grants, {"competency": "", "level": ""})
    for row in form.grants.entries:
        row.form.competency.choices = competency_choices
    return form


def _blank_rows(listing: Any, blank: dict[str, Any]) -> None:
    """Keep a few empty rows at the end of a row editor for additions."""
    empty = 0
    for row in reversed(listing.entries):
        if any(str(v or "").strip() for k, v in row.form.data.items() if k in blank):
            break
        empty += 1
    for _ in range(BLANK_ROWS - empty):
        listing.append_entry(blank)


def _grants_from(form: CourseForm) -> tuple[list[tuple[str, str]], list[int]]:
    """The non-empty grant rows, and the form row index of each (to place errors)."""
    grants, positions = [], []
    for index, row in enumerate(form.grants.entries):
        competency = (row.form.competency.data or "").strip()
        level = (row.form.level.data or "").strip()
        if competency or level:
            grants.append((competency, level))
            positions.append(index)
    return grants, positions


def _renumber(error: CatalogueError, listing: str, positions: list[int]) -> CatalogueError:
    """Point ``listing[i]`` field errors at the form rows they came from."""
    import re

    renamed: dict[str, list[str]] = {}
    for name, messages in error.errors.items():
        match = re.fullmatch(rf"{listing}\[(\d+)\]\.(\w+)", name)
        if match and int(match.group(1)) < len(positions):
            name = f"{listing}[{positions[int(match.group(1))]}].{match.group(2)}"
        renamed.setdefault(name, []).extend(messages)
    error.errors = renamed
    return error


def _course_page(form: CourseForm, course: Course | None, status: int = 200) -> tuple[str, int]:
    return (
        render_template("catalogue/course_form.html", form=form, course=course),
        status,
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def course_new():  # type: ignore[no-untyped-def]
    form = _course_form(None)
    if form.validate_on_submit():
        grants, positions = _grants_from(form)
        try:
            course = catalogue.create_course(
                form.code.data,
                form.title.data,
                form.category.data,
                form.hours.data,
                form.cost.data,
                form.validity_months.data,
                form.default_duration_days.data,
                prerequisites=form.prerequisites.data or [],
                grants=grants,
            )
        except CatalogueError as error:
            status = _refused(form, _renumber(error, "grants", positions))
            return _course_page(form, None, status)
        flash(f"Course {course.code} created. Schedule its sessions below.", "success")
        return redirect(url_for("catalogue.course_show", code=course.code))
    return _course_page(form, None)


@bp.route("/courses/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def course_edit(code: str):  # type: ignore[no-untyped-def]
    course: Course = _entry_or_404("course", code)
    form = _course_form(course)
    if form.validate_on_submit():
        grants, positions = _grants_from(form)
        version = str(form.version.data or "")
        try:
            catalogue.update_course(
                course.code,
                title=form.title.data,
                category=form.category.data,
                hours=form.hours.data,
                cost=form.cost.data,
                validity_months=form.validity_months.data,
                default_duration_days=form.default_duration_days.data,
                prerequisites=form.prerequisites.data or [],
                grants=grants,
                expected_version=int(version) if version and version.isdigit() else None,
            )
        except CatalogueError as error:
            status = _refused(form, _renumber(error, "grants", positions))
            course = _entry_or_404("course", code)
            return _course_page(form, course, status)
        flash(f"Course {course.code} saved.", "success")
        return redirect(url_for("catalogue.course_show", code=course.code))
    return _course_page(form, course)


# ----------------------------------------------------------------------------- sessions


@bp.route("/sessions")
@permission("authenticated")
def sessions():  # type: ignore[no-untyped-def]
    when = request.args.get("when", "upcoming")
    when = when if when in ("upcoming", "past", "all") else "upcoming"
    course = (catalogue.clean_search(request.args.get("course"), 40) or "").upper() or None
    include_cancelled = request.args.get("cancelled") == "1"
    q = request.args.get("q", "").strip()[:100] or None
    sort_key, descending, order = sort_args(catalogue.SESSION_SORTS, "starts_on")
    page, per_page = page_args(25)
    stmt = catalogue.session_query(
        q=q, course=course, when=when, on=clock.today(), include_cancelled=include_cancelled
    ).order_by(order, catalogue.CourseSession.id)
    return render_template(
        "catalogue/sessions.html",
        page=paginate(stmt, page, per_page),
        filters={"q": q, "course": course, "when": when, "cancelled": include_cancelled},
        courses=catalogue.choices("course", include=[course] if course else []),
        sort_key=sort_key,
        descending=descending,
    )


def _session_page(form: SessionForm, course: Course, session: Any = None, status: int = 200):  # type: ignore[no-untyped-def]
    return (
        render_template("catalogue/session_form.html", form=form, course=course, session=session),
        status,
    )


@bp.route("/courses/<code>/sessions/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def session_new(code: str):  # type: ignore[no-untyped-def]
    course: Course = _entry_or_404("course", code)
    form = SessionForm(data={"seats": "12"})
    if form.validate_on_submit():
        try:
            session = catalogue.add_session(
                course.code,
                form.starts_on.data,
                form.ends_on.data,
                form.seats.data,
                form.location.data,
            )
        except CatalogueError as error:
            return _session_page(form, course, status=_refused(form, error))
        flash(
            f"Session of {course.code} from {session.starts_on.isoformat()} scheduled.", "success"
        )
        return redirect(url_for("catalogue.course_show", code=course.code))
    return _session_page(form, course)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def session_edit(session_id: int):  # type: ignore[no-untyped-def]
    try:
        session = catalogue.get_session(session_id)
    except UnknownEntry:
        abort(404)
    form = SessionForm(obj=session)
    if not form.is_submitted():
        form.starts_on.data = session.starts_on.isoformat()
        form.ends_on.data = session.ends_on.isoformat()
        form.seats.data = str(session.seats)
    if form.validate_on_submit():
        try:
            catalogue.update_session(
                session.id,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                seats=form.seats.data,
                location=form.location.data,
            )
        except CatalogueError as error:
            session = catalogue.get_session(session_id)
            return _session_page(form, session.course, session, _refused(form, error))
        flash("Session saved.", "success")
        return redirect(url_for("catalogue.course_show", code=session.course.code))
    return _session_page(form, session.course, session)


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@permission("hr_or_admin")
def session_cancel(session_id: int):  # type: ignore[no-untyped-def]
    return _session_flag(session_id, catalogue.cancel_session, "cancelled")


@bp.route("/sessions/<int:session_id>/reinstate", methods=["POST"])
@permission("hr_or_admin")
def session_reinstate(session_id: int):  # type: ignore[no-untyped-def]
    return _session_flag(session_id, catalogue.reinstate_session, "back on the schedule")


def _session_flag(session_id: int, action: Any, word: str):  # type: ignore[no-untyped-def]
    try:
        session = action(session_id)
    except UnknownEntry:
        abort(404)
    except CatalogueError as error:
        flash(error.message, "error")
        session = catalogue.get_session(session_id)
    else:
        flash(
            f"The {session.starts_on.isoformat()} session of {session.course.code} is {word}.",
            "success",
        )
    return redirect(url_for("catalogue.course_show", code=session.course.code))


# ----------------------------------------------------------------------------- roles


@bp.route("/roles")
@permission("authenticated")
def roles():  # type: ignore[no-untyped-def]
    level = request.args.get("level", "")
    return _list(
        "role",
        "catalogue/roles.html",
        {"level": int(level) if level.isdigit() and len(level) < 4 else None},
    )


@bp.route("/roles/<code>")
@permission("authenticated")
def role_show(code: str):  # type: ignore[no-untyped-def]
    role: JobRole = _entry_or_404("role", code)
    leads_to, reached_from = catalogue.ladder_steps(role)
    return render_template(
        "catalogue/role_show.html",
        role=role,
        kind=catalogue.KINDS["role"],
        usage=catalogue.usage("role", role),
        leads_to=leads_to,
        reached_from=reached_from,
    )


@bp.route("/roles/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def role_new():  # type: ignore[no-untyped-def]
    form = RoleForm(data={"financial_authority_limit": "0.00"})
    if form.validate_on_submit():
        try:
            role = catalogue.create_role(
                form.code.data,
                form.title.data,
                form.level.data,
                form.financial_authority_limit.data,
            )
        except CatalogueError as error:
            return _form_page(form, "role", status=_refused(form, error))
        flash(f"Role {role.code} created. Now list its requirements.", "success")
        return redirect(url_for("catalogue.role_requirements", code=role.code))
    return _form_page(form, "role")


@bp.route("/roles/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def role_edit(code: str):  # type: ignore[no-untyped-def]
    role: JobRole = _entry_or_404("role", code)
    form = RoleForm(obj=role)
    if not form.is_submitted():
        form.financial_authority_limit.data = f"{role.financial_authority_limit:.2f}"
        form.level.data = str(role.level)
    if form.validate_on_submit():
        try:
            catalogue.update_role(
                role.code,
                title=form.title.data,
                level=form.level.data,
                financial_authority_limit=form.financial_authority_limit.data,
            )
        except CatalogueError as error:
            role = _entry_or_404("role", code)
            return _form_page(form, "role", role, status=_refused(form, error))
        flash(f"Role {role.code} saved.", "success")
        return redirect(url_for("catalogue.role_show", code=role.code))
    return _form_page(form, "role", role)


def _target_choices(role: JobRole) -> list[Any]:
    """The target picker, grouped by kind; a retired target the role already uses stays."""
    groups = {
        "competency": "Competencies",
        "course": "Courses and certifications",
        "check_type": "Background-check types",
        "instrument": "Instruments",
        "qualification": "Qualifications",
    }
    choices = options([("", "— none (for tenure) —")])
    for kind, label in groups.items():
        current = [
            r.target_code
            for r in role.requirements
            if r.target_code and catalogue.REQUIREMENT_TARGETS.get(r.kind) == kind
        ]
        name = catalogue.KINDS[kind].name_attr
        choices += options(
            (
                (
                    f"{kind}:{e.code}",
                    f"{e.code} · {getattr(e, name)}"
                    + (
                        f" (expires after {e.validity_months} months)"
                        if kind == "course" and e.validity_months
                        else ""
                    )
                    + (" (retired)" if e.retired else ""),
                )
                for e in catalogue.choices(kind, include=current)
            ),
            optgroup=label,
        )
    return choices


def _requirement_target_value(requirement: Any) -> str:
    kind = catalogue.REQUIREMENT_TARGETS.get(requirement.kind)
    return f"{kind}:{requirement.target_code}" if kind and requirement.target_code else ""


@bp.route("/roles/<code>/requirements", methods=["GET", "POST"])
@permission("hr_or_admin")
def role_requirements(code: str):  # type: ignore[no-untyped-def]
    role: JobRole = _entry_or_404("role", code)
    form = RequirementsForm()
    if not form.is_submitted():
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
    status = 200
    if form.validate_on_submit():
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
        try:
            catalogue.replace_requirements(role.code, items)
        except CatalogueError as error:
            status = _refused(form, _renumber(error, "requirements", positions))
            role = _entry_or_404("role", code)
        else:
            flash(f"Requirements of {role.code} saved ({len(items)}).", "success")
            return redirect(url_for("catalogue.role_show", code=role.code))
    _blank_rows(
        form.rows, {"kind": "", "target": "", "threshold": "", "weight": "", "mandatory": True}
    )
    choices = _target_choices(role)
    for row in form.rows.entries:
        row.form.target.choices = choices
    return (
        render_template(
            "catalogue/requirements_form.html",
            form=form,
            role=role,
            kinds=REQUIREMENT_KINDS,
        ),
        status,
    )


# ----------------------------------------------------------------------------- ladder


@bp.route("/ladder")
@permission("authenticated")
def ladder():  # type: ignore[no-untyped-def]
    q = request.args.get("q", "").strip()[:100] or None
    sort_key, descending, order = sort_args(catalogue.LADDER_SORTS, "from")
    page, per_page = page_args(25)
    stmt = catalogue.ladder_query(q).order_by(order, catalogue.LadderEdge.id)
    return render_template(
        "catalogue/ladder.html",
        page=paginate(stmt, page, per_page),
        filters={"q": q},
        sort_key=sort_key,
        descending=descending,
    )


def _ladder_form(edge: Any = None) -> LadderForm:
    form = LadderForm(
        data={
            "typical_months": str(edge.typical_months) if edge else "24",
            "from_role": edge.from_role.code if edge else "",
            "to_role": edge.to_role.code if edge else "",
        }
    )
    roles = options(
        [("", "Choose a role")]
        + [(r.code, f"{r.code} · {r.title} (level {r.level})") for r in catalogue.choices("role")]
    )
    form.from_role.choices = roles
    form.to_role.choices = roles
    return form


@bp.route("/ladder/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def ladder_new():  # type: ignore[no-untyped-def]
    form = _ladder_form()
    status = 200
    if form.validate_on_submit():
        try:
            edge = catalogue.add_ladder_edge(
                form.from_role.data, form.to_role.data, form.typical_months.data
            )
        except CatalogueError as error:
            status = _refused(form, error)
        else:
            flash(f"Ladder step {edge.from_role.code} → {edge.to_role.code} added.", "success")
            return redirect(url_for("catalogue.ladder"))
    return render_template("catalogue/ladder_form.html", form=form, edge=None), status


@bp.route("/ladder/<from_role>/<to_role>/edit", methods=["GET", "POST"])
@permission("hr_or_admin")
def ladder_edit(from_role: str, to_role: str):  # type: ignore[no-untyped-def]
    try:
        edge = catalogue.get_ladder_edge(from_role, to_role)
    except UnknownEntry:
        abort(404)
    form = _ladder_form(edge)
    status = 200
    if form.validate_on_submit():
        try:
            catalogue.update_ladder_edge(from_role, to_role, form.typical_months.data)
        except CatalogueError as error:
            status = _refused(form, error)
            edge = catalogue.get_ladder_edge(from_role, to_role)
        else:
            flash(f"Ladder step {edge.from_role.code} → {edge.to_role.code} saved.", "success")
            return redirect(url_for("catalogue.ladder"))
    return render_template("catalogue/ladder_form.html", form=form, edge=edge), status


@bp.route("/ladder/<from_role>/<to_role>/remove", methods=["POST"])
@permission("hr_or_admin")
def ladder_remove(from_role: str, to_role: str):  # type: ignore[no-untyped-def]
    try:
        catalogue.remove_ladder_edge(from_role, to_role)
    except UnknownEntry:
        abort(404)
    flash(f"Ladder step {from_role.upper()} → {to_role.upper()} removed.", "success")
    return redirect(url_for("catalogue.ladder"))
