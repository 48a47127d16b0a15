"""The demo people and their records: a person with role history, completions, ratings,
checks, 360s and assessment centres, and the baseline records of a CSR and a supervisor."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.extensions import db
from app.models import (
    Assessment,
    AssessmentResponse,
    BackgroundCheck,
    CompetencyRating,
    Employee,
    RoleHistory,
)
from app.readiness.dates import add_months
from app.seed.demo.base import SeederBase
from app.services.records import completions


class RecordSeeder(SeederBase):
    def person(
        self,
        name: str,
        role: str | None,
        dept: str,
        manager: Employee | None,
        months_in_role: int,
        email: str | None = None,
        months_employed: int | None = None,
    ) -> Employee:
        self.counter += 1
        role_since = add_months(self.t, -months_in_role)
        employed = months_employed if months_employed is not None else months_in_role
        hire = add_months(self.t, -max(employed, months_in_role))
        employee = Employee(
            employee_no=f"E{self.counter:04d}",
            email=email or f"{name.lower().replace(' ', '.')}@example.com",
            name=name,
            hire_date=hire,
            job_role_id=self.role[role].id if role else None,
            role_since=role_since if role else None,
            manager_id=manager.id if manager else None,
            department_id=self.dept[dept].id,
            jurisdiction=self.rng.choice(["US-CA", "US-TX", "US-NY", "US-WA"]),
        )
        db.session.add(employee)
        db.session.flush()
        if role:
            level = self.role[role].level
            if level >= 2 and employed > months_in_role:
                earlier = "L1-CSR" if level == 2 else "L2-CSS"
                db.session.add(
                    RoleHistory(
                        employee_id=employee.id,
                        job_role_id=self.role[earlier].id,
                        started_on=hire,
                        ended_on=role_since,
                        note="Promoted",
                    )
                )
            db.session.add(
                RoleHistory(
                    employee_id=employee.id, job_role_id=self.role[role].id, started_on=role_since
                )
            )
        return employee

    def complete(self, e: Employee, course: str, days_ago: int, verified: bool = True) -> None:
        verification = "verified" if verified else "pending"
        completions.new_completion(
            e, self.course[course], self.d(-days_ago), None, verification=verification
        )

    def rate(
        self, e: Employee, comp: str, level: int, days_ago: int, source: str = "manager"
    ) -> None:
        db.session.add(
            CompetencyRating(
                employee_id=e.id,
                competency_id=self.comp[comp].id,
                level=level,
                rated_on=self.d(-days_ago),
                source=source,
                evidence="Observed in quarterly review",
            )
        )

    def check_done(
        self,
        e: Employee,
        kind: str,
        days_ago: int,
        status: str = "clear",
        findings: str | None = None,
    ) -> None:
        completed = self.d(-days_ago)
        requested = completed - timedelta(days=12)
        db.session.add(
            BackgroundCheck(
                employee_id=e.id,
                check_type_id=self.check[kind].id,
                consent_signed_on=requested - timedelta(days=2),
                consent_form_version="FCRA-2024-1",
                requested_on=requested,
                vendor="Sterling Screening",
                status=status,
                completed_on=completed,
                valid_until=add_months(completed, self.check[kind].rescreen_months),
                findings=findings,
            )
        )

    def three_sixty(self, e: Employee, days_ago: int, groups: dict[str, list[float]]) -> None:
        from app.readiness.aggregate360 import aggregate_360

        dims = self.instr["LEAD-360"].dimensions
        responses = []
        for group, means in groups.items():
            for mean in means:
                responses.append((group, {dim: mean for dim in dims}))
        minimums = dict(self=1, manager=1, peer=3, direct_report=3, other=1)
        result = aggregate_360(responses, minimums)
        a = Assessment(
            min_responses=minimums,
            employee_id=e.id,
            instrument_id=self.instr["LEAD-360"].id,
            conducted_on=self.d(-days_ago),
            overall=(
                Decimal(str(round(result.overall, 3))) if result.overall is not None else None
            ),
        )
        a.responses = [AssessmentResponse(rater_group=g, scores=s) for g, s in responses]
        db.session.add(a)

    def assessment_centre(self, e: Employee, days_ago: int, scores: list[float]) -> None:
        dims = self.instr["L3-AC"].dimensions
        mapping = dict(zip(dims, scores, strict=True))
        overall = Decimal(str(round(sum(scores) / len(scores), 3)))
        db.session.add(
            Assessment(
                employee_id=e.id,
                instrument_id=self.instr["L3-AC"].id,
                conducted_on=self.d(-days_ago),
                scores=mapping,
                overall=overall,
            )
        )

    def baseline_csr(self, e: Employee, strong: bool) -> None:
        r = self.rng
        self.complete(e, "CS-FOUND", r.randint(200, 900))
        self.complete(e, "PCI-AWARE", r.randint(20, 330))
        self.complete(e, "HARASS-REF", r.randint(30, 600))
        self.check_done(e, "EMPLOYMENT", r.randint(100, 900))
        self.rate(e, "PRODUCT", r.choice([2, 3, 3, 4] if strong else [1, 2, 2, 3]), 60)
        self.rate(e, "COMPLAINT", r.choice([2, 3, 4] if strong else [1, 2, 3]), 60)
        self.rate(e, "COACHING", r.choice([1, 2, 2, 3] if strong else [0, 1, 2]), 60)
        self.rate(e, "POLICY", r.choice([1, 2, 3]), 60)
        self.rate(e, "PRODUCT", r.choice([3, 4]), 30, source="self")
        if strong:
            self.check_done(e, "CRIMINAL", r.randint(100, 900))
            self.rate(e, "ORG-BEHAV", r.choice([1, 2, 2]), 60)
            self.rate(e, "HR-BASICS", r.choice([1, 2]), 60)
            if r.random() < 0.5:
                self.complete(e, "SUP-101", r.randint(40, 300))

    def baseline_supervisor(self, e: Employee) -> None:
        r = self.rng
        self.baseline_csr(e, strong=True)
        self.rate(e, "PRODUCT", 4, 40)
        self.rate(e, "COMPLAINT", 4, 40)
        self.complete(e, "SUP-101", r.randint(400, 900))
        self.complete(e, "SUP-REF", r.randint(30, 500))
        self.rate(e, "COACHING", r.choice([2, 3, 3]), 40)
        self.rate(e, "PROBLEM", r.choice([1, 2, 3]), 40)
        self.rate(e, "FINANCE", r.choice([1, 2]), 40)
        self.rate(e, "COST-BENEFIT", r.choice([1, 2]), 40)
        self.rate(e, "LOGISTICS", r.choice([1, 2, 3]), 40)
