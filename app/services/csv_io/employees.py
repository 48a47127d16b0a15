"""The employees import, checked and applied in bulk (SECURITY.md finding 7).

The rows are checked by the profile's own rules (``records.profile``: the same parsers and
cross checks as a page's edit) against answers loaded for the whole file at once: the people,
sign-ins, roles, departments, reporting tree and role histories the file can touch, a few
SELECTs whatever its length. A dry run stops there: it only reads, so it never takes SQLite's
write lock and leaves no trace. Applying then writes the file in two flushes (the new people,
then role histories, changes and reporting lines), which the ORM sends as batched INSERTs and
the audit as one INSERT per flush.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, event, func, select
from sqlalchemy.orm import Mapper, object_session

from app import policy
from app.extensions import db
from app.kernel.fields import blank
from app.models import Department, Employee, JobRole, RoleHistory, User
from app.services.csv_io import changes
from app.services.csv_io.reading import RowRefused
from app.services.records import profile
from app.services.records.common import RecordFields, refuse_own

CHUNK = 500  # values per IN (...): well inside every database's limit on bound parameters
MANAGER_LABEL = "Manager (number or email)"


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class FileLookups(profile.Lookups):
    """Everything the profile checks ask about, for one file, loaded up front. People the file
    adds are known too (``add``), so a later row sees an earlier one's number and email."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        numbers = {v["employee_no"].strip().upper() for v in rows if v.get("employee_no")}
        emails = {v["email"].strip().lower() for v in rows if v.get("email")}
        refs = {v["manager"].strip() for v in rows if v.get("manager")}
        self.by_number: dict[str, Employee] = {}
        self.by_email: dict[str, Employee] = {}
        wanted_numbers = numbers | {r.upper() for r in refs}
        wanted_emails = emails | {r.lower() for r in refs}
        for part in _chunks(wanted_numbers):
            self._load(func.upper(Employee.employee_no).in_(part))
        for part in _chunks(wanted_emails):
            self._load(func.lower(Employee.email).in_(part))
        self.users: dict[str, User] = {}
        for part in _chunks(emails):
            for user in db.session.scalars(select(User).where(func.lower(User.email).in_(part))):
                self.users[user.email.lower()] = user
        self.roles = {r.code.upper(): r for r in db.session.scalars(select(JobRole))}
        departments = list(db.session.scalars(select(Department)))
        self.departments = {d.code.upper(): d for d in departments}
        self.department_names = {d.name: d for d in departments}
        # the reporting tree: person -> manager, with the file's changes laid over it
        self.parent: dict[Any, Any] = {
            person: manager
            for person, manager in db.session.execute(select(Employee.id, Employee.manager_id))
        }
        loaded = [e.id for e in self.by_number.values()]
        self.previous: dict[int, date] = {}
        for start in range(0, len(loaded), CHUNK):
            ids = loaded[start : start + CHUNK]
            query = (
                select(RoleHistory.employee_id, func.max(RoleHistory.started_on))
                .where(RoleHistory.employee_id.in_(ids), RoleHistory.ended_on.is_not(None))
                .group_by(RoleHistory.employee_id)
            )
            self.previous.update({person: day for person, day in db.session.execute(query)})

    def _load(self, condition: Any) -> None:
        for employee in db.session.scalars(
            select(Employee).options(*policy.PERSON).where(condition)
        ).unique():
            self.by_number[employee.employee_no.upper()] = employee
            self.by_email[employee.email.lower()] = employee

    def add(self, employee: Employee) -> None:
        self.by_number.setdefault(employee.employee_no.upper(), employee)
        self.by_email.setdefault(employee.email.lower(), employee)

    def find(self, reference: str) -> Employee | None:
        text = reference.strip()
        return self.by_number.get(text.upper()) or self.by_email.get(text.lower())

    # -------------------------------------------------- what the profile checks ask

    def employee_by_number(self, number: str) -> Employee | None:
        return self.by_number.get(number.upper())

    def employee_by_email(self, email: str) -> Employee | None:
        return self.by_email.get(email.lower())

    def user_by_email(self, email: str) -> User | None:
        return self.users.get(email.lower())

    def employee(self, employee_id: int) -> Employee | None:
        return db.session.get(Employee, employee_id)

    def reports_below(self, employee: Employee, manager: Employee) -> bool:
        target, at, seen = key(employee), key(manager), set()
        while at is not None and at not in seen:
            if at == target:
                return True
            seen.add(at)
            at = self.parent.get(at)
        return False

    def role(self, fields: RecordFields, value: Any, allow_retired: bool) -> Any:
        """``RecordFields.entry`` for job roles, answered from the loaded roles."""
        if blank(value):
            fields.add("role", "Choose the job role.")
            return None
        if not isinstance(value, str):
            fields.add("role", "Give the job role by its code.")
            return None
        row = self.roles.get(value.strip().upper())
        if row is None:
            fields.add("role", f"There is no job role with the code {value.strip()!r}.")
            return None
        if row.retired and not allow_retired:
            fields.add("role", f"The job role {row.code} is retired; new records cannot use it.")
            return None
        return row

    def department(self, text: str) -> Department | None:
        return self.departments.get(text.upper()) or self.department_names.get(text)

    def previous_role_start(self, employee: Employee) -> date | None:
        return self.previous.get(employee.id)


