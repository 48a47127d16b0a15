"""Deterministic synthetic organisations for benchmarks and query-budget tests.

`generate(employees=N, seed=S)` builds a contact-centre business of N people on top of the demo
catalogue (app/seed/demo/): a head of customer service, site heads and CSMs (L3), CSSs (L2,
about one in eleven) and CSRs (L1), plus a few HR and finance staff. Each person gets records
shaped like real ones: on average about 8 training completions (yearly PCI renewals,
two-yearly harassment refreshers, foundation and supervisor courses), 6 competency ratings
(manager and assessor ratings over time plus a self-rating), 1 to 2 background checks, 0 to 1
leadership assessments, some education records and talent reviews, and tuition requests in
every state of the workflow. The same (N, seed, anchor) always builds the same organisation.

Rows are written with bulk Core inserts (`db.session.execute(insert(Model), rows)`), in chunks,
so 50,000 people and their ~1 million records take seconds, not minutes. Bulk inserts bypass the
ORM session events, so the synthetic records carry no per-row audit entries; one audit row
records that the generator ran.

`grow(under=EMPLOYEE_ID, count=N)` adds a sub-organisation below an existing manager instead;
the query-budget tests use it to turn "few rows" into "many rows".
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text

from app.audit import acting_as, record_change
from app.clock import today
from app.extensions import db
from app.models import (
    Assessment,
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
    TuitionEvent,
    TuitionRequest,
    User,
)
from app.readiness.dates import add_months
from app.seed.demo import FIRST, LAST, Seeder

BENCH_PASSWORD = "echelon-bench-2026"
BENCH_DOMAIN = "bench.example.com"

# Sign-ins the benchmark's load test uses: persona -> (email, app roles).
PERSONAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "head": (f"head@{BENCH_DOMAIN}", ()),
    "manager": (f"manager@{BENCH_DOMAIN}", ()),
    "supervisor": (f"supervisor@{BENCH_DOMAIN}", ()),
    "employee": (f"employee@{BENCH_DOMAIN}", ()),
    "hr": (f"hr@{BENCH_DOMAIN}", ("hr",)),
    "finance": (f"finance@{BENCH_DOMAIN}", ("finance",)),
    "admin": (f"admin@{BENCH_DOMAIN}", ("admin",)),
}

CHUNK = 20_000
SITE_NAMES = ("CS-NORTH", "CS-SOUTH", "CS-ESC")

# The tuition workflow (docs/RULES.md): the actions that lead from draft to each state.
_TUITION_PATHS: dict[str, tuple[tuple[str, str, str], ...]] = {}
_STEPS = (
    ("submit", "draft", "submitted"),
    ("approve", "submitted", "manager_approved"),
    ("approve", "manager_approved", "hr_approved"),
    ("approve", "hr_approved", "finance_approved"),
    ("complete", "finance_approved", "completed"),
    ("pay", "completed", "reimbursed"),
)
for _i, (_a, _f, _t) in enumerate(_STEPS):
    _TUITION_PATHS[_t] = _STEPS[: _i + 1]
_TUITION_PATHS["draft"] = ()
_TUITION_PATHS["documents_missing"] = _STEPS[:5] + (
    ("flag_documents", "completed", "documents_missing"),
)
_TUITION_PATHS["rejected"] = _STEPS[:2] + (("reject", "manager_approved", "rejected"),)
_TUITION_PATHS["cancelled"] = _STEPS[:1] + (("cancel", "submitted", "cancelled"),)
TUITION_STATE_WEIGHTS = (
    ("draft", 6),
    ("submitted", 10),
    ("manager_approved", 6),
    ("hr_approved", 5),
    ("finance_approved", 8),
    ("completed", 5),
    ("documents_missing", 2),
    ("reimbursed", 40),
    ("rejected", 8),
    ("cancelled", 10),
)


@dataclass
class GenerationReport:
    employees: int
    seconds: float
    rows: dict[str, int]
    personas: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        per_person = {
            table: self.rows.get(table, 0) / max(self.employees, 1)
            for table in (
                "completions",
                "competency_ratings",
                "background_checks",
                "assessments",
                "tuition_requests",
            )
        }
        averages = ", ".join(f"{t} {v:.2f}" for t, v in per_person.items())
        return (
            f"{self.employees} employees and {sum(self.rows.values())} rows in "
            f"{self.seconds:.1f} s (per person: {averages})"
        )


@dataclass
class _Ids:
    """The catalogue's database ids by code."""

    role: dict[str, int]
    course: dict[str, int]
    validity: dict[str, int | None]
    competency: dict[str, int]
    check: dict[str, int]
    rescreen: dict[str, int]
    instrument: dict[str, int]
    qualification: dict[str, int]
    department: dict[str, int]


