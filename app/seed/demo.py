"""The demo organisation of DOMAIN.md, anchored on today's date (the clock), deterministic.

About 60 people: a head of customer service and three CSMs (L3), eight CSSs (L2), CSRs (L1),
plus HR, finance and an admin. The named cases of DOMAIN.md are people with fixed facts:

- Maria Lopez, CSR, about 80% ready for L2 with her PCI refresher expired (a failed gate);
- Daniel Kim, CSS, whose 360 has only 2 peer responses (the peer group is hidden);
- Priya Shah, a $2,000 course graded B, reimbursed $1,500, left voluntarily 10 months later and
  owes 75% ($1,125.00);
- Grace Okafor, CSS and L3 candidate, whose CREDIT check is review_required: her manager sees the
  status word, only HR sees the findings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

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
    CourseGrant,
    CoursePrerequisite,
    CourseSession,
    Department,
    EducationRecord,
    Employee,
    Instrument,
    JobRole,
    LadderEdge,
    QualificationType,
    Repayment,
    Requirement,
    RoleHistory,
    TalentReview,
    TuitionEvent,
    TuitionRequest,
)
from app.readiness.dates import add_months, whole_months_between
from app.services.accounts import create_user

DEMO_PASSWORD = "echelon-demo-2026"


@dataclass(frozen=True)
class Login:
    email: str
    roles: tuple[str, ...]
    persona: str


LOGINS = (
    Login("maria.lopez@example.com", (), "employee (CSR, the expired-PCI case)"),
    Login("sam.rivera@example.com", (), "manager (CSM, Contact Centre North)"),
    Login("hannah.reid@example.com", ("hr",), "hr"),
    Login("felix.turner@example.com", ("finance",), "finance"),
    Login("ada.ng@example.com", ("admin",), "admin"),
)

COMPETENCIES = [
    ("PRODUCT", "Product knowledge", "service"),
    ("COMPLAINT", "Complaint resolution", "service"),
    ("COACHING", "Coaching and training others", "leadership"),
    ("POLICY", "Policy enforcement", "leadership"),
    ("SCHEDULING", "Scheduling", "operations"),
    ("ORG-BEHAV", "Organisational behaviour", "management"),
    ("HR-BASICS", "HR basics", "management"),
    ("PROBLEM", "Problem analysis", "analysis"),
    ("COST-BENEFIT", "Cost-benefit analysis", "analysis"),
    ("FINANCE", "Budgeting and finance", "management"),
    ("LOGISTICS", "Logistics", "operations"),
    ("MARKETING", "Marketing basics", "management"),
]

# code, title, category, hours, cost, validity_months, prerequisites, grants
COURSES = [
    (
        "CS-FOUND",
        "Customer service foundations",
        "service",
        16,
        "250.00",
        None,
        [],
        [("PRODUCT", 2), ("COMPLAINT", 2)],
    ),
    ("PCI-AWARE", "PCI DSS awareness (yearly)", "compliance", 2, "50.00", 12, [], []),
    (
        "HARASS-REF",
        "Harassment-prevention refresher (two-yearly)",
        "compliance",
        3,
        "75.00",
        24,
        [],
        [],
    ),
    (
        "PRODUCT-ADV",
        "Advanced product knowledge",
        "service",
        24,
        "400.00",
        None,
        ["CS-FOUND"],
        [("PRODUCT", 4)],
    ),
    (
        "SUP-101",
        "Supervisor training",
        "leadership",
        40,
        "1200.00",
        None,
        ["CS-FOUND"],
        [("COACHING", 2), ("POLICY", 3)],
    ),
    (
        "SUP-REF",
        "Supervisor refresher (two-yearly)",
        "leadership",
        8,
        "300.00",
        24,
        ["SUP-101"],
        [],
    ),
    ("COACH-LAB", "Coaching lab", "leadership", 16, "600.00", None, [], [("COACHING", 3)]),
    (
        "ORG-101",
        "Organisational behaviour and HR basics",
        "management",
        20,
        "500.00",
        None,
        [],
        [("ORG-BEHAV", 2), ("HR-BASICS", 2)],
    ),
    (
        "MGMT-ANALYTICS",
        "Problem analysis and cost-benefit",
        "management",
        30,
        "1500.00",
        None,
        ["SUP-101"],
        [("PROBLEM", 3), ("COST-BENEFIT", 3)],
    ),
    (
        "FIN-BASICS",
        "Budgeting and finance for managers",
        "management",
        24,
        "900.00",
        None,
        [],
        [("FINANCE", 3)],
    ),
    (
        "LOG-OPS",
        "Logistics, order capture and dispatch",
        "operations",
        24,
        "800.00",
        None,
        [],
        [("LOGISTICS", 3)],
    ),
    ("MKT-101", "Marketing basics", "management", 12, "450.00", None, [], [("MARKETING", 2)]),
]

# course code -> list of (days from today to start, length in days, seats)
SESSIONS = {
    "CS-FOUND": [(14, 4, 16), (75, 4, 16)],
    "PCI-AWARE": [(9, 0, 30), (40, 0, 30), (100, 0, 30)],
    "HARASS-REF": [(21, 0, 25), (120, 0, 25)],
    "PRODUCT-ADV": [(30, 5, 12)],
    "SUP-101": [(35, 10, 12), (160, 10, 12)],
    "SUP-REF": [(50, 1, 15)],
    "COACH-LAB": [(60, 2, 10)],
    "ORG-101": [(28, 14, 20), (140, 14, 20)],
    "MGMT-ANALYTICS": [(70, 30, 15)],
    "FIN-BASICS": [(45, 20, 15)],
    "LOG-OPS": [(90, 20, 15)],
    "MKT-101": [(55, 10, 20)],
}

CHECK_TYPES = [
    ("EMPLOYMENT", "Employment history verification", 36, 14),
    ("CRIMINAL", "Criminal record check", 36, 14),
    ("CREDIT", "Credit history check", 12, 14),
]

QUALIFICATIONS = [
    ("CERT-MGMT", "Certificate in Management"),
    ("BBA", "Bachelor of Business Administration"),
    ("CERT-LOG", "Certificate in Logistics"),
]

ROLES = [
    ("L1-CSR", "Customer Service Representative", 1, "100.00"),
    ("L2-CSS", "Customer Service Supervisor", 2, "1000.00"),
    ("L3-CSM", "Customer Service Manager", 3, "10000.00"),
]

# role -> (kind, target, threshold, mandatory, weight)
RequirementRow = tuple[str, str, int | Decimal | None, bool, int]
"""(kind, target code or "" for tenure, threshold, mandatory, weight) of one requirement."""

REQUIREMENTS: dict[str, list[RequirementRow]] = {
    "L1-CSR": [
        ("course", "CS-FOUND", None, True, 1),
        ("certification", "PCI-AWARE", None, True, 1),
        ("certification", "HARASS-REF", None, True, 1),
        ("background_check", "EMPLOYMENT", None, True, 1),
    ],
    "L2-CSS": [
        ("competency", "PRODUCT", 3, True, 2),
        ("competency", "COMPLAINT", 3, True, 1),
        ("competency", "COACHING", 2, False, 1),
        ("competency", "POLICY", 2, False, 1),
        ("competency", "ORG-BEHAV", 2, False, 1),
        ("competency", "HR-BASICS", 1, False, 1),
        ("certification", "PCI-AWARE", None, True, 1),
        ("certification", "HARASS-REF", None, True, 1),
        ("course", "SUP-101", None, True, 1),
        ("background_check", "EMPLOYMENT", None, True, 1),
        ("background_check", "CRIMINAL", None, True, 1),
        ("assessment", "LEAD-360", Decimal("3.50"), False, 2),
        ("tenure", "", 12, True, 1),
    ],
    "L3-CSM": [
        ("competency", "PROBLEM", 3, True, 2),
        ("competency", "COST-BENEFIT", 3, True, 1),
        ("competency", "FINANCE", 3, True, 1),
        ("competency", "LOGISTICS", 2, False, 1),
        ("competency", "MARKETING", 2, False, 1),
        ("competency", "COACHING", 3, False, 1),
        ("certification", "PCI-AWARE", None, True, 1),
        ("certification", "HARASS-REF", None, True, 1),
        ("certification", "SUP-REF", None, False, 1),
        ("background_check", "EMPLOYMENT", None, True, 1),
        ("background_check", "CRIMINAL", None, True, 1),
        ("background_check", "CREDIT", None, True, 1),
        ("assessment", "L3-AC", Decimal("3.50"), True, 2),
        ("assessment", "LEAD-360", Decimal("3.50"), False, 1),
        ("education", "CERT-MGMT", None, True, 2),
        ("tenure", "", 18, True, 1),
    ],
}


def _whole(threshold: int | Decimal | None) -> int | None:
    return None if threshold is None else int(threshold)


def _exact(threshold: int | Decimal | None) -> Decimal | None:
    return None if threshold is None else Decimal(threshold)


FIRST = [
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Avery",
    "Quinn",
    "Jamie",
    "Drew",
    "Reese",
    "Skyler",
    "Rowan",
    "Elliot",
    "Harper",
    "Emerson",
    "Finley",
    "Hayden",
    "Kendall",
    "Logan",
    "Parker",
    "Sage",
    "Blake",
    "Cameron",
    "Dakota",
    "Frankie",
    "Jesse",
    "Kai",
    "Lane",
    "Micah",
    "Noel",
    "Oakley",
    "Peyton",
    "Remy",
    "Shawn",
    "Tatum",
    "Val",
    "Wren",
    "Yael",
    "Zion",
    "Ari",
    "Bo",
    "Cruz",
    "Devon",
    "Eden",
]
LAST = [
    "Patel",
    "Nguyen",
    "Garcia",
    "Smith",
    "Johnson",
    "Brown",
    "Davis",
    "Miller",
    "Wilson",
    "Moore",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Torres",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Flores",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Reed",
]


class Seeder:
    def __init__(self, anchor: date) -> None:
        self.t = anchor
        self.rng = random.Random(2026)
        self.comp: dict[str, Competency] = {}
        self.course: dict[str, Course] = {}
        self.check: dict[str, CheckType] = {}
        self.instr: dict[str, Instrument] = {}
        self.qual: dict[str, QualificationType] = {}
        self.role: dict[str, JobRole] = {}
        self.dept: dict[str, Department] = {}
        self.counter = 0

    def d(self, days: int) -> date:
        return self.t + timedelta(days=days)

    # ----------------------------------------------------------------- catalogue
    def catalogue(self) -> None:
        for code, name, category in COMPETENCIES:
            self.comp[code] = Competency(code=code, name=name, category=category)
        db.session.add_all(self.comp.values())
        for code, title, category, hours, cost, validity, _prereq, _grants in COURSES:
            self.course[code] = Course(
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
        for code, *_rest, prereqs, grants in COURSES:
            for p in prereqs:
                db.session.add(
                    CoursePrerequisite(
                        course_id=self.course[code].id, prerequisite_id=self.course[p].id
                    )
                )
            for comp, level in grants:
                db.session.add(
                    CourseGrant(
                        course_id=self.course[code].id,
                        competency_id=self.comp[comp].id,
                        level=level,
                    )
                )
        for code, runs in SESSIONS.items():
            for start, length, seats in runs:
                db.session.add(
                    CourseSession(
                        course_id=self.course[code].id,
                        starts_on=self.d(start),
                        ends_on=self.d(start + length),
                        seats=seats,
                        location="Training room 2" if length else "Online",
                    )
                )
        for code, name, rescreen, turnaround in CHECK_TYPES:
            self.check[code] = CheckType(
                code=code, name=name, rescreen_months=rescreen, turnaround_days=turnaround
            )
        self.instr["LEAD-360"] = Instrument(
            code="LEAD-360",
            name="Leadership 360 feedback",
            kind="360",
            dimensions=["Leadership", "Communication", "Coaching", "Integrity"],
            validity_months=24,
        )
        self.instr["L3-AC"] = Instrument(
            code="L3-AC",
            name="Manager assessment centre",
            kind="assessment_centre",
            dimensions=["Analysis", "Planning", "Decision making", "Influence"],
            validity_months=24,
        )
        for code, name in QUALIFICATIONS:
            self.qual[code] = QualificationType(code=code, name=name)
        for code, title, level, limit in ROLES:
            self.role[code] = JobRole(
                code=code, title=title, level=level, financial_authority_limit=Decimal(limit)
            )
        db.session.add_all(
            [*self.check.values(), *self.instr.values(), *self.qual.values(), *self.role.values()]
        )
        db.session.flush()
        for role_code, reqs in REQUIREMENTS.items():
            for position, (kind, target, threshold, mandatory, weight) in enumerate(reqs):
                req = Requirement(
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
                db.session.add(req)
        db.session.add(
            LadderEdge(
                from_role_id=self.role["L1-CSR"].id,
                to_role_id=self.role["L2-CSS"].id,
                typical_months=24,
            )
        )
        db.session.add(
            LadderEdge(
                from_role_id=self.role["L2-CSS"].id,
                to_role_id=self.role["L3-CSM"].id,
                typical_months=36,
            )
        )
        for code, name in [
            ("CS-NORTH", "Contact Centre North"),
            ("CS-SOUTH", "Contact Centre South"),
            ("CS-ESC", "Escalations and Logistics"),
            ("HR", "People and HR"),
            ("FIN", "Finance"),
        ]:
            self.dept[code] = Department(code=code, name=name)
        db.session.add_all(self.dept.values())
        db.session.flush()

    # ----------------------------------------------------------------- people
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
        c = self.course[course]
        done = self.d(-days_ago)
        expires = add_months(done, c.validity_months) if c.validity_months else None
        db.session.add(
            Completion(
                employee_id=e.id,
                course_id=c.id,
                completed_on=done,
                expires_on=expires,
                verification="verified" if verified else "pending",
            )
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
        result = aggregate_360(responses, dict(manager=1, peer=3, direct_report=3, other=1))
        a = Assessment(
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

    # ----------------------------------------------------------------- org
    def organisation(self) -> None:
        r = self.rng
        head = self.person("Alex Morgan", "L3-CSM", "CS-NORTH", None, 60, months_employed=140)
        self.baseline_supervisor(head)
        hr_lead = self.person("Hannah Reid", None, "HR", head, 0, months_employed=50)
        self.person("Owen Blake", None, "HR", hr_lead, 0, months_employed=20)
        self.person("Felix Turner", None, "FIN", head, 0, months_employed=30)
        self.person("Ada Ng", None, "HR", hr_lead, 0, months_employed=40)
        managers = [
            self.person("Sam Rivera", "L3-CSM", "CS-NORTH", head, 30, months_employed=96),
            self.person("Lena Fischer", "L3-CSM", "CS-SOUTH", head, 22, months_employed=80),
            self.person("Marcus Bell", "L3-CSM", "CS-ESC", head, 40, months_employed=110),
        ]
        for m in managers:
            self.baseline_supervisor(m)
            self.complete(m, "MGMT-ANALYTICS", 700)
            self.complete(m, "FIN-BASICS", 650)
        north, south, esc = managers
        depts = {north.id: "CS-NORTH", south.id: "CS-SOUTH", esc.id: "CS-ESC"}

        # Eight supervisors; Daniel Kim and Grace Okafor are named cases under Sam Rivera.
        daniel = self.person("Daniel Kim", "L2-CSS", "CS-NORTH", north, 20, months_employed=60)
        grace = self.person("Grace Okafor", "L2-CSS", "CS-NORTH", north, 30, months_employed=70)
        sups = [daniel, grace]
        for name, mgr, months in [
            ("Tomas Ruiz", north, 14),
            ("Nina Petrova", south, 26),
            ("Omar Haddad", south, 9),
            ("Chloe Martin", south, 33),
            ("Ivan Novak", esc, 18),
            ("Bea Santos", esc, 44),
        ]:
            sups.append(
                self.person(
                    name,
                    "L2-CSS",
                    depts[mgr.id],
                    mgr,
                    months,
                    months_employed=months + r.randint(12, 48),
                )
            )
        for s in sups:
            self.baseline_supervisor(s)
        # Daniel: a 360 with only 2 peer responses (the peer group is hidden).
        self.three_sixty(
            daniel,
            45,
            {"self": [4.5], "manager": [3.8], "peer": [2.0, 2.4], "direct_report": [4.0, 3.6, 4.2]},
        )
        # Grace: a strong L3 candidate whose CREDIT check is review_required.
        self.check_done(
            grace,
            "CREDIT",
            20,
            status="review_required",
            findings="Two accounts in collections (2023), both settled; "
            "candidate gave a written explanation.",
        )
        self.rate(grace, "PROBLEM", 3, 15)
        self.rate(grace, "COST-BENEFIT", 3, 15)
        self.rate(grace, "FINANCE", 3, 15)
        self.rate(grace, "LOGISTICS", 3, 15)
        self.rate(grace, "MARKETING", 2, 15)
        self.rate(grace, "COACHING", 4, 15)
        self.assessment_centre(grace, 60, [4.0, 3.5, 4.0, 3.5])
        self.three_sixty(
            grace, 90, {"manager": [4.2], "peer": [3.9, 4.1, 3.7], "direct_report": [4.4, 4.0, 4.1]}
        )
        db.session.add(
            EducationRecord(
                employee_id=grace.id,
                qualification_id=self.qual["CERT-MGMT"].id,
                institution="State University Extension",
                completed_on=self.d(-120),
            )
        )

        # CSRs: five or six under each supervisor.
        names = iter(f"{f} {last}" for f, last in zip(FIRST, LAST, strict=True))
        maria = self.person("Maria Lopez", "L1-CSR", "CS-NORTH", daniel, 30, months_employed=30)
        priya = self.person("Priya Shah", "L1-CSR", "CS-SOUTH", sups[3], 40, months_employed=40)
        csrs = []
        for index, sup in enumerate(sups):
            for _ in range(6 if index % 2 else 5):
                csrs.append(
                    self.person(next(names), "L1-CSR", self._dept_of(sup), sup, r.randint(3, 60))
                )
        for i, e in enumerate(csrs):
            self.baseline_csr(e, strong=(i % 3 == 0))
            if i % 7 == 0 or i % 3 == 0:
                self.three_sixty(
                    e,
                    r.randint(30, 300),
                    {
                        "manager": [round(r.uniform(3.0, 4.5), 1)],
                        "peer": [round(r.uniform(2.8, 4.6), 1) for _ in range(3)],
                        "direct_report": [],
                    },
                )
            if i % 5 == 0:
                db.session.add(
                    TalentReview(
                        employee_id=e.id,
                        period=f"{self.t.year - 1}-H2",
                        performance=r.randint(1, 3),
                        potential=r.randint(1, 3),
                    )
                )
            if i % 11 == 0:
                self.complete(e, "ORG-101", r.randint(10, 90), verified=False)

        self.maria(maria)
        self.priya(priya)

    def _dept_of(self, e: Employee) -> str:
        return next(code for code, d in self.dept.items() if d.id == e.department_id)

    def maria(self, e: Employee) -> None:
        """About 80% ready for L2-CSS; her PCI refresher expired, so that gate fails."""
        self.complete(e, "CS-FOUND", 800)
        self.complete(e, "PCI-AWARE", 400)  # expired about 35 days ago
        self.complete(e, "HARASS-REF", 200)
        self.complete(e, "SUP-101", 120)
        self.check_done(e, "EMPLOYMENT", 700)
        self.check_done(e, "CRIMINAL", 300)
        self.rate(e, "PRODUCT", 3, 50)
        self.rate(e, "COMPLAINT", 4, 50)
        self.rate(e, "COACHING", 2, 50)
        self.rate(e, "POLICY", 3, 50)
        self.rate(e, "ORG-BEHAV", 3, 20, source="self")  # shown, never counted
        self.three_sixty(
            e, 100, {"self": [4.0], "manager": [4.0], "peer": [3.6, 3.8, 4.0], "direct_report": []}
        )

    def priya(self, e: Employee) -> None:
        """$2,000 course graded B, reimbursed $1,500; left voluntarily 10 months later."""
        from app.tuition.rules import repayment_owed, repayment_share

        self.baseline_csr(e, strong=True)
        paid_on = add_months(self.t, -11)
        starts = paid_on - timedelta(days=150)
        request = TuitionRequest(
            employee_id=e.id,
            title="Certificate in Management, part 1",
            institution="Riverside Community College",
            qualification_id=self.qual["CERT-MGMT"].id,
            starts_on=starts,
            ends_on=paid_on - timedelta(days=30),
            tuition=Decimal("1800.00"),
            fees=Decimal("150.00"),
            books=Decimal("50.00"),
            job_related=True,
            justification="Management knowledge needed for the supervisor and manager roles.",
            target_role_id=self.role["L2-CSS"].id,
            state="reimbursed",
            submitted_on=starts - timedelta(days=30),
            reserved_amount=Decimal("2000.00"),
            cap_year=starts.year,
            grade="B",
            reimbursed_amount=Decimal("1500.00"),
            paid_on=paid_on,
        )
        db.session.add(request)
        db.session.flush()
        at = now()
        for action, old, new in [
            ("submit", "draft", "submitted"),
            ("approve", "submitted", "manager_approved"),
            ("approve", "manager_approved", "hr_approved"),
            ("approve", "hr_approved", "finance_approved"),
            ("complete", "finance_approved", "completed"),
            ("pay", "completed", "reimbursed"),
        ]:
            db.session.add(
                TuitionEvent(
                    request_id=request.id,
                    action=action,
                    from_state=old,
                    to_state=new,
                    at=at,
                    amount=Decimal("1500.00") if action == "pay" else None,
                )
            )
        left = add_months(paid_on, 10)
        e.status = "terminated"
        e.termination_date = left
        e.termination_reason = "voluntary"
        months = whole_months_between(paid_on, left)
        db.session.add(
            Repayment(
                request_id=request.id,
                employee_id=e.id,
                termination_date=left,
                months_since_paid=months,
                share=repayment_share(months),
                amount_owed=repayment_owed(Decimal("1500.00"), paid_on, left, "voluntary"),
            )
        )

    def logins(self) -> None:
        for login in LOGINS:
            create_user(login.email, DEMO_PASSWORD, list(login.roles))


def seed(anchor: date | None = None) -> bool:
    """Load the demo organisation once; answers False (and changes nothing) when present."""
    if db.session.scalar(select(JobRole).where(JobRole.code == "L1-CSR")) is not None:
        return False
    seeder = Seeder(anchor or today())
    seeder.catalogue()
    seeder.organisation()
    seeder.logins()
    db.session.commit()
    return True
