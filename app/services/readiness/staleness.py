"""When stored readiness goes stale: the session listeners that raise the versions.

Every change to a person's readiness facts raises ``employees.facts_version`` in the same
transaction, as it commits. Session events see ORM changes (completions, ratings, checks,
assessments, education, tuition, the person's role), and ``audit.CORE_CHANGE_HOOKS`` the
conditional Core updates of workflows (check lifecycle, verification, tuition transitions).
Every change to the catalogue or the settings raises the ``catalogue`` counter. Which tables
are which, each model declares itself (``__readiness__``, ``app.models.base.readiness_models``).
``stored.py`` counts a stored row only while both of its versions equal the current ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session

from app import audit
from app.extensions import on_session, transaction_notes
from app.models import CacheCounter, Employee
from app.models.base import readiness_models
from app.services.readiness.catalogue import CATALOGUE_CHANGED, CATALOGUE_COUNTER

# What each table means to stored readiness, as its model declares it (``__readiness__``,
# app/models/base.py): a new fact or catalogue table takes part by declaring itself.
FACT_MODELS: tuple[type[Any], ...] = readiness_models("facts")
PERSON_MODELS: tuple[type[Any], ...] = readiness_models("person")
CATALOGUE_MODELS: tuple[type[Any], ...] = readiness_models("catalogue")
FACT_TABLES = {model.__tablename__: model for model in FACT_MODELS}
CATALOGUE_TABLES = {model.__tablename__ for model in CATALOGUE_MODELS}
# Session flags for the transaction under way, cleared when it commits or rolls back.
FACTS_CHANGED = "echelon_facts_changed"
WROTE = "echelon_wrote"  # it has flushed changes of its own
PENDING_PEOPLE = "echelon_pending_facts_versions"
PENDING_CATALOGUE = "echelon_pending_catalogue_version"


def _note_facts(session: Session, employee_ids: set[int]) -> None:
    """These people's facts changed in this transaction: raise their versions at commit."""
    if employee_ids:
        session.info[FACTS_CHANGED] = True
        session.info.setdefault(PENDING_PEOPLE, set()).update(employee_ids)


def note_people_changed(session: Session, employee_ids: Iterable[int]) -> None:
    """People whose rows a Core statement changed, which no session event sees (the employees
    import's UPDATE by primary key): their stored readiness goes stale as this commits."""
    session.info[WROTE] = True
    _note_facts(session, set(employee_ids))


def _note_catalogue(session: Session) -> None:
    session.info[CATALOGUE_CHANGED] = True
    session.info[PENDING_CATALOGUE] = True


def _before_commit(session: Session) -> None:
    """Raise the versions last, in the committing transaction itself: after every other row it
    writes is locked (workflow steps lock their request row first, finance steps the employee
    first), so raising them can never close a cycle of locks with another transaction, and in
    id order, so two transactions raising several people's versions take them in one order."""
    session.flush()
    people = session.info.pop(PENDING_PEOPLE, None)
    if people:
        _raise_facts_versions(session, people)
    if session.info.pop(PENDING_CATALOGUE, None):
        raise_catalogue_version(session)


def _raise_facts_versions(session: Session, employee_ids: set[int]) -> None:
    table = Employee.__table__
    session.connection().execute(
        update(table)
        .where(table.c.id.in_(sorted(employee_ids)))
        .values(facts_version=table.c.facts_version + 1)
    )


def raise_catalogue_version(session: Session) -> None:
    """Every stored result becomes stale (a catalogue or settings change)."""
    session.info[CATALOGUE_CHANGED] = True
    table = CacheCounter.__table__
    connection = session.connection()
    done = connection.execute(
        update(table).where(table.c.name == CATALOGUE_COUNTER).values(value=table.c.value + 1)
    )
    if done.rowcount == 0:
        connection.execute(
            upsert(connection.dialect.name, table, ["name"]).values(name=CATALOGUE_COUNTER, value=1)
        )


def _after_flush(session: Session, flush_context: Any) -> None:
    new = session.new  # built afresh on every access: once, or a big flush costs n² time
    if new or session.dirty or session.deleted:
        session.info[WROTE] = True
    employees: set[int] = set()
    catalogue = False
    for obj in chain(new, session.dirty, session.deleted):
        if isinstance(obj, CATALOGUE_MODELS):
            catalogue = True
        elif isinstance(obj, PERSON_MODELS):
            if obj not in new and obj.id is not None:
                employees.add(obj.id)
        elif isinstance(obj, FACT_MODELS) and obj.employee_id is not None:
            employees.add(obj.employee_id)
    _note_facts(session, employees)
    if catalogue:
        _note_catalogue(session)


def _after_core_change(session: Session, table_name: str, record_id: Any) -> None:
    model = FACT_TABLES.get(table_name)
    if model is not None:
        owner = session.execute(
            select(model.employee_id).where(model.id == int(record_id))
        ).scalar()
        if owner is not None:
            _note_facts(session, {owner})
    elif table_name in CATALOGUE_TABLES:
        _note_catalogue(session)


def install() -> None:
    """Attach the staleness listeners once per process."""
    on_session(after_flush=_after_flush, before_commit=_before_commit)
    transaction_notes(CATALOGUE_CHANGED, FACTS_CHANGED, WROTE, PENDING_PEOPLE, PENDING_CATALOGUE)
    if _after_core_change not in audit.CORE_CHANGE_HOOKS:
        audit.CORE_CHANGE_HOOKS.append(_after_core_change)


def upsert(
    dialect: str,
    table: Any,
    keys: list[str],
    *,
    rows: Select | None = None,
    set_of: Callable[[Any], dict[str, Any]] | None = None,
) -> Any:
    """INSERT (of ``rows``, a SELECT of every column, when given) … ON CONFLICT (keys) DO
    UPDATE of every other column, or of ``set_of(stmt)`` (``stmt.excluded`` names the new
    row), on SQLite and PostgreSQL."""
    dialect_insert: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - SQLite and PostgreSQL are the supported databases
        return insert(table)
    stmt = dialect_insert(table)
    if rows is not None:
        stmt = stmt.from_select([c.name for c in table.columns], rows)
    changed = (
        set_of(stmt)
        if set_of is not None
        else {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    )
    return stmt.on_conflict_do_update(index_elements=keys, set_=changed)
