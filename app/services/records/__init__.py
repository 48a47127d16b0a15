"""Employee records: profile and reporting line, training, ratings, checks, assessments,
education and talent reviews (DOMAIN.md), written once here for the web pages, the JSON API,
the CSV import and the command line.

Every public function takes plain arguments (catalogue entries by their ``code``, dates as
``date`` or ``YYYY-MM-DD`` strings, money and scores as ``Decimal`` or strings) and the acting
``User`` (``actor=None`` means the system itself: the command line). It validates everything
first and raises a ``RecordError`` naming each bad field, so a rejected write changes nothing;
on success it commits once (one commit point per request), unless it runs inside ``batch()``,
where the caller owns the transaction (the CSV import applies a whole file at once).

Workflow transitions (verifying a reported completion, a background check's status, the
adverse-action notices) are conditional UPDATEs checked by their row count, so a double click or
two people acting at once apply them exactly once; their audit rows go through
``app.audit.record_change``. Everything else is audited by the session events.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ParamSpec, TypeVar

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, lazyload
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.audit import record_change
from app.clock import now, today
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentResponse,
    BackgroundCheck,
    CheckType,
    Competency,
    CompetencyRating,
    Completion,
    Course,
    Department,
    EducationRecord,
    Employee,
    Instrument,
    JobRole,
    QualificationType,
    RoleHistory,
    TalentReview,
    TuitionRequest,
    Upload,
    User,
)
from app.models.records import CHECK_STATUSES, RATER_GROUPS, RATING_SOURCES
from app.readiness.aggregate360 import Result360, aggregate_360, overall_of_scores
from app.readiness.dates import add_business_days, add_months
from app.services import settings

P = ParamSpec("P")
R = TypeVar("R")

# --------------------------------------------------------------------------- errors


class RecordError(ValueError):
    """A record could not be written; nothing was changed.

    ``errors`` maps each bad field (the API's field names) to messages saying what to fix.
    ``status`` is the HTTP status the JSON API answers with.
    """

    status = 422

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class RecordConflict(RecordError):
    """The change conflicts with the record's current state (a duplicate, an illegal move)."""

    status = 409


STALE_MESSAGE = (
    "This record was changed by someone else while you were editing. Reload to see their change."
)


class StaleRecord(RecordConflict):
    """The record changed since the editor read it (optimistic locking): nothing was saved."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


def _check_version(record: Any, expected_version: Any) -> None:
    """Refuse a save made from a page that showed an older version of ``record``.

    ``expected_version`` is the version the editor read (a hidden form field; optional in the
    API); None skips the comparison. Writers racing at the same moment are caught anyway by
    the models' version column (a conditional UPDATE ... WHERE version = ?)."""
    if expected_version is None or expected_version == "":
        return
    try:
        seen = int(str(expected_version).strip())
    except ValueError:
        message = "The version must be the whole number the record showed. Reload the page."
        raise RecordError(message, {"version": [message]}) from None
    if seen != record.version:
        raise StaleRecord()


class RecordForbidden(RecordError):
    """The acting user may not make this change."""

    status = 403


class Problems:
    """Collects field errors so a form or API call hears about every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            count = sum(len(v) for v in self.errors.values())
            message = first if count == 1 else f"{first} (and {count - 1} more problem(s))"
            raise RecordError(message, self.errors)


def _fail(field: str, message: str, kind: type[RecordError] = RecordError) -> RecordError:
    return kind(message, {field: [message]})


# --------------------------------------------------------------------------- unit of work

_batch: contextvars.ContextVar[bool] = contextvars.ContextVar("records_batch", default=False)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Run several use cases in the caller's transaction: they flush but do not commit."""
    token = _batch.set(True)
    try:
        yield
    finally:
        _batch.reset(token)


def in_batch() -> bool:
    return _batch.get()


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """One commit point: commit on success, roll back on any error (outside ``batch()``)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _batch.get():
            try:
                result = fn(*args, **kwargs)
                db.session.flush()
            except StaleDataError as error:
                raise StaleRecord() from error
            return result
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
        except StaleDataError as error:
            db.session.rollback()
            raise StaleRecord() from error
        except IntegrityError as error:
            db.session.rollback()
            raise RecordConflict(
                "The change conflicts with an existing record (a duplicate?). Nothing was saved."
            ) from error
        except Exception:
            db.session.rollback()
            raise
        return result

    return wrapper


# --------------------------------------------------------------------------- parsing

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

LABELS = {
    "employee_no": "employee number",
    "name": "name",
    "email": "email",
    "hire_date": "hire date",
    "role": "job role",
    "role_since": "date they entered the role",
    "manager_id": "manager",
    "department": "department",
    "jurisdiction": "jurisdiction",
    "status": "status",
    "course": "course",
    "completed_on": "completion date",
    "score": "score",
    "competency": "competency",
    "level": "level",
    "rated_on": "rating date",
    "source": "source",
    "evidence": "evidence",
    "type": "check type",
    "consent_signed_on": "consent signature date",
    "consent_form_version": "consent form version",
    "requested_on": "request date",
    "vendor": "vendor",
    "findings": "findings",
    "notice_on": "notice date",
    "instrument": "instrument",
    "conducted_on": "date conducted",
    "rater_group": "rater group",
    "qualification": "qualification",
    "institution": "institution",
    "period": "review period",
    "performance": "performance",
    "potential": "potential",
    "notes": "notes",
    "reason": "reason",
    "note": "note",
}


def _label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " "))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_date(
    value: Any,
    field: str,
    problems: Problems,
    *,
    required: bool = True,
    not_future: bool = True,
) -> date | None:
    """A date from a ``date`` or a ``YYYY-MM-DD`` string; records cannot be dated ahead."""
    label = _label(field)
    if _blank(value):
        if required:
            problems.add(field, f"Enter the {label}.")
        return None
    parsed: date | None = None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        problems.add(field, f"Enter the {label} as a real date like 2026-01-31 (YYYY-MM-DD).")
        return None
    if parsed.year < 1900:
        problems.add(field, f"The {label} {parsed.isoformat()} is too far in the past.")
        return None
    if not_future and parsed > today():
        problems.add(
            field, f"The {label} cannot be in the future (today is {today().isoformat()})."
        )
        return None
    return parsed


def parse_int(
    value: Any,
    field: str,
    problems: Problems,
    *,
    low: int,
    high: int,
    required: bool = True,
) -> int | None:
    label = _label(field)
    if _blank(value):
        if required:
            problems.add(field, f"Enter the {label}.")
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, Decimal | float):
        number = int(value) if math.isfinite(value) and value == int(value) else None
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        number = int(value)
    if number is None:
        problems.add(field, f"The {label} must be a whole number from {low} to {high}.")
        return None
    if not low <= number <= high:
        problems.add(field, f"The {label} must be from {low} to {high}; {number} is outside.")
        return None
    return number


def parse_decimal(
    value: Any,
    field: str,
    problems: Problems,
    *,
    low: Decimal,
    high: Decimal,
    required: bool = True,
) -> Decimal | None:
    label = _label(field)
    if _blank(value):
        if required:
            problems.add(field, f"Enter the {label}.")
        return None
    number: Decimal | None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        number = None
    if number is None:
        problems.add(field, f"The {label} must be a number from {low} to {high}.")
        return None
    if not low <= number <= high:
        problems.add(field, f"The {label} must be from {low} to {high}; {number} is outside.")
        return None
    return number


def parse_text(
    value: Any,
    field: str,
    problems: Problems,
    *,
    max_length: int,
    required: bool = True,
) -> str | None:
    label = _label(field)
    if _blank(value):
        if required:
            problems.add(field, f"Enter the {label}.")
        return None
    if not isinstance(value, str):
        value = str(value)
    text = value.strip()
    if len(text) > max_length:
        problems.add(field, f"The {label} is too long: keep it to {max_length} characters.")
        return None
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        problems.add(field, f"The {label} contains control characters; remove them.")
        return None
    return text


def _by_code(model: Any, code: Any, field: str, problems: Problems, *, allow_retired: bool = False):  # type: ignore[no-untyped-def]
    """Look up a catalogue entry by its code; unknown and retired codes are field errors."""
    label = _label(field)
    if _blank(code):
        problems.add(field, f"Choose the {label}.")
        return None
    if not isinstance(code, str):
        problems.add(field, f"Give the {label} by its code.")
        return None
    row = db.session.scalar(select(model).where(func.upper(model.code) == code.strip().upper()))
    if row is None:
        problems.add(field, f"There is no {label} with the code {code.strip()!r}.")
        return None
    if getattr(row, "retired", False) and not allow_retired:
        problems.add(field, f"The {label} {row.code} is retired; new records cannot use it.")
        return None
    return row


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def _is_hr(actor: User | None) -> bool:
    return actor is None or actor.has_role("hr")


def _require_hr(actor: User | None, doing: str) -> None:
    if not _is_hr(actor):
        raise RecordForbidden(f"Only HR can {doing}.")


def _quantize(value: float | Decimal, places: str = "0.001") -> Decimal:
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- people

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


def _clean_email(value: Any, problems: Problems) -> str | None:
    text = parse_text(value, "email", problems, max_length=254)
    if text is None:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        problems.add("email", f"{text!r} is not an email address like name@example.com.")
        return None


def _department(value: Any, problems: Problems) -> Department | None:
    if _blank(value):
        return None
    text = str(value).strip()
    row = db.session.scalar(
        select(Department).where(
            or_(func.upper(Department.code) == text.upper(), Department.name == text)
        )
    )
    if row is None:
        problems.add("department", f"There is no department {text!r}.")
    return row


def _manager(value: Any, employee: Employee | None, problems: Problems) -> Employee | None:
    """The new manager: an existing, current employee who is not the person or below them."""
    if _blank(value):
        return None
    manager: Employee | None = None
    if isinstance(value, Employee):
        manager = value
    else:
        try:
            manager = db.session.get(Employee, int(value))
        except (TypeError, ValueError):
            manager = None
    if manager is None:
        problems.add("manager_id", "There is no such employee to be the manager.")
        return None
    if manager.status == "terminated":
        problems.add("manager_id", f"{manager.name} has left and cannot be a manager.")
        return None
    if employee is not None and employee.id is not None:
        if manager.id == employee.id:
            problems.add("manager_id", "Nobody can be their own manager.")
            return None
        below = set(db.session.scalars(policy.subtree_query(employee.id)))
        if manager.id in below:
            problems.add(
                "manager_id",
                f"{manager.name} reports to {employee.name}: that would make a reporting loop.",
            )
            return None
    return manager


@dataclass
class ProfileChange:
    """What an employee create or update changed: field -> (before, after)."""

    employee: Employee
    created: bool
    changes: dict[str, tuple[Any, Any]]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Employee):
        return value.employee_no
    return value


def _validate_profile(
    data: Mapping[str, Any], employee: Employee | None
) -> tuple[dict[str, Any], Problems]:
    """Parse the profile fields present in ``data`` (all required ones for a new employee)."""
    problems = Problems()
    unknown = set(data) - set(EMPLOYEE_FIELDS) - {"move_note"}
    for key in sorted(unknown):
        problems.add(key, f"{key!r} is not a field of an employee.")
    creating = employee is None
    values: dict[str, Any] = {}

    def present(key: str) -> bool:
        return key in data if not creating else True

    if present("employee_no"):
        number = parse_text(data.get("employee_no"), "employee_no", problems, max_length=40)
        if number is not None:
            clash = db.session.scalar(
                select(Employee).where(func.upper(Employee.employee_no) == number.upper())
            )
            if clash is not None and clash is not employee:
                problems.add("employee_no", f"Employee number {number} belongs to {clash.name}.")
            values["employee_no"] = number
    if present("name"):
        values["name"] = parse_text(data.get("name"), "name", problems, max_length=200)
    if present("email"):
        email = _clean_email(data.get("email"), problems)
        if email is not None:
            clash = db.session.scalar(select(Employee).where(func.lower(Employee.email) == email))
            if clash is not None and clash is not employee:
                problems.add("email", f"{email} is already the email of {clash.name}.")
            user_clash = db.session.scalar(select(User).where(func.lower(User.email) == email))
            if user_clash is not None and (
                employee is None or user_clash.employee_id != employee.id
            ):
                problems.add("email", f"{email} is already another person's sign-in.")
            values["email"] = email
    if present("hire_date"):
        values["hire_date"] = parse_date(
            data.get("hire_date"), "hire_date", problems, not_future=False
        )
    if present("role"):
        if _blank(data.get("role")):
            if employee is not None and employee.job_role_id is not None:
                problems.add(
                    "role", "A job role cannot be removed; move the person to another role."
                )
            values["role"] = None
        else:
            current_code = employee.job_role.code if employee and employee.job_role else None
            same = current_code is not None and str(data["role"]).strip().upper() == current_code
            values["role"] = _by_code(
                JobRole, data.get("role"), "role", problems, allow_retired=same
            )
    if present("role_since"):
        values["role_since"] = parse_date(
            data.get("role_since"), "role_since", problems, required=False, not_future=False
        )
    if present("manager_id"):
        values["manager_id"] = _manager(data.get("manager_id"), employee, problems)
    if present("department"):
        values["department"] = _department(data.get("department"), problems)
    if present("jurisdiction"):
        text = parse_text(
            data.get("jurisdiction"), "jurisdiction", problems, max_length=20, required=False
        )
        if text is not None:
            text = text.upper()
            if not JURISDICTION.match(text):
                problems.add(
                    "jurisdiction", f"{text!r} is not a jurisdiction code like US-CA or GB."
                )
        values["jurisdiction"] = text
    if present("status"):
        status = data.get("status")
        if _blank(status) and creating:
            status = "active"
        if status == "terminated" and employee is not None and employee.status == "terminated":
            values["status"] = "terminated"
        elif status not in EDITABLE_STATUSES:
            if status == "terminated":
                problems.add(
                    "status",
                    "Record a termination on the termination page: it needs the date, the "
                    "reason and the repayments owed.",
                )
            else:
                problems.add("status", "The status must be active or on_leave.")
        elif employee is not None and employee.status == "terminated":
            problems.add("status", f"{employee.name} has left; their status cannot change here.")
        else:
            values["status"] = status
    if "move_note" in data:
        values["move_note"] = parse_text(
            data.get("move_note"), "note", problems, max_length=200, required=False
        )

    # Cross-field rules: the role and its start date go together, after the hire date.
    hire = values.get("hire_date", employee.hire_date if employee else None)
    role = values.get("role", employee.job_role if employee else None)
    since = values.get("role_since")
    if creating and since is None and role is not None and "role_since" not in problems.errors:
        since = hire  # a new person enters their role when they are hired
    role_changes = "role" in values and (
        employee is None or (role.id if role else None) != employee.job_role_id
    )
    if role is not None and role_changes and since is None and "role_since" not in problems.errors:
        problems.add("role_since", "Enter the date they entered the new role.")
    effective_since = since if since is not None else (employee.role_since if employee else None)
    if (
        role is not None
        and effective_since is not None
        and hire is not None
        and effective_since < hire
        and "role_since" not in problems.errors
    ):
        problems.add(
            "role_since",
            f"The role cannot start ({effective_since.isoformat()}) before the hire date "
            f"({hire.isoformat()}).",
        )
    if role is None and since is not None and "role" not in problems.errors:
        problems.add("role_since", "Choose a job role for this date, or leave the date empty.")
    if (
        employee is not None
        and role_changes
        and employee.role_since
        and since is not None
        and since <= employee.role_since
        and "role_since" not in problems.errors
    ):
        problems.add(
            "role_since",
            f"The new role must start after the current one began "
            f"({employee.role_since.isoformat()}); to correct the current role's start, "
            "keep the role and change only the date.",
        )
    if employee is not None and not role_changes and since is not None and employee.job_role_id:
        previous = db.session.scalar(
            select(func.max(RoleHistory.started_on)).where(
                RoleHistory.employee_id == employee.id, RoleHistory.ended_on.is_not(None)
            )
        )
        if previous is not None and since <= previous and "role_since" not in problems.errors:
            problems.add(
                "role_since",
                f"The current role cannot start before the previous one did "
                f"({previous.isoformat()}).",
            )
    return values, problems


def _apply_role(employee: Employee, role: JobRole, since: date, note: str | None) -> None:
    """Move or promote: close the open history row and open one for the new role.

    DOMAIN.md "Profile and reporting line": moves and promotions keep a history; role_since
    changes, and the old role is kept.
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


@use_case
def create_employee(data: Mapping[str, Any], *, actor: User | None) -> Employee:
    """HR adds a person: ``{employee_no, name, email, hire_date, role?, role_since?,
    manager_id?, department?, jurisdiction?, status?}``."""
    return _create_employee(data, actor=actor).employee


def _create_employee(data: Mapping[str, Any], *, actor: User | None) -> ProfileChange:
    _require_hr(actor, "add people")
    values, problems = _validate_profile(data, None)
    problems.raise_if_any()
    employee = Employee(
        employee_no=values["employee_no"],
        name=values["name"],
        email=values["email"],
        hire_date=values["hire_date"],
        manager_id=values["manager_id"].id if values.get("manager_id") else None,
        department_id=values["department"].id if values.get("department") else None,
        jurisdiction=values.get("jurisdiction"),
        status=values.get("status") or "active",
    )
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


@use_case
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
    _require_hr(actor, "edit profiles")
    _check_version(employee, expected_version)
    return _update_employee(employee, changes, actor=actor)


def _update_employee(
    employee: Employee, changes: Mapping[str, Any], *, actor: User | None
) -> ProfileChange:
    _require_hr(actor, "edit profiles")
    values, problems = _validate_profile(changes, employee)
    problems.raise_if_any()
    before = {
        "employee_no": employee.employee_no,
        "name": employee.name,
        "email": employee.email,
        "hire_date": employee.hire_date,
        "role": employee.job_role.code if employee.job_role else None,
        "role_since": employee.role_since,
        "manager_id": employee.manager.employee_no if employee.manager else None,
        "department": employee.department.code if employee.department else None,
        "jurisdiction": employee.jurisdiction,
        "status": employee.status,
    }
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
    after = {
        "employee_no": employee.employee_no,
        "name": employee.name,
        "email": employee.email,
        "hire_date": employee.hire_date,
        "role": employee.job_role.code if employee.job_role else None,
        "role_since": employee.role_since,
        "manager_id": employee.manager.employee_no if employee.manager else None,
        "department": employee.department.code if employee.department else None,
        "jurisdiction": employee.jurisdiction,
        "status": employee.status,
    }
    diff = {
        key: (_plain(before[key]), _plain(after[key]))
        for key in before
        if _plain(before[key]) != _plain(after[key])
    }
    return ProfileChange(employee, False, diff)


def find_employee(reference: Any) -> Employee | None:
    """An employee by employee number or email (as CSV files and scripts refer to people)."""
    if _blank(reference):
        return None
    text = str(reference).strip()
    return db.session.scalar(
        select(Employee).where(
            or_(
                func.upper(Employee.employee_no) == text.upper(),
                func.lower(Employee.email) == text.lower(),
            )
        )
    )


# --------------------------------------------------------------------------- training


def completion_status(completion: Completion, on: date | None = None) -> str:
    """valid / expiring / expired for a verified completion; pending or rejected otherwise.

    DOMAIN.md Training "Status on D"; only a verified completion counts (issue 3).
    """
    if completion.verification != "verified":
        return completion.verification
    return settings.certificate_status(completion.expires_on, on or today())


def expires_on_for(course: Course, completed_on: date) -> date | None:
    """DOMAIN.md: expires_on = completed_on + validity_months (never, without a validity)."""
    if course.validity_months is None:
        return None
    return add_months(completed_on, course.validity_months)


def _validate_completion(
    employee: Employee,
    course_code: Any,
    completed_on: Any,
    score: Any,
    problems: Problems,
    *,
    exclude_id: int | None = None,
) -> tuple[Course | None, date | None, Decimal | None]:
    course = _by_code(Course, course_code, "course", problems)
    done = parse_date(completed_on, "completed_on", problems)
    points = parse_decimal(
        score, "score", problems, low=Decimal("0"), high=Decimal("9999.99"), required=False
    )
    if course is not None and done is not None:
        clash = db.session.scalar(
            select(Completion.id).where(
                Completion.employee_id == employee.id,
                Completion.course_id == course.id,
                Completion.completed_on == done,
                Completion.verification != "rejected",
                Completion.id != (exclude_id or 0),
            )
        )
        if clash is not None:
            raise _fail(
                "completed_on",
                f"{employee.name} already has {course.code} completed on {done.isoformat()}.",
                RecordConflict,
            )
    return course, done, points


@use_case
def record_completion(
    employee: Employee,
    course_code: str,
    completed_on: date | str,
    score: Decimal | str | None = None,
    *,
    actor: User | None,
) -> Completion:
    """HR records a verified training completion; expires_on is computed from the course."""
    _require_hr(actor, "record training completions")
    problems = Problems()
    course, done, points = _validate_completion(
        employee, course_code, completed_on, score, problems
    )
    problems.raise_if_any()
    assert course is not None and done is not None
    completion = Completion(
        employee_id=employee.id,
        course_id=course.id,
        completed_on=done,
        expires_on=expires_on_for(course, done),
        score=points,
        verification="verified",
        verified_by_user_id=_actor_id(actor),
    )
    completion.course = course
    db.session.add(completion)
    return completion


@use_case
def update_completion(
    completion: Completion,
    completed_on: date | str,
    score: Decimal | str | None = None,
    *,
    actor: User | None,
    expected_version: int | str | None = None,
) -> Completion:
    """HR corrects a completion's date or score; the expiry follows the date."""
    _require_hr(actor, "correct training records")
    _check_version(completion, expected_version)
    problems = Problems()
    employee = db.session.get(Employee, completion.employee_id)
    assert employee is not None
    done = parse_date(completed_on, "completed_on", problems)
    points = parse_decimal(
        score, "score", problems, low=Decimal("0"), high=Decimal("9999.99"), required=False
    )
    problems.raise_if_any()
    assert done is not None
    clash = db.session.scalar(
        select(Completion.id).where(
            Completion.employee_id == completion.employee_id,
            Completion.course_id == completion.course_id,
            Completion.completed_on == done,
            Completion.verification != "rejected",
            Completion.id != completion.id,
        )
    )
    if clash is not None:
        raise _fail(
            "completed_on",
            f"{employee.name} already has {completion.course.code} completed on "
            f"{done.isoformat()}.",
            RecordConflict,
        )
    completion.completed_on = done
    completion.expires_on = expires_on_for(completion.course, done)
    completion.score = points
    return completion


@use_case
def delete_completion(completion: Completion, *, actor: User | None) -> None:
    """HR removes a completion entered by mistake (the audit trail keeps what it was)."""
    _require_hr(actor, "delete training records")
    db.session.delete(completion)


@use_case
def report_completion(
    employee: Employee,
    course_code: str,
    completed_on: date | str,
    evidence: Any,
    *,
    actor: User | None,
    score: Decimal | str | None = None,
) -> Completion:
    """An employee reports their own completion with evidence; it stays pending until hr
    verifies it, and only a verified completion counts (issue 3, self-service).

    ``evidence`` is an uploaded file (werkzeug ``FileStorage``) or an ``Upload`` already saved
    for this employee.
    """
    from app.services import uploads

    if actor is not None and not policy.can_edit(actor, employee, "reported_completion"):
        raise RecordForbidden("You can report completions only for yourself.")
    problems = Problems()
    course, done, points = _validate_completion(
        employee, course_code, completed_on, score, problems
    )
    upload: Upload | None = None
    if isinstance(evidence, Upload):
        if evidence.employee_id != employee.id:
            problems.add("evidence", "That evidence belongs to someone else.")
        upload = evidence
    elif evidence is None or not getattr(evidence, "filename", None):
        problems.add("evidence", "Attach the certificate or other evidence (PDF, PNG or JPEG).")
    else:
        try:
            uploads.check_upload(evidence)
        except uploads.UploadError as error:
            for message in error.messages:
                problems.add("evidence", message)
    problems.raise_if_any()
    assert course is not None and done is not None
    if upload is None:
        upload = uploads.save_upload(evidence, employee, "evidence", actor)
    completion = Completion(
        employee_id=employee.id,
        course_id=course.id,
        completed_on=done,
        expires_on=expires_on_for(course, done),
        score=points,
        verification="pending",
        evidence_upload_id=upload.id,
        reported_by_user_id=_actor_id(actor),
    )
    completion.course = course
    db.session.add(completion)
    return completion


def _decide_completion(
    completion: Completion, decision: str, actor: User | None, reason: str | None
) -> Completion:
    _require_hr(actor, "verify reported completions")
    if actor is not None and actor.employee_id == completion.employee_id:
        raise RecordForbidden("Nobody verifies their own completion; another HR person must.")
    problems = Problems()
    text = parse_text(reason, "reason", problems, max_length=1000, required=decision == "rejected")
    problems.raise_if_any()
    completion_id = completion.id
    result = db.session.execute(
        update(Completion.__table__)
        .where(Completion.id == completion_id, Completion.verification == "pending")
        .values(
            verification=decision,
            verified_by_user_id=_actor_id(actor),
            version=Completion.__table__.c.version + 1,
            updated_at=now(),
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = db.session.scalar(
            select(Completion.verification).where(Completion.id == completion_id)
        )
        raise RecordConflict(f"This completion is already {current}; nothing was changed.")
    after: dict[str, Any] = {"verification": decision, "verified_by_user_id": _actor_id(actor)}
    if text:
        after["reason"] = text
    record_change(
        db.session(), "completions", completion_id, "update", {"verification": "pending"}, after
    )
    db.session.expire(completion)
    _notify_employee(
        completion.employee_id,
        kind=f"completion_{decision}",
        subject=(
            f"Your {completion.course.code} completion was verified"
            if decision == "verified"
            else f"Your {completion.course.code} completion was not accepted"
        ),
        body=(
            "HR verified the completion you reported; it now counts toward readiness."
            if decision == "verified"
            else f"HR did not accept the completion you reported: {text}"
        ),
    )
    return completion


@use_case
def verify_completion(completion: Completion, *, actor: User | None) -> Completion:
    """HR accepts a reported completion: from now on it counts (exactly once)."""
    return _decide_completion(completion, "verified", actor, None)


@use_case
def reject_completion(completion: Completion, reason: str, *, actor: User | None) -> Completion:
    """HR refuses a reported completion, with a reason the employee sees."""
    return _decide_completion(completion, "rejected", actor, reason)


def _notify_employee(employee_id: int, *, kind: str, subject: str, body: str) -> None:
    """Tell the employee (when they have a sign-in) through the one notification entry point."""
    from app.services.notify import notify

    user_id = db.session.scalar(select(User.id).where(User.employee_id == employee_id))
    notify([user_id], kind, subject, body, f"/employees/{employee_id}#training-h")


COMPLETION_SORTS = {
    "employee": Employee.name,
    "course": Course.code,
    "completed_on": Completion.completed_on,
    "expires_on": Completion.expires_on,
    "reported": Completion.created_at,
}
COMPLETION_STATUSES = ("valid", "expiring", "expired")


def completion_list_query(
    q: str | None = None,
    course: str | None = None,
    verification: str | None = None,
    status: str | None = None,
    on: date | None = None,
) -> Select:
    """Completions with their employee and course in one query, for hr's lists and queues."""
    on = on or today()
    stmt = (
        select(Completion)
        .join(Employee, Completion.employee_id == Employee.id)
        .join(Course, Completion.course_id == Course.id)
        .options(
            # A list needs names and codes only: none of the person's or the course's own
            # relationships (role requirements, prerequisites, grants) are loaded.
            contains_eager(Completion.employee).options(lazyload("*")),
            contains_eager(Completion.course).options(lazyload("*")),
        )
    )
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Employee.name).like(like),
                func.lower(Employee.employee_no).like(like),
                func.lower(Course.code).like(like),
                func.lower(Course.title).like(like),
            )
        )
    if course:
        stmt = stmt.where(Course.code == course)
    if verification:
        stmt = stmt.where(Completion.verification == verification)
    if status in COMPLETION_STATUSES:
        window = on + timedelta(days=int(settings.get("expiring_window_days")))
        stmt = stmt.where(Completion.verification == "verified")
        if status == "expired":
            stmt = stmt.where(Completion.expires_on <= on)
        elif status == "expiring":
            stmt = stmt.where(Completion.expires_on > on, Completion.expires_on <= window)
        else:
            stmt = stmt.where(or_(Completion.expires_on.is_(None), Completion.expires_on > window))
    return stmt


def pending_completion_count() -> int:
    return (
        db.session.scalar(
            select(func.count(Completion.id)).where(Completion.verification == "pending")
        )
        or 0
    )


# --------------------------------------------------------------------------- ratings


def allowed_rating_sources(actor: User | None, employee: Employee) -> tuple[str, ...]:
    """Which sources ``actor`` may rate ``employee`` with.

    hr: any source (but not as manager or assessor of themselves); a manager: ``manager`` for
    the people they manage; everyone: ``self`` for themselves only.
    """
    if actor is None:
        return RATING_SOURCES
    sources: list[str] = []
    own = policy.is_self(actor, employee)
    if own:
        sources.append("self")
    if actor.has_role("hr") and not own:
        sources.extend(s for s in RATING_SOURCES if s != "self")
        sources.insert(0, "self")
    elif policy.manages(actor, employee):
        sources.append("manager")
    return tuple(dict.fromkeys(sources))


def _validate_rating(
    employee: Employee,
    competency_code: Any,
    level: Any,
    rated_on: Any,
    source: Any,
    evidence: Any,
    actor: User | None,
) -> tuple[Competency | None, int | None, date | None, str | None, str | None, Problems]:
    problems = Problems()
    competency = _by_code(Competency, competency_code, "competency", problems)
    points = parse_int(level, "level", problems, low=0, high=5)
    when = parse_date(rated_on, "rated_on", problems)
    text = parse_text(evidence, "evidence", problems, max_length=1000, required=False)
    if source not in RATING_SOURCES:
        problems.add("source", f"The source must be one of {', '.join(RATING_SOURCES)}.")
    return competency, points, when, source, text, problems


