"""Bulk bookings (and the invitations they send) as jobs (issue 23).

Booking more people at once than JOBS_BULK_THRESHOLD (cfg) is done by a worker, as the
requester, in chunks, with people done as progress and the outcome of each person in the
summary. Each booking commits alone with its invitation (``enrolment.book_many``), and booking
someone already booked on the session is refused, so a retried job books and invites each
person once: the people a dead attempt had booked come out "already booked".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import current_app

from app.audit import acting_as
from app.extensions import db
from app.models import CourseSession, User
from app.services import enrolment
from app.services.jobs import requests
from app.services.jobs.runner import JobRun, Refused, kind, signed_in_as

CHUNK = 10
REFUSALS_KEPT = 20


def is_large(employee_ids: list[int]) -> bool:
    threshold = int(current_app.config.get("JOBS_BULK_THRESHOLD") or 0)
    return len(set(employee_ids)) > threshold


def request_booking(user: User, session: CourseSession, employee_ids: list[int]) -> int:
    """Queue the booking of these people on ``session`` for ``user``; answers the job's id."""
    people = list(dict.fromkeys(employee_ids))
    title = f"Booking of {len(people)} people on {session.course.title} ({session.starts_on})"
    return requests.submit(
        "bulk_booking",
        title,
        requester_id=user.id,
        params={"session_id": session.id, "employee_ids": people},
        unit="people booked",
        total=len(people),
    )


@kind("bulk_booking")
def run_bulk_booking(run: JobRun) -> None:
    user = run.requester("The requester may no longer book people.")
    ids = [int(i) for i in run.params["employee_ids"]]
    counts: Counter[str] = Counter()
    refused: list[str] = []
    with signed_in_as(user), acting_as(user.email, user.id):
        for some in run.in_chunks(ids, CHUNK):
            session = db.session.get(CourseSession, int(run.params["session_id"]))
            if session is None:
                raise Refused("The session no longer exists.")
            chunk = enrolment.employees_by_id(some)
            for outcome in enrolment.book_many(session, chunk, actor=user) if chunk else ():
                counts[outcome.status] += 1
                if outcome.status == "refused":
                    refused.append(f"{outcome.name}: {outcome.message}")
    summary: dict[str, Any] = {status.replace("_", " "): n for status, n in sorted(counts.items())}
    if refused:
        summary["why"] = " | ".join(refused[:REFUSALS_KEPT])
    run.finish(summary)
