"""Sign-ins for many people at once, as a job (issue 19): everyone without one, or the people a
CSV import just added.

A worker creates each sign-in as the requester and sends its invitation, in chunks, with the
people done as progress and the outcome in the summary ("invited", "skipped" and why). Each
sign-in commits alone with its invitation, and a person who already has one is skipped, so a
retried job invites each person once: the people a dead attempt had invited come out
"skipped: already has a sign-in".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.audit import acting_as
from app.models import User
from app.policy import signins as signin_policy
from app.services import signins
from app.services.jobs import requests
from app.services.jobs.runner import JobRun, kind, signed_in_as

CHUNK = 10
SKIPS_KEPT = 20  # skipped people named in the summary


def request_invitations(user: User, employee_ids: list[int], title: str) -> int:
    """Queue the sign-ins (and invitations) of these people for ``user``; answers the job id."""
    people = list(dict.fromkeys(int(i) for i in employee_ids))
    return requests.submit(
        "bulk_invitations",
        title,
        requester_id=user.id,
        params={"employee_ids": people},
        unit="people done",
        total=len(people),
    )


def summary_of(counts: Counter[str], skipped: list[str]) -> dict[str, Any]:
    summary: dict[str, Any] = {"invited": counts["invited"], "skipped": counts["skipped"]}
    if counts["created"]:  # password sign-in is off: they sign in through the directory
        summary["created without invitation (directory sign-in)"] = counts["created"]
    if counts["not sent"]:
        summary["not sent"] = counts["not sent"]
    if skipped:
        more = len(skipped) - SKIPS_KEPT
        why = " | ".join(skipped[:SKIPS_KEPT])
        summary["why"] = why + (f" | and {more} more" if more > 0 else "")
    return summary


@kind("bulk_invitations")
def run_bulk_invitations(run: JobRun) -> None:
    user = run.requester(
        "The requester may no longer create sign-ins.", signin_policy.creates_signins
    )
    ids = [int(i) for i in run.params["employee_ids"]]
    counts: Counter[str] = Counter()
    skipped: list[str] = []
    with signed_in_as(user), acting_as(user.email, user.id):
        for chunk in run.in_chunks(ids, CHUNK):
            run.keep_lease()
            for employee_id in chunk:
                outcome = signins.invite_one(employee_id, actor=user)
                counts[outcome.status] += 1
                if outcome.status in ("skipped", "not sent"):
                    skipped.append(f"{outcome.name}: {outcome.reason}")
    run.finish(summary_of(counts, skipped))
