"""Changes to people on file, written in bulk (SECURITY.md finding 7).

A change that only sets columns of the person's own row (name, number, hire date, status,
jurisdiction, department, reporting line) is written by one executemany UPDATE by primary key
per set of changed columns, not one UPDATE per person. What the session's flush would have done
for those rows is done here, once for the whole file:

- the optimistic lock: each row is updated only at the version that was checked, and the
  version is raised (a row changed meanwhile fails the whole import);
- the audit: one ``update`` entry per person with the changed fields before and after, as
  ``app.audit`` writes them, in one INSERT (``audit.record_changes``);
- the assignments of the people whose role, department, status or dates moved
  (``assignments.sync``, as its flush listener would);
- stored readiness goes stale for exactly these people (``staleness.note_people_changed``).

A change of role, role start or email (role histories, the sign-in's email) goes through the
profile's own ``apply_profile`` and the session's flush instead.

``insert_audited`` adds rows that no listener needs to see (the new people's first role
histories) the same way: one executemany INSERT, and their audit entries in one more.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.clock import now
from app.extensions import db
from app.models import Department, Employee
from app.services.assignments import sync
from app.services.readiness.staleness import note_people_changed

OWN_COLUMNS = ("employee_no", "name", "hire_date", "jurisdiction", "status")
"""Profile values written as they are to a column of the person's row."""
THROUGH_PROFILE = frozenset({"role", "role_since", "email", "manager_id"})
"""Changes with more to them than the row (histories, the sign-in): ``apply_profile``."""


def row_changes(
    employee: Employee,
    values: dict[str, Any],
    changes: Iterable[str],
    manager: Employee | None,
) -> dict[str, Any] | None:
    """The columns of ``employee``'s row a checked change sets (those that differ), or None
    when it needs the profile's own writes."""
    changes = set(changes)
    if changes & THROUGH_PROFILE:
        return None
    columns: dict[str, Any] = {}
    if changes:
        for key in OWN_COLUMNS:
            if key in values and values[key] != getattr(employee, key):
                columns[key] = values[key]
        if "department" in values:
            department = values["department"]
            department_id = department.id if department else None
            if department_id != employee.department_id:
                columns["department_id"] = department_id
    if manager is not None and manager.id != employee.manager_id:
        columns["manager_id"] = manager.id
    return columns


def write(people: list[tuple[Employee, dict[str, Any]]]) -> None:
    """Write the changed rows (UPDATE by primary key, grouped by the columns they set), audit
    them, sync their assignments and make their stored readiness stale."""
    people = [(employee, columns) for employee, columns in people if columns]
    if not people:
        return
    session = db.session()
    at = now()
    _update(people, at)
    _audit(people)
    moved = []
    for employee, columns in people:
        _committed(employee, columns, at)
        if any(name in sync.WATCHED for name in columns):
            moved.append(employee)
    note_people_changed(session, [employee.id for employee, _ in people])
    if moved:
        with session.no_autoflush:
            held = sync.open_assignments_of(employee.id for employee in moved)
            rules = sync.standing_rules(sync.person_of(employee).job_role_id for employee in moved)
            if rules or held:
                sync.sync(moved, rules, held)


def _update(people: list[tuple[Employee, dict[str, Any]]], at: Any) -> None:
    table = Employee.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for employee, columns in people:
        names = tuple(sorted(columns))
        params = {f"new_{name}": value for name, value in columns.items()}
        params.update(key_id=employee.id, key_version=employee.version)
        groups.setdefault(names, []).append(params)
    for names, rows in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("key_id"), table.c.version == bindparam("key_version"))
            .values(
                {
                    **{name: bindparam(f"new_{name}") for name in names},
                    "version": table.c.version + 1,
                    "updated_at": at,
                }
            )
        )
        done = db.session.execute(statement, rows)
        if done.rowcount != len(rows):  # type: ignore[attr-defined]
            raise StaleDataError(
                f"{len(rows) - done.rowcount} of {len(rows)} people were changed meanwhile."  # type: ignore[attr-defined]
            )


def _audit(people: list[tuple[Employee, dict[str, Any]]]) -> None:
    """One entry per person, as ``app.audit`` records an update: the changed fields, before
    and after, in the model's column order."""
    order = [column.key for column in inspect(Employee).column_attrs]
    entries = []
    for employee, columns in people:
        names = [name for name in order if name in columns]
        before = {name: getattr(employee, name) for name in names}
        entries.append((employee.id, before, {name: columns[name] for name in names}))
    audit.record_changes(db.session(), Employee.__tablename__, "update", entries)


def insert_audited(model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` of ``model`` (each with its id) in one statement, and audit each as
    ``app.audit`` records an insert: every column, in the model's order."""
    if not rows:
        return
    table = model.__table__
    db.session.execute(insert(table), rows)
    excluded = set(getattr(model, "__audit_exclude__", ()))
    order = [c.key for c in inspect(model).column_attrs if c.key not in excluded]
    entries = [(row["id"], None, {name: row.get(name) for name in order}) for row in rows]
    audit.record_changes(db.session(), table.name, "insert", entries)


def _committed(employee: Employee, columns: dict[str, Any], at: Any) -> None:
    """The object as the row now is, without a change left for the flush to write again."""
    for name, value in columns.items():
        set_committed_value(employee, name, value)
    set_committed_value(employee, "version", employee.version + 1)
    set_committed_value(employee, "updated_at", at)
    if "department_id" in columns:
        department = columns["department_id"]
        set_committed_value(
            employee, "department", db.session.get(Department, department) if department else None
        )
    if "manager_id" in columns:  # the manager is loaded (or new): no query
        set_committed_value(employee, "manager", db.session.get(Employee, columns["manager_id"]))
