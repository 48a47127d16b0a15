"""The training completions import, checked and applied in bulk (SECURITY.md finding 7).

Each row is checked by the completion service's own parsers (``records.completions``: the
course, the date and the score, four eyes) against the people, courses and completions of the
whole file, loaded in a few SELECTs; a dry run stops there and writes nothing. Applying adds the
new completions and corrects the scores in one flush (batched INSERTs, and the audit in one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, func, or_, select

from app.extensions import db
from app.kernel.fields import assign, blank
from app.models import Competency, Completion, Course, Employee, User
from app.services.csv_io.employees import _IDS_KEY, CHUNK, _chunks, next_ids
from app.services.csv_io.reading import RowRefused
from app.services.csv_io.rows import _decimal_text
from app.services.records import completions
from app.services.records.common import RecordFields, actor_id, refuse_own


@dataclass
class Planned:
    employee: Employee
    course: Course
    done: date
    points: Decimal | None
    line: int
    existing: Completion | None = None  # a score correction of this one; None: a new one


class People:
    """The people a file's ``employee`` column names (number or email), loaded at once."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        refs = {v["employee"].strip() for v in rows if v.get("employee")}
        self.by_number: dict[str, Employee] = {}
        self.by_email: dict[str, Employee] = {}
        for part in _chunks(refs):
            upper, lower = [r.upper() for r in part], [r.lower() for r in part]
            for employee in db.session.scalars(
                select(Employee).where(
                    or_(
                        func.upper(Employee.employee_no).in_(upper),
                        func.lower(Employee.email).in_(lower),
                    )
                )
            ):
                self.by_number[employee.employee_no.upper()] = employee
                self.by_email[employee.email.lower()] = employee

    def ids(self) -> list[int]:
        return sorted({e.id for e in self.by_number.values()})

    def find(self, reference: str) -> Employee:
        text = reference.strip()
        found = self.by_number.get(text.upper()) or self.by_email.get(text.lower())
        if found is None:
            raise RowRefused(f"Employee: there is no employee {reference!r}.")
        return found


Entry = TypeVar("Entry", Course, Competency)


def loaded_entry(
    entries: Mapping[str, Entry], name: str, code: Any, label: str, fields: RecordFields
) -> Entry | None:
    """``RecordFields.entry`` answered from a catalogue loaded once (upper-case code -> entry):
    a blank, unknown or retired code is a field error, in the same words."""
    if blank(code):
        fields.add(name, f"Choose the {label}.")
        return None
    found = entries.get(str(code).strip().upper())
    if found is None:
        fields.add(name, f"There is no {label} with the code {str(code).strip()!r}.")
    elif found.retired:
        fields.add(name, f"The {label} {found.code} is retired; new records cannot use it.")
        return None
    return found


class PlannedRecord(Protocol):
    @property
    def existing(self) -> Any: ...


Row = TypeVar("Row", bound=PlannedRecord)


def write_planned(
    table: Table,
    planned: Sequence[Row],
    new: Callable[[Row, int], Any],
    corrected: Callable[[Row], Mapping[str, Any]],
) -> None:
    """Write a checked file of records in one flush: the new ones (``new`` adds each to the
    session with the id handed out for it, so they go as batched INSERTs), then the
    corrections of records on file (``corrected``: the values to set)."""
    db.session.info[_IDS_KEY] = {}
    try:
        fresh = [p for p in planned if p.existing is None]
        for row, new_id in zip(fresh, next_ids(table, len(fresh)), strict=True):
            new(row, new_id)
        for row in planned:
            if row.existing is not None:
                assign(row.existing, corrected(row))
        db.session.flush()
    finally:
        db.session.info.pop(_IDS_KEY, None)


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # the date parser says what is wrong with it


class CompletionPlan:
    """The whole file checked; ``apply()`` writes it."""

    def __init__(self, rows: list[dict[str, str]], actor: User | None) -> None:
        self.actor = actor
        self.people = People(rows)
        self.courses = {c.code.upper(): c for c in db.session.scalars(select(Course))}
        # every counted completion of the file's people: (person, course, day) -> completion
        self.on_file: dict[tuple[int, int, date], Completion] = {}
        people = self.people.ids()
        for start in range(0, len(people), CHUNK):
            for completion in db.session.scalars(
                select(Completion).where(
                    Completion.employee_id.in_(people[start : start + CHUNK]),
                    Completion.verification != "rejected",
                )
            ):
                day = (completion.employee_id, completion.course_id, completion.completed_on)
                self.on_file[day] = completion
        self.planned: list[Planned] = []
        self.in_file: dict[tuple[int, int, date], Planned] = {}

    def check_row(self, position: int, line: int, values: dict[str, str]) -> tuple[str, str]:
        employee = self.people.find(values.get("employee", ""))
        score = values.get("score") or None
        known = self.courses.get(values.get("course", "").strip().upper())
        on = values.get("completed_on", "")
        day = _iso(on)
        if known is not None and day is not None:
            key = (employee.id, known.id, day)
            earlier = self.in_file.get(key)
            if earlier is not None:
                kept = None if earlier.points is None else _decimal_text(str(earlier.points))
                if score is None or _decimal_text(score) == kept:
                    return "unchanged", ""
                raise RowRefused(
                    f"Line {earlier.line} of this file has the same completion with another score."
                )
            existing = self.on_file.get(key)
            if existing is not None:
                return self._correction(existing, employee, known, line, on, score)
        refuse_own(self.actor, employee.id, "record a verified completion")
        fields = RecordFields()
        course = loaded_entry(self.courses, "course", values.get("course"), "course", fields)
        done, points = completions._date_and_score(on, score, fields)
        fields.raise_if_any()
        assert course is not None and done is not None
        self._keep(Planned(employee, course, done, points, line))
        return "create", ""

    def _correction(
        self,
        existing: Completion,
        employee: Employee,
        course: Course,
        line: int,
        on: str,
        score: str | None,
    ) -> tuple[str, str]:
        if score is None or (
            existing.score is not None and str(existing.score) == _decimal_text(score)
        ):
            self.in_file[(employee.id, course.id, existing.completed_on)] = Planned(
                employee, course, existing.completed_on, existing.score, line
            )
            return "unchanged", ""
        fields = RecordFields()
        done, points = completions._date_and_score(on, score, fields)
        fields.raise_if_any()
        assert done is not None
        self._keep(Planned(employee, course, done, points, line, existing))
        return "update", "score"

    def _keep(self, planned: Planned) -> None:
        self.planned.append(planned)
        self.in_file[(planned.employee.id, planned.course.id, planned.done)] = planned

    def _new(self, planned: Planned, new_id: int) -> Completion:
        return completions.new_completion(
            planned.employee,
            planned.course,
            planned.done,
            planned.points,
            id=new_id,
            verification="verified",
            verified_by_user_id=actor_id(self.actor),
        )

    def apply(self) -> None:
        write_planned(
            Completion.__table__,
            self.planned,
            self._new,
            lambda p: completions._dated(p.course, p.done, p.points),
        )
