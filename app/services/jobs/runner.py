"""Running a job: claim its attempt, run its kind, finish it once, or retry a bounded number of
times; recover the jobs of a worker that died.

A kind is a function of a ``JobRun`` registered with ``@kind("name")``. It reports progress
(``run.step``), writes its result file atomically (``run.write_result``) and finishes the job
in its own last transaction (``run.finish``): the finishing UPDATE is conditional on the
attempt, so only one attempt can ever finish, and if it cannot the kind's writes roll back.
A ``Refused`` job (the requester lost the right to it) fails at once, without retries.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_login import login_user
from sqlalchemy import select, update

from app.clock import now
from app.extensions import db
from app.models import Job, User
from app.services.jobs import queue, store

log = logging.getLogger(__name__)

KINDS: dict[str, Callable[[JobRun], None]] = {}


class Refused(RuntimeError):
    """The job must not run (its requester may no longer have it): no retry."""


class Superseded(RuntimeError):
    """This attempt is no longer the job's current one: everything it did rolls back."""


def kind(name: str) -> Callable[[Callable[[JobRun], None]], Callable[[JobRun], None]]:
    def register(fn: Callable[[JobRun], None]) -> Callable[[JobRun], None]:
        KINDS[name] = fn
        return fn

    return register


@contextlib.contextmanager
def signed_in_as(user: User) -> Iterator[None]:
    """A request on BASE_URL (cfg) with ``user`` signed in, as the kind's pages and links see it."""
    base = str(current_app.config.get("BASE_URL") or "http://127.0.0.1")
    with current_app.test_request_context("/", base_url=base):
        login_user(user)
        yield


def jobs_folder() -> Path:
    folder = current_app.config.get("JOBS_FOLDER") or os.path.join(
        current_app.instance_path, "jobs"
    )
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


class JobRun:
    """One attempt of one job, as its kind sees it."""

    def __init__(self, job: Job, attempt: int) -> None:
        self.job = job
        self.job_id = job.id
        self.attempt = attempt
        self.params: dict[str, Any] = dict(job.params or {})
        self.unit = job.progress_unit
        self.done = 0
        self.total: int | None = job.progress_total
        self._last_lease = time.monotonic()

    def requester(self, refusal: str, may: Callable[[User], bool] = lambda user: True) -> User:
        """The user who asked for the job, still active and still allowed; else ``Refused``."""
        job = self.job
        user = db.session.get(User, job.requester_id) if job.requester_id else None
        if user is None or not user.is_active or not may(user):
            raise Refused(refusal)
        return user

    def step(self, done: int, total: int | None = None, unit: str | None = None) -> None:
        """Report progress (every host sees it) and that this worker is alive."""
        self.done = done
        if total is not None:
            self.total = total
        if unit:
            self.unit = unit
        queue.progress(self.job_id, self.done, self.total, self.unit)
        pause = float(current_app.config.get("JOBS_STEP_PAUSE") or 0)
        if pause:
            time.sleep(pause)

    def in_chunks(self, ids: list[int], size: int) -> Iterator[list[int]]:
        """``ids`` a chunk of ``size`` at a time, with the people done stepped after each."""
        self.step(0, len(ids))
        for start in range(0, len(ids), size):
            yield ids[start : start + size]
            self.step(min(start + size, len(ids)), len(ids))

    def keep_lease(self) -> None:
        """Extend the lease now and then (outside any transaction of the kind's own)."""
        if time.monotonic() - self._last_lease > 10:
            store.extend_lease(self.job_id, self.attempt)
            self._last_lease = time.monotonic()

    def result_file(self, suffix: str) -> Path:
        return jobs_folder() / f"job-{self.job_id}{suffix}"

    def write_result(self, data: bytes, suffix: str) -> Path:
        """The result file, written whole or not at all (a temporary file, then a rename)."""
        final = self.result_file(suffix)
        partial = final.with_name(f"{final.name}.part-{self.attempt}")
        partial.write_bytes(data)
        os.replace(partial, final)
        for stale in final.parent.glob(f"{final.name}.part-*"):  # a dead attempt's leftovers
            stale.unlink(missing_ok=True)
        return final

    def finish(
        self,
        summary: dict[str, Any] | None = None,
        result: Path | None = None,
        result_name: str | None = None,
        *,
        commit: bool = True,
    ) -> None:
        """Mark the job done in the current transaction (with whatever the kind wrote)."""
        if not store.finish(
            self.job_id,
            self.attempt,
            done=self.done,
            total=self.total,
            unit=self.unit,
            summary=summary,
            result_path=result.name if result else None,
            result_name=result_name,
        ):
            raise Superseded(f"job {self.job_id} attempt {self.attempt}")
        from app.services.jobs import notices

        notices.ready(self.job_id)
        if commit:
            db.session.commit()