@dataclass
class _Person:
    id: int
    role: str | None  # role code or None for support staff
    manager_id: int | None
    department: str
    hire: date
    role_since: date | None
    email: str
    name: str
    status: str = "active"
    termination_date: date | None = None
    termination_reason: str | None = None


def _catalogue(anchor: date) -> _Ids:
    """The demo catalogue's ids, loading the catalogue first when the database has none."""
    if db.session.scalar(select(JobRole.id).where(JobRole.code == "L1-CSR")) is None:
        Seeder(anchor).catalogue()
        db.session.flush()

    def codes(model: Any) -> dict[str, int]:
        return {code: id_ for id_, code in db.session.execute(select(model.id, model.code))}

    return _Ids(
        role=codes(JobRole),
        course=codes(Course),
        validity=dict(db.session.execute(select(Course.code, Course.validity_months)).all()),
        competency=codes(Competency),
        check=codes(CheckType),
        rescreen=dict(db.session.execute(select(CheckType.code, CheckType.rescreen_months)).all()),
        instrument=codes(Instrument),
        qualification=codes(QualificationType),
        department=codes(Department),
    )


def _ensure_departments(ids: _Ids, codes: Iterable[tuple[str, str]]) -> None:
    missing = [{"code": code, "name": name} for code, name in codes if code not in ids.department]
    if missing:
        db.session.execute(insert(Department.__table__), missing)
        ids.department.update(
            {code: id_ for id_, code in db.session.execute(select(Department.id, Department.code))}
        )


