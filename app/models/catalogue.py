"""The catalogue HR configures: competencies, courses, check types, instruments, roles, ladder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import CodedMixin, IdMixin, Money, NamedMixin, RetirableMixin, VersionedMixin
from app.readiness.vocabulary import INSTRUMENT_KINDS as INSTRUMENT_KINDS
from app.readiness.vocabulary import REQUIREMENT_KINDS as REQUIREMENT_KINDS

if TYPE_CHECKING:
    from app.models.people import Employee


class Competency(IdMixin, CodedMixin, NamedMixin, RetirableMixin, Model):
    __tablename__ = "competencies"
    __readiness__ = "catalogue"
    __audited__ = True

    category: Mapped[str] = mapped_column(String(80), default="general")
    description: Mapped[str | None] = mapped_column(String(1000))


class Course(IdMixin, CodedMixin, RetirableMixin, VersionedMixin, Model):
    __tablename__ = "courses"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("cost >= 0", name="cost_non_negative"),
        CheckConstraint("hours >= 0", name="hours_non_negative"),
        CheckConstraint("validity_months IS NULL OR validity_months > 0", name="validity_positive"),
        CheckConstraint("default_duration_days > 0", name="duration_positive"),
        CheckConstraint("approval IN ('none', 'manager')", name="approval"),
    )

    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(80), default="general")
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal("0"))
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    validity_months: Mapped[int | None] = mapped_column(Integer)
    default_duration_days: Mapped[int] = mapped_column(Integer, default=30)
    # docs/RULES.md "Sessions and enrolment": who must approve a booking first (none, manager)
    approval: Mapped[str] = mapped_column(String(10), default="none", server_default="none")

    prerequisite_links: Mapped[list[CoursePrerequisite]] = relationship(
        "CoursePrerequisite",
        foreign_keys="CoursePrerequisite.course_id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    grants: Mapped[list[CourseGrant]] = relationship(
        "CourseGrant", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_certification(self) -> bool:
        return self.validity_months is not None


class CoursePrerequisite(IdMixin, Model):
    __tablename__ = "course_prerequisites"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("course_id", "prerequisite_id", name="uq_course_prerequisites_pair"),
        CheckConstraint("course_id <> prerequisite_id", name="not_self"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    prerequisite_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))

    prerequisite: Mapped[Course] = relationship("Course", foreign_keys=[prerequisite_id])


class CourseGrant(IdMixin, Model):
    """A course completion grants a competency level (docs/RULES.md: current level rule)."""

    __tablename__ = "course_grants"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("course_id", "competency_id", name="uq_course_grants_pair"),
        CheckConstraint("level BETWEEN 0 AND 5", name="level_range"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    level: Mapped[int] = mapped_column(Integer)

    competency: Mapped[Competency] = relationship("Competency")


class CourseSession(IdMixin, Model):
    """A scheduled run of a course. ``enrolled_count`` is the number of seats taken: it moves
    only by conditional UPDATEs in app/services/enrolment (never through the ORM), and the
    database itself refuses more enrolled people than seats (``seats_held``)."""

    __tablename__ = "course_sessions"
    __readiness__ = "catalogue"
    __audited__ = True
    __audit_exclude__ = ("enrolled_count",)
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("seats >= 0", name="seats_non_negative"),
        CheckConstraint("enrolled_count >= 0 AND enrolled_count <= seats", name="seats_held"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    seats: Mapped[int] = mapped_column(Integer, default=12)
    location: Mapped[str | None] = mapped_column(String(120))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    enrolled_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    course: Mapped[Course] = relationship("Course")
    trainer: Mapped[Employee | None] = relationship("Employee")

    @property
    def status(self) -> str:
        """docs/RULES.md: a session is ``scheduled`` or ``cancelled``."""
        return "cancelled" if self.cancelled else "scheduled"

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.enrolled_count, 0)


class CheckType(IdMixin, CodedMixin, NamedMixin, RetirableMixin, Model):
    __tablename__ = "check_types"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("rescreen_months > 0", name="rescreen_positive"),
        CheckConstraint("turnaround_days >= 0", name="turnaround_non_negative"),
    )

    rescreen_months: Mapped[int] = mapped_column(Integer, default=36)
    turnaround_days: Mapped[int] = mapped_column(Integer, default=14)


class Instrument(IdMixin, CodedMixin, NamedMixin, RetirableMixin, Model):
    __tablename__ = "instruments"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("kind IN ('360', 'test', 'assessment_centre')", name="kind"),
        CheckConstraint("scale_max > scale_min", name="scale"),
        CheckConstraint("validity_months > 0", name="validity_positive"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    scale_min: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("1"))
    scale_max: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("5"))
    dimensions: Mapped[list] = mapped_column(JSON, default=list)
    validity_months: Mapped[int] = mapped_column(Integer, default=24)


class QualificationType(IdMixin, CodedMixin, NamedMixin, RetirableMixin, Model):
    """An education qualification, e.g. CERT-MGMT (Certificate in Management) or BBA."""

    __tablename__ = "qualification_types"
    __readiness__ = "catalogue"
    __audited__ = True


class JobRole(IdMixin, CodedMixin, RetirableMixin, Model):
    __tablename__ = "job_roles"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("financial_authority_limit >= 0", name="limit_non_negative"),
        CheckConstraint("level >= 1", name="level_positive"),
    )

    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    financial_authority_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))

    requirements: Mapped[list[Requirement]] = relationship(
        "Requirement",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Requirement.position",
    )


class Requirement(IdMixin, Model):
    """One requirement of a role: a gate when mandatory, weighted in the score."""

    __tablename__ = "requirements"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(
            "kind IN ('competency', 'course', 'certification', 'background_check', "
            "'assessment', 'tenure', 'education')",
            name="kind",
        ),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("min_level IS NULL OR min_level BETWEEN 0 AND 5", name="min_level_range"),
        CheckConstraint("min_months IS NULL OR min_months >= 0", name="min_months_non_negative"),
        CheckConstraint("min_score IS NULL OR min_score >= 0", name="min_score_non_negative"),
        CheckConstraint(
            "(kind <> 'competency' OR (competency_id IS NOT NULL AND min_level IS NOT NULL))"
            " AND (kind NOT IN ('course', 'certification') OR course_id IS NOT NULL)"
            " AND (kind <> 'background_check' OR check_type_id IS NOT NULL)"
            " AND (kind <> 'assessment' OR (instrument_id IS NOT NULL AND min_score IS NOT NULL))"
            " AND (kind <> 'tenure' OR min_months IS NOT NULL)"
            " AND (kind <> 'education' OR qualification_id IS NOT NULL)",
            name="target_matches_kind",
        ),
    )

    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    check_type_id: Mapped[int | None] = mapped_column(ForeignKey("check_types.id"))
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"))
    qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification_types.id"))
    min_level: Mapped[int | None] = mapped_column(Integer)
    min_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    min_months: Mapped[int | None] = mapped_column(Integer)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    competency: Mapped[Competency | None] = relationship("Competency")
    course: Mapped[Course | None] = relationship("Course")
    check_type: Mapped[CheckType | None] = relationship("CheckType")
    instrument: Mapped[Instrument | None] = relationship("Instrument")
    qualification: Mapped[QualificationType | None] = relationship("QualificationType")

    @property
    def target_code(self) -> str | None:
        for target in (
            self.competency,
            self.course,
            self.check_type,
            self.instrument,
            self.qualification,
        ):
            if target is not None:
                return target.code
        return None


class LadderEdge(IdMixin, Model):
    """An edge of the role ladder: from role -> to role, with typical months."""

    __tablename__ = "ladder_edges"
    __readiness__ = "catalogue"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("from_role_id", "to_role_id", name="uq_ladder_edges_pair"),
        CheckConstraint("from_role_id <> to_role_id", name="not_self"),
        CheckConstraint("typical_months >= 0", name="months_non_negative"),
    )

    from_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    to_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    typical_months: Mapped[int] = mapped_column(Integer, default=24)

    from_role: Mapped[JobRole] = relationship("JobRole", foreign_keys=[from_role_id])
    to_role: Mapped[JobRole] = relationship("JobRole", foreign_keys=[to_role_id])
