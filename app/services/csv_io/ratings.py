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
from app.models import Competency, CompetencyRating, Employee, User
from app.readiness.vocabulary import RATING_SOURCES
from app.services.csv_io.completions import People, _iso, loaded_entry, write_planned
from app.services.csv_io.employees import CHUNK
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
        competency = loaded_entry(
            self.competencies, "competency", values.get("competency"), "competency", fields
        )
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

    def _new(self, planned: Planned, new_id: int) -> None:
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

    def apply(self) -> None:
        write_planned(CompetencyRating.__table__, self.planned, self._new, lambda p: p.values)
