"""People: add a person, edit a profile, move or promote them (docs/RULES.md "Profile and
reporting line"). A termination is recorded by the tuition service's ``record_termination``."""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from app import policy
from app.extensions import db
from app.kernel.fields import blank
from app.models import Department, Employee, JobRole, RoleHistory, User
from app.services.records.common import (
    RecordFields,
    check_version,
    refuse_own,
    require_hr,
    unit_of_work,
)
from app.services.shapes import attributes

EDITABLE_STATUSES = ("active", "on_leave")
JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
EMPLOYEE_FIELDS = (
    "employee_no",
    "name",
    "email",
    "hire_date",
    "role",
    "role_since",
    "manager_id",
    "department",
    "jurisdiction",
    "status",
)
UNSET: Any = object()  # a field whose value was refused and is not kept for the cross checks

# Four eyes: a move or promotion of oneself (docs/RULES.md "Four eyes").
SELF_DEALING_KEYS = ("role", "role_since")


@dataclass
class ProfileChange:
    """What an employee create or update changed: field -> (before, after)."""

    employee: Employee
    created: bool
    changes: dict[str, tuple[Any, Any]]


# --------------------------------------------------------------------------- lookups


class Lookups:
    """How the profile checks find people, sign-ins and catalogue entries: a SELECT each, as a
    page's edit does. The CSV import checks a whole file with answers it loaded at once
    (``csv_io.employees``), through ``looking_up_with``: the same rules, no statement per row."""

    def employee_by_number(self, number: str) -> Employee | None:
        return db.session.scalar(
            select(Employee).where(func.upper(Employee.employee_no) == number.upper())
        )

    def employee_by_email(self, email: str) -> Employee | None:
        return db.session.scalar(select(Employee).where(func.lower(Employee.email) == email))

    def user_by_email(self, email: str) -> User | None:
        return db.session.scalar(select(User).where(func.lower(User.email) == email))

    def employee(self, employee_id: int) -> Employee | None:
        return db.session.get(Employee, employee_id)

    def reports_below(self, employee: Employee, manager: Employee) -> bool:
        """Whether ``manager`` is somewhere below ``employee`` in the reporting tree."""
        return manager.id in set(db.session.scalars(policy.subtree_query(employee.id)))

    def role(self, fields: RecordFields, value: Any, allow_retired: bool) -> Any:
        return fields.entry("role", JobRole, value, "job role", allow_retired=allow_retired)

    def department(self, text: str) -> Department | None:
        return db.session.scalar(
            select(Department).where(
                or_(func.upper(Department.code) == text.upper(), Department.name == text)
            )
        )

    def previous_role_start(self, employee: Employee) -> date | None:
        return _previous_role_start(employee)


_DIRECT = Lookups()
_LOOKUPS: contextvars.ContextVar[Lookups | None] = contextvars.ContextVar(
    "profile_lookups", default=None
)


def _lookups() -> Lookups:
    return _LOOKUPS.get() or _DIRECT


@contextlib.contextmanager
def looking_up_with(lookups: Lookups) -> Iterator[None]:
    token = _LOOKUPS.set(lookups)
    try:
        yield
    finally:
        _LOOKUPS.reset(token)


# --------------------------------------------------------------------------- one field each

FieldParser = Callable[[Any, Employee | None, RecordFields], Any]


