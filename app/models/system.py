"""System tables: configurable settings, the audit trail, notifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import Audited, IdMixin


class AppSetting(IdMixin, Audited, Model):
    """A (cfg) value of docs/RULES.md that HR or an admin changed from its default."""

    __tablename__ = "app_settings"
    __readiness__ = "catalogue"  # the (cfg) numbers readiness is computed with

    key: Mapped[str] = mapped_column(String(80), unique=True)
    value: Mapped[object] = mapped_column(JSON)


class AuditEntry(IdMixin, Model):
    """Append-only: who changed which record when, with the fields before and after."""

    __tablename__ = "audit_entries"
    # the trail of changes, append-only
    __readiness__ = "none"

    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(60), index=True)
    record_id: Mapped[str | None] = mapped_column(String(40), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class Notification(IdMixin, Model):
    """An in-app notice; dedupe_key makes reminder sending idempotent."""

    __tablename__ = "notifications"
    # messages to users
    __readiness__ = "none"
    # The unread count in the navigation runs on every page.
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(4000))
    link: Mapped[str | None] = mapped_column(String(300))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A file the email carries (an iCalendar invitation): its name, MIME type and text.
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[str | None] = mapped_column(Text)


class SignInFailure(IdMixin, Model):
    """A failed sign-in from a client address: the per-address throttle, shared by every worker.

    Bookkeeping, not audited: an address and a time only (no email, no password). Rows older
    than the throttle window are deleted as new failures arrive.
    """

    __tablename__ = "sign_in_failures"
    # sign-in throttling
    __readiness__ = "none"
    __table_args__ = (Index("ix_sign_in_failures_ip_at", "ip", "at"),)

    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class CacheCounter(Model):
    """A named counter shared by every worker: ``catalogue`` rises with each catalogue or
    settings change, which makes every stored readiness result stale at once."""

    __tablename__ = "cache_counters"
    # holds the catalogue version itself
    __readiness__ = "none"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class StoredReadiness(Model):
    """One person's readiness for one role on one date, as the bench and organisation pages
    list it (app/services/readiness/stored.py). Derived data, not audited: valid while
    ``facts_version`` equals the person's and ``catalogue_version`` equals the catalogue
    counter; anything older is recomputed on the next read."""

    __tablename__ = "stored_readiness"
    # the stored results themselves
    __readiness__ = "none"
    __table_args__ = (
        Index("ix_stored_readiness_as_of_role", "as_of", "role_code", "band"),
        Index("ix_stored_readiness_as_of_score", "as_of", "role_code", "score"),
    )

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True
    )
    role_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    facts_version: Mapped[int] = mapped_column(Integer)
    catalogue_version: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(20))
    ready: Mapped[bool] = mapped_column(Boolean)
    gates_met: Mapped[bool] = mapped_column(Boolean)
    projected_ready_on: Mapped[date | None] = mapped_column(Date)
    blocking_gates: Mapped[list] = mapped_column(JSON)  # human names of unmet gates
    unmet: Mapped[list] = mapped_column(JSON)  # ids of the unmet requirements
    # Ready people only: [kind, target, expires_on] of what lapses within 90 days and drops them.
    lapses: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    computed_on: Mapped[date] = mapped_column(Date)
    # A digest of what the row's course close dates read from the seat plan of ``as_of``: the
    # person's seats along each unmet course's chain and which of its sessions have seats left.
    # Another person's booking moves seats without touching this person's facts_version; a
    # row whose digest no longer matches the plan is dropped and recomputed (stored.py).
    seats_key: Mapped[int | None] = mapped_column(BigInteger)
