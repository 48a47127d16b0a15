"""The audit trail, written in one place: SQLAlchemy session events.

DESIGN.md principle 7: every insert, update and delete of an audited model writes an append-only
row with who, when, which record and the fields before and after. Views never write audit rows.
Conditional bulk updates (workflow transitions) call `record_change` from the service layer.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, object_session

from app.clock import now

_actor_override: contextvars.ContextVar[tuple[int | None, str] | None] = contextvars.ContextVar(
    "audit_actor", default=None
)
_installed = False


@contextlib.contextmanager
def acting_as(label: str, user_id: int | None = None) -> Iterator[None]:
    """Attribute changes made outside a web request (CLI, jobs) to ``label``."""
    token = _actor_override.set((user_id, label))
    try:
        yield
    finally:
        _actor_override.reset(token)


def current_actor() -> tuple[int | None, str]:
    override = _actor_override.get()
    if override is not None:
        return override
    try:
        from flask import g, has_request_context
        from flask_login import current_user

        if has_request_context():
            api_user = g.get("api_user")
            user = api_user or current_user
            if user is not None and getattr(user, "is_authenticated", False):
                via = " (api)" if api_user is not None else ""
                return user.id, f"{user.email}{via}"
            return None, "anonymous"
    except Exception:  # pragma: no cover - no flask installed or no app
        pass
    return None, "system"


def plain(value: Any) -> Any:
    """A value as JSON holds it: decimals as text, dates in ISO form, bytes by their size."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _columns(obj: Any) -> list[str]:
    excluded = set(getattr(obj, "__audit_exclude__", ()))
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in excluded]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: plain(getattr(obj, key)) for key in _columns(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if plain(old) == plain(new):
            continue
        before[key] = plain(old)
        after[key] = plain(new)
    return before, after


def _is_audited(obj: Any) -> bool:
    return bool(getattr(type(obj), "__audited__", False))


def _record_id(obj: Any) -> str | None:
    # After a flush a new object has its primary key but not yet its identity key.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if any(part is None for part in key):
        return None
    return ",".join(str(part) for part in key)


# Called as (session, table_name, record_id) for each change made by a Core statement, which
# session events never see (app/services/readiness/stored.py marks stored readiness stale).
CORE_CHANGE_HOOKS: list[Callable[[Session, str, Any], None]] = []


def record_change(
    session: Session,
    table_name: str,
    record_id: Any,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Write one audit row for a change made by a Core statement (e.g. a conditional update)."""
    record_changes(session, table_name, action, [(record_id, before, after)])


def record_changes(
    session: Session,
    table_name: str,
    action: str,
    changes: Iterable[tuple[Any, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """``record_change`` for many rows changed by Core statements at once (a bulk import's
    UPDATE by primary key or INSERT): ``(record_id, before, after)`` each, one entry each,
    written in one INSERT."""
    from app.models.system import AuditEntry

    user_id, actor = current_actor()
    at = now()
    rows = []
    for record_id, before, after in changes:
        for hook in CORE_CHANGE_HOOKS:
            hook(session, table_name, record_id)
        rows.append(
            {
                "at": at,
                "user_id": user_id,
                "actor": actor,
                "action": action,
                "table_name": table_name,
                "record_id": str(record_id),
                "before": plain(before),
                "after": plain(after),
            }
        )
    if rows:
        session.execute(insert(AuditEntry.__table__), rows)


def _after_flush(session: Session, flush_context: Any) -> None:
    from app.models.system import AuditEntry

    user_id, actor = current_actor()
    at = now()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if _is_audited(obj):
            rows.append(
                {
                    "action": "insert",
                    "table_name": obj.__tablename__,
                    "record_id": _record_id(obj),
                    "before": None,
                    "after": _snapshot(obj),
                }
            )
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            changed = set(after) - {"version", "updated_at"}
            if changed:
                rows.append(
                    {
                        "action": "update",
                        "table_name": obj.__tablename__,
                        "record_id": _record_id(obj),
                        "before": before,
                        "after": after,
                    }
                )
    # Deletes are collected row by row as the flush deletes them (_collect_delete): the
    # session's `deleted` set misses orphans removed from a collection (delete-orphan).
    rows.extend(session.info.pop(_DELETED_KEY, []))
    if rows:
        for row in rows:
            row.update(at=at, user_id=user_id, actor=actor)
        session.connection().execute(insert(AuditEntry.__table__), rows)


_DELETED_KEY = "echelon_audit_deleted"


def _collect_delete(mapper: Any, connection: Any, target: Any) -> None:
    """Before the flush deletes a row of an audited model, keep what it held for its entry."""
    if not _is_audited(target):
        return
    session = object_session(target)
    if session is None:  # pragma: no cover - a flush always has its session
        return
    session.info.setdefault(_DELETED_KEY, []).append(
        {
            "action": "delete",
            "table_name": target.__tablename__,
            "record_id": _record_id(target),
            "before": _snapshot(target),
            "after": None,
        }
    )


def _forget_deletes(session: Session, *args: Any) -> None:
    session.info.pop(_DELETED_KEY, None)


def _refuse_audit_changes(session: Session, flush_context: Any, instances: Any) -> None:
    from app.models.system import AuditEntry

    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("Audit entries are append-only and cannot be changed.")


def _refuse_bulk_audit_changes(state: Any) -> None:
    """ORM bulk UPDATE/DELETE of audit entries (``update(AuditEntry)``) is refused as well.

    Only the retention purge rewrites entries, at table level, to redact erased findings.
    """
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and getattr(mapper.class_, "__tablename__", None) == "audit_entries":
        raise PermissionError("Audit entries are append-only and cannot be changed.")


def _keep_old_values(mapper: Any, class_: type) -> None:
    """Load an attribute's old value when it is set, so the audit row can show "before"."""
    if not getattr(class_, "__audited__", False) or class_.__dict__.get("_audit_history_on"):
        return
    for prop in mapper.column_attrs:
        event.listen(getattr(class_, prop.key), "set", _noop_set, active_history=True)
    class_._audit_history_on = True  # type: ignore[attr-defined]


def _noop_set(target: Any, value: Any, oldvalue: Any, initiator: Any) -> None:
    return None


def install() -> None:
    """Attach the session listeners once per process."""
    global _installed
    if _installed:
        return
    from sqlalchemy.orm import Mapper

    event.listen(Mapper, "mapper_configured", _keep_old_values)
    event.listen(Mapper, "before_delete", _collect_delete)
    # Mappers configured before this call (a query ran first) are covered here.
    from app.extensions import Base, on_session

    for mapper in Base.registry.mappers:
        if mapper.configured:
            _keep_old_values(mapper, mapper.class_)
    on_session(
        after_flush=_after_flush,
        after_rollback=_forget_deletes,
        do_orm_execute=_refuse_bulk_audit_changes,
        before_flush=_refuse_audit_changes,
    )
    _installed = True