@use_case
def record_rating(
    employee: Employee,
    competency_code: str,
    level: int | str,
    rated_on: date | str,
    source: str,
    evidence: str | None = None,
    *,
    actor: User | None,
) -> CompetencyRating:
    """Rate a competency on the OPM 0-5 scale (DOMAIN.md Competencies).

    Self-ratings are shown but never count; who may use which source is
    ``allowed_rating_sources``.
    """
    competency, points, when, _, text, problems = _validate_rating(
        employee, competency_code, level, rated_on, source, evidence, actor
    )
    if source in RATING_SOURCES and source not in allowed_rating_sources(actor, employee):
        if actor is not None and policy.is_self(actor, employee):
            raise _fail("source", "You can only add self-ratings for yourself.", RecordForbidden)
        if source == "self":
            raise _fail("source", "Only the person themselves adds a self-rating.", RecordForbidden)
        raise _fail(
            "source",
            "You can rate only the people you manage, with the source manager.",
            RecordForbidden,
        )
    problems.raise_if_any()
    assert competency is not None and when is not None and points is not None
    rating = CompetencyRating(
        employee_id=employee.id,
        competency_id=competency.id,
        level=points,
        rated_on=when,
        source=source,
        evidence=text,
        rated_by_user_id=_actor_id(actor),
    )
    rating.competency = competency
    db.session.add(rating)
    return rating


