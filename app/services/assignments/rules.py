"""HR's assignment rules: validate, preview, save, delete (docs/RULES.md "Assignments").

A rule is ``{role, departments: [code], course, due_days | due_on, recertify_days?}``. Saving
one syncs the people it covers in the same transaction; deleting one ends it (its open
assignments close as not required, the history stays).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from app import policy
from app.clock import today
from app.extensions import db
from app.kernel.fields import FieldErrors, blank
from app.models import (
    AssignmentRule,
    AssignmentRuleDepartment,
    Course,
    Department,
    Employee,
    JobRole,
    User,
)
from app.readiness.assignments import DEFAULT_DUE_DAYS, DEFAULT_RECERTIFY_DAYS, OVERDUE
from app.services.assignments import queries, sync
from app.services.assignments.errors import (
    DUPLICATE,
    RuleConflict,
    RuleForbidden,
    RuleInvalid,
    RuleStale,
    rule_write,
)

MAX_DUE_DAYS = 3650
MAX_WINDOW_DAYS = 3650


@dataclass
class RuleInput:
    """A rule's validated values (what preview and save use)."""

    role: JobRole
    course: Course
    departments: list[Department]
    due_days: int | None
    due_on: date | None
    recertify_days: int = DEFAULT_RECERTIFY_DAYS

    def as_rule(self) -> AssignmentRule:
        """An unsaved rule with these values, for coverage (never added to the session)."""
        rule = AssignmentRule(
            id=0,
            job_role_id=self.role.id,
            course_id=self.course.id,
            due_days=self.due_days,
            due_on=self.due_on,
            recertify_days=self.recertify_days,
        )
        rule.department_links = [
            AssignmentRuleDepartment(department_id=d.id) for d in self.departments
        ]
        return rule


def _by_code(model: Any, code: str | None) -> Any:
    if code is None:
        return None
    return db.session.scalar(select(model).where(model.code == code))


def _due(data: Mapping[str, Any], fields: FieldErrors, rule: AssignmentRule | None) -> tuple:
    days_given, date_given = not blank(data.get("due_days")), not blank(data.get("due_on"))
    if days_given and date_given:
        fields.add("due_on", "Give either a number of days or a fixed date, not both.")
        return None, None
    if date_given:
        due_on = fields.date("due_on", data.get("due_on"), "due date")
        unchanged = rule is not None and rule.due_on == due_on
        if due_on is not None and due_on < today() and not unchanged:
            fields.add(
                "due_on",
                f"The due date {due_on.isoformat()} is in the past; choose today or later.",
            )
            return None, None
        return None, due_on
    days = fields.integer(
        "due_days",
        data.get("due_days") if days_given else DEFAULT_DUE_DAYS,
        "number of days",
        minimum=0,
        maximum=MAX_DUE_DAYS,
    )
    return days, None


def parse_rule(data: Mapping[str, Any], rule: AssignmentRule | None = None) -> RuleInput:
    """Validate a rule's input; refuse with every field's message at once (nothing changes)."""
    fields = FieldErrors()
    role_code = fields.code("role", data.get("role"), "job role code")
    course_code = fields.code("course", data.get("course"), "course code", required=False)
    if course_code is None and "course" not in fields:
        fields.add("course", "Choose the course the rule requires.")
    codes = fields.code_list("departments", data.get("departments"), "departments") or []
    due_days, due_on = _due(data, fields, rule)
    window = fields.integer(
        "recertify_days",
        data.get("recertify_days")
        if not blank(data.get("recertify_days"))
        else DEFAULT_RECERTIFY_DAYS,
        "recertification window (days)",
        minimum=0,
        maximum=MAX_WINDOW_DAYS,
    )
    role = _by_code(JobRole, role_code)
    if role_code and role is None:
        fields.add("role", f"There is no job role {role_code!r}.")
    course = _by_code(Course, course_code)
    if course_code and course is None:
        fields.add("course", f"There is no course {course_code!r}.")
    elif course is not None and course.retired and (rule is None or rule.course_id != course.id):
        fields.add("course", f"The course {course.code} is retired; choose a current one.")
    departments = []
    for code in codes:
        department = _by_code(Department, code)
        if department is None:
            fields.add("departments", f"There is no department {code!r}.")
        else:
            departments.append(department)
    if role is not None and course is not None and _duplicate(role, course, rule):
        fields.duplicate("course", DUPLICATE)
    fields.raise_if_any(kind=RuleInvalid, conflict=RuleConflict)
    assert role is not None and course is not None and window is not None
    return RuleInput(role, course, departments, due_days, due_on, window)


def _duplicate(role: JobRole, course: Course, rule: AssignmentRule | None) -> bool:
    stmt = select(AssignmentRule.id).where(
        AssignmentRule.job_role_id == role.id,
        AssignmentRule.course_id == course.id,
        AssignmentRule.ended_on.is_(None),
    )
    if rule is not None:
        stmt = stmt.where(AssignmentRule.id != rule.id)
    return db.session.scalar(stmt.limit(1)) is not None


# ----------------------------------------------------------------------------- preview


@dataclass
class PreviewLine:
    department: str | None
    covered: int = 0
    overdue: int = 0


@dataclass
class Preview:
    """Whom a rule would cover, and how many would be overdue at once, by department."""

    lines: list[PreviewLine] = field(default_factory=list)

    @property
    def covered(self) -> int:
        return sum(line.covered for line in self.lines)

    @property
    def overdue(self) -> int:
        return sum(line.overdue for line in self.lines)


