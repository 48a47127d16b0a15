"""The row handlers: each applies one row through the record services, so the rules live once,
and answers what it did (create, update or unchanged) with the fields it changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.kernel.fields import to_decimal
from app.models import CompetencyRating, Completion, Employee, User
from app.services import records
from app.services.csv_io.kinds import ImportKind
from app.services.csv_io.reading import RowRefused

Handler = Callable[[dict[str, str], User | None], tuple[str, str]]


def _person(reference: str, label: str = "Employee") -> Employee:
    employee = records.find_employee(reference)
    if employee is None:
        raise RowRefused(f"{label}: there is no employee {reference!r}.")
    return employee


def _employee_row(values: dict[str, str], actor: User | None) -> tuple[str, str]:
    data = {k: v for k, v in values.items() if k != "manager" and v != ""}
    existing = (
        records.find_employee(values.get("employee_no", "")) if values.get("employee_no") else None
    )
    if existing is not None and existing.employee_no.upper() != values["employee_no"].upper():
        existing = None  # matched by email only: the number decides who the row is
    if existing is None:
        records.create_employee(data, actor=actor)
        return "create", ""
    change = records.update_employee(existing, data, actor=actor)
    if change.changes:
        return "update", ", ".join(sorted(change.changes))
    return "unchanged", ""


def employee_manager(values: dict[str, str], actor: User | None) -> str | None:
    """Second pass: the reporting line, once every row's person exists."""
    reference = values.get("manager", "")
    if not reference:
        return None
    employee = _person(values["employee_no"], "Employee number")
    manager = records.find_employee(reference)
    if manager is None:
        raise RowRefused(f"Manager: there is no employee {reference!r}.")
    change = records.update_employee(employee, {"manager_id": manager.id}, actor=actor)
    return "manager" if change.changes else None


def _entry(model: Any, code: str) -> Any:
    """The catalogue entry a row names by code (any case, spaces around ignored), or None."""
    return db.session.scalar(select(model).where(model.code == code.strip().upper()))


def _imported_before(
    model: Any, employee: Employee, values: dict[str, str], target: str, day: str, *same: Any
) -> Any:
    """The person's record of ``model`` that the row names again: the same catalogue entry
    (the relationship ``target``, by the code in the row) on the same ``day`` (a date field),
    and ``same`` (more conditions); None when the row names a new one. A file imported again
    updates that record instead of adding a second one."""
    entry = _entry(getattr(model, target).property.mapper.class_, values.get(target, ""))
    on = values.get(day, "")
    if entry is None or not on:
        return None
    return db.session.scalar(
        select(model).where(
            model.employee_id == employee.id,
            getattr(model, f"{target}_id") == entry.id,
            getattr(model, day) == date.fromisoformat(on),
            *same,
        )
    )


def _completion_row(values: dict[str, str], actor: User | None) -> tuple[str, str]:
    employee = _person(values["employee"])
    completed_on = values.get("completed_on", "")
    counted = Completion.verification != "rejected"
    existing = _imported_before(Completion, employee, values, "course", "completed_on", counted)
    if existing is not None:
        score = values.get("score") or None
        if score is None or (
            existing.score is not None and str(existing.score) == _decimal_text(score)
        ):
            return "unchanged", ""
        records.update_completion(existing, completed_on, score, actor=actor)
        return "update", "score"
    records.record_completion(
        employee,
        values.get("course", ""),
        completed_on,
        values.get("score") or None,
        actor=actor,
    )
    return "create", ""


def _decimal_text(value: str) -> str:
    """A score as the database stores it (two decimals), to compare with the stored one."""
    number = to_decimal(value)
    if number is None:
        return value
    try:
        return str(number.quantize(Decimal("0.01")))
    except InvalidOperation:
        return value


def _rating_row(values: dict[str, str], actor: User | None) -> tuple[str, str]:
    employee = _person(values["employee"])
    source = (values.get("source") or "manager").strip().lower()
    rated_on = values.get("rated_on", "")
    same_source = CompetencyRating.source == source
    existing = _imported_before(
        CompetencyRating, employee, values, "competency", "rated_on", same_source
    )
    if existing is not None:
        level = values.get("level", "")
        evidence = values.get("evidence") or None
        same_level = level.strip() == str(existing.level)
        same_evidence = "evidence" not in values or evidence == existing.evidence
        if same_level and same_evidence:
            return "unchanged", ""
        records.update_rating(
            existing,
            level,
            rated_on,
            evidence if "evidence" in values else existing.evidence,
            actor=actor,
        )
        return "update", "level" if not same_level else "evidence"
    records.record_rating(
        employee,
        values.get("competency", ""),
        values.get("level", ""),
        rated_on,
        source,
        values.get("evidence") or None,
        actor=actor,
    )
    return "create", ""


def _assignment_rule_row(values: dict[str, str], actor: User | None) -> tuple[str, str]:
    """A rule per row (docs/RULES.md "Assignments"): new, or the standing rule of the row's
    role and course changed; saving assigns or closes as the rule says."""
    from app.services import assignments

    data: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
    data["departments"] = (values.get("departments") or "").replace(";", " ")
    rule = assignments.standing_rule(values.get("role", ""), values.get("course", ""))
    if rule is None:
        assignments.create_rule(data, actor=actor)
        return "create", ""
    before = assignments.rule_values(rule)
    assignments.update_rule(rule, data, actor=actor)
    after = assignments.rule_values(rule)
    changed = sorted(key for key in after if after[key] != before[key])
    return ("update", ", ".join(changed)) if changed else ("unchanged", "")


HANDLERS: dict[str, Handler] = {
    "employees": _employee_row,
    "completions": _completion_row,
    "ratings": _rating_row,
    "assignment_rules": _assignment_rule_row,
}
# Service field names -> the column label the user sees in the report.
SERVICE_FIELDS = {"manager_id": "manager", "type": "type", "note": "note"}


def row_key(kind: ImportKind, values: dict[str, str]) -> str:
    if kind.name == "employees":
        return values.get("employee_no", "")
    if kind.name == "assignment_rules":
        return " ".join(v for v in (values.get("role"), values.get("course")) if v)
    if kind.name == "completions":
        return " ".join(
            v
            for v in (values.get("employee"), values.get("course"), values.get("completed_on"))
            if v
        )
    return " ".join(
        v for v in (values.get("employee"), values.get("competency"), values.get("rated_on")) if v
    )