class _Builder:
    """Plans people and their records as plain row dicts, then writes them in bulk."""

    def __init__(self, rng: random.Random, anchor: date, ids: _Ids, first_id: int) -> None:
        self.rng = rng
        self.t = anchor
        self.ids = ids
        self.next_id = first_id
        self.stamp = datetime(anchor.year, anchor.month, anchor.day, 8, 0, tzinfo=UTC)
        self.people: list[_Person] = []
        self.rows: dict[Any, list[dict[str, Any]]] = {
            model: []
            for model in (
                RoleHistory,
                Completion,
                CompetencyRating,
                BackgroundCheck,
                Assessment,
                EducationRecord,
                TalentReview,
                TuitionRequest,
            )
        }
        self.events: list[dict[str, Any]] = []
        self.next_request_id = 1
        self.tuition_rate = 0.06

    # ----------------------------------------------------------------- people
    def person(
        self,
        role: str | None,
        manager_id: int | None,
        department: str,
        email: str | None = None,
    ) -> _Person:
        r = self.rng
        pid = self.next_id
        self.next_id += 1
        first, last = r.choice(FIRST), r.choice(LAST)
        level = {"L1-CSR": 1, "L2-CSS": 2, "L3-CSM": 3}.get(role or "", 0)
        months_employed = {
            0: r.randint(6, 120),
            1: int(r.triangular(2, 96, 12)),
            2: r.randint(24, 180),
            3: r.randint(48, 240),
        }[level]
        hire = add_months(self.t, -months_employed) - timedelta(days=r.randint(0, 27))
        if level <= 1:
            role_since = hire if role else None
        else:
            months_in_role = r.randint(3, max(4, months_employed - 18))
            role_since = add_months(self.t, -months_in_role) - timedelta(days=r.randint(0, 27))
        person = _Person(
            id=pid,
            role=role,
            manager_id=manager_id,
            department=department,
            hire=hire,
            role_since=role_since,
            email=email or f"{first}.{last}.{pid}@{BENCH_DOMAIN}".lower(),
            name=f"{first} {last}",
        )
        if level == 1 and email is None:
            draw = r.random()
            if draw < 0.03:
                person.status = "terminated"
                person.termination_date = self.t - timedelta(days=r.randint(5, 360))
                person.termination_reason = "voluntary" if r.random() < 0.8 else "involuntary"
            elif draw < 0.05:
                person.status = "on_leave"
        self.people.append(person)
        self._history(person)
        if role:
            self._records(person, level)
        return person

    def _history(self, p: _Person) -> None:
        if not p.role:
            return
        history = self.rows[RoleHistory]
        if p.role_since and p.role_since > p.hire:
            earlier = "L1-CSR" if p.role == "L2-CSS" else "L2-CSS"
            history.append(
                {
                    "employee_id": p.id,
                    "job_role_id": self.ids.role[earlier],
                    "started_on": p.hire,
                    "ended_on": p.role_since,
                    "note": "Promoted",
                }
            )
        history.append(
            {
                "employee_id": p.id,
                "job_role_id": self.ids.role[p.role],
                "started_on": p.role_since,
                "ended_on": None,
                "note": None,
            }
        )

    # ----------------------------------------------------------------- records
    def _complete(self, p: _Person, course: str, done: date, verified: bool = True) -> None:
        if done > self.t:
            return
        validity = self.ids.validity[course]
        self.rows[Completion].append(
            {
                "employee_id": p.id,
                "course_id": self.ids.course[course],
                "completed_on": done,
                "expires_on": add_months(done, validity) if validity else None,
                "verification": "verified" if verified else "pending",
                "created_at": self.stamp,
                "updated_at": self.stamp,
                "version": 1,
            }
        )

    def _renewals(self, p: _Person, course: str, lapse_chance: float) -> None:
        """A certification renewed every validity period since hire; some let it lapse."""
        validity = self.ids.validity[course] or 12
        done = p.hire + timedelta(days=self.rng.randint(7, 40))
        # The training system keeps five years of renewal history.
        while add_months(done, validity) < add_months(self.t, -60):
            done = add_months(done, validity)
        lapses = self.rng.random() < lapse_chance
        history = []
        while done <= self.t:
            history.append(done)
            done = add_months(done, validity) - timedelta(days=self.rng.randint(0, 25))
        if lapses and len(history) > 1 and add_months(history[-1], validity) > self.t:
            history.pop()  # the latest renewal was missed: the certification has lapsed
        for completed in history:
            self._complete(p, course, completed)

    def _rate(self, p: _Person, competency: str, level: int, days_ago: int, source: str) -> None:
        rated = self.t - timedelta(days=days_ago)
        if rated < p.hire:
            rated = p.hire
        self.rows[CompetencyRating].append(
            {
                "employee_id": p.id,
                "competency_id": self.ids.competency[competency],
                "level": max(0, min(5, level)),
                "rated_on": rated,
                "source": source,
                "evidence": None,
                "created_at": self.stamp,
                "updated_at": self.stamp,
                "version": 1,
            }
        )

    def _check(self, p: _Person, kind: str, days_ago: int) -> None:
        r = self.rng
        completed: date | None = self.t - timedelta(days=days_ago)
        assert completed is not None
        if completed < p.hire:
            completed = p.hire + timedelta(days=r.randint(1, 20))
        requested = completed - timedelta(days=r.randint(5, 20))
        draw = r.random()
        if draw < 0.02:
            status = "in_progress"
            requested = self.t - timedelta(days=r.randint(1, 10))
            completed = None
        elif draw < 0.04:
            status = "review_required"
        elif draw < 0.045:
            status = "not_cleared"
        else:
            status = "clear"
        self.rows[BackgroundCheck].append(
            {
                "employee_id": p.id,
                "check_type_id": self.ids.check[kind],
                "consent_signed_on": requested - timedelta(days=r.randint(0, 5)),
                "consent_form_version": "FCRA-2024-1",
                "requested_on": requested,
                "vendor": "Sterling Screening",
                "status": status,
                "completed_on": completed,
                "valid_until": (
                    add_months(completed, self.ids.rescreen[kind]) if completed else None
                ),
                "findings": None,
                "created_at": self.stamp,
                "updated_at": self.stamp,
                "version": 1,
            }
        )

    def _assessment(self, p: _Person, instrument: str, days_ago: int, centre: float) -> None:
        conducted = max(p.hire, self.t - timedelta(days=days_ago))
        overall = max(1.0, min(5.0, self.rng.gauss(centre, 0.45)))
        self.rows[Assessment].append(
            {
                "employee_id": p.id,
                "instrument_id": self.ids.instrument[instrument],
                "conducted_on": conducted,
                "overall": Decimal(f"{overall:.3f}"),
                "scores": None,
                "created_at": self.stamp,
                "updated_at": self.stamp,
            }
        )

    def _education(self, p: _Person, qualification: str) -> None:
        self.rows[EducationRecord].append(
            {
                "employee_id": p.id,
                "qualification_id": self.ids.qualification[qualification],
                "institution": "State University Extension",
                "completed_on": max(p.hire, self.t - timedelta(days=self.rng.randint(30, 1500))),
                "created_at": self.stamp,
                "updated_at": self.stamp,
            }
        )

    def _records(self, p: _Person, level: int) -> None:
        r = self.rng
        strong = r.random() < (0.35 if level == 1 else 0.6)
        # Training: foundations, yearly PCI and two-yearly harassment renewals since hire.
        self._complete(p, "CS-FOUND", p.hire + timedelta(days=r.randint(3, 30)))
        self._renewals(p, "PCI-AWARE", lapse_chance=0.1)
        self._renewals(p, "HARASS-REF", lapse_chance=0.06)
        if level >= 2 or (strong and r.random() < 0.5):
            self._complete(p, "SUP-101", self.t - timedelta(days=r.randint(30, 900)))
        if level >= 2:
            self._renewals(p, "SUP-REF", lapse_chance=0.15)
        for course, chance in (
            ("PRODUCT-ADV", 0.25 if level == 1 else 0.7),
            ("COACH-LAB", 0.1 if level == 1 else 0.4),
            ("ORG-101", 0.1 if level == 1 else 0.5),
            ("MGMT-ANALYTICS", 0.02 if level == 1 else (0.25 if level == 2 else 0.9)),
            ("FIN-BASICS", 0.02 if level == 1 else (0.2 if level == 2 else 0.85)),
            ("LOG-OPS", 0.05 if level == 1 else 0.3),
            ("MKT-101", 0.05 if level == 1 else 0.3),
        ):
            if r.random() < chance:
                self._complete(
                    p,
                    course,
                    self.t - timedelta(days=r.randint(10, 1200)),
                    verified=r.random() > 0.03,
                )
        # Ratings: manager ratings with history, an assessor rating, and one self-rating.
        bump = 1 if strong else 0
        core = {
            1: [("PRODUCT", 2 + bump), ("COMPLAINT", 2 + bump), ("COACHING", 1 + bump)],
            2: [("PRODUCT", 4), ("COMPLAINT", 4), ("COACHING", 2 + bump), ("PROBLEM", 1 + bump)],
            3: [("PROBLEM", 3 + bump), ("COST-BENEFIT", 3), ("FINANCE", 2 + bump)],
        }[level]
        extra = {
            1: ["POLICY", "ORG-BEHAV", "HR-BASICS"],
            2: ["POLICY", "ORG-BEHAV", "FINANCE", "COST-BENEFIT", "LOGISTICS", "MARKETING"],
            3: ["LOGISTICS", "MARKETING", "COACHING", "SCHEDULING"],
        }[level]
        for competency, level_now in core:
            if r.random() < 0.45:
                self._rate(p, competency, level_now - 1, r.randint(400, 800), "manager")
            self._rate(
                p, competency, level_now + r.choice((-1, 0, 0, 1)), r.randint(20, 390), "manager"
            )
        for competency in r.sample(extra, k=r.choice((0, 1, 1, 2))):
            self._rate(p, competency, r.randint(1, 3), r.randint(20, 600), "assessor")
        if r.random() < 0.6:
            self._rate(p, core[0][0], core[0][1] + 1, r.randint(5, 200), "self")
        # Checks: employment always; criminal for most; credit for managers and candidates.
        self._check(p, "EMPLOYMENT", r.randint(30, 1000))
        if level >= 2 or r.random() < 0.55:
            self._check(p, "CRIMINAL", r.randint(30, 1000))
        if level == 3 or (level == 2 and r.random() < 0.3):
            self._check(p, "CREDIT", r.randint(10, 380))
        # Assessments: a 360 for about a third of CSRs, centres for some supervisors.
        if level == 1 and r.random() < 0.4:
            self._assessment(p, "LEAD-360", r.randint(20, 800), 3.6 if strong else 3.2)
        elif level == 2:
            if r.random() < 0.5:
                self._assessment(p, "LEAD-360", r.randint(20, 800), 3.8)
            elif r.random() < 0.6:
                self._assessment(p, "L3-AC", r.randint(20, 700), 3.6 if strong else 3.3)
        elif level == 3 and r.random() < 0.5:
            self._assessment(p, "L3-AC", r.randint(100, 1500), 3.9)
        # Education and talent reviews.
        if r.random() < {1: 0.03, 2: 0.2, 3: 0.7}[level]:
            self._education(p, "CERT-MGMT")
        if level == 3 and r.random() < 0.2:
            self._education(p, "BBA")
        if r.random() < 0.2:
            self.rows[TalentReview].append(
                {
                    "employee_id": p.id,
                    "period": f"{self.t.year - 1}-H2",
                    "performance": r.randint(1, 3),
                    "potential": r.randint(1, 3),
                    "notes": None,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                }
            )
        if r.random() < self.tuition_rate * (2 if level == 2 else 1):
            self._tuition(p)

    def _tuition(self, p: _Person) -> None:
        r = self.rng
        states = [s for s, _ in TUITION_STATE_WEIGHTS]
        weights = [w for _, w in TUITION_STATE_WEIGHTS]
        state = r.choices(states, weights)[0]
        settled = state in ("reimbursed", "completed", "documents_missing", "finance_approved")
        ends = self.t - timedelta(days=r.randint(20, 500)) if settled else None
        if ends is None:
            ends = self.t + timedelta(days=r.randint(60, 300))
        starts = ends - timedelta(days=r.randint(60, 200))
        submitted = starts - timedelta(days=r.randint(10, 60))
        tuition = Decimal(r.randrange(400, 4000, 50))
        fees = Decimal(r.randrange(0, 300, 25))
        books = Decimal(r.randrange(0, 200, 10))
        cost = tuition + fees + books
        finished = state in ("completed", "reimbursed")
        grade = r.choice(("A", "A", "B", "B", "C")) if finished else None
        share = {"A": Decimal("1"), "B": Decimal("0.75"), "C": Decimal("0.5")}.get(grade or "")
        paid = ends + timedelta(days=r.randint(10, 40)) if state == "reimbursed" else None
        if paid is not None and paid > self.t:
            paid = self.t
        request_id = self.next_request_id
        self.next_request_id += 1
        qualification = r.choice(("CERT-MGMT", "CERT-MGMT", "BBA", "CERT-LOG"))
        reserved = state in (
            "finance_approved",
            "completed",
            "documents_missing",
            "reimbursed",
        )
        self.rows[TuitionRequest].append(
            {
                "id": request_id,
                "employee_id": p.id,
                "title": f"{qualification} module {r.randint(1, 6)}",
                "institution": r.choice(
                    ("Riverside Community College", "State University Extension", "Open College")
                ),
                "qualification_id": self.ids.qualification[qualification],
                "starts_on": starts,
                "ends_on": ends,
                "tuition": tuition,
                "fees": fees,
                "books": books,
                "job_related": r.random() < 0.85,
                "justification": "Management knowledge for the next role.",
                "target_role_id": self.ids.role["L3-CSM" if p.role == "L2-CSS" else "L2-CSS"],
                "target_competency_id": None,
                "pass_fail": False,
                "state": state,
                "submitted_on": submitted if state != "draft" else None,
                "late_override_reason": None,
                "rejection_reason": "Not job related enough." if state == "rejected" else None,
                "reserved_amount": cost if reserved else None,
                "cap_year": starts.year if reserved else None,
                "grade": grade,
                "receipt_upload_id": None,
                "transcript_upload_id": None,
                "reimbursed_amount": (cost * share).quantize(Decimal("0.01"))
                if paid and share
                else None,
                "paid_on": paid,
                "version": 1,
                "created_at": self.stamp,
                "updated_at": self.stamp,
            }
        )
        at = datetime(submitted.year, submitted.month, submitted.day, 9, 0, tzinfo=UTC)
        for step, (action, old, new) in enumerate(_TUITION_PATHS[state]):
            self.events.append(
                {
                    "request_id": request_id,
                    "action": action,
                    "from_state": old,
                    "to_state": new,
                    "actor_user_id": None,
                    "at": at + timedelta(days=3 * step),
                    "reason": "Not job related enough." if action == "reject" else None,
                    "amount": None,
                }
            )

    # ----------------------------------------------------------------- writing
    def write(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        employees = [
            {
                "id": p.id,
                "employee_no": f"B{p.id:07d}",
                "email": p.email,
                "name": p.name,
                "hire_date": p.hire,
                "job_role_id": self.ids.role[p.role] if p.role else None,
                "role_since": p.role_since,
                "manager_id": p.manager_id,
                "department_id": self.ids.department[p.department],
                "jurisdiction": ("US-CA", "US-TX", "US-NY", "US-WA")[p.id % 4],
                "status": p.status,
                "termination_date": p.termination_date,
                "termination_reason": p.termination_reason,
                "version": 1,
                "created_at": self.stamp,
                "updated_at": self.stamp,
            }
            for p in self.people
        ]
        # Managers come before their reports, so foreign keys hold chunk by chunk.
        _bulk(Employee, employees, counts)
        first_request = (db.session.scalar(select(func.max(TuitionRequest.id))) or 0) + 1
        for row in self.rows[TuitionRequest]:
            row["id"] += first_request - 1
        for row in self.events:
            row["request_id"] += first_request - 1
        for model, rows in self.rows.items():
            _bulk(model, rows, counts)
        _bulk(TuitionEvent, self.events, counts)
        _sync_sequences(("employees", "tuition_requests"))
        return dict(counts)


def _bulk(model: Any, rows: Sequence[dict[str, Any]], counts: Counter[str]) -> None:
    # insert() on the Table, not the mapped class: the ORM bulk path drops None values per
    # row and so splits the batch into thousands of small statements.
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model.__table__), list(rows[start : start + CHUNK]))
    counts[model.__tablename__] += len(rows)


