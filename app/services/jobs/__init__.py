"""Background jobs (issue 23): long work off the request, on Huey (docs/DECISIONS.md).

Modules: ``queue`` (the Huey of an app: SQLite in instance/ or Redis, its tasks, progress),
``store`` (a job's row and its conditional steps), ``runner`` (running, retrying, recovering),
``requests`` (asking for a job), ``reports`` (large PDFs), ``imports`` (large CSV imports),
``bookings`` (bulk bookings and their invitations), ``invitations`` (sign-ins for many people),
``periodic`` (reminders, email retries, the purge, the readiness warm-up), ``notices`` (telling
the requester), ``queries`` (what the pages show).
"""

from __future__ import annotations

from app.services.jobs import (  # noqa: F401  (register the kinds)
    bookings,
    imports,
    invitations,
    periodic,
    reports,
)
from app.services.jobs.queries import (
    STATE_LABELS,
    Status,
    all_jobs,
    mine,
    own_finished_job,
    result_file,
    status,
)
from app.services.jobs.queue import consumer, enqueue, huey_of
from app.services.jobs.reports import may_download
from app.services.jobs.runner import KINDS, execute, expire_results, recover

__all__ = [
    "KINDS",
    "STATE_LABELS",
    "Status",
    "all_jobs",
    "consumer",
    "enqueue",
    "execute",
    "expire_results",
    "huey_of",
    "may_download",
    "mine",
    "own_finished_job",
    "recover",
    "result_file",
    "status",
]
