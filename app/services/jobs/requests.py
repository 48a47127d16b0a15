"""Asking for a job: its row, committed, then its message on the queue."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.services.jobs import queue, store


def submit(
    kind: str,
    title: str,
    *,
    requester_id: int | None,
    params: dict[str, Any] | None = None,
    unit: str = "steps",
    total: int | None = None,
) -> int:
    """Create the job's row, commit it, and queue it; answers its id."""
    job = store.create(
        kind, title, requester_id=requester_id, params=params, unit=unit, total=total
    )
    job_id = job.id
    db.session.commit()
    queue.enqueue(job_id)
    return job_id