def execute(job_id: int) -> None:
    """Run the next attempt of a job (the queue's one task)."""
    attempt = store.claim(job_id)
    if attempt is None:
        return
    job = db.session.get(Job, job_id)
    assert job is not None
    run_kind = KINDS.get(job.kind)
    try:
        if run_kind is None:
            raise Refused(f"Unknown kind of job: {job.kind}.")
        run_kind(JobRun(job, attempt))
    except Superseded:
        db.session.rollback()
        return
    except Refused as error:
        db.session.rollback()
        _failed(job_id, attempt, str(error), retry=False)
    except Exception as error:  # any failure of the work itself: retried, then shown
        db.session.rollback()
        log.exception("job %s attempt %s failed", job_id, attempt)
        _failed(job_id, attempt, _describe(error))
    else:
        queue.forget_progress(job_id)


def _describe(error: BaseException) -> str:
    last = traceback.format_exception_only(type(error), error)[-1].strip()
    return last[:1000]


def _failed(job_id: int, attempt: int, message: str, *, retry: bool = True) -> None:
    state = store.give_up_or_retry(job_id, attempt, f"Attempt {attempt}: {message}", retry=retry)
    if state == "queued":
        queue.enqueue(job_id, delay=float(current_app.config.get("JOBS_RETRY_SECONDS") or 0))
    elif state == "failed":
        from app.services.jobs import notices

        for leftover in jobs_folder().glob(f"job-{job_id}[.-]*"):  # its input, a partial file
            leftover.unlink(missing_ok=True)
        notices.failed(job_id)


def _alive(job_id: int, lease_seconds: float) -> bool:
    """Has the job's worker reported progress within the lease?"""
    found = queue.read_progress(job_id)
    return found is not None and time.time() - float(found.get("at", 0)) < lease_seconds


def recover() -> int:
    """Retry the jobs of workers that stopped (lease run out, no progress within it), and put
    back on the queue jobs that waited longer than a lease (a lost message). Answers how many
    jobs were retried or failed. Runs when a worker starts and every minute."""
    lease = float(current_app.config.get("JOBS_LEASE_SECONDS") or 300)
    at = now()
    recovered = 0
    for job_id, attempt in store.expired_leases(at):
        if _alive(job_id, lease):
            store.extend_lease(job_id, attempt)
            continue
        _failed(job_id, attempt, "the worker stopped during the job")
        recovered += 1
    for job_id in store.waiting_since(at - timedelta(seconds=lease)):
        queue.enqueue(job_id)
    db.session.remove()
    return recovered


def expire_results() -> int:
    """Delete the result files older than JOBS_RESULT_HOURS; their jobs become expired."""
    table = Job.__table__
    at = now()
    rows = db.session.execute(
        select(Job.id, Job.result_path, Job.expires_at).where(
            Job.state == "done", Job.result_path.is_not(None)
        )
    ).all()
    expired = 0
    for job_id, path, expires in rows:
        until = store.as_utc(expires)
        if until is None or until > at:
            continue
        if store.changed(
            update(table)
            .where(table.c.id == job_id, table.c.state == "done")
            .values(state="expired", result_path=None)
        ):
            (jobs_folder() / str(path)).unlink(missing_ok=True)
            expired += 1
    db.session.commit()
    return expired
