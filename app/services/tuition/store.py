"""How the tuition use cases write: one unit of work, conditional updates, the history.

docs/DESIGN.md principle 5: every transition is a conditional
``UPDATE tuition_requests ... WHERE id = ? AND state = ?`` checked by its rowcount, so two
approvers (or a double click) apply it exactly once. Every step of a request takes the
employee's row lock first (``lock_employee``), so steps of one employee never deadlock.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from app.audit import acting_as
from app.clock import now
from app.extensions import db
from app.kernel.uow import CONFLICT_MESSAGE, UnitOfWork
from app.models import Employee, TuitionEvent, TuitionRequest, User
from app.services.tuition.errors import Conflict, StaleTransition

TR = TuitionRequest.__table__
CHANGED_MESSAGE = "This request changed a moment ago; nothing was saved. Reload it and try again."


def work(stale: str = CHANGED_MESSAGE) -> UnitOfWork:
    """A unit of work with the tuition words for a concurrent edit (``stale``) or duplicate."""
    return UnitOfWork(
        stale=lambda: StaleTransition(stale), conflict=lambda: Conflict(CONFLICT_MESSAGE)
    )


tuition_work = work()
"""The tuition unit of work: commit once on success, roll back on any refusal."""


def actor_context(actor: User) -> contextlib.AbstractContextManager[None]:
    """Outside a web request (API jobs, tests), attribute audit rows to the acting user."""
    from flask import has_request_context

    if has_request_context():
        return contextlib.nullcontext()
    return acting_as(actor.email, actor.id)


def add_event(
    req: TuitionRequest,
    action: str,
    from_state: str,
    to_state: str,
    actor: User | None,
    reason: str | None = None,
    amount: Decimal | None = None,
) -> TuitionEvent:
    """One row of the request's history."""
    event = TuitionEvent(
        request_id=req.id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_user_id=actor.id if actor is not None else None,
        at=now(),
        reason=reason or None,
        amount=amount,
    )
    db.session.add(event)
    return event


def conditional_update(
    req_id: int, from_state: str, values: dict[str, Any], extra: Any = None
) -> bool:
    """UPDATE tuition_requests SET ... WHERE id = ? AND state = ?; True when it applied."""
    stmt = update(TR).where(TR.c.id == req_id, TR.c.state == from_state)
    if extra is not None:
        stmt = stmt.where(extra)
    result = db.session.execute(stmt.values(**values, version=TR.c.version + 1, updated_at=now()))
    return rowcount(result) == 1


def set_columns(req_id: int, **values: Any) -> None:
    """Write more columns of a request this transaction already moved (its row is ours)."""
    db.session.execute(update(TR).where(TR.c.id == req_id).values(**values))


def rowcount(result: Any) -> int:
    """Rows an UPDATE changed (a CursorResult's rowcount)."""
    return int(cast(CursorResult[Any], result).rowcount)


def lock_employee(employee_id: int) -> None:
    """Serialize a request's steps per employee (PostgreSQL row lock; SQLite has one writer)."""
    db.session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())
