"""The unit of work: the one commit point of every write (docs/DESIGN.md principle 5).

A use case that writes is decorated with a ``UnitOfWork``. On success it commits once; on any
error it rolls back before the error reaches the caller, so a refused write changes nothing.
Inside ``batch()`` use cases only flush: the caller owns the transaction (the CSV import
applies a whole file at once, and rolls it all back on the first refused row).

Two database errors become refusals: a concurrent edit caught by a version column
(``StaleDataError``) becomes the area's ``Stale`` refusal, and a constraint violation
(``IntegrityError``: a duplicate saved at the same moment) its ``Conflict``. Each area makes its
own ``UnitOfWork`` with the words its users read for those two.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.kernel.errors import Conflict, DomainError, Stale

P = ParamSpec("P")
R = TypeVar("R")

STALE_MESSAGE = "Someone else changed this at the same moment. Reload the page and try again."
CONFLICT_MESSAGE = "The change conflicts with an existing record (a duplicate?). Nothing was saved."

_batch: contextvars.ContextVar[bool] = contextvars.ContextVar("unit_of_work_batch", default=False)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Run several use cases in the caller's transaction: they flush but do not commit."""
    token = _batch.set(True)
    try:
        yield
    finally:
        _batch.reset(token)


def in_batch() -> bool:
    """Is a caller holding the transaction open around this use case?"""
    return _batch.get()


class UnitOfWork:
    """A decorator: commit on success, roll back on any error (flush only inside ``batch()``).

    ``stale`` and ``conflict`` build the refusals that a ``StaleDataError`` and an
    ``IntegrityError`` become.
    """

    def __init__(
        self,
        *,
        stale: Callable[[], DomainError] = lambda: Stale(STALE_MESSAGE),
        conflict: Callable[[], DomainError] = lambda: Conflict(CONFLICT_MESSAGE),
    ) -> None:
        self.stale = stale
        self.conflict = conflict

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if _batch.get():
                try:
                    result = fn(*args, **kwargs)
                    db.session.flush()
                except StaleDataError as error:
                    raise self.stale() from error
                return result
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
            except StaleDataError as error:
                db.session.rollback()
                raise self.stale() from error
            except IntegrityError as error:
                db.session.rollback()
                raise self.conflict() from error
            except BaseException:
                db.session.rollback()
                raise
            return result

        return wrapper


unit_of_work = UnitOfWork()
"""The default unit of work, with the kernel's words for a stale or conflicting write."""


def discard() -> None:
    """Roll back whatever the failed request left in the session (an error handler's first step)."""
    db.session.rollback()
