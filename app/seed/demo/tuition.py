"""The demo tuition case: Priya Shah's reimbursed course, its history and her repayment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.clock import now
from app.extensions import db
from app.models import Employee, TuitionEvent, TuitionRequest
from app.readiness.dates import add_months
from app.seed.demo.records import RecordSeeder
from app.services.tuition.leavers import leaver_repayments
from app.tuition import rules
from app.tuition.rules import APPROVE, COMPLETE, PAY, SUBMIT


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
            db.session.add(
                TuitionEvent(
                    request_id=request.id,
                    action=action,
                    from_state=old,
                    to_state=new,
                    at=at,
                    amount=Decimal("1500.00") if action == PAY else None,
                )
            )
            old = new
        assert old == request.state
        left = add_months(paid_on, 10)
        e.status = "terminated"
        e.termination_date = left
        e.termination_reason = "voluntary"
        leaver_repayments(e, left, rules.DEFAULT_CONFIG)  # the leaver's rule: 75% after 10 months
