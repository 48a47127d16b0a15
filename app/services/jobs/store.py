"""A job's row through its life: queued -> running -> done | failed (| expired).

Every step is a conditional UPDATE of the row (``WHERE id = ? AND state = ? AND attempt = ?``),
so two workers, a retried message and the recovery of a dead worker can never both run or both
finish one attempt: whoever loses the update does nothing. This is what makes a retried job
never send twice, write twice or leave a half-done import (docs/DECISIONS.md "Background jobs").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import CursorResult, Update, select, update

from app.clock import now
from app.extensions import db
from app.models import Job


def changed(statement: Update) -> bool:
    """Run one guarded update: True when it changed the row (nobody else got there first)."""
    result: CursorResult[Any] = db.session.execute(statement)  # type: ignore[assignment]
    return result.rowcount == 1


def as_utc(at: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; the app's clock is UTC."""
    if at is not None and at.tzinfo is None:
        from datetime import UTC

        return at.replace(tzinfo=UTC)
    return at


def create(
    kind: str,
    title: str,
    *,
    requester_id: int | None,
    params: dict[str, Any] | None = None,
    unit: str = "steps",
    total: int | None = None,
    dedupe_key: str | None = None,
    state: str = "queued",
) -> Job:
    """A new job row (the caller commits, then enqueues it)."""
    job = Job(
        kind=kind,
        title=title[:200],
        requester_id=requester_id,
        params=params or {},
        state=state,
        progress_done=0,
        progress_total=total,
        progress_unit=unit,
        attempt=0,
        max_attempts=int(current_app.config.get("JOBS_MAX_ATTEMPTS") or 3),
        dedupe_key=dedupe_key,
        created_at=now(),
    )
    db.session.add(job)
    db.session.flush()
    return job


def _lease() -> datetime:
    return now() + timedelta(seconds=float(current_app.config.get("JOBS_LEASE_SECONDS") or 300))


def claim(job_id: int) -> int | None:
    """Start the next attempt of a queued job; its attempt number, or None if it is not
    queued any more (done, failed, or another worker holds it)."""
    table = Job.__table__
    started = changed(
        update(table)
        .where(table.c.id == job_id, table.c.state == "queued")
        .values(
            state="running",
            attempt=table.c.attempt + 1,
            lease_until=_lease(),
            started_at=now(),
        )
    )
    if not started:
        db.session.rollback()
        return None
    attempt = db.session.scalar(select(Job.attempt).where(Job.id == job_id))
    db.session.commit()
    return attempt


def finish(
    job_id: int,
    attempt: int,
    *,
    done: int,
    total: int | None,
    unit: str | None = None,
    summary: dict[str, Any] | None = None,
    result_path: str | None = None,
    result_name: str | None = None,
) -> bool:
    """Mark the attempt done, in the caller's transaction; False when it is no longer the
    current attempt (the caller then rolls back everything it did)."""
    table = Job.__table__
    hours = float(current_app.config.get("JOBS_RESULT_HOURS") or 24)
    return changed(
        update(table)
        .where(table.c.id == job_id, table.c.state == "running", table.c.attempt == attempt)
        .values(
            state="done",
            progress_done=done,
            progress_total=total,
            **({"progress_unit": unit} if unit else {}),
            summary=summary,
            result_path=result_path,
            result_name=result_name,
            error=None,
            finished_at=now(),
            expires_at=now() + timedelta(hours=hours) if result_path else None,
        )
    )


def give_up_or_retry(job_id: int, attempt: int, error: str, *, retry: bool = True) -> str | None:
    """After a failed attempt: queue it again while attempts remain (answers "queued"), else
    mark it failed with its error ("failed"); None when the attempt was not current."""
    table = Job.__table__
    job = db.session.get(Job, job_id)
    if job is None:
        return None
    state = "queued" if retry and attempt < job.max_attempts else "failed"
    values: dict[str, Any] = {"state": state, "error": error[:4000], "lease_until": None}
    if state == "failed":
        values["finished_at"] = now()
    if not changed(
        update(table)
        .where(table.c.id == job_id, table.c.state == "running", table.c.attempt == attempt)
        .values(**values)
    ):
        db.session.rollback()
        return None
    db.session.commit()
    return state


def expired_leases(at: datetime) -> list[tuple[int, int]]:
    """Running jobs whose lease has run out: (id, attempt)."""
    rows = db.session.execute(
        select(Job.id, Job.attempt, Job.lease_until).where(Job.state == "running")
    ).all()
    return [(i, a) for i, a, lease in rows if (lease_at := as_utc(lease)) and lease_at < at]


def extend_lease(job_id: int, attempt: int) -> None:
    table = Job.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == job_id, table.c.state == "running", table.c.attempt == attempt)
        .values(lease_until=_lease())
    )
    db.session.commit()


def waiting_since(before: datetime) -> list[int]:
    """Queued jobs created before ``before`` (their message may have been lost)."""
    return list(
        db.session.scalars(select(Job.id).where(Job.state == "queued", Job.created_at < before))
    )


def is_expired(job: Job, at: datetime | None = None) -> bool:
    expires = as_utc(job.expires_at)
    return expires is not None and expires <= (at or now())
