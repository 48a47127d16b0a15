"""What every record kind shares: the area's unit of work and field collector, the acting
user's helpers and the optimistic-lock check."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from app import policy
from app.clock import today
from app.extensions import Model, db
from app.kernel.fields import FieldErrors, blank
from app.kernel.uow import UnitOfWork
from app.models import (
    Assessment,
    CompetencyRating,
    Completion,
    EducationRecord,
    Employee,
    TalentReview,
    User,
)
from app.services.records.errors import (
    CONFLICT_MESSAGE,
    RecordConflict,
    RecordError,
    RecordForbidden,
    StaleRecord,
)

unit_of_work = UnitOfWork(stale=StaleRecord, conflict=lambda: RecordConflict(CONFLICT_MESSAGE))
"""Every record write: commit once, or roll back and refuse in the records area's words."""


class RecordFields(FieldErrors):
    """The kernel's field collector, refusing with a ``RecordError``, plus the two parsers
    every record kind words its own way: dates (never ahead of today) and catalogue codes."""

    invalid_kind = RecordError
    conflict_kind = RecordConflict

    def day(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        required: bool = True,
        not_future: bool = True,
    ) -> date | None:
        """A date from a ``date`` or a ``YYYY-MM-DD`` string; records cannot be dated ahead."""
        return self.date(
            name,
            value,
            label,
            required=required,
            latest=today() if not_future else None,
            latest_reason=f"The {label} cannot be in the future (today is {today().isoformat()}).",
            message=f"Enter the {label} as a real date like 2026-01-31 (YYYY-MM-DD).",
        )

    def whole(
        self, name: str, value: Any, label: str, low: int, high: int, *, required: bool = True
    ) -> int | None:
        """A whole number from ``low`` to ``high``, in the records' words."""
        number = self.integer(
            name,
            value,
            label,
            required=required,
            message=f"The {label} must be a whole number from {low} to {high}.",
        )
        return self._within(name, number, label, low, high)

    def number(
        self,
        name: str,
        value: Any,
        label: str,
        low: Decimal,
        high: Decimal,
        *,
        required: bool = True,
    ) -> Decimal | None:
        """An exact number from ``low`` to ``high`` (as precise as given), in the records' words."""
        number = self.decimal(
            name,
            value,
            label,
            places=None,
            required=required,
            message=f"The {label} must be a number from {low} to {high}.",
        )
        return self._within(name, number, label, low, high)

    def _within(self, name: str, number: Any, label: str, low: Any, high: Any) -> Any:
        if number is not None and not low <= number <= high:
            self.add(name, f"The {label} must be from {low} to {high}; {number} is outside.")
            return None
        return number

    def entry(
        self, name: str, model: Any, code: Any, label: str, *, allow_retired: bool = False
    ) -> Any:
        """A catalogue entry by its code; unknown and retired codes are field errors."""
        if blank(code):
            self.add(name, f"Choose the {label}.")
            return None
        if not isinstance(code, str):
            self.add(name, f"Give the {label} by its code.")
            return None
        row = db.session.scalar(select(model).where(func.upper(model.code) == code.strip().upper()))
        if row is None:
            self.add(name, f"There is no {label} with the code {code.strip()!r}.")
            return None
        if getattr(row, "retired", False) and not allow_retired:
            self.add(name, f"The {label} {row.code} is retired; new records cannot use it.")
            return None
        return row


Record = TypeVar("Record", bound=Model)


def add_record(model: type[Record], employee: Employee, values: Mapping[str, Any]) -> Record:
    """A new record of ``employee`` with its checked ``values`` (its columns, and the catalogue
    entry it names, so the answer shows it without a second load), added to the session: the
    unit of work around the use case commits it."""
    record = model(employee_id=employee.id, **values)
    db.session.add(record)
    return record


def check_version(record: Any, expected_version: Any) -> None:
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
        raise RecordError.on("version", message) from None
    if seen != record.version:
        raise StaleRecord()


def actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def is_hr(actor: User | None) -> bool:
    """The system itself (``actor=None``: the command line) acts as HR."""
    return actor is None or policy.is_hr(actor)


def require_hr(actor: User | None, doing: str) -> None:
    if not is_hr(actor):
        raise RecordForbidden(f"Only HR can {doing}.")


def hr_correction(record: Any, expected_version: Any, *, actor: User | None, doing: str) -> None:
    """The guard of every correction of a record: hr only (refused in the words of ``doing``),
    and only from the version the editor read (``check_version``)."""
    require_hr(actor, doing)
    check_version(record, expected_version)


def other_record(model: Any, employee: Employee, exclude: int | None, *same: Any) -> int | None:
    """The id of a record of ``employee`` other than ``exclude`` that is ``same`` (conditions on
    ``model``) as the one being saved: the clash a record kind refuses, or None."""
    return db.session.scalar(
        select(model.id).where(model.employee_id == employee.id, model.id != (exclude or 0), *same)
    )


def refuse_own(actor: User | None, employee_id: int | None, doing: str) -> None:
    """Four eyes (docs/RULES.md "Four eyes"): nobody verifies, clears, rates, promotes or
    terminates themselves; another HR user must. A 403 that says who can."""
    if actor is not None and employee_id is not None and actor.employee_id == employee_id:
        raise RecordForbidden(
            f"You cannot {doing} for yourself: another HR user must do it (four eyes)."
        )


# What deleting each kind of record is called when someone other than hr is refused.
DELETED_KINDS: dict[type, str] = {
    Assessment: "delete assessments",
    Completion: "delete training records",
    CompetencyRating: "delete ratings",
    EducationRecord: "delete education",
    TalentReview: "delete talent reviews",
}


@unit_of_work
def delete_record(row: Any, *, actor: User | None) -> None:
    """HR removes a record entered by mistake (the audit trail keeps what it was)."""
    require_hr(actor, DELETED_KINDS[type(row)])
    db.session.delete(row)


def with_person_and_entry(model: Any, entry: Any, link: Any) -> Select:
    """``model``'s records joined to their person and to the catalogue ``entry`` each names
    (``link``, the record's column): hr's list of a record kind, filtered by either, in one
    query."""
    return (
        select(model).join(Employee, model.employee_id == Employee.id).join(entry, link == entry.id)
    )