def _population(values: RuleInput) -> list[Employee]:
    stmt = select(Employee).where(
        Employee.job_role_id == values.role.id, Employee.status != "terminated"
    )
    if values.departments:
        stmt = stmt.where(Employee.department_id.in_([d.id for d in values.departments]))
    return list(db.session.scalars(stmt.order_by(Employee.id)))


def preview(values: RuleInput, as_of: date | None = None) -> Preview:
    """docs/RULES.md "Assignments": before saving, how many people the rule covers and how
    many would be overdue at once, by department (three queries)."""
    as_of = as_of or today()
    people = _population(values)
    rule = values.as_rule()
    held = queries.latest_completions([p.id for p in people], [values.course.id], as_of)
    names = {i: n for i, n in db.session.execute(select(Department.id, Department.name))}
    lines: dict[str | None, PreviewLine] = {}
    for person in people:
        name = names.get(person.department_id) if person.department_id else None
        line = lines.setdefault(name, PreviewLine(name))
        line.covered += 1
        due = sync.rule_due(rule, sync.person_of(person))
        status = queries.status_of(
            due, held.get((person.id, values.course.id)), as_of, values.recertify_days, None
        )
        if status.status == OVERDUE:
            line.overdue += 1
    ordered = sorted(lines.values(), key=lambda ln: (ln.department is None, ln.department or ""))
    return Preview(ordered)


# ----------------------------------------------------------------------------- use cases


def _apply(rule: AssignmentRule, values: RuleInput) -> None:
    rule.job_role_id = values.role.id
    rule.job_role = values.role
    rule.course_id = values.course.id
    rule.course = values.course
    rule.due_days = values.due_days
    rule.due_on = values.due_on
    rule.recertify_days = values.recertify_days
    wanted = {d.id for d in values.departments}
    for link in list(rule.department_links):
        if link.department_id not in wanted:
            rule.department_links.remove(link)
    held = rule.department_ids
    for department in values.departments:
        if department.id not in held:
            rule.department_links.append(AssignmentRuleDepartment(department_id=department.id))


def _sync_rule(rule: AssignmentRule) -> sync.SyncResult:
    """Open and close this rule's assignments for everyone in its role (or who held it), with
    set-based statements."""
    return sync.sync_rule(rule)


def _check_hr(actor: User | None) -> None:
    if actor is not None and not policy.is_hr(actor):
        raise RuleForbidden("Only HR may change assignment rules.")


@rule_write
def create_rule(data: Mapping[str, Any], *, actor: User | None) -> AssignmentRule:
    """HR adds a rule; everyone it covers gets their assignment at once."""
    _check_hr(actor)
    values = parse_rule(data)
    rule = AssignmentRule()
    _apply(rule, values)
    db.session.add(rule)
    db.session.flush()
    _sync_rule(rule)
    return rule


@rule_write
def update_rule(
    rule: AssignmentRule,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    expected_version: int | None = None,
) -> AssignmentRule:
    """HR changes a rule: people it no longer covers have theirs closed, new ones opened,
    due dates follow."""
    _check_hr(actor)
    if expected_version is not None and expected_version != rule.version:
        raise RuleStale("Someone changed this rule since you opened it. Reload and try again.")
    values = parse_rule(data, rule)
    _apply(rule, values)
    db.session.flush()
    _sync_rule(rule)
    return rule


@rule_write
def delete_rule(rule: AssignmentRule, *, actor: User | None) -> int:
    """HR deletes a rule: it ends today, its open assignments close as not required (kept
    as history). Answers how many were closed."""
    _check_hr(actor)
    rule.ended_on = today()
    db.session.flush()
    return _sync_rule(rule).closed


def find_rule(rule_id: Any) -> AssignmentRule | None:
    rule = db.session.get(AssignmentRule, rule_id) if isinstance(rule_id, int) else None
    return rule if rule is not None and rule.ended_on is None else None


def list_rules() -> list[AssignmentRule]:
    """The standing rules, by role and course code (relations loaded in bulk)."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.scalars(
            select(AssignmentRule)
            .join(JobRole, JobRole.id == AssignmentRule.job_role_id)
            .join(Course, Course.id == AssignmentRule.course_id)
            .options(selectinload(AssignmentRule.job_role), selectinload(AssignmentRule.course))
            .where(AssignmentRule.ended_on.is_(None))
            .order_by(JobRole.code, Course.code)
        )
    )


def rule_values(rule: AssignmentRule) -> dict[str, Any]:
    """A rule as its form and the API show it."""
    return {
        "role": rule.job_role.code,
        "departments": sorted(link.department.code for link in rule.department_links),
        "course": rule.course.code,
        "due_days": rule.due_days,
        "due_on": rule.due_on.isoformat() if rule.due_on else None,
        "recertify_days": rule.recertify_days,
    }


def rule_to_dict(rule: AssignmentRule) -> dict[str, Any]:
    return {"id": rule.id, **rule_values(rule), "version": rule.version}


def due_words(rule: AssignmentRule) -> str:
    """The rule's due date in words: "within 30 days of starting" or "by 2027-01-31"."""
    if rule.due_on is not None:
        return f"by {rule.due_on.isoformat()}"
    from app.kernel.words import plural

    return f"within {plural(rule.due_days or 0, 'day')} of starting in the role"


def standing_rule(role_code: str, course_code: str) -> AssignmentRule | None:
    """The standing rule of a role and a course, by their codes (any case), or None."""
    return db.session.scalar(
        select(AssignmentRule)
        .join(JobRole, JobRole.id == AssignmentRule.job_role_id)
        .join(Course, Course.id == AssignmentRule.course_id)
        .where(
            JobRole.code == role_code.strip().upper(),
            Course.code == course_code.strip().upper(),
            AssignmentRule.ended_on.is_(None),
        )
    )