def key(employee: Employee) -> Any:
    """The person in the reporting tree: their id, or the object itself while it is new."""
    return employee.id if employee.id is not None else ("new", id(employee))


@dataclass
class Planned:
    """One row, checked: what it will do to whom."""

    employee: Employee
    created: bool
    values: dict[str, Any]
    changes: list[str] = field(default_factory=list)
    manager: Employee | None = None
    manager_changes: bool = False


def _compare(value: Any) -> Any:
    if isinstance(value, JobRole | Department):
        return value.code
    if isinstance(value, date):
        return value.isoformat()
    return value


def _before(employee: Employee, name: str) -> Any:
    if name == "role":
        return employee.job_role.code if employee.job_role else None
    if name == "department":
        return employee.department.code if employee.department else None
    return _compare(getattr(employee, name))


class Plan:
    """The whole file checked; ``apply()`` writes it."""

    def __init__(self, rows: list[dict[str, str]], actor: User | None) -> None:
        self.actor = actor
        self.lookups = FileLookups(rows)
        self.planned: dict[int, Planned] = {}  # by the row's position
        self.lines: dict[str, int] = {}

    def check_row(self, position: int, line: int, values: dict[str, str]) -> tuple[str, str]:
        """What the row does (create, update or unchanged) and the fields it changes; raises
        the profile's refusal."""
        number = values.get("employee_no", "").strip()
        seen = self.lines.get(number.upper()) if number else None
        if seen is not None:
            raise RowRefused(f"Employee number {number} is on line {seen} of this file already.")
        data = {k: v for k, v in values.items() if k != "manager" and v != ""}
        existing = self.lookups.employee_by_number(number) if number else None
        with profile.looking_up_with(self.lookups):
            if existing is None:
                checked, fields = profile.validate_profile(data, None)
                fields.raise_if_any()
                employee = profile.new_employee(checked)
                if checked.get("role") is not None:
                    employee.job_role_id = checked["role"].id
                    employee.role_since = checked.get("role_since") or checked["hire_date"]
                planned = Planned(employee, True, checked)
            else:
                if any(k in data for k in profile.SELF_DEALING_KEYS):
                    refuse_own(self.actor, existing.id, "change the job role")
                checked, fields = profile.validate_profile(data, existing)
                fields.raise_if_any()
                planned = Planned(existing, False, checked)
                planned.changes = sorted(
                    name
                    for name, value in checked.items()
                    if name != "move_note" and _before(existing, name) != _compare(value)
                )
        self.planned[position] = planned
        self.lines[number.upper()] = line
        if planned.created:
            self.lookups.add(planned.employee)
            return "create", ""
        return ("update", ", ".join(planned.changes)) if planned.changes else ("unchanged", "")

    def resolve_managers(self, rows: Mapping[int, dict[str, str]]) -> None:
        """Lay every row's new reporting line over the tree, before any is checked."""
        for position, values in rows.items():
            planned = self.planned.get(position)
            manager = self.lookups.find(values["manager"]) if planned else None
            if planned is None or manager is None:
                continue
            planned.manager = manager
            self.lookups.parent[key(planned.employee)] = key(manager)

    def check_manager(self, position: int, reference: str) -> bool:
        """The row's reporting line, checked as a profile edit checks it; whether it changes."""
        planned = self.planned[position]
        manager = planned.manager
        if manager is None:
            raise RowRefused(f"Manager: there is no employee {reference.strip()!r}.")
        employee = planned.employee
        fields = RecordFields()
        with profile.looking_up_with(self.lookups):
            checked = profile.FIELD_PARSERS["manager_id"](manager, employee, fields)
            if checked is not None and employee.id is None:  # new: no checks of its own yet
                if manager is employee:
                    fields.add("manager_id", "Nobody can be their own manager.")
                elif self.lookups.reports_below(employee, manager):
                    fields.add(
                        "manager_id",
                        f"{manager.name} reports to {employee.name}: that would make a "
                        "reporting loop.",
                    )
        fields.raise_if_any()
        planned.manager_changes = planned.created or employee.manager_id != manager.id
        return planned.manager_changes

    def apply(self) -> None:
        """Write the checked file: the new people (with their ids, roles and managers) in one
        flush, managers first; then their role histories and the changes of people on file."""
        db.session.info[_IDS_KEY] = {}
        try:
            created = _managers_first([p for p in self.planned.values() if p.created])
            for planned, new_id in zip(
                created, next_ids(Employee.__table__, len(created)), strict=True
            ):
                planned.employee.id = new_id
                planned.employee.facts_version = 0  # given: nothing left to read back
            for planned in created:
                if planned.manager is not None:
                    planned.employee.manager_id = planned.manager.id
            db.session.add_all([p.employee for p in created])
            db.session.flush()
            _first_histories([p.employee for p in created])
            in_bulk = []
            for planned in self.planned.values():
                if planned.created:
                    continue
                manager = planned.manager if planned.manager_changes else None
                columns = changes.row_changes(
                    planned.employee, planned.values, planned.changes, manager
                )
                if columns is not None:
                    in_bulk.append((planned.employee, columns))
                    continue
                if planned.changes:
                    profile.apply_profile(planned.employee, planned.values)
                if manager is not None:
                    planned.employee.manager_id = manager.id
            changes.write(in_bulk)
            db.session.flush()
        finally:
            db.session.info.pop(_IDS_KEY, None)


