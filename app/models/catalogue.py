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
from app.models.base import (
    Audited,
    CatalogueEntry,
    IdMixin,
    Money,
    NamedMixin,
    VersionedMixin,
    between,
    distinct_pair,
    non_negative,
    not_before,
    one_of,
    positive,
)
from app.readiness.vocabulary import INSTRUMENT_KINDS as INSTRUMENT_KINDS
from app.readiness.vocabulary import MAX_LEVEL, MIN_LEVEL
from app.readiness.vocabulary import REQUIREMENT_KINDS as REQUIREMENT_KINDS

if TYPE_CHECKING:
    from app.models.people import Employee

# docs/RULES.md "Sessions and enrolment": a course books straight away or waits for a manager.
APPROVALS = ("none", "manager")


class Competency(CatalogueEntry, NamedMixin, Model):
    __tablename__ = "competencies"
    __readiness__ = "catalogue"

    category: Mapped[str] = mapped_column(String(80), default="general")
    description: Mapped[str | None] = mapped_column(String(1000))


class Course(CatalogueEntry, VersionedMixin, Model):
    __tablename__ = "courses"
    __readiness__ = "catalogue"
    __table_args__ = (
        non_negative("cost"),
        non_negative("hours"),
        positive("validity_months", "validity_positive", optional=True),
        positive("default_duration_days", "duration_positive"),
        one_of("approval", APPROVALS),
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


class CoursePrerequisite(IdMixin, Audited, Model):
    __tablename__ = "course_prerequisites"
    __readiness__ = "catalogue"
    __table_args__ = (
        *distinct_pair("course_id", "prerequisite_id", "uq_course_prerequisites_pair"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    prerequisite_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))

    prerequisite: Mapped[Course] = relationship("Course", foreign_keys=[prerequisite_id])


class CourseGrant(IdMixin, Audited, Model):
    """A course completion grants a competency level (docs/RULES.md: current level rule)."""

    __tablename__ = "course_grants"
    __readiness__ = "catalogue"
    __table_args__ = (
        UniqueConstraint("course_id", "competency_id", name="uq_course_grants_pair"),
        between("level", MIN_LEVEL, MAX_LEVEL),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    level: Mapped[int] = mapped_column(Integer)

    competency: Mapped[Competency] = relationship("Competency")


class CourseSession(IdMixin, Audited, Model):
    """A scheduled run of a course. ``enrolled_count`` is the number of seats taken: it moves
    only by conditional UPDATEs in app/services/enrolment (never through the ORM), and the
    database itself refuses more enrolled people than seats (``seats_held``)."""

    __tablename__ = "course_sessions"
    __readiness__ = "catalogue"
    __audit_exclude__ = ("enrolled_count",)
    __table_args__ = (
        not_before("ends_on", "starts_on", "dates"),
        non_negative("seats"),
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


class CheckType(CatalogueEntry, NamedMixin, Model):
    __tablename__ = "check_types"
    __readiness__ = "catalogue"
    __table_args__ = (
        positive("rescreen_months", "rescreen_positive"),
        non_negative("turnaround_days", name="turnaround_non_negative"),
    )

    rescreen_months: Mapped[int] = mapped_column(Integer, default=36)
    turnaround_days: Mapped[int] = mapped_column(Integer, default=14)


class Instrument(CatalogueEntry, NamedMixin, Model):
    __tablename__ = "instruments"
    __readiness__ = "catalogue"
    __table_args__ = (
        one_of("kind", INSTRUMENT_KINDS),
        not_before("scale_max", "scale_min", "scale", strict=True),
        positive("validity_months", "validity_positive"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    scale_min: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("1"))
    scale_max: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("5"))
    dimensions: Mapped[list] = mapped_column(JSON, default=list)
    validity_months: Mapped[int] = mapped_column(Integer, default=24)


class QualificationType(CatalogueEntry, NamedMixin, Model):
    """An education qualification, e.g. CERT-MGMT (Certificate in Management) or BBA."""

    __tablename__ = "qualification_types"
    __readiness__ = "catalogue"


class JobRole(CatalogueEntry, Model):
    __tablename__ = "job_roles"
    __readiness__ = "catalogue"
    __table_args__ = (
        non_negative("financial_authority_limit", name="limit_non_negative"),
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


class Requirement(IdMixin, Audited, Model):
    """One requirement of a role: a gate when mandatory, weighted in the score."""

    __tablename__ = "requirements"
    __readiness__ = "catalogue"
    __table_args__ = (
        one_of("kind", REQUIREMENT_KINDS),
        positive("weight", "weight_positive"),
        CheckConstraint("min_level IS NULL OR min_level BETWEEN 0 AND 5", name="min_level_range"),
        non_negative("min_months", optional=True),
        non_negative("min_score", optional=True),
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


class LadderEdge(IdMixin, Audited, Model):
    """An edge of the role ladder: from role -> to role, with typical months."""

    __tablename__ = "ladder_edges"
    __readiness__ = "catalogue"
    __table_args__ = (
        *distinct_pair("from_role_id", "to_role_id", "uq_ladder_edges_pair"),
        non_negative("typical_months", name="months_non_negative"),
    )

    from_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    to_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    typical_months: Mapped[int] = mapped_column(Integer, default=24)

    from_role: Mapped[JobRole] = relationship("JobRole", foreign_keys=[from_role_id])
    to_role: Mapped[JobRole] = relationship("JobRole", foreign_keys=[to_role_id])