def _employee_no(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    number = fields.text("employee_no", value, "employee number", max_length=40)
    if number is None:
        return UNSET
    clash = _lookups().employee_by_number(number)
    if clash is not None and clash is not employee:
        fields.duplicate("employee_no", f"Employee number {number} belongs to {clash.name}.")
    return number


def _name(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    return fields.text("name", value, "name", max_length=200)


def _email(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    """A real address, not yet another person's email or sign-in."""
    email = fields.email("email", value)
    if email is None:
        return UNSET
    clash = _lookups().employee_by_email(email)
    if clash is not None and clash is not employee:
        fields.duplicate("email", f"{email} is already the email of {clash.name}.")
    user = _lookups().user_by_email(email)
    if user is not None and (employee is None or user.employee_id != employee.id):
        fields.duplicate("email", f"{email} is already another person's sign-in.")
    return email


def _hire_date(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    return fields.day("hire_date", value, "hire date", not_future=False)


def _role(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    """A current job role; the person's own role still counts once it is retired."""
    if blank(value):
        if employee is not None and employee.job_role_id is not None:
            fields.add("role", "A job role cannot be removed; move the person to another role.")
        return None
    current = employee.job_role.code if employee and employee.job_role else None
    same = current is not None and str(value).strip().upper() == current
    return _lookups().role(fields, value, same)


def _role_since(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    return fields.day(
        "role_since", value, "date they entered the role", required=False, not_future=False
    )


def _manager(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    """The new manager: an existing, current employee who is not the person or below them."""
    if blank(value):
        return None
    manager: Employee | None = None
    if isinstance(value, Employee):
        manager = value
    else:
        try:
            manager = _lookups().employee(int(value))
        except (TypeError, ValueError):
            manager = None
    if manager is None:
        fields.add("manager_id", "There is no such employee to be the manager.")
        return None
    if manager.status == "terminated":
        fields.add("manager_id", f"{manager.name} has left and cannot be a manager.")
        return None
    if employee is None or employee.id is None:
        return manager
    if manager.id == employee.id:
        fields.add("manager_id", "Nobody can be their own manager.")
        return None
    if _lookups().reports_below(employee, manager):
        fields.add(
            "manager_id",
            f"{manager.name} reports to {employee.name}: that would make a reporting loop.",
        )
        return None
    return manager


def _department(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    if blank(value):
        return None
    text = str(value).strip()
    row = _lookups().department(text)
    if row is None:
        fields.add("department", f"There is no department {text!r}.")
    return row


def _jurisdiction(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    text = fields.text("jurisdiction", value, "jurisdiction", max_length=20, required=False)
    if text is None:
        return None
    text = text.upper()
    if not JURISDICTION.match(text):
        fields.add("jurisdiction", f"{text!r} is not a jurisdiction code like US-CA or GB.")
    return text


def _status(value: Any, employee: Employee | None, fields: RecordFields) -> Any:
    """active or on_leave; a termination has its own page (it settles tuition repayments)."""
    status = "active" if blank(value) and employee is None else value
    if status == "terminated" and employee is not None and employee.status == "terminated":
        return "terminated"
    if status == "terminated":
        fields.add(
            "status",
            "Record a termination on the termination page: it needs the date, the "
            "reason and the repayments owed.",
        )
    elif status not in EDITABLE_STATUSES:
        fields.add("status", "The status must be active or on_leave.")
    elif employee is not None and employee.status == "terminated":
        fields.add("status", f"{employee.name} has left; their status cannot change here.")
    else:
        return status
    return UNSET


FIELD_PARSERS: dict[str, FieldParser] = {
    "employee_no": _employee_no,
    "name": _name,
    "email": _email,
    "hire_date": _hire_date,
    "role": _role,
    "role_since": _role_since,
    "manager_id": _manager,
    "department": _department,
    "jurisdiction": _jurisdiction,
    "status": _status,
}


# --------------------------------------------------------------------------- the role's dates


def _previous_role_start(employee: Employee) -> date | None:
    return db.session.scalar(
        select(func.max(RoleHistory.started_on)).where(
            RoleHistory.employee_id == employee.id, RoleHistory.ended_on.is_not(None)
        )
    )


def _check_role_dates(
    values: dict[str, Any], employee: Employee | None, fields: RecordFields
) -> None:
    """The role and its start date go together, after the hire date."""
    hire = values.get("hire_date", employee.hire_date if employee else None)
    role = values.get("role", employee.job_role if employee else None)
    since = values.get("role_since")
    if employee is None and since is None and role is not None and "role_since" not in fields:
        since = hire  # a new person enters their role when they are hired
    role_changes = "role" in values and (
        employee is None or (role.id if role else None) != employee.job_role_id
    )
    if role is not None and role_changes and since is None and "role_since" not in fields:
        fields.add("role_since", "Enter the date they entered the new role.")
    effective = since if since is not None else (employee.role_since if employee else None)
    if (
        role is not None
        and effective is not None
        and hire is not None
        and effective < hire
        and "role_since" not in fields
    ):
        fields.add(
            "role_since",
            f"The role cannot start ({effective.isoformat()}) before the hire date "
            f"({hire.isoformat()}).",
        )
    if role is None and since is not None and "role" not in fields:
        fields.add("role_since", "Choose a job role for this date, or leave the date empty.")
    if employee is not None and since is not None:
        _check_move_dates(employee, role_changes, since, fields)


def _check_move_dates(
    employee: Employee, role_changes: bool, since: date, fields: RecordFields
) -> None:
    """A new role starts after the current one began; a corrected start stays after the
    previous role's."""
    if (
        role_changes
        and employee.role_since
        and since <= employee.role_since
        and "role_since" not in fields
    ):
        fields.add(
            "role_since",
            f"The new role must start after the current one began "
            f"({employee.role_since.isoformat()}); to correct the current role's start, "
            "keep the role and change only the date.",
        )
    if not role_changes and employee.job_role_id:
        previous = _lookups().previous_role_start(employee)
        if previous is not None and since <= previous and "role_since" not in fields:
            fields.add(
                "role_since",
                f"The current role cannot start before the previous one did "
                f"({previous.isoformat()}).",
            )


def validate_profile(
    data: Mapping[str, Any], employee: Employee | None
) -> tuple[dict[str, Any], RecordFields]:
    """Parse the profile fields present in ``data`` (all required ones for a new employee)."""
    fields = RecordFields()
    for key in sorted(set(data) - set(EMPLOYEE_FIELDS) - {"move_note"}):
        fields.add(key, f"{key!r} is not a field of an employee.")
    given = [key for key in EMPLOYEE_FIELDS if employee is None or key in data]
    values: dict[str, Any] = {}
    for key in given:
        value = FIELD_PARSERS[key](data.get(key), employee, fields)
        if value is not UNSET:
            values[key] = value
    if "move_note" in data:
        values["move_note"] = fields.text(
            "note", data.get("move_note"), "note", max_length=200, required=False
        )
    _check_role_dates(values, employee, fields)
    return values, fields


# --------------------------------------------------------------------------- moves


def _apply_role(employee: Employee, role: JobRole, since: date, note: str | None) -> None:
    """Move or promote: close the open history row and open one for the new role.

    docs/RULES.md "Profile and reporting line": moves and promotions keep a history;
    role_since changes, and the old role is kept.
    """
    open_rows = list(
        db.session.scalars(
            select(RoleHistory).where(
                RoleHistory.employee_id == employee.id, RoleHistory.ended_on.is_(None)
            )
        )
    )
    if employee.job_role_id is not None and not open_rows and employee.role_since is not None:
        # Legacy data without a history row: keep the old role before moving on.
        db.session.add(
            RoleHistory(
                employee_id=employee.id,
                job_role_id=employee.job_role_id,
                started_on=employee.role_since,
                ended_on=since,
            )
        )
    for row in open_rows:
        row.ended_on = max(since, row.started_on)
    old_level = employee.job_role.level if employee.job_role else None
    if note is None and old_level is not None:
        note = (
            "Promoted"
            if role.level > old_level
            else "Moved to a lower level"
            if role.level < old_level
            else "Moved"
        )
    db.session.add(
        RoleHistory(employee_id=employee.id, job_role_id=role.id, started_on=since, note=note)
    )
    employee.job_role_id = role.id
    employee.job_role = role
    employee.role_since = since


def _correct_role_start(employee: Employee, since: date) -> None:
    """Same role, corrected start date: the open history row (and the one it ended) follow."""
    old = employee.role_since
    for row in db.session.scalars(
        select(RoleHistory).where(RoleHistory.employee_id == employee.id)
    ):
        if row.ended_on is None:
            row.started_on = since
        elif old is not None and row.ended_on == old:
            row.ended_on = since
    employee.role_since = since


# --------------------------------------------------------------------------- use cases


@unit_of_work
def create_employee(data: Mapping[str, Any], *, actor: User | None) -> Employee:
    """HR adds a person: ``{employee_no, name, email, hire_date, role?, role_since?,
    manager_id?, department?, jurisdiction?, status?}``."""
    return _create_employee(data, actor=actor).employee


def new_employee(values: Mapping[str, Any]) -> Employee:
    """A person built from checked profile values, not yet in the session (its role is set by
    the caller, which also keeps the role's history)."""
    return Employee(
        employee_no=values["employee_no"],
        name=values["name"],
        email=values["email"],
        hire_date=values["hire_date"],
        manager_id=values["manager_id"].id if values.get("manager_id") else None,
        department_id=values["department"].id if values.get("department") else None,
        jurisdiction=values.get("jurisdiction"),
        status=values.get("status") or "active",
    )


def _create_employee(data: Mapping[str, Any], *, actor: User | None) -> ProfileChange:
    require_hr(actor, "add people")
    values, fields = validate_profile(data, None)
    fields.raise_if_any()
    employee = new_employee(values)
    db.session.add(employee)
    db.session.flush()
    if values.get("role") is not None:
        since = values.get("role_since") or values["hire_date"]
        employee.job_role_id = values["role"].id
        employee.role_since = since
        db.session.add(
            RoleHistory(employee_id=employee.id, job_role_id=values["role"].id, started_on=since)
        )
    return ProfileChange(employee, True, {})


@unit_of_work
def update_employee(
    employee: Employee,
    changes: Mapping[str, Any],
    *,
    actor: User | None,
    expected_version: int | str | None = None,
) -> ProfileChange:
    """HR edits a profile (only the keys given change). A new ``role`` with ``role_since``
    is a move or promotion that keeps the old role in the history; the status can be active or
    on_leave (a termination is recorded by the tuition service's ``record_termination``).
    ``expected_version``: the version the editor saw; a newer one refuses the save."""
    require_hr(actor, "edit profiles")
    check_version(employee, expected_version)
    return _update_employee(employee, changes, actor=actor)


def _profile(employee: Employee) -> dict[str, Any]:
    """The profile as the change report compares it: catalogue entries and people by code."""
    return {
        **attributes(employee, "employee_no", "name", "email", "hire_date"),
        "role": employee.job_role.code if employee.job_role else None,
        "role_since": employee.role_since,
        "manager_id": employee.manager.employee_no if employee.manager else None,
        "department": employee.department.code if employee.department else None,
        "jurisdiction": employee.jurisdiction,
        "status": employee.status,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Employee):
        return value.employee_no
    return value


def _update_employee(
    employee: Employee, changes: Mapping[str, Any], *, actor: User | None
) -> ProfileChange:
    require_hr(actor, "edit profiles")
    if any(key in changes for key in SELF_DEALING_KEYS):
        refuse_own(actor, employee.id, "change the job role")
    values, fields = validate_profile(changes, employee)
    fields.raise_if_any()
    before = _profile(employee)
    apply_profile(employee, values)
    after = _profile(employee)
    diff = {
        key: (_plain(before[key]), _plain(after[key]))
        for key in before
        if _plain(before[key]) != _plain(after[key])
    }
    return ProfileChange(employee, False, diff)


def apply_profile(employee: Employee, values: dict[str, Any]) -> None:
    """Write validated values; the sign-in's email follows the person's."""
    for key in ("employee_no", "name", "hire_date", "jurisdiction", "status"):
        if key in values and values[key] != getattr(employee, key):
            setattr(employee, key, values[key])
    if "email" in values and values["email"] != employee.email:
        old_email = employee.email
        employee.email = values["email"]
        user = db.session.scalar(select(User).where(User.employee_id == employee.id))
        if user is not None and user.email == old_email:
            user.email = values["email"]
    if "manager_id" in values:
        manager = values["manager_id"]
        employee.manager_id = manager.id if manager else None
        employee.manager = manager
    if "department" in values:
        department = values["department"]
        employee.department_id = department.id if department else None
        employee.department = department
    role = values.get("role")
    since = values.get("role_since")
    if role is not None and role.id != employee.job_role_id:
        assert since is not None  # validated: a new role needs its start date
        _apply_role(employee, role, since, values.get("move_note"))
    elif since is not None and employee.job_role_id is not None and since != employee.role_since:
        _correct_role_start(employee, since)


def find_employee(reference: Any) -> Employee | None:
    """An employee by employee number or email (as CSV files and scripts refer to people)."""
    if blank(reference):
        return None
    text = str(reference).strip()
    return db.session.scalar(
        select(Employee)
        # with the role and department its profile changes are compared with (a CSV row each)
        .options(*policy.PERSON)
        .where(
            or_(
                func.upper(Employee.employee_no) == text.upper(),
                func.lower(Employee.email) == text.lower(),
            )
        )
    )
