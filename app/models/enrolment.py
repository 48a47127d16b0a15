"""Bookings of course sessions, and each user's private calendar feed (docs/RULES.md
"Sessions and enrolment")."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import EmployeeOwnedMixin, IdMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.catalogue import CourseSession
    from app.models.people import Employee

ENROLMENT_STATUSES = ("requested", "enrolled", "waitlisted", "cancelled", "attended", "no_show")
ACTIVE_STATUSES = ("requested", "enrolled", "waitlisted")
"""A booking that still stands: it blocks a second booking of the same session."""

_ACTIVE = "status IN ('requested', 'enrolled', 'waitlisted')"


class Enrolment(IdMixin, EmployeeOwnedMixin, VersionedMixin, TimestampMixin, Model):
    """One person's booking of one session.

    The waitlist is ordered by id (the order the bookings reached the database). ``sequence``
    is the iCalendar SEQUENCE of the invitation: it rises with every change the person is told
    about, while the UID stays the enrolment's own.
    """

    __tablename__ = "enrolments"
    # bookings are a person's facts: the seat plan projects readiness from them
    __readiness__ = "facts"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(
            "status IN ('requested', 'enrolled', 'waitlisted', 'cancelled', 'attended', 'no_show')",
            name="status",
        ),
        # one standing booking per person and session, whatever arrives at the same moment
        Index(
            "uq_enrolments_active_booking",
            "session_id",
            "employee_id",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
        Index("ix_enrolments_session_status", "session_id", "status", "id"),
    )

    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"))
    status: Mapped[str] = mapped_column(String(12))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    booked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completion_id: Mapped[int | None] = mapped_column(ForeignKey("completions.id"))

    session: Mapped[CourseSession] = relationship("CourseSession")
    employee: Mapped[Employee] = relationship("Employee")

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CalendarFeed(IdMixin, Model):
    """A user's private calendar feed: only the SHA-256 hash of its secret is stored, so the
    URL is shown once, when it is made; resetting it replaces the hash and ends the old URL."""

    __tablename__ = "calendar_feeds"
    # a credential for one read-only URL, not a readiness fact
    __readiness__ = "none"
    __audited__ = True
    __audit_exclude__ = ("token_hash",)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
