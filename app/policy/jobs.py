"""Jobs belong to whoever asked for them: anyone else's job looks like one that does not exist."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import Job
from app.policy import Load


def _requester_is(user: Any, found: Job) -> bool:
    return user is not None and found.requester_id is not None and found.requester_id == user.id


def own_job(arg: str = "job_id", name: str = "job") -> Load:
    """Load one of the caller's own jobs; anyone else's (or a periodic run) answers 404."""
    return Load(arg, name, lambda job_id: db.session.get(Job, job_id), _requester_is)
