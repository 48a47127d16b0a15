"""The demo catalogue: competencies, courses and their sessions, checks, instruments,
qualifications, job roles with their requirements, the ladder and the departments."""

from __future__ import annotations

from decimal import Decimal

from app import models
from app.extensions import db
from app.seed.demo.base import SeederBase
from app.seed.demo.data import (
    BOOKINGS,
    CHECK_TYPES,
    COMPETENCIES,
    COURSES,
    INSTRUMENTS,
    QUALIFICATIONS,
    REQUIREMENTS,
    ROLES,
    SESSIONS,
    RequirementRow,
)

DEPARTMENTS = [
    ("CS-NORTH", "Contact Centre North"),
    ("CS-SOUTH", "Contact Centre South"),
    ("CS-ESC", "Escalations and Logistics"),
    ("HR", "People and HR"),
    ("FIN", "Finance"),
]


def _whole(threshold: int | Decimal | None) -> int | None:
    return None if threshold is None else int(threshold)


def _exact(threshold: int | Decimal | None) -> Decimal | None:
    return None if threshold is None else Decimal(threshold)


class CatalogueSeeder(SeederBase):
    def catalogue(self) -> None:
        self._competencies_and_courses()
        self._course_links()
        self._sessions()
        self._checks_instruments_roles()
        self._requirements()
        self._ladder_and_departments()

    def _competencies_and_courses(self) -> None:
        for code, name, category in COMPETENCIES:
            self.comp[code] = models.Competency(code=code, name=name, category=category)
        db.session.add_all(self.comp.values())
        for code, title, category, hours, cost, validity, _prereq, _grants in COURSES:
            self.course[code] = models.Course(
                code=code,
                title=title,
                category=category,
                hours=Decimal(hours),
                cost=Decimal(cost),
                validity_months=validity,
                default_duration_days=30,
            )
        db.session.add_all(self.course.values())
        db.session.flush()

    def _course_links(self) -> None:
        for code, *_rest, prereqs, grants in COURSES:
            for p in prereqs:
                db.session.add(
                    models.CoursePrerequisite(
                        course_id=self.course[code].id, prerequisite_id=self.course[p].id
                    )
                )
            for comp, level in grants:
                db.session.add(
                    models.CourseGrant(
                        course_id=self.course[code].id,
                        competency_id=self.comp[comp].id,
                        level=level,
                    )
                )

    def _sessions(self) -> None:
        self.sessions: dict[tuple[str, int], models.CourseSession] = {}
        for code, runs in SESSIONS.items():
            for start, length, seats in runs:
                session = models.CourseSession(
                    course_id=self.course[code].id,
                    starts_on=self.d(start),
                    ends_on=self.d(start + length),
                    seats=seats,
                    location="Training room 2" if length else "Online",
                )
                db.session.add(session)
                self.sessions[(code, start)] = session

    def bookings(self, maria: models.Employee, csrs: list[models.Employee]) -> None:
        """docs/RULES.md demo: bookings of several CSRs, a full session with its waitlist (in
        booking order), an ended one awaiting attendance, and Maria's PCI renewal. Each
        session's seat counter matches its enrolled bookings."""
        people = iter(csrs)
        plan = [
            (code, start, [maria] if (code, start) == ("PCI-AWARE", 9) else [], seated, waiting)
            for code, start, seated, waiting in BOOKINGS
        ]
        for code, start, first, seated, waiting in plan:
            session = self.sessions[(code, start)]
            db.session.flush()
            chosen = first + [next(people) for _ in range(seated + waiting)]
            for index, person in enumerate(chosen):
                status = "enrolled" if index < len(first) + seated else "waitlisted"
                db.session.add(
                    models.Enrolment(
                        session_id=session.id, employee_id=person.id, status=status, sequence=0
                    )
                )
                db.session.flush()  # the waitlist is ordered by id
            session.enrolled_count = len(first) + seated

    def _checks_instruments_roles(self) -> None:
        for code, name, rescreen, turnaround in CHECK_TYPES:
            self.check[code] = models.CheckType(
                code=code, name=name, rescreen_months=rescreen, turnaround_days=turnaround
            )
        for code, name, kind, dimensions in INSTRUMENTS:
            self.instr[code] = models.Instrument(
                code=code, name=name, kind=kind, dimensions=dimensions, validity_months=24
            )
        for code, name in QUALIFICATIONS:
            self.qual[code] = models.QualificationType(code=code, name=name)
        for code, title, level, limit in ROLES:
            self.role[code] = models.JobRole(
                code=code, title=title, level=level, financial_authority_limit=Decimal(limit)
            )
        db.session.add_all(
            [*self.check.values(), *self.instr.values(), *self.qual.values(), *self.role.values()]
        )
        db.session.flush()

    def _requirements(self) -> None:
        for role_code, reqs in REQUIREMENTS.items():
            for position, row in enumerate(reqs):
                db.session.add(self._requirement(role_code, position, row))

    def _requirement(
        self, role_code: str, position: int, row: RequirementRow
    ) -> models.Requirement:
        kind, target, threshold, mandatory, weight = row
        req = models.Requirement(
            job_role_id=self.role[role_code].id,
            kind=kind,
            mandatory=mandatory,
            weight=Decimal(weight),
            position=position,
        )
        if kind == "competency":
            req.competency_id, req.min_level = self.comp[target].id, _whole(threshold)
        elif kind in ("course", "certification"):
            req.course_id = self.course[target].id
        elif kind == "background_check":
            req.check_type_id = self.check[target].id
        elif kind == "assessment":
            req.instrument_id, req.min_score = self.instr[target].id, _exact(threshold)
        elif kind == "education":
            req.qualification_id = self.qual[target].id
        elif kind == "tenure":
            req.min_months = _whole(threshold)
        return req

    def _ladder_and_departments(self) -> None:
        db.session.add(
            models.LadderEdge(
                from_role_id=self.role["L1-CSR"].id,
                to_role_id=self.role["L2-CSS"].id,
                typical_months=24,
            )
        )
        db.session.add(
            models.LadderEdge(
                from_role_id=self.role["L2-CSS"].id,
                to_role_id=self.role["L3-CSM"].id,
                typical_months=36,
            )
        )
        for code, name in DEPARTMENTS:
            self.dept[code] = models.Department(code=code, name=name)
        db.session.add_all(self.dept.values())
        db.session.flush()