@use_case
def update_rating(
    rating: CompetencyRating,
    level: int | str,
    rated_on: date | str,
    evidence: str | None = None,
    *,
    actor: User | None,
    expected_version: int | str | None = None,
) -> CompetencyRating:
    """HR corrects a rating's level, date or evidence (its source stays)."""
    _require_hr(actor, "correct ratings")
    _check_version(rating, expected_version)
    problems = Problems()
    points = parse_int(level, "level", problems, low=0, high=5)
    when = parse_date(rated_on, "rated_on", problems)
    text = parse_text(evidence, "evidence", problems, max_length=1000, required=False)
    problems.raise_if_any()
    rating.level = points  # type: ignore[assignment]
    rating.rated_on = when  # type: ignore[assignment]
    rating.evidence = text
    return rating


@use_case
def delete_rating(rating: CompetencyRating, *, actor: User | None) -> None:
    _require_hr(actor, "delete ratings")
    db.session.delete(rating)


# --------------------------------------------------------------------------- background checks

# The check lifecycle (DOMAIN.md Background checks; issue 3 "the status lifecycle is enforced").
# review_required -> not_cleared happens only through the adverse-action final notice.
CHECK_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("in_progress",),
    "in_progress": ("clear", "review_required", "not_cleared"),
    "review_required": ("clear", "not_cleared"),
    "clear": (),
    "not_cleared": (),
}
CHECK_RESULTS = ("clear", "review_required", "not_cleared")
OPEN_CHECK_STATUSES = ("requested", "in_progress")
ADVERSE_STATUSES = ("review_required", "not_cleared")


