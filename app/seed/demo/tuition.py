"""The demo tuition: Priya Shah's reimbursed course, its history and her repayment; and one
open request in each stage of the workflow, so every queue has work (docs/RULES.md "Demo
organisation")."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.clock import now
from app.extensions import db
from app.models import Employee, TuitionEvent, TuitionRequest, User
from app.readiness.dates import add_months
from app.seed.demo.records import RecordSeeder
from app.services.tuition.leavers import leaver_repayments
from app.services.uploads import save_upload
from app.tuition import rules
from app.tuition.rules import APPROVE, COMPLETE, PAY, SUBMIT

# Who decides each stage of a Contact Centre North request in the demo: the CSRs' supervisors
# have no sign-in, so the manager stage passes up to Sam Rivera; then HR, then finance.
STAGE_DECIDERS = (
    "sam.rivera@example.com",
    "hannah.reid@example.com",
    "felix.turner@example.com",
)


@dataclass(frozen=True)
class OpenRequest:
    """One open demo request: whose, what, the days from the demo's date, and how far it got."""

    name: str
    title: str
    institution: str
    qualification: str
    costs: tuple[str, str, str]  # tuition, fees, books
    submitted: int  # days from today (negative: in the past)
    starts: int
    ends: int
    state: str
    grade: str | None = None


OPEN_REQUESTS = (
    OpenRequest(
        "Jamie Miller",
        "Certificate in Logistics, module 1",
        "Harbor Technical College",
        "CERT-LOG",
        ("1400.00", "120.00", "90.00"),
        -3,
        50,
        170,
        "submitted",
    ),
    OpenRequest(
        "Avery Brown",
        "Certificate in Management, part 1",
        "Riverside Community College",
        "CERT-MGMT",
        ("1800.00", "150.00", "50.00"),
        -12,
        35,
        155,
        "manager_approved",
    ),
    OpenRequest(
        "Riley Johnson",
        "Bachelor of Business Administration, first year",
        "State University Extension",
        "BBA",
        ("3000.00", "200.00", "150.00"),
        -20,
        60,
        300,
        "hr_approved",
    ),
    OpenRequest(
        "Emerson Allen",
        "Certificate in Logistics, module 1",
        "Harbor Technical College",
        "CERT-LOG",
        ("1400.00", "120.00", "90.00"),
        -45,
        40,
        160,
        "finance_approved",
    ),
    OpenRequest(
        "Harper Hall",
        "Certificate in Management",
        "State University Extension",
        "CERT-MGMT",
        ("1600.00", "100.00", "60.00"),
        -370,
        -340,
        -20,
        "completed",
        grade="A",
    ),
)


class TuitionSeeder(RecordSeeder):
    def priya(self, e: Employee) -> None:
        """$2,000 course graded B, reimbursed $1,500; left voluntarily 10 months later."""
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
        old = rules.DRAFT
        for action in (SUBMIT, APPROVE, APPROVE, APPROVE, COMPLETE, PAY):
            new = rules.next_state(action, old)
            _event(
                request,
                action,
                (old, new),
                at,
                amount=Decimal("1500.00") if action == PAY else None,
            )
            old = new
        assert old == request.state
        left = add_months(paid_on, 10)
        e.status = "terminated"
        e.termination_date = left
        e.termination_reason = "voluntary"
        leaver_repayments(e, left, rules.DEFAULT_CONFIG)  # the leaver's rule: 75% after 10 months

    def open_requests(self) -> None:
        """One request in each open stage (after the logins, who decide the stages)."""
        deciders = [
            db.session.scalar(select(User).where(User.email == email)) for email in STAGE_DECIDERS
        ]
        for case in OPEN_REQUESTS:
            employee = db.session.scalar(select(Employee).where(Employee.name == case.name))
            assert employee is not None, case.name
            self._open_request(employee, case, deciders)

    def _open_request(self, e: Employee, case: OpenRequest, deciders: list[User | None]) -> None:
        tuition, fees, books = (Decimal(v) for v in case.costs)
        starts = self.d(case.starts)
        request = TuitionRequest(
            employee_id=e.id,
            title=case.title,
            institution=case.institution,
            qualification_id=self.qual[case.qualification].id,
            starts_on=starts,
            ends_on=self.d(case.ends),
            tuition=tuition,
            fees=fees,
            books=books,
            job_related=True,
            justification="Study for the supervisor role: planning, budgets and leading a team.",
            target_role_id=self.role["L2-CSS"].id,
            state=case.state,
            submitted_on=self.d(case.submitted),
            grade=case.grade,
        )
        if case.state in rules.RESERVING_STATES:
            request.reserved_amount = tuition + fees + books
            request.cap_year = starts.year
        db.session.add(request)
        db.session.flush()
        if case.state == "completed":
            request.receipt_upload_id = self._receipt(e, request).id
        self._history(request, case, deciders)

    def _history(
        self, request: TuitionRequest, case: OpenRequest, deciders: list[User | None]
    ) -> None:
        """The request's events up to its state: submitted, then one approval per stage (a day
        apart), then completed after the course ended."""
        old, stage, at = rules.DRAFT, 0, self.d(case.submitted)
        last = self._moment(at)
        while old != case.state:
            action = SUBMIT if old == rules.DRAFT else APPROVE
            if old == "finance_approved":
                action, at = COMPLETE, max(at, self.d(case.ends))
            new = rules.next_state(action, old)
            actor = deciders[stage] if action == APPROVE else None
            stage += action == APPROVE
            last = self._moment(at)
            _event(request, action, (old, new), last, actor)
            old, at = new, at + timedelta(days=1)
        # The queues show how long a request has waited: since its last step.
        request.created_at = self._moment(self.d(case.submitted))
        request.updated_at = last

    def _moment(self, day: date) -> Any:
        """10:00 on ``day`` in the clock's zone (never after now)."""
        moment = now().replace(hour=10, minute=0, second=0, microsecond=0)
        return min(moment + timedelta(days=(day - self.t).days), now())

    def _receipt(self, e: Employee, request: TuitionRequest) -> Any:
        """The institution's receipt of a completed request, as a small PDF upload."""
        from app.reports.pdf import render_pdf

        total = f"{request.tuition + request.fees + request.books:,.2f}"
        html = (
            f"<h1>{request.institution}</h1><h2>Receipt</h2>"
            f"<p>{e.name}: {request.title}, {request.starts_on} to {request.ends_on}.</p>"
            f"<p>Paid in full: USD {total} (tuition, fees and books).</p>"
        )
        document = FileStorage(
            io.BytesIO(render_pdf(html)), filename="receipt.pdf", content_type="application/pdf"
        )
        return save_upload(document, e, "receipt", None)


def _event(
    request: TuitionRequest,
    action: str,
    states: tuple[str, str],
    at: Any,
    actor: User | None = None,
    amount: Decimal | None = None,
) -> None:
    """One step of a demo request's history: ``states`` is (from, to)."""
    db.session.add(
        TuitionEvent(
            request_id=request.id,
            action=action,
            from_state=states[0],
            to_state=states[1],
            actor_user_id=actor.id if actor is not None else None,
            at=at,
            amount=amount,
        )
    )
