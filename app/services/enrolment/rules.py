"""What a booking must satisfy before it is made or moved (docs/RULES.md "Sessions and
enrolment"): the session is open, the person is not already booked on it or on an overlapping
session of the same course, and each prerequisite is done or booked in time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, select

from app.clock import today
from app.extensions import db
from app.models import ACTIVE_STATUSES, Completion, Course, CourseSession, Employee, Enrolment
from app.services.enrolment.errors import BookingConflict, BookingInvalid


def _day(value: date) -> str:
    return value.isoformat()


def course_label(course: Course) -> str:
    return f"{course.title} ({course.code})"


def require_open(session: CourseSession, on: date | None = None) -> None:
    """The session takes bookings: scheduled, of a course in use, not started yet."""
    on = on or today()
    if session.cancelled:
        raise BookingConflict("This session was cancelled; choose another session of the course.")
    if session.course.retired:
        raise BookingConflict(f"{course_label(session.course)} is retired; it takes no bookings.")
    if session.starts_on <= on:
        raise BookingConflict(
            f"This session started on {_day(session.starts_on)}; choose a later session."
        )


def require_bookable_person(employee: Employee) -> None:
    if employee.status == "terminated":
        raise BookingInvalid(f"{employee.name} has left the organisation; nobody can book them.")


def require_not_booked(
    session: CourseSession, employee: Employee, ignore: Enrolment | None = None
) -> None:
    """No second standing booking of this session, and none of an overlapping session of the
    same course (``ignore``: the booking being moved)."""
    other = CourseSession.__table__.alias("other_session")
    clash = db.session.execute(
        select(Enrolment.id, Enrolment.session_id, other.c.starts_on, other.c.ends_on)
        .join(other, other.c.id == Enrolment.session_id)
        .where(
            Enrolment.employee_id == employee.id,
            Enrolment.status.in_(ACTIVE_STATUSES),
            Enrolment.id != (ignore.id if ignore is not None else 0),
            other.c.course_id == session.course_id,
            other.c.starts_on <= session.ends_on,
            other.c.ends_on >= session.starts_on,
        )
        .order_by(Enrolment.id)
        .limit(1)
    ).first()
    if clash is None:
        return
    if clash.session_id == session.id:
        raise BookingConflict(f"{employee.name} is already booked on this session.")
    raise BookingConflict(
        f"{employee.name} is already booked on the session of {course_label(session.course)} "
        f"from {_day(clash.starts_on)} to {_day(clash.ends_on)}, which overlaps this one. "
        "Move that booking instead."
    )


def missing_prerequisites(session: CourseSession, employee_id: int) -> list[Course]:
    """The prerequisites of the session's course that the person has neither completed before
    the session starts nor holds a seat for in a session of it that ends before this one."""
    links = session.course.prerequisite_links
    if not links:
        return []
    wanted = [link.prerequisite_id for link in links]
    done = set(
        db.session.scalars(
            select(Completion.course_id).where(
                Completion.employee_id == employee_id,
                Completion.course_id.in_(wanted),
                Completion.verification == "verified",
                Completion.completed_on < session.starts_on,
            )
        )
    )
    seat = CourseSession.__table__.alias("prerequisite_session")
    booked = set(
        db.session.scalars(
            select(seat.c.course_id)
            .join(Enrolment, Enrolment.session_id == seat.c.id)
            .where(
                Enrolment.employee_id == employee_id,
                Enrolment.status == "enrolled",
                seat.c.course_id.in_(wanted),
                seat.c.cancelled.is_(False),
                seat.c.ends_on < session.starts_on,
            )
        )
    )
    missing = [cid for cid in wanted if cid not in done | booked]
    if not missing:
        return []
    courses = db.session.scalars(select(Course).where(Course.id.in_(missing))).all()
    return sorted(courses, key=lambda course: course.code)


def require_prerequisites(session: CourseSession, employee: Employee) -> None:
    missing = missing_prerequisites(session, employee.id)
    if not missing:
        return
    names = ", ".join(course_label(course) for course in missing)
    noun = "prerequisite" if len(missing) == 1 else "prerequisites"
    raise BookingInvalid(
        f"{employee.name} is missing the {noun} {names} of {course_label(session.course)}: "
        f"complete it, or hold a seat in a session of it that ends before "
        f"{_day(session.starts_on)}.",
        {"employee_id": [f"Missing {noun}: {names}."]},
    )


def has_standing_booking(employee_id: int, course_id: int) -> bool:
    """Does the person hold a standing booking of some session of the course?"""
    sessions = CourseSession.__table__
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    and_(
                        Enrolment.employee_id == employee_id,
                        Enrolment.status.in_(ACTIVE_STATUSES),
                        Enrolment.session_id == sessions.c.id,
                        sessions.c.course_id == course_id,
                    )
                )
            )
        )
    )
