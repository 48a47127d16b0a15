"""The security suite's world: the demo organisation with one sign-in per kind of caller, and
records of Maria Lopez (the subject) and of Grace Okafor (someone else, for IDOR) of every kind
a route can address by id.

Callers (issue 9 "Access matrix"):
- ``anonymous``;
- ``self``: Maria Lopez, CSR, the subject;
- ``unrelated``: a CSR in Contact Centre South, outside Maria's reporting line;
- ``manager_above``: Sam Rivera, two levels above Maria;
- ``direct_manager``: Daniel Kim, Maria's own manager;
- ``manager_elsewhere``: Lena Fischer, CSM of Contact Centre South;
- ``hr``, ``finance``, ``admin``: the demo personas.

Every caller has a signed-in page client and an API bearer token, made through the real
sign-in form and app.services.tokens.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.audit import acting_as
from app.clock import today
from app.extensions import db
from app.models import (
    AssignmentRule,
    BackgroundCheck,
    CheckType,
    CompetencyRating,
    CourseSession,
    Department,
    EducationRecord,
    Employee,
    JobRole,
    QualificationType,
    Repayment,
    TalentReview,
    TuitionRequest,
    User,
)
from tests.factories import (
    DEMO_PASSWORD,
    PDF,
    PERSONAS,
    api_token,
    audit_count,  # noqa: F401 (re-exported: the access matrix counts audit entries)
    employee_named,
    signed_in_client,
    user_of,
)

PASSWORD = "matrix-pass-2026"

CALLERS = (
    "anonymous",
    "self",
    "unrelated",
    "manager_above",
    "direct_manager",
    "manager_elsewhere",
    "hr",
    "finance",
    "admin",
)
SIGNED_IN = CALLERS[1:]


@dataclass
class Caller:
    name: str
    email: str | None = None
    user_id: int | None = None
    employee_id: int | None = None
    client: Any = None
    token: str | None = None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


@dataclass
class World:
    app: Any
    callers: dict[str, Caller] = field(default_factory=dict)
    mine: dict[str, Any] = field(default_factory=dict)  # Maria's records, by URL argument
    other: dict[str, Any] = field(default_factory=dict)  # Grace's records, by URL argument
    names: dict[int, str] = field(default_factory=dict)  # every employee's name by id
    visible: dict[str, set[int]] = field(default_factory=dict)  # ids each caller may see

    def call(self, caller: str, method: str, url: str, **kwargs: Any) -> Any:
        who = self.callers[caller]
        client = who.client if who.client is not None else self.app.test_client()
        if url.startswith("/api/"):
            headers = dict(kwargs.pop("headers", {}) or {})
            headers.update(who.headers())
            return client.open(url, method=method, headers=headers, **kwargs)
        return client.open(url, method=method, **kwargs)


def table_counts() -> dict[str, int]:
    """Rows per table: a refused request must leave every one of them unchanged."""
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(select(func.count()).select_from(table)) or 0
    return counts


def _pdf(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(PDF), name, content_type="application/pdf")


def _unrelated_csr() -> Employee:
    """An active CSR of Contact Centre South, outside Maria's reporting line."""
    south = db.session.scalar(select(Department).where(Department.code == "CS-SOUTH"))
    csr = db.session.scalar(select(JobRole).where(JobRole.code == "L1-CSR"))
    found = db.session.scalar(
        select(Employee)
        .where(
            Employee.department_id == south.id,
            Employee.job_role_id == csr.id,
            Employee.status == "active",
            Employee.name != "Priya Shah",
        )
        .order_by(Employee.id)
    )
    assert found is not None
    return found


