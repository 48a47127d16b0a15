"""Domain exceptions of catalogue and settings configuration, shared by the web pages and the API.

Each carries a user-facing ``message`` and, for field problems, ``errors``: a dict of field name
to messages (API.md error body ``{"error": ..., "errors": {field: [messages]}}``). ``status`` is
the HTTP code the API answers with (API.md conventions).
"""

from __future__ import annotations


class CatalogueError(ValueError):
    """A catalogue or settings change was refused; nothing was changed."""

    status = 422

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = dict(errors or {})

    def __str__(self) -> str:
        return self.message


class InvalidEntry(CatalogueError):
    """Validation failed (422): the messages say what to fix, tied to their fields."""

    status = 422


class DuplicateEntry(CatalogueError):
    """The code or pair already exists (409)."""

    status = 409


class StaleEntry(CatalogueError):
    """Someone else changed the entry since the caller read it (409)."""

    status = 409


class UnknownEntry(CatalogueError, LookupError):
    """No catalogue entry has that code (404)."""

    status = 404
