"""Tuition reimbursement requests, their state history and repayments owed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import (
    Audited,
    EmployeeFact,
    EmployeeOwnedMixin,
    IdMixin,
    Money,
    VersionedMixin,
    non_negative,
    not_before,
    one_of,
)

if TYPE_CHECKING:
    from app.models.catalogue import JobRole, QualificationType
    from app.models.people import Employee, User

TUITION_STATES = (
    "draft",
    "submitted",
    "manager_approved",
    "hr_approved",
    "finance_approved",
    "completed",
    "documents_missing",
    "reimbursed",
    "rejected",
    "cancelled",
)


class TuitionRequest(EmployeeFact, VersionedMixin, Model):
    __tablename__ = "tuition_requests"
    __readiness__ = "facts"
    __table_args__ = (
        one_of("state", TUITION_STATES),
        non_negative("tuition", "fees", "books", name="costs_non_negative"),
        not_before("ends_on", "starts_on", "dates"),
        non_negative("reserved_amount", name="reserved_non_negative", optional=True),
        non_negative("reimbursed_amount", name="reimbursed_non_negative", optional=True),
    )

    title: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(200))
    qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification_types.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    tuition: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    fees: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    books: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    job_related: Mapped[bool] = mapped_column(Boolean, default=True)
    justification: Mapped[str] = mapped_column(String(2000), default="")
    target_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"))
    target_competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    pass_fail: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    late_override_reason: Mapped[str | None] = mapped_column(String(1000))
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    reserved_amount: Mapped[Decimal | None] = mapped_column(Money)
    cap_year: Mapped[int | None] = mapped_column(Integer, index=True)
    grade: Mapped[str | None] = mapped_column(String(10))
    receipt_upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    transcript_upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    reimbursed_amount: Mapped[Decimal | None] = mapped_column(Money)
    paid_on: Mapped[date | None] = mapped_column(Date, index=True)

    employee: Mapped[Employee] = relationship("Employee")
    qualification: Mapped[QualificationType | None] = relationship("QualificationType")
    target_role: Mapped[JobRole | None] = relationship("JobRole")
    events: Mapped[list[TuitionEvent]] = relationship(
        "TuitionEvent", lazy="select", order_by="TuitionEvent.id", cascade="all, delete-orphan"
    )

    @property
    def eligible_cost(self) -> Decimal:
        return (self.tuition or Decimal(0)) + (self.fees or Decimal(0)) + (self.books or Decimal(0))


class TuitionEvent(IdMixin, Audited, Model):
    """One state change of a tuition request: its history."""

    __tablename__ = "tuition_events"
    # the history of a request; its state is on the request
    __readiness__ = "none"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("tuition_requests.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(String(1000))
    amount: Mapped[Decimal | None] = mapped_column(Money)

    # Read with the events of a request, loaded with them by the query that lists them
    # (tuition.queries.history, own_requests_query); the query-budget tests guard the count.
    actor: Mapped[User | None] = relationship("User")


class Repayment(IdMixin, EmployeeOwnedMixin, Audited, Model):
    """What a voluntary leaver owes back on one reimbursement (docs/RULES.md repayment table)."""

    __tablename__ = "repayments"
    # money owed back after leaving, not a readiness fact
    __readiness__ = "none"
    __table_args__ = (non_negative("amount_owed", name="amount_non_negative"),)

    request_id: Mapped[int] = mapped_column(ForeignKey("tuition_requests.id"), unique=True)
    termination_date: Mapped[date] = mapped_column(Date)
    months_since_paid: Mapped[int] = mapped_column(Integer)
    share: Mapped[Decimal] = mapped_column(Money)
    amount_owed: Mapped[Decimal] = mapped_column(Money)
    settled_on: Mapped[date | None] = mapped_column(Date)

    request: Mapped[TuitionRequest] = relationship("TuitionRequest")
