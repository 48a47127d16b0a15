"""A test course that a role requires, with one session of a given size (seat-plan tests)."""

from __future__ import annotations

from datetime import timedelta

from app.audit import acting_as
from app.clock import today
from app.extensions import db
from app.models import CourseSession
from app.services import catalogue


def required_course_with_session(
    code: str, role_code: str, *, mandatory: bool, seats: int, in_days: int, room: str
) -> CourseSession:
    """Course ``code``, added to the role's requirements (the others kept as they are), with one
    session of ``seats`` seats starting ``in_days`` from today; committed."""
    with acting_as("test:seat-plan"):
        catalogue.create_course(code, f"Seat planning test {code}", cost="100.00")
        kept = [
            catalogue.requirement_to_dict(r) for r in catalogue.get_role(role_code).requirements
        ]
        catalogue.replace_requirements(
            role_code, [*kept, {"kind": "course", "target": code, "mandatory": mandatory}]
        )
        start = today() + timedelta(days=in_days)
        session = catalogue.add_session(code, start, start + timedelta(days=1), seats, room)
        db.session.commit()
    return session
