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

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.clock import today
from app.extensions import db, on_session
from app.models import Assignment, AssignmentRule, Employee
from app.readiness.assignments import due_date

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
    """Attach the listener once per process."""
    on_session(before_flush=_before_flush)
