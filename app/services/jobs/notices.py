"""What a job's requester is told in the app when it is ready or could not be finished."""

from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.kernel.words import plural
from app.models import Job
from app.services import notify

KIND = "job"


def job_link(job_id: int) -> str:
    """The in-app path of a job's page (the email adds BASE_URL)."""
    return f"/jobs/{job_id}"


def ready(job_id: int) -> None:
    """In the finishing transaction: tell the requester the result is there."""
    job = db.session.get(Job, job_id)
    if job is None or job.requester_id is None:
        return
    hours = int(current_app.config.get("JOBS_RESULT_HOURS") or 24)
    body = f"{job.title} is ready."
    if job.kind.endswith("_pdf"):
        body += f" You can download it for {plural(hours, 'hour')}."
    notify.notify(
        [job.requester_id],
        KIND,
        f"Ready: {job.title}",
        body,
        job_link(job_id),
        dedupe_key=f"job-{job_id}-ready",
    )


def failed(job_id: int) -> None:
    """After the last attempt failed: tell the requester, in a transaction of its own."""
    job = db.session.get(Job, job_id)
    if job is None or job.requester_id is None:
        return
    notify.notify(
        [job.requester_id],
        KIND,
        f"Could not finish: {job.title}",
        f"{job.title} could not be finished. An administrator can see why on the jobs page.",
        job_link(job_id),
        dedupe_key=f"job-{job_id}-failed",
    )
    db.session.commit()
