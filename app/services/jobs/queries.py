"""What the job pages show: one job's status, the requester's result, the admins' list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from app.extensions import db
from app.models import Job, User
from app.services.jobs import queue, store
from app.services.jobs.runner import jobs_folder

STATE_LABELS = {
    "queued": "Waiting for a worker",
    "running": "In progress",
    "done": "Ready",
    "failed": "Could not be finished",
    "expired": "No longer available",
}
FINISHED = ("done", "failed", "expired")


@dataclass(frozen=True)
class Status:
    job_id: int
    title: str
    state: str
    label: str
    done: int
    total: int | None
    unit: str
    attempt: int
    finished: bool
    downloadable: bool
    summary: dict[str, Any]

    @property
    def percent(self) -> int | None:
        if self.state == "done":
            return 100
        if not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.job_id,
            "title": self.title,
            "state": self.state,
            "label": self.label,
            "done": self.done,
            "total": self.total,
            "unit": self.unit,
            "percent": self.percent,
            "finished": self.finished,
            "downloadable": self.downloadable,
            "summary": self.summary,
        }


def status(job: Job) -> Status:
    """The job as its requester sees it: the row, with a running job's latest progress."""
    done, total, unit = job.progress_done, job.progress_total, job.progress_unit
    if job.state == "running":
        found = queue.read_progress(job.id)
        if found:
            done, total, unit = int(found["done"]), found.get("total"), str(found["unit"])
    state = "expired" if job.state == "done" and store.is_expired(job) else job.state
    return Status(
        job_id=job.id,
        title=job.title,
        state=state,
        label=STATE_LABELS[state],
        done=done,
        total=total,
        unit=unit,
        attempt=job.attempt,
        finished=state in FINISHED,
        downloadable=state == "done" and bool(job.result_path),
        summary=dict(job.summary or {}),
    )


def result_file(job: Job) -> Path | None:
    """The job's result file while it is still kept, else None."""
    if job.state != "done" or not job.result_path or store.is_expired(job):
        return None
    path = jobs_folder() / job.result_path
    return path if path.is_file() else None


def all_jobs(state: str | None = None) -> Select:
    """Every job, newest first, with its requester's email (the admins' page)."""
    query = (
        select(Job, User.email)
        .outerjoin(User, User.id == Job.requester_id)
        .order_by(Job.created_at.desc(), Job.id.desc())
    )
    if state:
        query = query.where(Job.state == state)
    return query


def mine(user_id: int, limit: int = 20) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.requester_id == user_id)
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )
