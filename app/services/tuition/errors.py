"""The refusals of the tuition use cases, each a kind of the kernel's refusals.

``except TuitionError`` catches every one of them; the HTTP status comes from the kernel kind:

- ``ValidationFailed`` (422, ``Invalid``): bad input, with ``errors`` = {field: [messages]};
- ``NotAllowed`` (403, ``Forbidden``): the caller may see the request but may not do this;
- ``NotFound`` (404): unknown, or the caller may not know it exists;
- ``Conflict`` (409) and its kinds ``IllegalTransition``, ``StaleTransition`` (someone else
  acted first), ``LateSubmission``, ``TooEarly`` and ``CapExceeded``.
"""

from __future__ import annotations

from app.kernel import errors as kernel

NOT_VALID = "Some of the values are not valid."


class TuitionError(kernel.DomainError):
    """A refused tuition operation; ``message`` is for the user, ``errors`` per field."""


class ValidationFailed(TuitionError, kernel.Invalid):
    """Bad input (API 422); ``errors`` maps each field to what to fix."""


class NotAllowed(TuitionError, kernel.Forbidden):
    """The caller may see the request but may not do this to it (API 403)."""


class NotFound(TuitionError, kernel.NotFound):
    """Unknown, or the caller may not know it exists (API 404)."""


class Conflict(TuitionError, kernel.Conflict):
    """The request's current state (or the cap) does not allow this now (API 409)."""


class IllegalTransition(Conflict):
    """The state machine does not allow this action from the current state (docs/RULES.md
    States)."""


class StaleTransition(Conflict, kernel.Stale):
    """Someone else changed the request first; this action was not applied."""


class LateSubmission(Conflict):
    """docs/RULES.md Timing: submitted on or after the course start, without an HR override."""


class TooEarly(Conflict):
    """docs/RULES.md Timing: a grade is entered only on or after the course's end date."""


class CapExceeded(Conflict):
    """docs/RULES.md Annual cap: the finance reservation would exceed the employee's annual
    cap."""
