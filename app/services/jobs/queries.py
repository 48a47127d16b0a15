"""What the job pages show: one job's status, the requester's result, the admins' list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from app.extensions import db
from app.kernel.fields import ID_MAX
from app.models import Job, User
from app.services.jobs import queue, store
from app.services.jobs.runner import jobs_folder

FINISHED = ("done", "failed", "expired")  # the states a job never leaves by itself
STATE_LABELS = {
    "queued": "Waiting for a worker",
    "running": "In progress",
    "done": "Ready",
    "failed": "Could not be finished",
    "expired": "No longer available",
}


@dataclass(frozen=True)
class Status:
    """A job as its requester sees it: the row, and how far it got."""

    job: Job
    state: str
    done: int
    total: int | None
    unit: str

    @property
    def job_id(self) -> int:
        return self.job.id

    @property
    def title(self) -> str:
        return self.job.title

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def attempt(self) -> int:
        return self.job.attempt

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def downloadable(self) -> bool:
        return self.state == "done" and bool(self.job.result_path)

    @property
    def summary(self) -> dict[str, Any]:
        return dict(self.job.summary or {})

    @property
    def percent(self) -> int | None:
        if self.state == "done":
            return 100
        if not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))

    def as_json(self) -> dict[str, Any]:
        names = ("job_id", "title", "state", "label", "done", "total", "unit", "percent")
        found = {name: getattr(self, name) for name in names}
        found["id"] = found.pop("job_id")
        found.update(finished=self.finished, downloadable=self.downloadable, summary=self.summary)
        return found


def status(job: Job) -> Status:
    """The job as its requester sees it: the row, with a running job's latest progress."""
    done, total, unit = job.progress_done, job.progress_total, job.progress_unit
    if job.state == "running":
        found = queue.read_progress(job.id)
        if found:
            done, total, unit = int(found["done"]), found.get("total"), str(found["unit"])
    state = "expired" if job.state == "done" and store.is_expired(job) else job.state
    return Status(job, state, done, total, unit)


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


def own_finished_job(user: User, job_id: Any) -> Job | None:
    """One of ``user``'s own finished jobs by an id from a form, or None (anyone else's too)."""
    try:
        number = int(str(job_id))
    except (TypeError, ValueError):
        return None
    if not 0 < number <= ID_MAX:
        return None
    job = db.session.get(Job, number)
    if job is None or job.requester_id != user.id or job.state != "done":
        return None
    return job
