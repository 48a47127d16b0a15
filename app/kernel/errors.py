"""One hierarchy of refusals, shared by every area, the web pages and the API.

A refusal carries a user-facing ``message`` and, for field problems, ``errors``: a dict of field
name to messages (docs/API.md error body ``{"error": ..., "errors": {field: [messages]}}``).
``status`` is the HTTP status it answers with; the pages and the API map it in one place each
(``app.errors`` and ``app.blueprints.api``). A refused write has changed nothing: the unit of
work rolls back before the refusal reaches the caller.

Areas subclass these (``RecordError``, ``CatalogueError``, ``TuitionError``) so a caller may
catch all of one area's refusals, while the status always comes from the kind of refusal.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(ValueError):
    """A refused operation; nothing was changed. The root of every area's refusals."""

    status = 422

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}

    def __str__(self) -> str:
        return self.message

    @classmethod
    def on(cls, field: str, message: str) -> DomainError:
        """A refusal about one field, with the message on that field too."""
        return cls(message, {field: [message]})


class Invalid(DomainError):
    """The input is not valid (422): the messages say what to fix, tied to their fields."""

    status = 422


class Forbidden(DomainError):
    """The caller may see the object but may not do this to it (403)."""

    status = 403


class NotFound(DomainError, LookupError):
    """Unknown, or the caller may not know that it exists (404)."""

    status = 404


class Conflict(DomainError):
    """The current state of the data does not allow this now: a duplicate, an illegal move (409)."""

    status = 409


class Stale(Conflict):
    """Someone else changed the data since the caller read it; nothing was saved (409)."""

    status = 409


class Gone(DomainError):
    """It existed but can no longer be used: a spent, replaced or expired link (410)."""

    status = 410


class NotDelivered(DomainError):
    """A server this needed (the mail server) refused or could not be reached (502)."""

    status = 502


class Unavailable(DomainError):
    """This machine cannot do it now, for a reason the message names (503)."""

    status = 503


def status_of(error: BaseException) -> int | None:
    """The HTTP status of a refusal, or None for anything that is not one (a bug: 500)."""
    return error.status if isinstance(error, DomainError) else None