def _records_of(person: Employee, sign_in_user: User, hr: User, tag: str) -> dict[str, Any]:
    """One record of every kind addressable by id, for ``person`` (committed)."""
    from app.services import records, uploads

    ids: dict[str, Any] = {"employee_id": person.id}
    with acting_as(f"test:{tag}", sign_in_user.id):
        pending = records.report_completion(
            person, "ORG-101", date(2026, 11, 10), _pdf("certificate.pdf"), actor=sign_in_user
        )
    ids["completion_id"] = pending.id
    ids["upload_id"] = pending.evidence_upload_id
    ids["rating_id"] = db.session.scalar(
        select(CompetencyRating.id)
        .where(CompetencyRating.employee_id == person.id, CompetencyRating.source != "self")
        .order_by(CompetencyRating.id)
    )
    ids["check_id"] = db.session.scalar(
        select(BackgroundCheck.id)
        .join(CheckType)
        .where(BackgroundCheck.employee_id == person.id)
        .order_by(CheckType.code.desc())  # Grace: CREDIT (her findings); Maria: CRIMINAL
    )
    from app.models import Assessment

    ids["assessment_id"] = db.session.scalar(
        select(Assessment.id).where(Assessment.employee_id == person.id).order_by(Assessment.id)
    )
    with acting_as(f"test:{tag}", hr.id):
        qualification = db.session.scalar(
            select(QualificationType).where(QualificationType.code == "CERT-LOG")
        )
        education = EducationRecord(
            employee_id=person.id,
            qualification_id=qualification.id,
            institution="Matrix Community College",
            completed_on=date(2025, 6, 30),
        )
        review = TalentReview(
            employee_id=person.id, period="2026-H1", performance=2, potential=3, notes="Steady."
        )
        db.session.add_all([education, review])
        receipt = uploads.save_upload(_pdf("receipt.pdf"), person, "receipt", sign_in_user)
        transcript = uploads.save_upload(_pdf("transcript.pdf"), person, "transcript", sign_in_user)
        request = TuitionRequest(
            employee_id=person.id,
            title="Logistics certificate",
            institution="Matrix Community College",
            starts_on=date(2026, 1, 10),
            ends_on=date(2026, 6, 30),
            tuition=Decimal("900.00"),
            fees=Decimal("50.00"),
            books=Decimal("50.00"),
            job_related=True,
            justification="Logistics knowledge for the supervisor role.",
            state="completed",
            submitted_on=date(2025, 12, 1),
            reserved_amount=Decimal("1000.00"),
            cap_year=2026,
            grade="A",
            receipt_upload_id=receipt.id,
            transcript_upload_id=transcript.id,
        )
        db.session.add(request)
        db.session.commit()
    ids.update(
        record_id=education.id,
        review_id=review.id,
        request_id=request.id,
        receipt_upload_id=receipt.id,
    )
    ids["enrolment_id"] = _booking_of(person, hr, tag)
    ids["round_id"] = _round_of(person, hr, tag)
    return ids


def _round_of(person: Employee, hr: User, tag: str) -> int:
    """A 360 round of ``person``, open, with one outside rater (committed by the service)."""
    from app.services import talent

    with acting_as(f"test:{tag}", hr.id):
        opened = talent.open_round(
            person,
            "LEAD-360",
            (today() + timedelta(days=10)).isoformat(),
            [{"group": "other", "email": f"{tag}.rater@partner.example"}],
            actor=hr,
        )
        return opened.round.id


def _closed_round_link(person: Employee, hr: User) -> str:
    """The rater link of a closed round: it says so to everyone and names nobody."""
    from app.services import talent

    with acting_as("test:matrix", hr.id):
        opened = talent.open_round(
            person,
            "LEAD-360",
            (today() + timedelta(days=10)).isoformat(),
            [{"group": "other", "email": "closed.rater@partner.example"}],
            actor=hr,
        )
        opened.round.state = "closed"
        opened.round.closed_on = today()
        db.session.commit()
        return opened.links[0][1]


def _booking_of(person: Employee, hr: User, tag: str) -> int:
    """A booking of ``person`` on a coaching lab of their own (committed by the service)."""
    from app.services import catalogue, enrolment

    with acting_as(f"test:{tag}", hr.id):
        start = date(2027, 3, 1) if tag.endswith("maria") else date(2027, 4, 1)
        session = catalogue.add_session("COACH-LAB", start, start, 5, "Matrix room")
        return enrolment.book(session, person, actor=hr).id