def check_display_status(check: BackgroundCheck, on: date | None = None) -> str:
    """The status word, or ``expired`` once D >= valid_until (DOMAIN.md)."""
    on = on or today()
    if check.valid_until is not None and on >= check.valid_until and check.status == "clear":
        return "expired"
    return check.status


def next_check_statuses(check: BackgroundCheck) -> tuple[str, ...]:
    """The statuses hr may move a check to directly (the final notice does the rest)."""
    return tuple(
        s
        for s in CHECK_TRANSITIONS.get(check.status, ())
        if not (check.status == "review_required" and s == "not_cleared")
    )


@use_case
def record_check(
    employee: Employee,
    type_code: str,
    consent_signed_on: date | str | None,
    consent_form_version: str | None,
    requested_on: date | str | None = None,
    vendor: str | None = None,
    status: str = "requested",
    completed_on: date | str | None = None,
    findings: str | None = None,
    *,
    actor: User | None,
) -> BackgroundCheck:
    """HR requests a background check, or records one done earlier with its result.

    DOMAIN.md: no check may be requested without a consent record (FCRA written
    authorisation); valid_until = completed_on + rescreen_months; findings are hr-only.
    """
    _require_hr(actor, "request background checks")
    problems = Problems()
    check_type = _by_code(CheckType, type_code, "type", problems)
    consent_on = parse_date(consent_signed_on, "consent_signed_on", problems, required=False)
    version = parse_text(
        consent_form_version, "consent_form_version", problems, max_length=40, required=False
    )
    if _blank(consent_signed_on) or _blank(consent_form_version):
        message = (
            "Record the signed consent (FCRA written authorisation) first: no check may be "
            "requested without it."
        )
        if _blank(consent_signed_on):
            problems.add("consent_signed_on", message)
        if _blank(consent_form_version):
            problems.add("consent_form_version", "Enter the version of the consent form signed.")
    asked_on = (
        parse_date(requested_on, "requested_on", problems) if not _blank(requested_on) else today()
    )
    supplier = parse_text(vendor, "vendor", problems, max_length=120, required=False)
    notes = parse_text(findings, "findings", problems, max_length=20000, required=False)
    if status not in CHECK_STATUSES:
        problems.add("status", f"The status must be one of {', '.join(CHECK_STATUSES)}.")
    done = parse_date(completed_on, "completed_on", problems, required=status in CHECK_RESULTS)
    if status in OPEN_CHECK_STATUSES and done is not None:
        problems.add("completed_on", f"A check that is {status} has no completion date yet.")
    if consent_on and asked_on and consent_on > asked_on:
        problems.add(
            "consent_signed_on",
            f"Consent must be signed on or before the request ({asked_on.isoformat()}).",
        )
    if done and asked_on and done < asked_on:
        problems.add("completed_on", "A check cannot complete before it was requested.")
    problems.raise_if_any()
    assert check_type is not None and consent_on is not None and asked_on is not None
    if status in OPEN_CHECK_STATUSES:
        open_check = db.session.scalar(
            select(BackgroundCheck).where(
                BackgroundCheck.employee_id == employee.id,
                BackgroundCheck.check_type_id == check_type.id,
                BackgroundCheck.status.in_(OPEN_CHECK_STATUSES),
            )
        )
        if open_check is not None:
            raise _fail(
                "type",
                f"{employee.name} already has a {check_type.code} check {open_check.status} "
                f"(requested {open_check.requested_on.isoformat()}).",
                RecordConflict,
            )
    check = BackgroundCheck(
        employee_id=employee.id,
        check_type_id=check_type.id,
        consent_signed_on=consent_on,
        consent_form_version=version,
        requested_on=asked_on,
        vendor=supplier,
        status=status,
        completed_on=done,
        valid_until=add_months(done, check_type.rescreen_months) if done else None,
        findings=notes,
    )
    check.check_type = check_type
    db.session.add(check)
    return check


def _check_snapshot(check: BackgroundCheck) -> dict[str, Any]:
    return {
        "status": check.status,
        "completed_on": check.completed_on,
        "valid_until": check.valid_until,
        "pre_adverse_notice_on": check.pre_adverse_notice_on,
        "final_notice_on": check.final_notice_on,
    }


def _conditional_check_update(
    check: BackgroundCheck, conditions: list[Any], values: dict[str, Any], refused: str
) -> BackgroundCheck:
    table = BackgroundCheck.__table__
    before = _check_snapshot(check)
    if "findings" in values:
        before["findings"] = "(changed)"
    result = db.session.execute(
        update(table)
        .where(table.c.id == check.id, *conditions)
        .values(**values, version=table.c.version + 1, updated_at=now())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RecordConflict(refused)
    after = {k: v for k, v in values.items() if k != "findings"}
    if "findings" in values:
        after["findings"] = "(changed)"  # findings stay out of the audit trail's plain view
    record_change(db.session(), "background_checks", check.id, "update", before, after)
    db.session.expire(check)
    return check


@use_case
def change_check_status(
    check: BackgroundCheck,
    status: str,
    completed_on: date | str | None = None,
    findings: str | None = None,
    *,
    actor: User | None,
) -> BackgroundCheck:
    """Move a check along its lifecycle: requested -> in_progress -> clear | review_required |
    not_cleared; review_required -> clear, or -> not_cleared through the final notice.

    A result needs its completion date (valid_until follows); findings may come with it.
    """
    _require_hr(actor, "update background checks")
    current = check.status
    problems = Problems()
    if status not in CHECK_STATUSES:
        raise _fail("status", f"The status must be one of {', '.join(CHECK_STATUSES)}.")
    if status not in CHECK_TRANSITIONS.get(current, ()):
        allowed = ", ".join(next_check_statuses(check)) or "nothing (it is final)"
        raise _fail(
            "status",
            f"A check that is {current} cannot become {status}; it can become {allowed}.",
            RecordConflict,
        )
    if current == "review_required" and status == "not_cleared":
        raise _fail(
            "status",
            "A check under review is not cleared only through adverse action: record the "
            "pre-adverse notice, wait, then record the final notice.",
            RecordConflict,
        )
    done = parse_date(completed_on, "completed_on", problems, required=False)
    notes = parse_text(findings, "findings", problems, max_length=20000, required=False)
    if (
        status in CHECK_RESULTS
        and done is None
        and check.completed_on is None
        and "completed_on" not in problems.errors
    ):
        problems.add("completed_on", "Enter the date the check came back.")
    if done is not None and done < check.requested_on:
        problems.add(
            "completed_on",
            f"A check cannot complete before it was requested ({check.requested_on.isoformat()}).",
        )
    if status == "in_progress" and done is not None:
        problems.add("completed_on", "A check in progress has no completion date yet.")
    problems.raise_if_any()
    values: dict[str, Any] = {"status": status}
    finished = done or check.completed_on
    if status in CHECK_RESULTS and finished is not None:
        values["completed_on"] = finished
        values["valid_until"] = add_months(finished, check.check_type.rescreen_months)
    if notes is not None:
        values["findings"] = notes
    return _conditional_check_update(
        check,
        [BackgroundCheck.__table__.c.status == current],
        values,
        f"The check changed while you were looking at it (it is no longer {current}). "
        "Nothing was saved.",
    )


@use_case
def update_check_details(
    check: BackgroundCheck,
    vendor: str | None,
    findings: str | None,
    *,
    actor: User | None,
    expected_version: int | str | None = None,
) -> BackgroundCheck:
    """HR corrects the vendor or the findings (findings: hr-only, DOMAIN.md)."""
    _require_hr(actor, "edit background checks")
    _check_version(check, expected_version)
    problems = Problems()
    supplier = parse_text(vendor, "vendor", problems, max_length=120, required=False)
    notes = parse_text(findings, "findings", problems, max_length=20000, required=False)
    problems.raise_if_any()
    check.vendor = supplier
    check.findings = notes
    return check


def earliest_final_notice(check: BackgroundCheck) -> date | None:
    """The first day a final notice may go out: N business days (cfg) after the pre-adverse.

    DOMAIN.md Adverse action: the final notice is refused until 5 business days (cfg) after
    the pre-adverse notice.
    """
    if check.pre_adverse_notice_on is None:
        return None
    wait = int(settings.get("adverse_action_wait_business_days"))
    return add_business_days(check.pre_adverse_notice_on, wait)


@use_case
def record_pre_adverse_notice(
    check: BackgroundCheck, notice_on: date | str, *, actor: User | None
) -> BackgroundCheck:
    """HR records the pre-adverse notice sent for a check under review or not cleared."""
    _require_hr(actor, "record adverse-action notices")
    problems = Problems()
    when = parse_date(notice_on, "notice_on", problems)
    problems.raise_if_any()
    assert when is not None
    if check.status not in ADVERSE_STATUSES:
        raise _fail(
            "notice_on",
            f"A pre-adverse notice follows a check that is review required or not cleared; "
            f"this one is {check.status}.",
            RecordConflict,
        )
    if check.pre_adverse_notice_on is not None:
        raise _fail(
            "notice_on",
            f"The pre-adverse notice was already recorded on "
            f"{check.pre_adverse_notice_on.isoformat()}.",
            RecordConflict,
        )
    if check.completed_on is not None and when < check.completed_on:
        raise _fail(
            "notice_on",
            f"The notice cannot precede the check's result ({check.completed_on.isoformat()}).",
        )
    table = BackgroundCheck.__table__
    return _conditional_check_update(
        check,
        [table.c.pre_adverse_notice_on.is_(None), table.c.status.in_(ADVERSE_STATUSES)],
        {"pre_adverse_notice_on": when},
        "The pre-adverse notice was recorded by someone else a moment ago. Nothing was saved.",
    )


@use_case
def record_final_notice(
    check: BackgroundCheck, notice_on: date | str, *, actor: User | None
) -> BackgroundCheck:
    """HR records the final adverse-action notice, no sooner than the business-day wait
    after the pre-adverse notice; a check under review becomes not_cleared."""
    _require_hr(actor, "record adverse-action notices")
    problems = Problems()
    when = parse_date(notice_on, "notice_on", problems)
    problems.raise_if_any()
    assert when is not None
    if check.pre_adverse_notice_on is None:
        raise _fail("notice_on", "Record the pre-adverse notice first.", RecordConflict)
    if check.final_notice_on is not None:
        raise _fail(
            "notice_on",
            f"The final notice was already recorded on {check.final_notice_on.isoformat()}.",
            RecordConflict,
        )
    if check.status not in ADVERSE_STATUSES:
        raise _fail(
            "notice_on",
            f"The check is {check.status}; no adverse action follows it.",
            RecordConflict,
        )
    earliest = earliest_final_notice(check)
    assert earliest is not None
    if when < earliest:
        wait = int(settings.get("adverse_action_wait_business_days"))
        raise _fail(
            "notice_on",
            f"The final notice must wait {wait} business days after the pre-adverse notice "
            f"({check.pre_adverse_notice_on.isoformat()}): the earliest date is "
            f"{earliest.isoformat()}.",
        )
    table = BackgroundCheck.__table__
    return _conditional_check_update(
        check,
        [
            table.c.final_notice_on.is_(None),
            table.c.pre_adverse_notice_on == check.pre_adverse_notice_on,
            table.c.status.in_(ADVERSE_STATUSES),
        ],
        {"final_notice_on": when, "status": "not_cleared"},
        "The final notice was recorded by someone else a moment ago. Nothing was saved.",
    )


CHECK_SORTS = {
    "employee": Employee.name,
    "type": CheckType.code,
    "requested_on": BackgroundCheck.requested_on,
    "status": BackgroundCheck.status,
    "valid_until": BackgroundCheck.valid_until,
}
CHECK_FILTER_STATUSES = (*CHECK_STATUSES, "expired", "adverse_action")


def check_list_query(
    q: str | None = None,
    status: str | None = None,
    check_type: str | None = None,
    on: date | None = None,
) -> Select:
    """Background checks with their employee and type in one query (hr's list)."""
    on = on or today()
    stmt = (
        select(BackgroundCheck)
        .join(Employee, BackgroundCheck.employee_id == Employee.id)
        .join(CheckType, BackgroundCheck.check_type_id == CheckType.id)
        .options(contains_eager(BackgroundCheck.check_type))
        .add_columns(Employee.name, Employee.employee_no)
    )
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Employee.name).like(like),
                func.lower(Employee.employee_no).like(like),
                func.lower(func.coalesce(BackgroundCheck.vendor, "")).like(like),
            )
        )
    if check_type:
        stmt = stmt.where(CheckType.code == check_type)
    if status == "expired":
        stmt = stmt.where(BackgroundCheck.status == "clear", BackgroundCheck.valid_until <= on)
    elif status == "clear":
        stmt = stmt.where(
            BackgroundCheck.status == "clear",
            or_(BackgroundCheck.valid_until.is_(None), BackgroundCheck.valid_until > on),
        )
    elif status == "adverse_action":
        stmt = stmt.where(
            BackgroundCheck.pre_adverse_notice_on.is_not(None),
            BackgroundCheck.final_notice_on.is_(None),
        )
    elif status in CHECK_STATUSES:
        stmt = stmt.where(BackgroundCheck.status == status)
    return stmt


# --------------------------------------------------------------------------- assessments


def _scores(
    raw: Any,
    instrument: Instrument,
    field: str,
    problems: Problems,
    *,
    every_dimension: bool,
) -> dict[str, float]:
    """Validate {dimension: score} against the instrument's dimensions and scale."""
    if not isinstance(raw, Mapping) or not raw:
        problems.add(field, "Enter a score for each dimension.")
        return {}
    dimensions = list(instrument.dimensions or [])
    low, high = Decimal(instrument.scale_min), Decimal(instrument.scale_max)
    clean: dict[str, float] = {}
    for name, value in raw.items():
        key = f"{field}.{name}"
        if dimensions and name not in dimensions:
            problems.add(key, f"{name!r} is not a dimension of {instrument.code}.")
            continue
        if _blank(value) and not every_dimension:
            continue
        number = parse_decimal(value, key, problems, low=low, high=high)
        if number is not None:
            clean[str(name)] = float(number)
    if every_dimension:
        for name in dimensions:
            if name not in raw:
                problems.add(f"{field}.{name}", f"Enter the {name} score.")
    if not clean and not problems.errors:
        problems.add(field, "Enter at least one score.")
    return clean


def _responses(
    raw: Any, instrument: Instrument, problems: Problems
) -> list[tuple[str, dict[str, float]]]:
    if raw is None:
        return []
    if not isinstance(raw, Iterable) or isinstance(raw, str | bytes | Mapping):
        problems.add("responses", "Give the responses as a list of {rater_group, scores}.")
        return []
    result: list[tuple[str, dict[str, float]]] = []
    for index, item in enumerate(raw):
        if isinstance(item, Mapping):
            group, scores = item.get("rater_group"), item.get("scores")
        elif isinstance(item, tuple | list) and len(item) == 2:
            group, scores = item
        else:
            problems.add(f"responses.{index}", "Each response needs a rater_group and scores.")
            continue
        if group not in RATER_GROUPS:
            problems.add(
                f"responses.{index}.rater_group",
                f"The rater group must be one of {', '.join(RATER_GROUPS)}.",
            )
            continue
        clean = _scores(
            scores, instrument, f"responses.{index}.scores", problems, every_dimension=False
        )
        if clean:
            result.append((str(group), clean))
    return result