def _first_histories(people: list[Employee]) -> None:
    """The new people's role histories: the role they start in, from their role start."""
    placed = [e for e in people if e.job_role_id is not None]
    ids = next_ids(RoleHistory.__table__, len(placed))
    changes.insert_audited(
        RoleHistory,
        [
            {
                "id": history_id,
                "employee_id": employee.id,
                "job_role_id": employee.job_role_id,
                "started_on": employee.role_since,
                "ended_on": None,
                "note": None,
            }
            for history_id, employee in zip(ids, placed, strict=True)
        ],
    )


def _managers_first(created: list[Planned]) -> list[Planned]:
    """New people ordered so that a new manager is inserted before the people reporting to
    them (the reporting line is a foreign key, checked row by row). Iterative: a file may hold
    a reporting chain thousands of people long."""
    new = {id(p.employee): p for p in created}
    ordered: list[Planned] = []
    placed: set[int] = set()
    for planned in created:
        chain: list[Planned] = []
        at: Planned | None = planned
        while at is not None and id(at.employee) not in placed:
            placed.add(id(at.employee))
            chain.append(at)
            manager = at.manager
            at = new.get(id(manager)) if manager is not None else None
        ordered.extend(reversed(chain))
    return ordered


# ------------------------------------------------------- ids given before the INSERTs

# While a file is applied, new rows get their ids before the flush: SQLite cannot match the ids
# of a batched INSERT ... RETURNING to its rows, so SQLAlchemy would otherwise insert one row
# per statement. Under the import's write lock (BEGIN IMMEDIATE) the next ids are the table's
# highest plus one; PostgreSQL hands them out from the table's sequence.
_IDS_KEY = "echelon_bulk_import_ids"


def next_ids(table: Table, count: int) -> list[int]:
    if count <= 0:
        return []
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        sequence = func.nextval(func.pg_get_serial_sequence(table.name, "id"))
        query = select(sequence).select_from(func.generate_series(1, count))
        return list(connection.scalars(query))
    counters: dict[str, int] = db.session.info.setdefault(_IDS_KEY, {})
    start = counters.get(table.name)
    if start is None:
        start = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
    counters[table.name] = start + count
    return list(range(start, start + count))


def _give_id(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    """Rows the import's flushes add (role histories, assignments): an id from ``next_ids``."""
    session = object_session(target)
    if session is None or _IDS_KEY not in session.info or connection.dialect.name != "sqlite":
        return
    table = mapper.local_table
    if isinstance(table, Table) and "id" in table.c and getattr(target, "id", 0) is None:
        counters: dict[str, int] = session.info[_IDS_KEY]
        given = counters.get(table.name)
        if given is None:  # the table's first: its highest id, read once
            target.id = next_ids(table, 1)[0]
        else:
            counters[table.name] = given + 1
            target.id = given


if not event.contains(Mapper, "before_insert", _give_id):
    event.listen(Mapper, "before_insert", _give_id)
