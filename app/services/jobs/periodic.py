"""The periodic work a worker runs at the (cfg) times, and the readiness warm-up.

Each run is recorded as a job (kind, summary, error) for the admins' jobs page. The work itself
is idempotent: reminders carry dedupe keys (docs/RULES.md "Reminders"), mail delivery claims
each message before sending it, the purge erases with conditional updates, and the warm-up
only computes stored readiness ahead of time (services/readiness/stored.py decides, as always,
what is stale when a page reads it). So a run repeated by two workers or after a crash never
sends or erases twice. The cron lines of the README run the same services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import acting_as
from app.clock import today
from app.extensions import db, on_session
from app.models import Employee
from app.services.jobs import queue, store

log = logging.getLogger(__name__)
WARM_FLAG = "echelon_jobs_warm_readiness"


def _recorded(kind: str, title: str, work: Callable[[Any], dict[str, Any]]) -> None:
    """Run ``work`` as a recorded job: its row says running, then done or failed."""
    job = store.create(kind, title, requester_id=None, state="running")
    job.attempt, job.started_at = 1, job.created_at
    job_id = job.id
    db.session.commit()
    try:
        with acting_as(f"worker:{kind}"):
            summary = work(job_id)
    except Exception as error:  # the next run retries; the admins see why
        db.session.rollback()
        log.exception("periodic %s failed", kind)
        store.give_up_or_retry(job_id, 1, f"{type(error).__name__}: {error}"[:1000], retry=False)
        return
    store.finish(job_id, 1, done=1, total=1, summary=summary)
    db.session.commit()


def reminders() -> None:
    from app.services.reminders import send_reminders

    def work(job_id: int) -> dict[str, Any]:
        run = send_reminders()
        delivery = run.delivery
        return {
            "items due": run.items_due,
            "reminders created": run.created,
            "already sent": run.already_sent,
            "emails failed": delivery.failed if delivery else 0,
        }

    _recorded("reminders", f"Reminders of {today().isoformat()}", work)


def retention_purge() -> None:
    from app.services.retention import purge_expired_data

    def work(job_id: int) -> dict[str, Any]:
        report = purge_expired_data()
        return {"checks erased": len(report.checks), "uploads erased": len(report.uploads)}

    _recorded("retention_purge", f"Retention purge of {today().isoformat()}", work)


def mail_retry() -> None:
    """Email the notifications still pending; recorded only when there was something to do."""
    from app.services import notify

    report = notify.deliver()
    if report.delivered or report.failed:
        summary = {"sent": report.delivered, "failed": report.failed}
        job = store.create("mail_retry", "Email retry", requester_id=None, state="running")
        job.attempt = 1
        db.session.flush()
        store.finish(job.id, 1, done=1, total=1, summary=summary)
        db.session.commit()


def warm_readiness() -> None:
    """Recompute every stale stored readiness result of today, role by role, ahead of the
    pages (which still check staleness themselves). One warm-up at a time across workers."""
    from huey.exceptions import TaskLockedException

    try:
        with queue.huey_of().lock_task("warm-readiness"):
            _recorded("readiness_warmup", "Readiness warm-up", _warm)
    except TaskLockedException:
        return


WARM_CHUNK = 2000  # people computed and committed at a time


def _warm(job_id: int) -> dict[str, Any]:
    """Every role for a chunk of people at a time, each chunk committed: the pages' "people
    done" moves, and what a killed worker computed is kept (the next run skips it). The chunk's
    stored compliance lines are brought up to date as well, so the compliance page after a
    catalogue change does not recompute everyone in its request."""
    from app.services import compliance_lines
    from app.services.readiness import bench, stored
    from app.services.readiness.catalogue import load_catalogue

    roles = bench.candidate_roles(load_catalogue())
    ids = list(
        db.session.scalars(
            select(Employee.id).where(Employee.status != "terminated").order_by(Employee.id)
        )
    )
    as_of = today()
    computed = 0
    for start in range(0, len(ids), WARM_CHUNK):
        queue.progress(job_id, start, len(ids), "people computed")
        chunk = ids[start : start + WARM_CHUNK]
        people = select(Employee.id).where(Employee.id.in_(chunk))
        if roles:
            computed += stored.scope(people, roles, as_of).head_count
        db.session.commit()
        compliance_lines.current(people, as_of)  # commits what it recomputes
    queue.progress(job_id, len(ids), len(ids), "people computed")
    return {"roles": len(roles), "people": computed, "as of": as_of.isoformat()}


def inline_limit() -> int | None:
    """How many stale people a readiness page or the API computes in the request
    (READINESS_INLINE_LIMIT); more wait for the warm-up. None or negative: no limit."""
    value = current_app.config.get("READINESS_INLINE_LIMIT")
    return None if value is None or int(value) < 0 else int(value)


def ensure_warmup() -> bool:
    """Make sure a warm-up is running or queued (a page found too much stale readiness): one
    is queued only when none is running, waiting or scheduled. Two pages racing here queue two
    at worst, and the second finds nothing left to compute. Answers whether one is under way;
    the queue being away is logged, never raised (the page still answers)."""
    try:
        huey = queue.huey_of()
        if huey.is_locked("warm-readiness"):
            return True
        waiting = list(huey.pending()) + list(huey.scheduled())
        if not any(getattr(task, "name", None) == "warm_readiness" for task in waiting):
            queue.warm_soon()
        return True
    except Exception:
        log.exception("could not ask for a readiness warm-up")
        return False


# ----------------------------------------------------------------------------- the trigger


def _before_commit(session: Session) -> None:
    from app.services.readiness import CATALOGUE_CHANGED

    if session.info.get(CATALOGUE_CHANGED):
        session.info[WARM_FLAG] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(WARM_FLAG, None):
        return
    try:
        if current_app.config.get("JOBS_WARMUP", True):
            queue.warm_soon()
    except Exception:  # the queue being away never fails the change itself
        log.exception("could not ask for a readiness warm-up")


def _after_rollback(session: Session) -> None:
    session.info.pop(WARM_FLAG, None)


def install() -> None:
    """After a catalogue or settings change commits, ask a worker to warm readiness up."""
    on_session(
        before_commit=_before_commit, after_commit=_after_commit, after_rollback=_after_rollback
    )
