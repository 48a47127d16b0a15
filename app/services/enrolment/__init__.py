"""Booking course sessions: seats, waitlists, approval, attendance and calendar invitations
(docs/RULES.md "Sessions and enrolment").

- ``booking``: book, move, the steps of a booking (approve, decline, cancel, attend,
  no_show), filling freed seats from the waitlist, releasing a cancelled session;
- ``attendance``: hr marks a whole roster after the session ends;
- ``rules``: what a booking must satisfy (open session, no double booking, prerequisites);
- ``seats``: the seat counter, moved only by conditional UPDATEs;
- ``calendar``: the iCalendar invitations; ``notices``: telling people;
- ``queries``: lists, rosters, approvals and the JSON shapes.
"""

from app.services.enrolment.attendance import record_attendance, require_ended
from app.services.enrolment.booking import (
    ACTIONS,
    book,
    fill_seats,
    move,
    release_session,
    transition,
)
from app.services.enrolment.errors import (
    BookingConflict,
    BookingForbidden,
    BookingInvalid,
    BookingNotFound,
    BookingStale,
    EnrolmentError,
)
from app.services.enrolment.queries import (
    Roster,
    SessionFilters,
    approval_count,
    approvals_query,
    course_sessions,
    enrolment_to_dict,
    enrolments_of,
    find_employee,
    locations,
    next_open_session,
    roster,
    session_summary,
    sessions_query,
    standing_bookings,
    waitlist_lengths,
    waitlist_position,
    waitlist_positions,
)
from app.services.enrolment.rules import missing_prerequisites

__all__ = [
    "ACTIONS",
    "BookingConflict",
    "BookingForbidden",
    "BookingInvalid",
    "BookingNotFound",
    "BookingStale",
    "EnrolmentError",
    "Roster",
    "SessionFilters",
    "approval_count",
    "approvals_query",
    "book",
    "course_sessions",
    "enrolment_to_dict",
    "enrolments_of",
    "fill_seats",
    "find_employee",
    "locations",
    "missing_prerequisites",
    "move",
    "next_open_session",
    "record_attendance",
    "release_session",
    "require_ended",
    "roster",
    "session_summary",
    "sessions_query",
    "standing_bookings",
    "transition",
    "waitlist_lengths",
    "waitlist_position",
    "waitlist_positions",
]
from app.services.enrolment.bulk import (  # noqa: E402
    BookingOptions,
    Held,
    Month,
    Outcome,
    book_many,
    bookable_people,
    booking_options,
    employees_by_id,
    held_by_course,
    month_calendar,
    other_sessions,
    parse_month,
)

__all__ += [
    "BookingOptions",
    "booking_options",
    "Held",
    "Month",
    "Outcome",
    "book_many",
    "bookable_people",
    "employees_by_id",
    "held_by_course",
    "month_calendar",
    "other_sessions",
    "parse_month",
]
