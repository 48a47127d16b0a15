"""Talent: 360 rounds collected in the app, and calibration moves on the 9-box grid.

docs/RULES.md "Collecting 360 feedback": anonymity is built into the schema. A rater's
invitation holds their address (to send the invitation and the reminders, erased once they
answer and when the round closes), a hash of their link's token, their group and whether it is
spent. A response holds its round, its group, its scores and comments: no rater, no invitation,
no time, and a random key, so neither a join, an id order nor a timestamp leads from a
response to the invitation that brought it. Neither table is audited: an audit entry's time
would pair an invitation's spending with a response's arrival.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.extensions import Model
from app.models.base import EmployeeOwnedMixin, IdMixin, TimestampMixin
from app.readiness.vocabulary import RATER_GROUPS

if TYPE_CHECKING:
    from app.models.catalogue import Instrument
    from app.models.people import Employee

ROUND_STATES = ("open", "closed")
ROUND_STATE_LABELS = {"open": "Collecting answers", "closed": "Closed"}
RATER_GROUP_LABELS = {
    "self": "Self",
    "manager": "Manager",
    "peer": "Peers",
    "direct_report": "Direct reports",
    "other": "Others",
}
_GROUPS_SQL = "(" + ", ".join(f"'{g}'" for g in RATER_GROUPS) + ")"


def _random_key() -> str:
    return secrets.token_hex(16)


class FeedbackRound(IdMixin, EmployeeOwnedMixin, TimestampMixin, Model):
    """A 360 round for one employee: its instrument, close date and the minimums in force."""

    __tablename__ = "feedback_rounds"
    # the round's result is an assessment, which is a fact; the round itself is not
    __readiness__ = "none"
    __audited__ = True
    __table_args__ = (CheckConstraint("state IN ('open', 'closed')", name="state"),)

    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    closes_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The 360 minimums per rater group when the round opened: they always apply to it.
    min_responses: Mapped[dict] = mapped_column(JSON)
    opened_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL")
    )

    instrument: Mapped[Instrument] = relationship("Instrument")
    employee: Mapped[Employee] = relationship("Employee")


class FeedbackInvitation(IdMixin, Model):
    """One rater's personal link: the hash of its token, the group, and whether it is spent."""

    __tablename__ = "feedback_invitations"
    # invitations are not evidence; not audited (see the module docstring)
    __readiness__ = "none"
    __table_args__ = (CheckConstraint(f"rater_group IN {_GROUPS_SQL}", name="rater_group"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE"), index=True
    )
    rater_group: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Kept only to send the invitation and reminders; erased when spent and when the round closes.
    email: Mapped[str | None] = mapped_column(String(254))
    spent: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)


class FeedbackResponse(Model):
    """One rater's answers: the round, the group, the scores and comments. Nothing else."""

    __tablename__ = "feedback_responses"
    # answers become an assessment when the round closes; readiness reads that
    __readiness__ = "none"
    __table_args__ = (
        CheckConstraint(f"rater_group IN {_GROUPS_SQL}", name="rater_group"),
        {"sqlite_with_rowid": False},
    )

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE"), index=True
    )
    rater_group: Mapped[str] = mapped_column(String(20))
    scores: Mapped[dict] = mapped_column(JSON)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)


class TalentCalibration(IdMixin, EmployeeOwnedMixin, Model):
    """A calibration move on the 9-box: the earlier box, the new one, the reason and who."""

    __tablename__ = "talent_calibrations"
    # a move changes a talent review, which is not a requirement of a role
    __readiness__ = "none"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(
            "from_performance BETWEEN 1 AND 3 AND from_potential BETWEEN 1 AND 3 "
            "AND to_performance BETWEEN 1 AND 3 AND to_potential BETWEEN 1 AND 3",
            name="boxes",
        ),
    )

    review_id: Mapped[int] = mapped_column(
        ForeignKey("talent_reviews.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(20), index=True)
    from_performance: Mapped[int] = mapped_column(Integer)
    from_potential: Mapped[int] = mapped_column(Integer)
    to_performance: Mapped[int] = mapped_column(Integer)
    to_potential: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    moved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
