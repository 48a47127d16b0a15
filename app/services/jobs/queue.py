"""The task queue: Huey, configured like the database (docs/DECISIONS.md "Background jobs").

Embedded by default: ``SqliteHuey`` in ``instance/queue.db`` (or ``JOBS_QUEUE_FILE``), so the
two-command set-up needs no other server. With ``REDIS_URL`` (``JOBS_REDIS_URL``) it is
``RedisHuey``: web servers and workers on several hosts share one queue. Immediate mode is
never used: a job always goes through the storage to a worker.

Each app gets its own Huey, made on first use (nothing is built at import time). It knows one
task, ``run_job(job_id)`` (the job's row says what to do, ``services.jobs.runner``), and the
periodic tasks of ``services.jobs.periodic`` at the (cfg) times. The queue's key-value store
also carries each running job's progress (``progress`` / ``read_progress``): every host and
process sees it, and writing it never waits for the database.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab

EXTENSION = "echelon_huey"
QUEUE_NAME = "echelon"


def _at(value: str) -> crontab:
    """A daily crontab from "HH:MM" (UTC)."""
    hour, _, minute = str(value).partition(":")
    return crontab(minute=str(int(minute or 0)), hour=str(int(hour)))


def _every(minutes: int) -> crontab:
    return crontab(minute=f"*/{max(1, min(59, int(minutes)))}")


@dataclass
class Queue:
    """An app's Huey and the task wrappers the app enqueues through."""

    huey: Huey
    tasks: dict[str, Any] = field(default_factory=dict)


def build(app: Flask) -> Queue:
    """The app's Huey: its storage from the config, its tasks and its periodic tasks."""
    url = app.config.get("JOBS_REDIS_URL")
    huey: Huey
    if url:
        huey = RedisHuey(QUEUE_NAME, url=url, results=False, utc=True)
    else:
        path = app.config.get("JOBS_QUEUE_FILE") or os.path.join(app.instance_path, "queue.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(QUEUE_NAME, filename=path, results=False, utc=True)

    from app.services.jobs import periodic, runner

    def in_app(fn: Any) -> Any:
        def call(*args: Any) -> Any:
            with app.app_context():
                return fn(*args)

        call.__name__ = fn.__name__
        return call

    queue = Queue(huey)
    queue.tasks["run_job"] = huey.task(name="run_job")(in_app(runner.execute))
    queue.tasks["warm_readiness"] = huey.task(name="warm_readiness")(
        in_app(periodic.warm_readiness)
    )
    huey.on_startup(name="recover_jobs")(in_app(runner.recover))
    config = app.config
    for name, schedule, fn in (
        ("recover", crontab(minute="*"), runner.recover),
        ("expire_results", crontab(minute="7"), runner.expire_results),
        ("send_reminders", _at(config["JOBS_REMINDERS_AT"]), periodic.reminders),
        ("retention_purge", _at(config["JOBS_RETENTION_AT"]), periodic.retention_purge),
        ("mail_retry", _every(config["JOBS_MAIL_RETRY_MINUTES"]), periodic.mail_retry),
    ):
        queue.tasks[name] = huey.periodic_task(schedule, name=name)(in_app(fn))
    return queue


def queue_of(app: Flask | None = None) -> Queue:
    """The app's queue, made on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = build(app)
    return found


def huey_of(app: Flask | None = None) -> Huey:
    return queue_of(app).huey


def enqueue(job_id: int, delay: float | None = None) -> None:
    """Put a job on the queue (after its row is committed): a worker runs it."""
    task = queue_of().tasks["run_job"]
    if delay:
        task.schedule(args=(job_id,), delay=delay)
    else:
        task(job_id)


def warm_soon() -> None:
    """Ask a worker to recompute stored readiness (after a catalogue or settings change)."""
    queue_of().tasks["warm_readiness"].schedule(delay=2)


def progress(job_id: int, done: int, total: int | None, unit: str) -> None:
    """Record how far a running job got (and that it is alive), for every host to read."""
    huey_of().put(
        f"job-progress:{job_id}", {"done": done, "total": total, "unit": unit, "at": time.time()}
    )


def read_progress(job_id: int) -> dict[str, Any] | None:
    """The running job's latest progress, or None before its first step."""
    found = huey_of().get(f"job-progress:{job_id}", peek=True)
    return found if isinstance(found, dict) else None


def forget_progress(job_id: int) -> None:
    huey_of().get(f"job-progress:{job_id}")  # get without peek removes it


def consumer(app: Flask, workers: int | None = None, **options: Any) -> Any:
    """A Huey consumer for this app: ``workers`` threads and the periodic scheduler. An idle
    worker looks at the queue at least every 2 seconds."""
    huey = huey_of(app)
    settings: dict[str, Any] = {
        "workers": int(workers or app.config.get("JOBS_WORKERS") or 1),
        "worker_type": "thread",
        "periodic": bool(app.config.get("JOBS_PERIODIC", True)),
        "check_worker_health": True,
        "max_delay": 2.0,
        # A worker killed while warming readiness up leaves Huey's lock behind: a starting
        # worker clears it (at worst two warm-ups overlap, which only repeats work).
        "flush_locks": True,
    }
    settings.update(options)
    return huey.create_consumer(**settings)
