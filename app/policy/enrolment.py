"""Who may book, decide and attend course sessions (docs/RULES.md "Sessions and enrolment").

The employee books for themselves, a manager for the people below them, hr for anyone. A
booking waiting for approval is decided by a manager above the person or by hr. Attendance is
marked by hr. Someone else's booking looks exactly like one that does not exist (404), as
their training does.
"""

from __future__ import annotations

from typing import Any

from app.models import Employee, Enrolment
from app.policy import Load, is_hr, is_self, manages, record_of


def can_book(user: Any, employee: Employee | int) -> bool:
    """May ``user`` book (or cancel, or move) sessions for ``employee``?"""
    if user is None:
        return False
    return is_hr(user) or is_self(user, employee) or manages(user, employee)


def can_decide(user: Any, employee: Employee | int) -> bool:
    """May ``user`` approve or decline ``employee``'s booking that waits for approval? A manager
    above the person, or hr; never the person themselves."""
    if user is None or is_self(user, employee):
        return False
    return is_hr(user) or manages(user, employee)


def marks_attendance(user: Any) -> bool:
    """Does ``user`` mark attendance after a session ends? hr."""
    return is_hr(user)


def sees_roster(user: Any) -> bool:
    """Does ``user`` see every name on a session's roster? hr; everyone else sees the seat
    counts and the bookings of the people they may see."""
    return is_hr(user)


def enrolment(arg: str = "enrolment_id", name: str = "enrolment") -> Load:
    """Load a booking whose person's training the caller may see; 404 otherwise."""
    return record_of(Enrolment, "training", arg=arg, name=name, missing="No such enrolment.")