def min_group_responses() -> dict[str, int]:
    """The 360 minimum responses per rater group (cfg); self shows with one response."""
    minimums = {str(k): int(v) for k, v in dict(settings.get("min_responses")).items()}
    minimums.setdefault("self", 1)
    return minimums


def result_360(responses: Iterable[tuple[str, Mapping[str, float]]]) -> Result360:
    """DOMAIN.md 360: group means; groups below their minimum hidden and excluded."""
    return aggregate_360(list(responses), min_group_responses())


def _overall_360(assessment: Assessment) -> Decimal | None:
    responses = list(
        db.session.scalars(
            select(AssessmentResponse).where(AssessmentResponse.assessment_id == assessment.id)
        )
    )
    result = result_360((r.rater_group, r.scores) for r in responses)
    return _quantize(result.overall) if result.overall is not None else None


@use_case
def record_assessment(
    employee: Employee,
    instrument_code: str,
    conducted_on: date | str,
    *,
    responses: Iterable[Any] | None = None,
    scores: Mapping[str, Any] | None = None,
    actor: User | None,
) -> Assessment:
    """Record a leadership assessment (DOMAIN.md Leadership assessments).

    A 360 takes ``responses`` [(rater_group, {dimension: score})] (possibly none yet: more
    come with ``add_360_response``); its overall is the mean of the group means of the non-self
    groups that reach their minimum. A test or assessment centre takes ``scores``
    {dimension: score} for every dimension; its overall is their mean.
    """
    _require_hr(actor, "record assessments")
    problems = Problems()
    instrument = _by_code(Instrument, instrument_code, "instrument", problems)
    when = parse_date(conducted_on, "conducted_on", problems)
    clean_responses: list[tuple[str, dict[str, float]]] = []
    clean_scores: dict[str, float] = {}
    if instrument is not None:
        if instrument.kind == "360":
            if scores:
                problems.add("scores", "A 360 takes responses per rater group, not scores.")
            clean_responses = _responses(responses, instrument, problems)
        else:
            if responses:
                problems.add("responses", f"A {instrument.kind} takes one score per dimension.")
            clean_scores = _scores(scores, instrument, "scores", problems, every_dimension=True)
    problems.raise_if_any()
    assert instrument is not None and when is not None
    assessment = Assessment(
        employee_id=employee.id,
        instrument_id=instrument.id,
        conducted_on=when,
        assessor_user_id=_actor_id(actor),
    )
    assessment.instrument = instrument
    if instrument.kind == "360":
        assessment.responses = [
            AssessmentResponse(rater_group=g, scores=s) for g, s in clean_responses
        ]
        result = result_360(clean_responses)
        assessment.overall = _quantize(result.overall) if result.overall is not None else None
    else:
        assessment.scores = clean_scores
        assessment.overall = _quantize(overall_of_scores(clean_scores))
    db.session.add(assessment)
    return assessment


@use_case
def add_360_response(
    assessment: Assessment,
    rater_group: str,
    scores: Mapping[str, Any],
    *,
    actor: User | None,
) -> Assessment:
    """Add one anonymous 360 response and recompute the overall."""
    _require_hr(actor, "record assessments")
    instrument = assessment.instrument
    if instrument.kind != "360":
        raise _fail("rater_group", "Only a 360 takes responses by rater group.", RecordConflict)
    problems = Problems()
    if rater_group not in RATER_GROUPS:
        problems.add("rater_group", f"The rater group must be one of {', '.join(RATER_GROUPS)}.")
    clean = _scores(scores, instrument, "scores", problems, every_dimension=False)
    problems.raise_if_any()
    db.session.add(
        AssessmentResponse(assessment_id=assessment.id, rater_group=rater_group, scores=clean)
    )
    db.session.flush()
    assessment.overall = _overall_360(assessment)
    return assessment


@use_case
def delete_assessment(assessment: Assessment, *, actor: User | None) -> None:
    _require_hr(actor, "delete assessments")
    db.session.delete(assessment)


@dataclass(frozen=True)
class AssessmentView:
    """What the result page shows: group results (never a rater), and the overall."""

    assessment: Assessment
    result: Result360 | None
    dimensions: tuple[str, ...]


def assessment_view(
    assessment: Assessment, responses: Iterable[AssessmentResponse] | None = None
) -> AssessmentView:
    """``responses``: the assessment's responses when the caller loaded them in bulk (lists)."""
    dimensions = tuple(assessment.instrument.dimensions or ())
    if assessment.instrument.kind != "360":
        return AssessmentView(assessment, None, dimensions)
    if responses is None:
        responses = list(
            db.session.scalars(
                select(AssessmentResponse).where(AssessmentResponse.assessment_id == assessment.id)
            )
        )
    return AssessmentView(
        assessment, result_360((r.rater_group, r.scores) for r in responses), dimensions
    )


# --------------------------------------------------------------------------- education


@use_case
def record_education(
    employee: Employee,
    qualification_code: str,
    institution: str,
    completed_on: date | str,
    tuition_request_id: int | None = None,
    *,
    actor: User | None,
) -> EducationRecord:
    """HR records a completed qualification (optionally the tuition request that funded it)."""
    _require_hr(actor, "record education")
    problems = Problems()
    qualification, school, done, request_id = _validate_education(
        employee, qualification_code, institution, completed_on, tuition_request_id, problems
    )
    problems.raise_if_any()
    assert qualification is not None and done is not None
    _refuse_duplicate_education(employee, qualification, done, None)
    record = EducationRecord(
        employee_id=employee.id,
        qualification_id=qualification.id,
        institution=school,
        completed_on=done,
        tuition_request_id=request_id,
    )
    record.qualification = qualification
    db.session.add(record)
    return record


def _validate_education(
    employee: Employee,
    qualification_code: Any,
    institution: Any,
    completed_on: Any,
    tuition_request_id: Any,
    problems: Problems,
) -> tuple[QualificationType | None, str | None, date | None, int | None]:
    qualification = _by_code(QualificationType, qualification_code, "qualification", problems)
    school = parse_text(institution, "institution", problems, max_length=200)
    done = parse_date(completed_on, "completed_on", problems)
    request_id: int | None = None
    if not _blank(tuition_request_id):
        try:
            request_id = int(tuition_request_id)
        except (TypeError, ValueError):
            request_id = None
        request = db.session.get(TuitionRequest, request_id) if request_id else None
        if request is None or request.employee_id != employee.id:
            problems.add("tuition_request_id", "That tuition request is not one of theirs.")
            request_id = None
    return qualification, school, done, request_id


def _refuse_duplicate_education(
    employee: Employee, qualification: QualificationType, done: date, exclude: int | None
) -> None:
    clash = db.session.scalar(
        select(EducationRecord.id).where(
            EducationRecord.employee_id == employee.id,
            EducationRecord.qualification_id == qualification.id,
            EducationRecord.completed_on == done,
            EducationRecord.id != (exclude or 0),
        )
    )
    if clash is not None:
        raise _fail(
            "qualification",
            f"{employee.name} already has {qualification.code} completed on {done.isoformat()}.",
            RecordConflict,
        )


@use_case
def update_education(
    record: EducationRecord,
    qualification_code: str,
    institution: str,
    completed_on: date | str,
    tuition_request_id: int | None = None,
    *,
    actor: User | None,
) -> EducationRecord:
    _require_hr(actor, "edit education")
    employee = db.session.get(Employee, record.employee_id)
    assert employee is not None
    problems = Problems()
    qualification, school, done, request_id = _validate_education(
        employee, qualification_code, institution, completed_on, tuition_request_id, problems
    )
    problems.raise_if_any()
    assert qualification is not None and done is not None
    _refuse_duplicate_education(employee, qualification, done, record.id)
    record.qualification_id = qualification.id
    record.qualification = qualification
    record.institution = school  # type: ignore[assignment]
    record.completed_on = done
    record.tuition_request_id = request_id
    return record


@use_case
def delete_education(record: EducationRecord, *, actor: User | None) -> None:
    _require_hr(actor, "delete education")
    db.session.delete(record)


