"""A person's assignments follow their role and department (docs/RULES.md "Assignments").

``sync`` opens the assignments of the standing rules that cover a person and closes, as
``not_required``, the open ones whose rule no longer covers them; closed ones stay as history.
It runs in the transaction of the change that moved the person: a session listener
(``before_flush``) sees every employee whose role, department, status, hire date or role start
changed, whichever page, API call or import changed it, so the move and its assignments are
stored, and audited, together or not at all. Saving a rule syncs the people it covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    cast,
    false,
    func,
    insert,
    inspect,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from app.audit import record_change
from app.clock import now, today
from app.extensions import db, on_session
from app.models import Assignment, AssignmentRule, Employee
from app.readiness.assignments import DEFAULT_DUE_DAYS, due_date
from app.services import compliance_lines

WATCHED = ("job_role_id", "department_id", "status", "hire_date", "role_since")
"""The employee columns whose change may move a person in or out of a rule."""

NOT_REQUIRED = "not_required"


@dataclass(frozen=True)
class Person:
    """What coverage and the due date need of a person (a stored row or a form's values)."""

    job_role_id: int | None
    department_id: int | None
    status: str
    hire_date: Any
    role_since: Any


def person_of(employee: Employee) -> Person:
    role_id = employee.job_role_id
    if role_id is None and employee.job_role is not None:
        role_id = employee.job_role.id
    department_id = employee.department_id
    if department_id is None and employee.department is not None:
        department_id = employee.department.id
    return Person(role_id, department_id, employee.status, employee.hire_date, employee.role_since)


def covers(rule: AssignmentRule, person: Person) -> bool:
    """Does the standing ``rule`` cover ``person``: their role, and (when the rule names
    departments) one of its departments? Terminated people are covered by nothing."""
    if rule.ended_on is not None or person.status == "terminated":
        return False
    if person.job_role_id != rule.job_role_id:
        return False
    departments = rule.department_ids
    return not departments or person.department_id in departments


def rule_due(rule: AssignmentRule, person: Person) -> Any:
    return due_date(person.hire_date, person.role_since, rule.due_days, rule.due_on)


@dataclass
class SyncResult:
    opened: int = 0
    closed: int = 0
    moved: int = 0  # open assignments whose due date changed


def sync(
    employees: Iterable[Employee],
    rules: Iterable[AssignmentRule],
    open_assignments: Iterable[Assignment],
    *,
    only_rules: frozenset[int] | None = None,
) -> SyncResult:
    """Make the open assignments of ``employees`` match ``rules`` (all standing rules that may
    cover them; with ``only_rules``, only those rules' assignments are touched)."""
    on = today()
    result = SyncResult()
    rule_list = [r for r in rules if only_rules is None or r.id in only_rules]
    by_person: dict[int, list[Assignment]] = {}
    for assignment in open_assignments:
        if only_rules is None or assignment.rule_id in only_rules:
            by_person.setdefault(assignment.employee_id, []).append(assignment)
    for employee in employees:
        person = person_of(employee)
        covering = {rule.id: rule for rule in rule_list if covers(rule, person)}
        held = by_person.get(employee.id, []) if employee.id is not None else []
        for assignment in held:
            rule = covering.pop(assignment.rule_id, None)
            if rule is None:
                assignment.closed_on = on
                assignment.closed_reason = NOT_REQUIRED
                result.closed += 1
                continue
            due = rule_due(rule, person)
            if assignment.due_on != due:
                assignment.due_on = due
                result.moved += 1
        for rule in covering.values():
            db.session.add(
                Assignment(
                    employee=employee,
                    rule_id=rule.id,
                    course_id=rule.course_id,
                    due_on=rule_due(rule, person),
                    opened_on=on,
                )
            )
            result.opened += 1
    return result


def standing_rules(role_ids: Iterable[int | None] | None = None) -> list[AssignmentRule]:
    """The rules not deleted (of these roles), with their departments (one or two queries)."""
    stmt = select(AssignmentRule).where(AssignmentRule.ended_on.is_(None))
    if role_ids is not None:
        ids = sorted({r for r in role_ids if r is not None})
        if not ids:
            return []
        stmt = stmt.where(AssignmentRule.job_role_id.in_(ids))
    return list(db.session.scalars(stmt.order_by(AssignmentRule.id)))


def open_assignments_of(employee_ids: Iterable[int]) -> list[Assignment]:
    ids = sorted(set(employee_ids))
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.employee_id.in_(ids), Assignment.closed_on.is_(None)
            )
        )
    )


# ----------------------------------------------------------------------------- a rule's save