def _sync_sequences(tables: Iterable[str]) -> None:
    """PostgreSQL: move id sequences past the explicit ids the generator wrote."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
        )


def _first_free_employee_id() -> int:
    return (db.session.scalar(select(func.max(Employee.id))) or 0) + 1


def _plan_organisation(builder: _Builder, employees: int) -> dict[str, int]:
    """Lay out the reporting tree of a whole organisation; answers persona -> employee id."""
    support = max(3, employees // 250)
    sites = max(3, round(employees / 2500))
    l3 = max(sites * 2, round(employees / 90))
    l2 = max(l3, round(employees / 11))
    l1 = max(1, employees - 1 - support - l3 - l2)
    site_codes = list(SITE_NAMES) + [f"CS-S{n:02d}" for n in range(len(SITE_NAMES) + 1, sites + 1)]
    _ensure_departments(
        builder.ids,
        [(code, f"Contact Centre {code.removeprefix('CS-').title()}") for code in site_codes]
        + [("HR", "People and HR"), ("FIN", "Finance")],
    )
    personas: dict[str, int] = {}
    root = builder.person("L3-CSM", None, site_codes[0], email=PERSONAS["head"][0])
    personas["head"] = root.id
    for index in range(support):
        department = "FIN" if index % 3 == 1 else "HR"
        persona = {0: "hr", 1: "finance", 2: "admin"}.get(index)
        email = PERSONAS[persona][0] if persona else None
        staff = builder.person(None, root.id, department, email=email)
        if persona:
            personas[persona] = staff.id
    heads = [builder.person("L3-CSM", root.id, code) for code in site_codes[:sites]]
    csms = []
    for index in range(max(1, l3 - sites)):
        head = heads[index % len(heads)]
        email = PERSONAS["manager"][0] if index == 0 else None
        csm = builder.person("L3-CSM", head.id, head.department, email=email)
        csms.append(csm)
        if index == 0:
            personas["manager"] = csm.id
    supervisors = []
    for index in range(l2):
        csm = csms[index % len(csms)]
        email = PERSONAS["supervisor"][0] if index == 0 else None
        supervisors.append(builder.person("L2-CSS", csm.id, csm.department, email=email))
        if index == 0:
            personas["supervisor"] = supervisors[-1].id
    for index in range(l1):
        sup = supervisors[index % len(supervisors)]
        email = PERSONAS["employee"][0] if index == 0 else None
        csr = builder.person("L1-CSR", sup.id, sup.department, email=email)
        if index == 0:
            personas["employee"] = csr.id
    return personas


def _create_logins(personas: dict[str, int], password: str) -> dict[str, str]:
    from app.services.accounts import create_user

    created = {}
    for persona, (email, roles) in PERSONAS.items():
        if persona not in personas:
            continue
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        create_user(email, password, list(roles))
        created[persona] = email
    return created


def generate(
    employees: int,
    seed: int = 1,
    anchor: date | None = None,
    *,
    logins: bool = True,
    password: str = BENCH_PASSWORD,
) -> GenerationReport:
    """Build an organisation of ``employees`` people and commit it; deterministic per seed."""
    if employees < 10:
        raise ValueError("A synthetic organisation needs at least 10 employees.")
    started = time.perf_counter()
    anchor = anchor or today()
    with acting_as("cli:bench-data"):
        ids = _catalogue(anchor)
        builder = _Builder(random.Random(seed), anchor, ids, _first_free_employee_id())
        personas = _plan_organisation(builder, employees)
        counts = builder.write()
        created = _create_logins(personas, password) if logins else {}
        record_change(
            db.session(),
            "employees",
            None,
            "insert",
            None,
            {"generated": len(builder.people), "seed": seed, "anchor": anchor.isoformat()},
        )
        db.session.commit()
    return GenerationReport(
        employees=len(builder.people),
        seconds=time.perf_counter() - started,
        rows=counts,
        personas=created,
    )


def grow(
    under: int,
    count: int,
    seed: int = 1,
    anchor: date | None = None,
    *,
    tuition_rate: float = 0.06,
) -> GenerationReport:
    """Add ``count`` people below the employee ``under``: CSSs reporting to them, CSRs below.

    Answers without committing, so a caller (a test) decides; the catalogue must exist.
    """
    started = time.perf_counter()
    anchor = anchor or today()
    ids = _catalogue(anchor)
    manager = db.session.get(Employee, under)
    if manager is None:
        raise ValueError(f"No employee {under}.")
    department = next(
        (code for code, id_ in ids.department.items() if id_ == manager.department_id),
        None,
    )
    if department is None:
        _ensure_departments(ids, [("CS-NORTH", "Contact Centre North")])
        department = "CS-NORTH"
    builder = _Builder(random.Random(seed), anchor, ids, _first_free_employee_id())
    builder.tuition_rate = tuition_rate
    supervisors = [builder.person("L2-CSS", under, department) for _ in range(max(1, count // 10))]
    for index in range(count - len(supervisors)):
        builder.person("L1-CSR", supervisors[index % len(supervisors)].id, department)
    counts = builder.write()
    db.session.flush()
    return GenerationReport(
        employees=len(builder.people), seconds=time.perf_counter() - started, rows=counts
    )
