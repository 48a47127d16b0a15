"""The refusals of the records area, on the kernel's hierarchy (``app.kernel.errors``).

``RecordError`` is the root, so ``except RecordError`` catches every refusal of a record
write; each kind's HTTP status comes from the kernel kind it also is.
"""

from __future__ import annotations

from app.kernel.errors import Conflict, DomainError, Forbidden, Stale

STALE_MESSAGE = (
    "This record was changed by someone else while you were editing. Reload to see their change."
)
CONFLICT_MESSAGE = "The change conflicts with an existing record (a duplicate?). Nothing was saved."


class RecordError(DomainError):
    """A record could not be written; nothing was changed.

    ``errors`` maps each bad field (the API's field names) to messages saying what to fix.
    """


class RecordConflict(RecordError, Conflict):
    """The change conflicts with the record's current state (a duplicate, an illegal move)."""


class StaleRecord(RecordConflict, Stale):
    """The record changed since the editor read it (optimistic locking): nothing was saved."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


class RecordForbidden(RecordError, Forbidden):
    """The acting user may not make this change."""
