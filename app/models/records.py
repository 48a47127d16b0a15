"""An employee's evidence: completions, ratings, checks, assessments, education, talent reviews."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import (
    Audited,
    EmployeeFact,
    EmployeeOwnedMixin,
    IdMixin,
    VersionedMixin,
    between,
    non_negative,
    not_before,
    one_of,
)
from app.readiness.vocabulary import CHECK_STATUSES as CHECK_STATUSES
from app.readiness.vocabulary import MAX_LEVEL, MIN_LEVEL
from app.readiness.vocabulary import RATER_GROUPS as RATER_GROUPS
from app.readiness.vocabulary import RATING_SOURCES as RATING_SOURCES

VERIFICATIONS = ("verified", "pending", "rejected")
"""A completion's verification: hr's own are verified, a reported one pending until decided."""

if TYPE_CHECKING:
    from app.models.catalogue import CheckType, Competency, Course, Instrument, QualificationType
    from app.models.people import Employee


class Completion(EmployeeFact, VersionedMixin, Model):
    """A training completion: expires_on = completed_on + validity_months (docs/RULES.md)."""

    __tablename__ = "completions"
    __readiness__ = "facts"
    __table_args__ = (
        one_of("verification", VERIFICATIONS),
        not_before("expires_on", "completed_on", "expiry_after", strict=True, optional=True),
        non_negative("score", optional=True),
        # each assignment's latest completion of its course is one seek (issue 21)
        Index("ix_completions_employee_course_done", "employee_id", "course_id", "completed_on"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("course_sessions.id"))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    verification: Mapped[str] = mapped_column(String(12), default="verified")
    evidence_upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    reported_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    course: Mapped[Course] = relationship("Course")
    employee: Mapped[Employee] = relationship("Employee", lazy="select")


class CompetencyRating(EmployeeFact, VersionedMixin, Model):
    """A rating on the OPM 0-5 scale. Self-ratings are shown but never count (docs/RULES.md)."""

    __tablename__ = "competency_ratings"
    __readiness__ = "facts"
    __table_args__ = (between("level", MIN_LEVEL, MAX_LEVEL), one_of("source", RATING_SOURCES))

    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    rated_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(12))
    evidence: Mapped[str | None] = mapped_column(String(1000))
    rated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    competency: Mapped[Competency] = relationship("Competency")


class BackgroundCheck(EmployeeFact, VersionedMixin, Model):
    """A background check. No check exists without written consent (FCRA, docs/RULES.md)."""

    __tablename__ = "background_checks"
    __readiness__ = "facts"
    __table_args__ = (
        one_of("status", CHECK_STATUSES),
        CheckConstraint("consent_signed_on <= requested_on", name="consent_before_request"),
        not_before("completed_on", "requested_on", "completed_after", optional=True),
        CheckConstraint(
            "final_notice_on IS NULL OR pre_adverse_notice_on IS NOT NULL",
            name="final_after_pre_adverse",
        ),
        # the compliance page's clear checks per person and type (issue 21)
        Index(
            "ix_background_checks_employee_type_status", "employee_id", "check_type_id", "status"
        ),
    )

    check_type_id: Mapped[int] = mapped_column(ForeignKey("check_types.id"))
    consent_signed_on: Mapped[date] = mapped_column(Date)
    consent_form_version: Mapped[str] = mapped_column(String(40))
    requested_on: Mapped[date] = mapped_column(Date)
    vendor: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    findings: Mapped[str | None] = mapped_column(Text)
    findings_purged_on: Mapped[date | None] = mapped_column(Date)
    pre_adverse_notice_on: Mapped[date | None] = mapped_column(Date)
    final_notice_on: Mapped[date | None] = mapped_column(Date)

    check_type: Mapped[CheckType] = relationship("CheckType")


class Assessment(EmployeeFact, Model):
    """A leadership assessment; `overall` is derived by the 360 / scoring rules when saved."""

    __tablename__ = "assessments"
    __readiness__ = "facts"

    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    conducted_on: Mapped[date] = mapped_column(Date)
    overall: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    scores: Mapped[dict | None] = mapped_column(JSON)
    assessor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A 360's minimum responses per rater group when it was collected: they always apply to it
    # (docs/RULES.md "Collecting 360 feedback"); None before they were kept (the settings').
    min_responses: Mapped[dict | None] = mapped_column(JSON)

    instrument: Mapped[Instrument] = relationship("Instrument")
    responses: Mapped[list[AssessmentResponse]] = relationship(
        "AssessmentResponse", cascade="all, delete-orphan", lazy="select"
    )


class AssessmentResponse(IdMixin, Audited, Model):
    """One 360 response. Deliberately stores no rater identity (docs/RULES.md: never shown)."""

    __tablename__ = "assessment_responses"
    # rater answers; readiness reads the assessment's overall score
    __readiness__ = "none"
    __table_args__ = (one_of("rater_group", RATER_GROUPS),)

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    rater_group: Mapped[str] = mapped_column(String(20))
    scores: Mapped[dict] = mapped_column(JSON)


class TalentReview(EmployeeFact, Model):
    """A 9-box talent review: performance 1-3 x potential 1-3 per review period."""

    __tablename__ = "talent_reviews"
    # reviews inform people, they are not requirements of a role
    __readiness__ = "none"
    __table_args__ = (
        UniqueConstraint("employee_id", "period", name="uq_talent_reviews_period"),
        between("performance", 1, 3),
        between("potential", 1, 3),
    )

    period: Mapped[str] = mapped_column(String(20))
    performance: Mapped[int] = mapped_column(Integer)
    potential: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(String(2000))
    reviewed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class EducationRecord(EmployeeFact, Model):
    __tablename__ = "education_records"
    __readiness__ = "facts"

    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualification_types.id"))
    institution: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    tuition_request_id: Mapped[int | None] = mapped_column(ForeignKey("tuition_requests.id"))

    qualification: Mapped[QualificationType] = relationship("QualificationType")


class Upload(IdMixin, EmployeeOwnedMixin, Audited, Model):
    """An uploaded file stored under instance/uploads with a random name."""

    __tablename__ = "uploads"
    # evidence files; the records they support are the facts
    __readiness__ = "none"

    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(30))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    purged_on: Mapped[date | None] = mapped_column(Date)