# --------------------------------------------------------------------------- talent reviews

PERIOD = re.compile(r"^\d{4}(-(H[12]|Q[1-4]))?$")
NINE_BOX = {
    # (performance, potential): the box's name
    (1, 1): "Under-performer",
    (2, 1): "Effective",
    (3, 1): "Trusted professional",
    (1, 2): "Inconsistent",
    (2, 2): "Core contributor",
    (3, 2): "High performer",
    (1, 3): "Rough diamond",
    (2, 3): "Emerging talent",
    (3, 3): "Future leader",
}


def nine_box_name(performance: int, potential: int) -> str:
    return NINE_BOX.get((performance, potential), "")


def _validate_review(
    period: Any, performance: Any, potential: Any, notes: Any
) -> tuple[str | None, int | None, int | None, str | None, Problems]:
    problems = Problems()
    text = parse_text(period, "period", problems, max_length=20)
    if text is not None:
        text = text.upper()
        if not PERIOD.match(text):
            problems.add("period", f"{text!r} is not a period like 2026, 2026-H1 or 2026-Q3.")
            text = None
    perf = parse_int(performance, "performance", problems, low=1, high=3)
    pot = parse_int(potential, "potential", problems, low=1, high=3)
    remark = parse_text(notes, "notes", problems, max_length=2000, required=False)
    return text, perf, pot, remark, problems


def _may_review(actor: User | None, employee: Employee) -> None:
    if actor is not None and not policy.can_edit(actor, employee, "talent_review"):
        raise RecordForbidden(
            "Talent reviews are recorded by HR or by a manager for the people they manage."
        )


@use_case
def record_talent_review(
    employee: Employee,
    period: str,
    performance: int | str,
    potential: int | str,
    notes: str | None = None,
    *,
    actor: User | None,
) -> TalentReview:
    """A 9-box talent review: performance 1-3 x potential 1-3, one per review period."""
    _may_review(actor, employee)
    text, perf, pot, remark, problems = _validate_review(period, performance, potential, notes)
    problems.raise_if_any()
    clash = db.session.scalar(
        select(TalentReview.id).where(
            TalentReview.employee_id == employee.id, TalentReview.period == text
        )
    )
    if clash is not None:
        raise _fail(
            "period",
            f"{employee.name} already has a talent review for {text}; edit that one.",
            RecordConflict,
        )
    review = TalentReview(
        employee_id=employee.id,
        period=text,
        performance=perf,
        potential=pot,
        notes=remark,
        reviewed_by_user_id=_actor_id(actor),
    )
    db.session.add(review)
    return review


@use_case
def update_talent_review(
    review: TalentReview,
    performance: int | str,
    potential: int | str,
    notes: str | None = None,
    *,
    actor: User | None,
) -> TalentReview:
    employee = db.session.get(Employee, review.employee_id)
    assert employee is not None
    _may_review(actor, employee)
    _, perf, pot, remark, problems = _validate_review(review.period, performance, potential, notes)
    problems.raise_if_any()
    review.performance = perf  # type: ignore[assignment]
    review.potential = pot  # type: ignore[assignment]
    review.notes = remark
    review.reviewed_by_user_id = _actor_id(actor)
    return review


@use_case
def delete_talent_review(review: TalentReview, *, actor: User | None) -> None:
    _require_hr(actor, "delete talent reviews")
    db.session.delete(review)


# --------------------------------------------------------------------------- serializers
# API.md shapes: catalogue entries by code, dates YYYY-MM-DD, money as decimal strings.


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Decimal | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def employee_to_dict(employee: Employee) -> dict[str, Any]:
    return {
        "id": employee.id,
        "employee_no": employee.employee_no,
        "name": employee.name,
        "email": employee.email,
        "hire_date": _iso(employee.hire_date),
        "role": employee.job_role.code if employee.job_role else None,
        "role_since": _iso(employee.role_since),
        "manager_id": employee.manager_id,
        "department": employee.department.code if employee.department else None,
        "jurisdiction": employee.jurisdiction,
        "status": employee.status,
        "termination_date": _iso(employee.termination_date),
        "termination_reason": employee.termination_reason,
    }


def role_history_to_dict(row: RoleHistory) -> dict[str, Any]:
    return {
        "role": row.job_role.code,
        "started_on": _iso(row.started_on),
        "ended_on": _iso(row.ended_on),
        "note": row.note,
    }


def completion_to_dict(completion: Completion, on: date | None = None) -> dict[str, Any]:
    return {
        "id": completion.id,
        "employee_id": completion.employee_id,
        "course": completion.course.code,
        "completed_on": _iso(completion.completed_on),
        "expires_on": _iso(completion.expires_on),
        "score": str(completion.score) if completion.score is not None else None,
        "verification": completion.verification,
        "status": completion_status(completion, on),
        "evidence_upload_id": completion.evidence_upload_id,
    }


def rating_to_dict(rating: CompetencyRating) -> dict[str, Any]:
    return {
        "id": rating.id,
        "employee_id": rating.employee_id,
        "competency": rating.competency.code,
        "level": rating.level,
        "rated_on": _iso(rating.rated_on),
        "source": rating.source,
        "evidence": rating.evidence,
        "counts": rating.source != "self",
    }


def check_to_dict(
    check: BackgroundCheck, *, with_findings: bool, on: date | None = None
) -> dict[str, Any]:
    """A check; managers get ``with_findings=False`` (status word only, DOMAIN.md)."""
    data: dict[str, Any] = {
        "id": check.id,
        "employee_id": check.employee_id,
        "type": check.check_type.code,
        "status": check_display_status(check, on),
    }
    if with_findings:
        data.update(
            {
                "recorded_status": check.status,
                "consent_signed_on": _iso(check.consent_signed_on),
                "consent_form_version": check.consent_form_version,
                "requested_on": _iso(check.requested_on),
                "vendor": check.vendor,
                "completed_on": _iso(check.completed_on),
                "valid_until": _iso(check.valid_until),
                "findings": check.findings,
                "pre_adverse_notice_on": _iso(check.pre_adverse_notice_on),
                "final_notice_on": _iso(check.final_notice_on),
                "earliest_final_notice_on": _iso(earliest_final_notice(check)),
            }
        )
    return data


def assessment_to_dict(
    assessment: Assessment, responses: Iterable[AssessmentResponse] | None = None
) -> dict[str, Any]:
    """An assessment with its overall and, for a 360, group results (never a rater).

    ``responses``: its 360 responses when loaded in bulk, so a list costs no query per row.
    """
    data: dict[str, Any] = {
        "id": assessment.id,
        "employee_id": assessment.employee_id,
        "instrument": assessment.instrument.code,
        "kind": assessment.instrument.kind,
        "conducted_on": _iso(assessment.conducted_on),
        "overall": _number(assessment.overall),
    }
    if assessment.instrument.kind == "360":
        view = assessment_view(assessment, responses)
        assert view.result is not None
        data["groups"] = [
            {
                "rater_group": g.group,
                "responses": g.responses,
                "shown": g.shown,
                "minimum": g.minimum,
                "mean": g.mean if g.shown else None,
                "dimension_means": dict(g.dimension_means) if g.shown else None,
                "counted": g.shown and g.group != "self",
            }
            for g in view.result.groups
        ]
    else:
        data["scores"] = dict(assessment.scores or {})
    return data


def education_to_dict(record: EducationRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "employee_id": record.employee_id,
        "qualification": record.qualification.code,
        "institution": record.institution,
        "completed_on": _iso(record.completed_on),
        "tuition_request_id": record.tuition_request_id,
    }


def talent_review_to_dict(review: TalentReview) -> dict[str, Any]:
    return {
        "id": review.id,
        "employee_id": review.employee_id,
        "period": review.period,
        "performance": review.performance,
        "potential": review.potential,
        "box": nine_box_name(review.performance, review.potential),
        "notes": review.notes,
    }


def upload_to_dict(upload: Upload) -> dict[str, Any]:
    return {
        "id": upload.id,
        "employee_id": upload.employee_id,
        "purpose": upload.purpose,
        "original_name": upload.original_name,
        "content_type": upload.content_type,
        "size": upload.size,
    }
