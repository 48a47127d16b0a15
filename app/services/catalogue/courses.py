"""Courses: their values, prerequisites and granted competencies (docs/RULES.md Training)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.kernel.fields import assign
from app.models import Competency, Course, CourseGrant, CoursePrerequisite, JobRole, Requirement
from app.models.catalogue import APPROVALS
from app.services import settings
from app.services.catalogue.errors import StaleEntry, write
from app.services.catalogue.graph import prerequisite_cycles
from app.services.catalogue.kinds import add_entry, get_course, resolve
from app.services.catalogue.parsing import UNSET, Fields, edited, keep

COURSE_FIELDS = (
    "title",
    "category",
    "hours",
    "cost",
    "validity_months",
    "default_duration_days",
    "approval",
)
"""The course's own columns an edit may change; ``prerequisites`` and ``grants`` besides."""


def _grant_pairs(value: Any, fields: Fields) -> list[tuple[str, Any]] | None:
    """Grants as (competency code, level) pairs from tuples or API dicts."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        fields.add("grants", "Grants must be a list of {competency, level}.")
        return None
    pairs: list[tuple[str, Any]] = []
    for item in value:
        if isinstance(item, Mapping):
            pairs.append((str(item.get("competency") or "").strip().upper(), item.get("level")))
        elif isinstance(item, list | tuple) and len(item) == 2:
            pairs.append((str(item[0] or "").strip().upper(), item[1]))
        else:
            fields.add("grants", "Each grant needs a competency code and a level.")
            return None
    return pairs


def _course_values(
    fields: Fields,
    course: Course | None,
    *,
    title: Any,
    category: Any,
    hours: Any,
    cost: Any,
    validity_months: Any,
    default_duration_days: Any,
    approval: Any = "none",
) -> dict[str, Any]:
    values = {
        "approval": fields.choice(
            "approval", "none" if approval in (None, "") else approval, "approval", APPROVALS
        ),
        "title": fields.text("title", title, "Title"),
        "category": fields.text("category", category, "Category", max_length=80, default="general"),
        "hours": fields.decimal(
            "hours",
            "0" if hours in (None, "") else hours,
            "Hours",
            minimum=Decimal("0"),
            maximum=Decimal("99999.9"),
            places=1,
        ),
        "cost": fields.money("cost", "0" if cost in (None, "") else cost, "Cost"),
        "validity_months": fields.integer(
            "validity_months",
            validity_months,
            "Validity (months)",
            minimum=1,
            maximum=600,
            required=False,
        ),
        "default_duration_days": fields.integer(
            "default_duration_days",
            settings.get("default_course_duration_days")
            if default_duration_days in (None, "")
            else default_duration_days,
            "Default duration (days)",
            minimum=1,
            maximum=3650,
        ),
    }
    return values


def _course_links(
    fields: Fields,
    course: Course | None,
    code: str | None,
    prerequisites: Any,
    grants: Any,
) -> tuple[list[Course], list[tuple[Competency, int]]]:
    """Validate prerequisites (known, not itself, no cycle) and grants (known, level 1-5)."""
    prereq_codes = fields.code_list("prerequisites", prerequisites, "Prerequisites") or []
    kept_prereqs = (
        {link.prerequisite.code for link in course.prerequisite_links} if course else set()
    )
    kept_grants = {grant.competency.code for grant in course.grants} if course else set()
    if code and code in prereq_codes:
        fields.add("prerequisites", f"A course cannot be its own prerequisite ({code}).")
        prereq_codes = [c for c in prereq_codes if c != code]
    found = resolve("course", prereq_codes, fields, "prerequisites", allow_retired=kept_prereqs)
    prereq_courses = [found[c] for c in prereq_codes if c in found]

    grant_list = _grants(fields, grants, kept_grants)
    if course is not None and prereq_courses and not fields.errors:
        for message in prerequisite_cycles(course, prereq_courses):
            fields.add("prerequisites", message)
    return prereq_courses, grant_list


def _grants(fields: Fields, grants: Any, kept: set[str]) -> list[tuple[Competency, int]]:
    """The competencies a course grants, each known and once, at a level from 1 to 5."""
    pairs = _grant_pairs(grants, fields) or []
    grant_codes: list[str] = []
    levels: list[int | None] = []
    for index, (comp_code, level) in enumerate(pairs):
        sub = Fields(f"grants[{index}].")
        if not comp_code:
            sub.add("competency", "Pick the competency this course grants.")
        elif comp_code in grant_codes:
            sub.add("competency", f"{comp_code} is granted twice; keep one level.")
        parsed = sub.integer("level", level, "Granted level", minimum=1, maximum=5)
        fields.merge(sub)
        if comp_code and comp_code not in grant_codes:
            grant_codes.append(comp_code)
            levels.append(parsed)
    competencies = resolve("competency", grant_codes, fields, "grants", allow_retired=kept)
    grant_list = [
        (competencies[c], lvl)
        for c, lvl in zip(grant_codes, levels, strict=True)
        if c in competencies and lvl is not None
    ]

    return grant_list


def _apply_links(
    course: Course, prereqs: list[Course], grants: list[tuple[Competency, int]]
) -> None:
    wanted = {p.id for p in prereqs}
    for link in list(course.prerequisite_links):
        if link.prerequisite_id not in wanted:
            course.prerequisite_links.remove(link)
    have = {link.prerequisite_id for link in course.prerequisite_links}
    for prereq in prereqs:
        if prereq.id not in have:
            course.prerequisite_links.append(
                CoursePrerequisite(prerequisite_id=prereq.id, prerequisite=prereq)
            )
    levels = {competency.id: level for competency, level in grants}
    for grant in list(course.grants):
        if grant.competency_id not in levels:
            course.grants.remove(grant)
        elif grant.level != levels[grant.competency_id]:
            grant.level = levels[grant.competency_id]
    have = {grant.competency_id for grant in course.grants}
    for competency, level in grants:
        if competency.id not in have:
            course.grants.append(
                CourseGrant(competency_id=competency.id, competency=competency, level=level)
            )


def _approval(fields: Fields, value: Any) -> str:
    """Whose yes a booking needs first: none, or the person's manager (docs/RULES.md)."""
    return fields.choice("approval", value, "approval", APPROVALS) or "none"


