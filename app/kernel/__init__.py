"""The shared base every area builds on, written once (docs/DESIGN.md "The kernel").

- ``errors``: one hierarchy of refusals, each with the HTTP status it answers with;
- ``fields``: one collector of field messages, with the parsers of every kind of input;
- ``uow``: the unit of work, the one commit point of every write;
- ``forms``: the glue between a refusal and a WTForms form.
"""

from app.kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    Stale,
    Unavailable,
)
from app.kernel.fields import FieldErrors
from app.kernel.uow import batch, in_batch, unit_of_work

__all__ = [
    "Conflict",
    "DomainError",
    "FieldErrors",
    "Forbidden",
    "Invalid",
    "NotFound",
    "Stale",
    "Unavailable",
    "batch",
    "in_batch",
    "unit_of_work",
]
