"""The demo organisation: the head, HR and finance, three CSMs, eight CSSs and their CSRs,
with the named cases of docs/RULES.md (Daniel Kim, Grace Okafor, Maria Lopez, Priya Shah)."""

from __future__ import annotations

from app.extensions import db
from app.models import EducationRecord, Employee, TalentReview
from app.seed.demo.catalogue import CatalogueSeeder
from app.seed.demo.data import DEMO_PASSWORD, FIRST, LAST, LOGINS
from app.seed.demo.tuition import TuitionSeeder
from app.services.accounts import create_user

SUPERVISORS = [
    # (name, index of the manager in the CSMs, months in role)
    ("Tomas Ruiz", 0, 14),
    ("Nina Petrova", 1, 26),
    ("Omar Haddad", 1, 9),
    ("Chloe Martin", 1, 33),
    ("Ivan Novak", 2, 18),
    ("Bea Santos", 2, 44),
]


class Seeder(CatalogueSeeder, TuitionSeeder):
    """Seeds the catalogue (``catalogue``), then the people (``organisation``), then logins."""

    def organisation(self) -> None:
        managers = self._leadership()
        sups = self._supervisors(managers)
        self._daniel(sups[0])
        self._grace(sups[1])
        maria, priya, csrs = self._csrs(sups)
        for i, e in enumerate(csrs):
            self._csr_records(i, e)
        self.maria(maria)
        self.priya(priya)
        self.bookings(maria, csrs)

    def _leadership(self) -> list[Employee]:
        """The head of customer service, HR, finance, admin and the three CSMs."""
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
        return managers

    def _supervisors(self, managers: list[Employee]) -> list[Employee]:
        """Eight supervisors; Daniel Kim and Grace Okafor are named cases under Sam Rivera."""
        r = self.rng
        north = managers[0]
        daniel = self.person("Daniel Kim", "L2-CSS", "CS-NORTH", north, 20, months_employed=60)
        grace = self.person("Grace Okafor", "L2-CSS", "CS-NORTH", north, 30, months_employed=70)
        sups = [daniel, grace]
        for name, manager_index, months in SUPERVISORS:
            mgr = managers[manager_index]
            sups.append(
                self.person(
                    name,
                    "L2-CSS",
                    self._dept_of(mgr),
                    mgr,
                    months,
                    months_employed=months + r.randint(12, 48),
                )
            )
        for s in sups:
            self.baseline_supervisor(s)
        return sups

    def _daniel(self, daniel: Employee) -> None:
        """Daniel: a 360 with only 2 peer responses (the peer group is hidden)."""
        self.three_sixty(
            daniel,
            45,
            {"self": [4.5], "manager": [3.8], "peer": [2.0, 2.4], "direct_report": [4.0, 3.6, 4.2]},
        )

    def _grace(self, grace: Employee) -> None:
        """Grace: a strong L3 candidate whose CREDIT check is review_required."""
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

    def _csrs(self, sups: list[Employee]) -> tuple[Employee, Employee, list[Employee]]:
        """Maria Lopez, Priya Shah, and five or six more CSRs under each supervisor."""
        r = self.rng
        names = iter(f"{f} {last}" for f, last in zip(FIRST, LAST, strict=True))
        maria = self.person("Maria Lopez", "L1-CSR", "CS-NORTH", sups[0], 30, months_employed=30)
        priya = self.person("Priya Shah", "L1-CSR", "CS-SOUTH", sups[3], 40, months_employed=40)
        csrs = []
        for index, sup in enumerate(sups):
            for _ in range(6 if index % 2 else 5):
                csrs.append(
                    self.person(next(names), "L1-CSR", self._dept_of(sup), sup, r.randint(3, 60))
                )
        return maria, priya, csrs

    def _csr_records(self, i: int, e: Employee) -> None:
        """The i-th CSR's records: a baseline, and some 360s, talent reviews and pending courses."""
        r = self.rng
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

    def logins(self) -> None:
        for login in LOGINS:
            create_user(login.email, DEMO_PASSWORD, list(login.roles))
