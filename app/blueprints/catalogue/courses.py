"""Courses: the list, one course with its coming sessions, and the new and edit forms."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app import clock
from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import CourseForm
from app.blueprints.catalogue.pages import (
    blank_rows,
    category_filter,
    list_page,
    refused,
    show_page,
)
from app.kernel.forms import options
from app.models import Course
from app.pagination import choice_arg, paginate
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.services import catalogue, settings
from app.services.catalogue.errors import CatalogueError


@bp.route("/courses")
@permission("authenticated")
def courses() -> ResponseReturnValue:
    return list_page(
        "course",
        {"category": category_filter(), "expires": choice_arg("expires", ("yes", "no"))},
        categories=catalogue.categories("course"),
    )


@bp.route("/courses/<code>")
@permission("authenticated", catalogue_policy.entry("course", name="course"))
def course_show(course: Course) -> ResponseReturnValue:
    sessions = paginate(
        catalogue.session_query(
            course=course.code,
            when="upcoming",
            on=clock.today(),
            include_cancelled=True,
            order=catalogue.SESSION_SORTS["starts_on"],
        ),
        1,
        10,
    )
    return show_page("course", course, sessions=sessions)


def _picker_label(code: str, name: str, retired: bool) -> str:
    return f"{code} · {name}" + (" (retired)" if retired else "")


def _course_form(course: Course | None) -> CourseForm:
    form = CourseForm(obj=course) if course is not None else CourseForm()
    current_prereqs = (
        [link.prerequisite.code for link in course.prerequisite_links] if course else []
    )
    current_grants = [(g.competency.code, g.level) for g in course.grants] if course else []
    form.prerequisites.choices = options(
        (c.code, _picker_label(c.code, c.title, c.retired))
        for c in catalogue.choices("course", include=current_prereqs)
        if course is None or c.id != course.id
    )
    competency_choices = options(
        [("", "— none —")]
        + [
            (c.code, _picker_label(c.code, c.name, c.retired))
            for c in catalogue.choices("competency", include=[code for code, _ in current_grants])
        ]
    )
    if not form.is_submitted():
        _fill_course_form(form, course, current_prereqs, current_grants)
    blank_rows(form.grants, {"competency": "", "level": ""})
    for row in form.grants.entries:
        row.form.competency.choices = competency_choices
    return form


def _fill_course_form(
    form: CourseForm,
    course: Course | None,
    prerequisites: list[str],
    grants: list[tuple[str, int]],
) -> None:
    """The stored values as the form shows them (or a new course's defaults)."""
    if course is None:
        form.default_duration_days.data = str(settings.get("default_course_duration_days"))
        form.hours.data, form.cost.data = "0", "0.00"
        return
    form.prerequisites.data = prerequisites
    form.version.data = str(course.version)
    form.hours.data = str(catalogue.plain_number(course.hours))
    form.cost.data = f"{course.cost:.2f}"
    form.validity_months.data = str(course.validity_months or "")
    while form.grants.entries:
        form.grants.pop_entry()
    for code, level in grants:
        form.grants.append_entry({"competency": code, "level": str(level)})


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


def _course_values(form: CourseForm) -> dict[str, Any]:
    """The course's fields as the service takes them (the service parses and checks)."""
    return {
        "title": form.title.data,
        "category": form.category.data,
        "hours": form.hours.data,
        "cost": form.cost.data,
        "validity_months": form.validity_months.data,
        "default_duration_days": form.default_duration_days.data,
        "prerequisites": form.prerequisites.data or [],
        "approval": form.approval.data,
    }


def _course_page(form: CourseForm, course: Course | None, status: int = 200) -> tuple[str, int]:
    return render_template("catalogue/course_form.html", form=form, course=course), status


@bp.route("/courses/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def course_new() -> ResponseReturnValue:
    form = _course_form(None)
    if form.validate_on_submit():
        grants, positions = _grants_from(form)
        try:
            course = catalogue.create_course(form.code.data, **_course_values(form), grants=grants)
        except CatalogueError as error:
            return _course_page(form, None, refused(form, error, "grants", positions))
        flash(f"Course {course.code} created. Schedule its sessions below.", "success")
        return redirect(url_for("catalogue.course_show", code=course.code))
    return _course_page(form, None)


@bp.route("/courses/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("course", name="course"))
def course_edit(course: Course) -> ResponseReturnValue:
    form = _course_form(course)
    if form.validate_on_submit():
        grants, positions = _grants_from(form)
        version = str(form.version.data or "")
        try:
            catalogue.update_course(
                course.code,
                **_course_values(form),
                grants=grants,
                expected_version=int(version) if version and version.isdigit() else None,
            )
        except CatalogueError as error:
            status = refused(form, error, "grants", positions)
            return _course_page(form, catalogue.get_course(course.code), status)
        flash(f"Course {course.code} saved.", "success")
        return redirect(url_for("catalogue.course_show", code=course.code))
    return _course_page(form, course)