@write
def create_course(
    code: Any,
    title: Any,
    category: Any = "general",
    hours: Any = 0,
    cost: Any = "0.00",
    validity_months: Any = None,
    default_duration_days: Any = None,
    prerequisites: Any = (),
    grants: Any = (),
    approval: Any = "none",
) -> Course:
    """A course (docs/RULES.md Training). validity_months empty means it never expires;
    default_duration_days defaults to the (cfg) setting (30)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _course_values(
        fields,
        None,
        title=title,
        category=category,
        hours=hours,
        cost=cost,
        validity_months=validity_months,
        default_duration_days=default_duration_days,
        approval=approval,
    )
    values["approval"] = _approval(fields, approval)
    prereqs, grant_list = _course_links(
        fields, None, clean_code, list(prerequisites or []), list(grants or [])
    )
    fields.raise_if_any("Check the course's fields.")
    course = add_entry("course", clean_code, **values)
    _apply_links(course, prereqs, grant_list)
    db.session.flush()
    return course


@write
def update_course(
    code: str,
    *,
    prerequisites: Any = UNSET,
    grants: Any = UNSET,
    expected_version: int | None = None,
    **changes: Any,
) -> Course:
    """Edit a course (``changes``: any of COURSE_FIELDS); a changed validity applies to
    completions recorded from now on.

    ``expected_version`` (the version the editor read) refuses a save over someone else's.
    """
    course = get_course(code)
    if expected_version is not None and course.version != expected_version:
        raise StaleEntry(
            f"Someone else changed {course.code} since you opened it. "
            "Reload the page to see their change, then edit again."
        )

    fields = Fields()
    given = edited(course, COURSE_FIELDS, changes)
    values = _course_values(fields, course, **given)
    values["approval"] = _approval(fields, given["approval"])
    current_prereqs = [link.prerequisite.code for link in course.prerequisite_links]
    current_grants = [(grant.competency.code, grant.level) for grant in course.grants]
    prereqs, grant_list = _course_links(
        fields,
        course,
        course.code,
        keep(prerequisites, current_prereqs),
        keep(grants, current_grants),
    )
    if "validity_months" not in fields.errors:
        _check_requirement_kinds_still_fit(course, values["validity_months"], fields)
    fields.raise_if_any("Check the course's fields.")
    assign(course, values)
    _apply_links(course, prereqs, grant_list)
    db.session.flush()
    return course


def _check_requirement_kinds_still_fit(
    course: Course, validity: int | None, fields: Fields
) -> None:
    """A role requiring this course as a `course` needs it never to expire, and as a
    `certification` needs it to expire (docs/RULES.md requirement kinds)."""
    wrong_kind = "course" if validity is not None else "certification"
    roles = list(
        db.session.scalars(
            select(JobRole.code)
            .join(Requirement, Requirement.job_role_id == JobRole.id)
            .where(Requirement.course_id == course.id, Requirement.kind == wrong_kind)
            .order_by(JobRole.code)
        )
    )
    if roles:
        if validity is not None:
            message = (
                f"{', '.join(roles)} require {course.code} as a course that never expires. "
                "Change those requirements to certifications first."
            )
        else:
            message = (
                f"{', '.join(roles)} require {course.code} as a certification, which needs a "
                "validity. Change those requirements to courses first."
            )
        fields.add("validity_months", message)
