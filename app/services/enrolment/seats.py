"""The seat counter of a session, moved only by conditional UPDATEs.

``course_sessions.enrolled_count`` counts the ``enrolled`` bookings. Taking a seat is
``UPDATE ... SET enrolled_count = enrolled_count + 1 WHERE id = ? AND enrolled_count < seats``:
the database decides, so however many people book the last seat at the same moment, one gets
it (PostgreSQL holds the row lock until commit; SQLite has one writer). The CHECK constraint
``enrolled_count <= seats`` refuses anything else that would overfill a session.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update

from app.extensions import db
from app.models import CourseSession

SESSIONS = CourseSession.__table__


def _changed(result: Any) -> bool:
    return int(cast(CursorResult[Any], result).rowcount) == 1


def take_seat(session: CourseSession) -> bool:
    """Take one free seat of ``session``; False when it is full."""
    result = db.session.execute(
        update(SESSIONS)
        .where(SESSIONS.c.id == session.id, SESSIONS.c.enrolled_count < SESSIONS.c.seats)
        .values(enrolled_count=SESSIONS.c.enrolled_count + 1)
    )
    db.session.expire(session, ["enrolled_count"])
    return _changed(result)


def free_seat(session: CourseSession) -> None:
    """Give back one seat of ``session`` (a booking left ``enrolled``)."""
    db.session.execute(
        update(SESSIONS)
        .where(SESSIONS.c.id == session.id, SESSIONS.c.enrolled_count > 0)
        .values(enrolled_count=SESSIONS.c.enrolled_count - 1)
    )
    db.session.expire(session, ["enrolled_count"])