def build_world(app: Any, tmp_path: Path) -> World:
    """Sign-ins for every kind of caller and records of every kind for Maria and Grace."""
    from app.blueprints.records import staging
    from app.services import notify, tokens
    from app.services.enrolment import feeds

    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
    world = World(app)
    with app.app_context():
        maria = employee_named("Maria Lopez")
        grace = employee_named("Grace Okafor")
        people = {
            "self": (maria.email, DEMO_PASSWORD),
            "manager_above": (PERSONAS["manager"], DEMO_PASSWORD),
            "hr": (PERSONAS["hr"], DEMO_PASSWORD),
            "finance": (PERSONAS["finance"], DEMO_PASSWORD),
            "admin": (PERSONAS["admin"], DEMO_PASSWORD),
        }
        from app.services.accounts import create_user

        with acting_as("test:matrix"):
            for caller, person in (
                ("unrelated", _unrelated_csr()),
                ("direct_manager", employee_named("Daniel Kim")),
                ("manager_elsewhere", employee_named("Lena Fischer")),
                ("other", grace),
            ):
                create_user(person.email, PASSWORD)
                if caller != "other":
                    people[caller] = (person.email, PASSWORD)
            db.session.commit()
        hr = user_of(PERSONAS["hr"])
        world.mine = _records_of(maria, user_of(maria.email), hr, "matrix-maria")
        world.other = _records_of(grace, user_of(grace.email), hr, "matrix-grace")
        # Records that belong to a user rather than an employee.
        with acting_as("test:matrix"):
            maria_user = user_of(maria.email)
            grace_user = user_of(grace.email)
            mine_note = notify.notify([maria_user.id], "info", "For Maria", "Yours.", "/")[0]
            other_note = notify.notify([grace_user.id], "info", "For Grace", "Hers.", "/")[0]
            mine_token, _ = tokens.create_token(maria_user, "matrix: Maria's integration")
            other_token, _ = tokens.create_token(grace_user, "matrix: Grace's integration")
            _feed, feed_token = feeds.create_or_reset(maria_user)
            db.session.commit()
        world.mine.update(
            notification_id=mine_note.id, token_id=mine_token.id, user_id=maria_user.id
        )
        world.other.update(
            notification_id=other_note.id, token_id=other_token.id, user_id=grace_user.id
        )
        # ---- background jobs (issue 23): a finished team PDF asked by Maria and one by Grace
        world.mine["job_id"] = _job_of(maria_user.id)
        world.other["job_id"] = _job_of(grace_user.id)
        priya = employee_named("Priya Shah")
        repayment = db.session.scalar(select(Repayment.id).where(Repayment.employee_id == priya.id))
        session_id = db.session.scalar(select(CourseSession.id).order_by(CourseSession.id))
        with app.test_request_context():
            import_token = staging.stage(
                FileStorage(
                    io.BytesIO(b"employee_no,course,completed_on\nE0001,PCI-AWARE,2026-11-01\n"),
                    "completions.csv",
                ),
                kind="completions",
                date_format="iso",
                user=hr,
            )
        shared = {
            "repayment_id": repayment,
            "session_id": session_id,
            "token": import_token,
            "feed_token": feed_token,
            "feedback_token": _closed_round_link(maria, hr),
            "secret": "an-unknown-one-time-link-" + "x" * 18,  # 43 characters, like a real one
            "code": "CS-FOUND",
            "from_role": "L1-CSR",
            "to_role": "L2-CSS",
            "kind": "completions",
            "which": "pre",
            "key": "ready_threshold",
            "rule_id": db.session.scalar(select(AssignmentRule.id).order_by(AssignmentRule.id)),
        }
        world.mine.update(shared)
        world.other.update(shared)
        world.names = dict(db.session.execute(select(Employee.id, Employee.name)).all())
        from app import policy

        for caller, (email, password) in people.items():
            user = user_of(email)
            with app.test_request_context():
                seen = {user.employee_id} | set(policy.managed_ids(user))
            seen |= _manager_chain(user.employee_id)
            world.visible[caller] = seen
            with acting_as("test:matrix"):
                secret = api_token(user, f"matrix: {caller}")
                db.session.commit()
            client = signed_in_client(app, email, password)
            world.callers[caller] = Caller(caller, email, user.id, user.employee_id, client, secret)
        world.callers["anonymous"] = Caller("anonymous")
        db.session.remove()
    return world


def _manager_chain(employee_id: int) -> set[int]:
    chain: set[int] = set()
    current = db.session.get(Employee, employee_id)
    while current is not None and current.manager_id and current.manager_id not in chain:
        chain.add(current.manager_id)
        current = db.session.get(Employee, current.manager_id)
    return chain


def module_world(databases: Any, tmp_path: Path) -> Iterator[World]:
    """A private copy of the demo organisation for one test module, with its world built."""
    from tests.conftest import _make_app

    for app in _make_app(databases, "demo", tmp_path, seed_demo=True):
        yield build_world(app, tmp_path)


def _job_of(user_id: int) -> int:
    """A finished team-PDF job of this user (background jobs, issue 23)."""
    from app.services.jobs import store

    job = store.create(
        "team_pdf", "matrix: a team report", requester_id=user_id, unit="pages rendered"
    )
    job.state, job.result_path, job.result_name = "done", "missing.pdf", "team.pdf"
    db.session.commit()
    return job.id
