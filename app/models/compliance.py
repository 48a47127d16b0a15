"""Stored compliance lines: what the compliance page counts, kept up to date on write (issue 21).

Derived data, not audited (app/services/compliance_lines.py): per person, the dates that decide
their lapsing items and their owed assignments on any date D, valid while the person's
``compliance_people`` row matches their facts version, the catalogue counter and their
assignments version; anything older is recomputed on the next read of the page.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class ComplianceLine(Model):
    """One held item or open assignment of a person, by its dates.

    - ``certification`` (item: the course) and ``background_check`` (item: the check type): the
      latest lapse of a verified completion or clear check, ``expires_on``;
    - ``assignment`` (item: the assignment): owed on D when ``owed_from`` <= D (the expiry of the
      latest verified completion of its course; the first day of the calendar when there is
      none, its last when it never expires), then due on ``due_on`` (the later of its due date
      and that expiry).

    ``valid_from``: the latest day of a record the line was computed from; the line is the one
    of any date D on or after it."""

    __tablename__ = "compliance_lines"
    # the stored results themselves
    __readiness__ = "none"
    __table_args__ = (
        Index("ix_compliance_lines_kind_expires", "kind", "expires_on"),
        Index("ix_compliance_lines_kind_owed", "kind", "owed_from"),
        Index("ix_compliance_lines_valid_from", "valid_from"),
    )

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int | None] = mapped_column(Integer)
    expires_on: Mapped[date | None] = mapped_column(Date)
    owed_from: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)


class CompliancePerson(Model):
    """The versions a person's compliance lines were computed at. ``assignments_version`` is
    raised by every change of their assignments (in its transaction); the lines are current
    while ``computed_assignments`` equals it, ``facts_version`` the person's and
    ``catalogue_version`` the catalogue counter."""

    __tablename__ = "compliance_people"
    # the stored results themselves
    __readiness__ = "none"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True
    )
    facts_version: Mapped[int] = mapped_column(Integer)
    catalogue_version: Mapped[int] = mapped_column(Integer)
    assignments_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    computed_assignments: Mapped[int] = mapped_column(Integer)
