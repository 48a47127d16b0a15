"""The refusals of required training, and its unit of work (docs/RULES.md "Assignments").

Each is one of the kernel's kinds, so the status comes from the kind: a bad field 422, a
duplicate rule 409, a rule that does not exist 404.
"""

from __future__ import annotations

from app.kernel.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Stale
from app.kernel.uow import UnitOfWork


class AssignmentError(DomainError):
    """A change to assignment rules was refused; nothing was changed."""


class RuleInvalid(AssignmentError, Invalid):
    """The rule's input is not valid (422)."""


class RuleConflict(AssignmentError, Conflict):
    """A standing rule already requires this course of this role (409)."""


class RuleForbidden(AssignmentError, Forbidden):
    """Only HR changes rules (403)."""


class RuleNotFound(AssignmentError, NotFound):
    """No such rule (404)."""


class RuleStale(AssignmentError, Stale):
    """The rule changed at the same moment (409)."""


DUPLICATE = "A rule already requires this course of this role; edit that rule instead."

rule_write = UnitOfWork(
    stale=lambda: RuleStale(
        "Someone changed this rule at the same moment. Reload the page and try again."
    ),
    conflict=lambda: RuleConflict(DUPLICATE, {"course": [DUPLICATE]}),
)
"""The rules' one commit point: commit on success, roll back on any refusal."""
