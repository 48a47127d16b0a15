"""The refusals of booking, and its unit of work (docs/RULES.md "Sessions and enrolment").

Each is one of the kernel's kinds, so the status comes from the kind: a bad field 422, a state
that does not allow it (a cancelled, started or already booked session) 409, a person or a
booking the caller may not see 404, a step the caller may not take 403.
"""

from __future__ import annotations

from app.kernel.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Stale
from app.kernel.uow import UnitOfWork


class EnrolmentError(DomainError):
    """A booking step was refused; nothing was changed."""


class BookingInvalid(EnrolmentError, Invalid):
    """The input is not valid (422)."""


class BookingConflict(EnrolmentError, Conflict):
    """The session or the booking is not in a state that allows this (409)."""


class BookingForbidden(EnrolmentError, Forbidden):
    """The caller sees the booking but may not take this step (403)."""


class BookingNotFound(EnrolmentError, NotFound):
    """No such person or booking, as far as the caller may know (404)."""


class BookingStale(EnrolmentError, Stale):
    """The booking changed at the same moment (409)."""


booking_write = UnitOfWork(
    stale=lambda: BookingStale(
        "Someone changed this booking at the same moment. Reload the page and try again."
    ),
    conflict=lambda: BookingConflict(
        "That person already holds a booking on this session (made at the same moment)."
    ),
)
"""Booking's one commit point: commit on success, roll back on any refusal."""
