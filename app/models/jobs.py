"""Background jobs: long work run by the task queue's workers (issue 23)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import IdMixin

JOB_STATES = ("queued", "running", "done", "failed", "expired")


class Job(IdMixin, Model):
    """One piece of long work: who asked, how far it got, its result file or its error.

    Bookkeeping, not audited: the work a job does (an import, a notice) is audited by itself.
    ``dedupe_key`` makes a periodic run or a warm-up happen once per key. ``attempt`` counts
    the runs started; a run may finish the job only while it is still the current attempt
    (``services.jobs.store``: the conditional updates that make a retried job run once).
    """

    __tablename__ = "jobs"
    # the queue's own bookkeeping: no readiness fact
    __readiness__ = "none"
    __table_args__ = (Index("ix_jobs_requester_id_created_at", "requester_id", "created_at"),)

    kind: Mapped[str] = mapped_column(String(40), index=True)
    state: Mapped[str] = mapped_column(String(12), index=True, default="queued")
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(200))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    progress_unit: Mapped[str] = mapped_column(String(40), default="steps")
    result_path: Mapped[str | None] = mapped_column(String(300))
    result_name: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
