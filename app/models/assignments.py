"""Required training: assignment rules, each person's assignments with their history, and the
log of reminders sent about them (docs/RULES.md "Assignments")."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import EmployeeOwnedMixin, IdMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.catalogue import Course, JobRole
    from app.models.people import Department, Employee

CLOSED_REASONS = ("not_required",)

_OPEN = "closed_on IS NULL"
_STANDING = "ended_on IS NULL"


def _unique_where(name: str, where: str, *columns: str) -> Index:
    """A partial unique index, the same on SQLite and PostgreSQL."""
    return Index(
        name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where)
    )


class AssignmentRule(IdMixin, VersionedMixin, TimestampMixin, Model):
    """Who must hold a course, and by when: a job role (optionally some departments), a
    course, and a due date N days after the later of hire and role start, or a fixed date."""

    __tablename__ = "assignment_rules"
    # obligations with due dates, not readiness facts: the readiness score ignores them
    __readiness__ = "none"
    __audited__ = True
    __table_args__ = (
        # one standing rule per role and course (a deleted rule ends, its history stays)
        _unique_where("uq_assignment_rules_role_course", _STANDING, "job_role_id", "course_id"),
        CheckConstraint("(due_days IS NULL) <> (due_on IS NULL)", name="due_days_or_date"),
        CheckConstraint("due_days IS NULL OR due_days >= 0", name="due_days_non_negative"),
        CheckConstraint("recertify_days >= 0", name="recertify_days_non_negative"),
    )

    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    due_days: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    recertify_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # set when HR deletes the rule: its open assignments close, the rule and history stay
    ended_on: Mapped[date | None] = mapped_column(Date)

    job_role: Mapped[JobRole] = relationship("JobRole")
    course: Mapped[Course] = relationship("Course")
    department_links: Mapped[list[AssignmentRuleDepartment]] = relationship(
        "AssignmentRuleDepartment", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def department_ids(self) -> frozenset[int]:
        return frozenset(link.department_id for link in self.department_links)


class AssignmentRuleDepartment(IdMixin, Model):
    """One department a rule is narrowed to (a rule with none covers every department)."""

    __tablename__ = "assignment_rule_departments"
    # part of a rule: obligations, not readiness facts
    __readiness__ = "none"
    __audited__ = True
    __table_args__ = (
        Index("uq_assignment_rule_departments", "rule_id", "department_id", unique=True),
    )

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_rules.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))

    department: Mapped[Department] = relationship("Department", lazy="joined")


class Assignment(IdMixin, EmployeeOwnedMixin, TimestampMixin, Model):
    """A person's obligation under one rule. Open while ``closed_on`` is empty; a move out of
    the rule's role or departments closes it as ``not_required`` and keeps it as history."""

    __tablename__ = "assignments"
    # obligations: their status is computed from completions, it is not a readiness fact
    __readiness__ = "none"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(
            "closed_on IS NULL OR closed_reason IN ('not_required')", name="closed_reason"
        ),
        # one open assignment per person and rule, whatever arrives at the same moment
        _unique_where("uq_assignments_open", _OPEN, "employee_id", "rule_id"),
        Index("ix_assignments_rule_open", "rule_id", "closed_on"),
    )

    rule_id: Mapped[int] = mapped_column(ForeignKey("assignment_rules.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_reason: Mapped[str | None] = mapped_column(String(20))

    employee: Mapped[Employee] = relationship("Employee", lazy="select")
    rule: Mapped[AssignmentRule] = relationship("AssignmentRule", lazy="select")
    course: Mapped[Course] = relationship("Course", lazy="select")

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class AssignmentReminder(IdMixin, Model):
    """One reminder stage sent about one assignment's due date: never sent twice."""

    __tablename__ = "assignment_reminders"
    # a log of mail sent, not a readiness fact
    __readiness__ = "none"
    __table_args__ = (
        Index("uq_assignment_reminders", "assignment_id", "due_on", "stage", unique=True),
    )

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(10))  # "14d", "3d" (cfg) or "overdue"
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