def _due_of_people(rule: AssignmentRule) -> Any:
    """The rule's due date as a SQL expression over ``employees`` (``rule_due`` in SQL): the
    fixed date, or N days after the later of hire_date and role_since."""
    if rule.due_on is not None:
        return literal(rule.due_on, Date)
    days = DEFAULT_DUE_DAYS if rule.due_days is None else int(rule.due_days)
    start = func.coalesce(Employee.role_since, Employee.hire_date)
    if db.session.get_bind().dialect.name == "sqlite":
        later = func.max(Employee.hire_date, start)
        return type_coerce(func.date(later, f"+{days} days"), Date)
    return type_coerce(func.greatest(Employee.hire_date, start) + cast(days, Integer), Date)


def _covered(rule: AssignmentRule) -> Any:
    """Who the standing ``rule`` covers (``covers`` in SQL), as a WHERE clause on employees."""
    if rule.ended_on is not None:
        return false()
    clause = (Employee.job_role_id == rule.job_role_id) & (Employee.status != "terminated")
    if rule.department_ids:
        clause &= Employee.department_id.in_(sorted(rule.department_ids))
    return clause


def _ids(stmt: Any) -> list[int]:
    return list(db.session.connection().execute(stmt).scalars())


def sync_rule(rule: AssignmentRule) -> SyncResult:
    """Open, close and move the assignments of one saved ``rule`` with set-based statements
    (issue 21: a rule of 10,000 people): INSERT ... SELECT the people it newly covers, UPDATE
    to close (as not required) those it no longer covers, UPDATE the due dates that follow a
    changed rule. Each statement writes one audit row naming the rule and the people."""
    session = db.session()
    session.flush()
    on, at = today(), now()
    covered = _covered(rule)
    due = _due_of_people(rule)
    held = (Assignment.rule_id == rule.id) & Assignment.closed_on.is_(None)
    covered_ids = select(Employee.id).where(covered)
    closing = _ids(
        select(Assignment.employee_id)
        .where(held, Assignment.employee_id.not_in(covered_ids))
        .order_by(Assignment.employee_id)
    )
    if closing:
        session.connection().execute(
            update(Assignment.__table__)
            .where(held, Assignment.employee_id.not_in(covered_ids))
            .values(closed_on=on, closed_reason=NOT_REQUIRED, updated_at=at)
        )
        _audit(rule, "update", {"closed_on": None}, {"closed_on": on, "employees": closing})
    due_now = select(due).where(Employee.id == Assignment.employee_id).scalar_subquery()
    moving = held & Assignment.employee_id.in_(covered_ids) & (Assignment.due_on != due_now)
    moved = _ids(select(Assignment.employee_id).where(moving).order_by(Assignment.employee_id))
    if moved:
        session.connection().execute(
            update(Assignment.__table__).where(moving).values(due_on=due_now, updated_at=at)
        )
        _audit(rule, "update", None, {"due_on": "moved with the rule", "employees": moved})
    holds = select(Assignment.id).where(held, Assignment.employee_id == Employee.id).exists()
    newly = select(Employee.id).where(covered, ~holds)
    opening = _ids(newly.order_by(Employee.id))
    if opening:
        columns = ("employee_id", "rule_id", "course_id", "due_on", "opened_on")
        source = select(
            Employee.id,
            literal(rule.id, Integer),
            literal(rule.course_id, Integer),
            due,
            literal(on, Date),
            literal(at, DateTime(timezone=True)),
            literal(at, DateTime(timezone=True)),
        ).where(covered, ~holds)
        session.connection().execute(
            insert(Assignment.__table__).from_select([*columns, "created_at", "updated_at"], source)
        )
        _audit(
            rule,
            "insert",
            None,
            {"course_id": rule.course_id, "opened_on": on, "employees": opening},
        )
    for obj in [o for o in session.identity_map.values() if isinstance(o, Assignment)]:
        session.expire(obj)
    compliance_lines.note_assignments_changed(session, [*closing, *moved, *opening])
    return SyncResult(opened=len(opening), closed=len(closing), moved=len(moved))


def _audit(rule: AssignmentRule, action: str, before: Any, after: dict[str, Any]) -> None:
    """One audit row for a set-based change of a rule's assignments (who, when, which rule,
    which people)."""
    record_change(
        db.session(),
        "assignments",
        f"rule {rule.id}",
        action,
        before,
        {"rule_id": rule.id, **after},
    )


# ----------------------------------------------------------------------------- the listener


def _moved(employee: Employee) -> bool:
    state = inspect(employee)
    if state.pending:
        return True
    return any(state.attrs[key].history.has_changes() for key in WATCHED)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    """Sync the assignments of every employee this flush moves (same transaction)."""
    moved = [
        obj
        for obj in list(session.new) + list(session.dirty)
        if isinstance(obj, Employee) and _moved(obj)
    ]
    if not moved:
        return
    with session.no_autoflush:
        held = open_assignments_of(e.id for e in moved if e.id is not None)
        rules = standing_rules(person_of(e).job_role_id for e in moved)
        if rules or held:
            sync(moved, rules, held)


def install() -> None:
    """Attach the listener once per process, and those keeping the stored compliance lines of
    people whose assignments change."""
    on_session(before_flush=_before_flush)
    compliance_lines.install()
