"""The catalogue's refusals and its unit of work, shared by the web pages and the API.

Each refusal is one of the kernel's kinds (``app.kernel.errors``), so its status comes from the
kind: invalid 422, duplicate 409, stale 409, unknown 404; ``except CatalogueError`` still
catches every catalogue and settings refusal (docs/API.md error body).
"""

from __future__ import annotations

from app.kernel.errors import Conflict, DomainError, Invalid, NotFound, Stale
from app.kernel.uow import UnitOfWork


class CatalogueError(DomainError):
    """A catalogue or settings change was refused; nothing was changed."""


class InvalidEntry(CatalogueError, Invalid):
    """Validation failed (422): the messages say what to fix, tied to their fields."""


class DuplicateEntry(CatalogueError, Conflict):
    """The code or pair already exists (409)."""


class StaleEntry(CatalogueError, Stale):
    """Someone else changed the entry since the caller read it (409)."""


class UnknownEntry(CatalogueError, NotFound):
    """No catalogue entry has that code (404)."""


write = UnitOfWork(
    stale=lambda: StaleEntry(
        "Someone else changed this entry at the same moment. Reload it and try again."
    ),
    conflict=lambda: DuplicateEntry(
        "Someone else saved a conflicting entry at the same moment. Reload the page and try again."
    ),
)
"""The catalogue's one commit point: commit on success, roll back on any refusal."""
