"""The competency ratings import, checked and applied in bulk (SECURITY.md finding 7).

Each row is checked by the rating service's own parsers and source rule (``records.ratings``)
against the people, competencies and ratings of the whole file, loaded in a few SELECTs; a dry
run stops there and writes nothing. Applying adds and corrects the ratings in one flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.kernel.fields import assign, blank
from app.models import Competency, CompetencyRating, Employee, User
from app.readiness.vocabulary import RATING_SOURCES
from app.services.csv_io.completions import People, _iso
from app.services.csv_io.employees import _IDS_KEY, CHUNK, next_ids
from app.services.csv_io.reading import RowRefused
from app.services.records import ratings
from app.services.records.common import RecordFields, actor_id

Key = tuple[int, int, date, str]  # person, competency, day, source


@dataclass
class Planned:
    employee: Employee
    competency: Competency
    source: str
    values: dict[str, Any]  # level, rated_on, evidence
    line: int
    existing: CompetencyRating | None = None


class RatingPlan:
    """The whole file checked; ``apply()`` writes it."""

    def __init__(self, rows: list[dict[str, str]], actor: User | None) -> None:
        self.actor = actor
        self.people = People(rows)
        self.competencies = {c.code.upper(): c for c in db.session.scalars(select(Competency))}
        self.on_file: dict[Key, CompetencyRating] = {}
        people = self.people.ids()
        for start in range(0, len(people), CHUNK):
            for rating in db.session.scalars(
                select(CompetencyRating).where(
                    CompetencyRating.employee_id.in_(people[start : start + CHUNK])
                )
            ):
                key = (rating.employee_id, rating.competency_id, rating.rated_on, rating.source)
                self.on_file[key] = rating
        self.planned: list[Planned] = []
        self.in_file: dict[Key, int] = {}

    def _competency(self, code: Any, fields: RecordFields) -> Competency | None:
        """``RecordFields.entry`` for competencies, answered from the loaded catalogue."""
        if blank(code):
            fields.add("competency", "Choose the competency.")
            return None
        found = self.competencies.get(str(code).strip().upper())
        if found is None:
            fields.add("competency", f"There is no competency with the code {str(code).strip()!r}.")
        elif found.retired:
            fields.add(
                "competency", f"The competency {found.code} is retired; new records cannot use it."
            )
            return None
        return found

    def check_row(self, position: int, line: int, values: dict[str, str]) -> tuple[str, str]:
        employee = self.people.find(values.get("employee", ""))
        source = (values.get("source") or "manager").strip().lower()
        known = self.competencies.get(values.get("competency", "").strip().upper())
        day = _iso(values.get("rated_on", ""))
        key = (employee.id, known.id, day, source) if known and day else None
        if key is not None and key in self.in_file:
            raise RowRefused(f"Line {self.in_file[key]} of this file rates the same already.")
        existing = self.on_file.get(key) if key is not None else None
        fields = RecordFields()
        evidence = values.get("evidence") or None
        if existing is not None:
            level = values.get("level", "")
            same_level = level.strip() == str(existing.level)
            same_evidence = "evidence" not in values or evidence == existing.evidence
            if same_level and same_evidence:
                return "unchanged", ""
            checked = ratings._rating_values(
                level,
                values.get("rated_on", ""),
                evidence if "evidence" in values else existing.evidence,
                fields,
            )
            fields.raise_if_any()
            assert known is not None
            self._keep(Planned(employee, known, source, checked, line, existing), key)
            return "update", "level" if not same_level else "evidence"
        competency = self._competency(values.get("competency"), fields)
        checked = ratings._rating_values(
            values.get("level", ""), values.get("rated_on", ""), evidence, fields
        )
        if source not in RATING_SOURCES:
            fields.add("source", f"The source must be one of {', '.join(RATING_SOURCES)}.")
        elif source not in ratings.allowed_rating_sources(self.actor, employee):
            ratings._refuse_source(self.actor, employee, source)
        fields.raise_if_any()
        assert competency is not None
        self._keep(Planned(employee, competency, source, checked, line), key)
        return "create", ""

    def _keep(self, planned: Planned, key: Key | None) -> None:
        self.planned.append(planned)
        if key is not None:
            self.in_file[key] = planned.line

    def apply(self) -> None:
        db.session.info[_IDS_KEY] = {}
        try:
            new = [p for p in self.planned if p.existing is None]
            ids = next_ids(CompetencyRating.__table__, len(new))
            for planned, new_id in zip(new, ids, strict=True):
                db.session.add(
                    CompetencyRating(
                        id=new_id,
                        employee_id=planned.employee.id,
                        competency_id=planned.competency.id,
                        competency=planned.competency,
                        source=planned.source,
                        rated_by_user_id=actor_id(self.actor),
                        **planned.values,
                    )
                )
            for planned in self.planned:
                if planned.existing is not None:
                    assign(planned.existing, planned.values)
            db.session.flush()
        finally:
            db.session.info.pop(_IDS_KEY, None)
