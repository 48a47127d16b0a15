"""The refusals of the talent area and its unit of work (docs/RULES.md "Collecting 360
feedback", "Talent review grid (9-box)").

Each is one of the kernel's kinds, so the status comes from the kind: bad input 422, a state
that does not allow it (a spent link, a closed round) 409, a link or person the caller may not
know 404, a step the caller may not take 403.
"""

from __future__ import annotations

from app.kernel.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Stale
from app.kernel.fields import FieldErrors
from app.kernel.uow import UnitOfWork


class TalentError(DomainError):
    """A talent step was refused; nothing was changed."""


class TalentInvalid(TalentError, Invalid):
    """The input is not valid (422)."""


class TalentConflict(TalentError, Conflict):
    """The round, the link or the placement does not allow this now (409)."""


class TalentForbidden(TalentError, Forbidden):
    """The caller may not take this step (403)."""


class TalentNotFound(TalentError, NotFound):
    """No such link, round or placement, as far as the caller may know (404)."""


class TalentStale(TalentError, Stale):
    """Changed by someone else at the same moment (409)."""


class TalentFields(FieldErrors):
    """The kernel's field collector, refusing in the talent area's kinds."""

    invalid_kind = TalentInvalid
    conflict_kind = TalentConflict


talent_write = UnitOfWork(
    stale=lambda: TalentStale(
        "Someone else changed this at the same moment. Reload the page and try again."
    ),
    conflict=lambda: TalentConflict("This was saved at the same moment by someone else."),
)
"""The talent area's one commit point: commit on success, roll back on any refusal."""
