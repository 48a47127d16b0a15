"""Asking for a job: its row, committed, then its message on the queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.extensions import db
from app.services.jobs import queue, store


def submit(
    kind: str, title: str, *, before_queue: Callable[[int], None] | None = None, **fields: Any
) -> int:
    """Create the job's row (``fields`` as ``store.create`` takes them), commit it, and queue
    it; answers its id. ``before_queue(job_id)`` keeps what the job will read (a CSV file)
    before any worker can start it."""
    job_id = store.create(kind, title, **fields).id
    db.session.commit()
    if before_queue is not None:
        before_queue(job_id)
    queue.enqueue(job_id)
    return job_id
