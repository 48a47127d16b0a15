"""Stored compliance lines (issue 21): what the compliance page counts, kept up to date on write.

The page's lapsing items and owed assignments are decided by a few dates per person and item
(``ComplianceLine``): the latest lapse of each certification course and check type, and for
each open assignment the day it is owed from and its due date. Those dates hold for any date D
on or after the line's ``valid_from`` (the latest record they were computed from), so the page
reads them with range conditions on D (``reports.lapsing.stored_lapsing``,
``assignments.queries.owed_screen``) instead of grouping every completion and check.

A person's lines are current while their ``CompliancePerson`` row matches:

- ``employees.facts_version`` (raised in the committing transaction by every change of their
  completions, checks or own row: app/services/readiness/staleness.py);
- the ``catalogue`` counter (a course's validity, a check type's re-screen interval, ...);
- their ``assignments_version``, raised here in the committing transaction by every change of
  their assignments (the ORM's, through a session listener, and a rule's set-based statements,
  through ``note_assignments_changed``).

``current`` recomputes, in the request, only the people in scope whose row is missing or stale
(every one after a catalogue change), commits them (they are shared) and says whether the page
may read the stored lines on D: not inside a transaction that has written anything itself, nor
for a D earlier than a line's ``valid_from``; the page then takes its from-scratch path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from itertools import chain
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    case,
    cast,
    delete,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from app.extensions import db, on_session, transaction_notes
from app.models import (
    Assignment,
    BackgroundCheck,
    CacheCounter,
    CheckType,
    Completion,
    ComplianceLine,
    CompliancePerson,
    Course,
    Employee,
)
from app.readiness.vocabulary import CHECK_CLEAR
from app.services.lapses import (
    BACKGROUND_CHECK,
    CERTIFICATION,
    certification_lapse,
    check_lapse,
    kind_literal,
    later_of,
    latest_completion,
)
from app.services.readiness.catalogue import CATALOGUE_COUNTER
from app.services.readiness.staleness import FACTS_CHANGED, PENDING_PEOPLE, WROTE, upsert

ASSIGNMENT = "assignment"
NEVER_DONE = date.min
"""``owed_from`` of an assignment with no verified completion: owed on every date."""
NEVER_LAPSES = date.max
"""The expiry of a completion without one (``owed_from``: never owed again)."""

IN_LIST_LIMIT = 2_000
"""Above this many stale people the whole scope is recomputed (one set-based statement)."""
PENDING_ASSIGNMENTS = "echelon_pending_compliance_assignments"
RAISE_CHUNK = 5_000
"""People whose assignments versions one statement raises (bound parameters of an IN list)."""
REFRESH_LOCK = 21_021
"""The PostgreSQL advisory lock that takes concurrent refreshes one at a time."""

LINE = ComplianceLine.__table__
PERSON = CompliancePerson.__table__


# ----------------------------------------------------------------------------- on write


def note_assignments_changed(session: Session, employee_ids: Iterable[int]) -> None:
    """These people's assignments changed in this transaction (a Core statement no session
    event sees): their lines go stale as it commits."""
    ids = {int(i) for i in employee_ids if i is not None}
    if ids:
        session.info.setdefault(PENDING_ASSIGNMENTS, set()).update(ids)


def _after_flush(session: Session, flush_context: Any) -> None:
    note_assignments_changed(
        session,
        (
            obj.employee_id
            for obj in chain(session.new, session.dirty, session.deleted)
            if isinstance(obj, Assignment)
        ),
    )


def _before_commit(session: Session) -> None:
    """Raise the assignments versions last in the committing transaction, in id order (as
    staleness raises the facts versions)."""
    session.flush()
    people = session.info.pop(PENDING_ASSIGNMENTS, None)
    if not people:
        return
    connection = session.connection()
    ids = sorted(people)
    for start in range(0, len(ids), RAISE_CHUNK):
        raised = select(
            Employee.id,
            *(literal(value, Integer) for value in (-1, -1, 1, -1)),
        ).where(Employee.id.in_(ids[start : start + RAISE_CHUNK]))
        stmt = _upsert(
            connection.dialect.name,
            lambda new: {"assignments_version": PERSON.c.assignments_version + 1},
            raised,
        )
        connection.execute(stmt)


def install() -> None:
    """Attach the listeners once per process."""
    on_session(after_flush=_after_flush, before_commit=_before_commit)
    transaction_notes(PENDING_ASSIGNMENTS)


def _upsert(
    dialect: str, set_of: Callable[[Any], dict[str, Any]], rows: Select | None = None
) -> Any:
    """INSERT (of ``rows``) ... ON CONFLICT (employee_id) DO UPDATE SET ``set_of(stmt)`` into
    compliance_people."""
    return upsert(dialect, PERSON, ["employee_id"], rows=rows, set_of=set_of)


# ----------------------------------------------------------------------------- on read


def _wrote(session: Session) -> bool:
    info = session.info
    return bool(
        info.get(WROTE)
        or info.get(FACTS_CHANGED)
        or info.get(PENDING_PEOPLE)
        or info.get(PENDING_ASSIGNMENTS)
        or session.new
        or session.dirty
        or session.deleted
    )


def _stale(population: Select) -> Select:
    """(id, facts_version, assignments_version, catalogue version) of the people in
    ``population`` whose lines are missing or stale."""
    version = func.coalesce(
        select(CacheCounter.value).where(CacheCounter.name == CATALOGUE_COUNTER).scalar_subquery(),
        0,
    )
    person = aliased(CompliancePerson)
    return (
        select(
            Employee.id,
            Employee.facts_version,
            func.coalesce(person.assignments_version, 0),
            version,
        )
        .outerjoin(person, person.employee_id == Employee.id)
        .where(Employee.id.in_(population))
        .where(
            or_(
                person.employee_id.is_(None),
                person.facts_version != Employee.facts_version,
                person.catalogue_version != version,
                person.computed_assignments != person.assignments_version,
            )
        )
        .order_by(Employee.id)
    )


def current(population: Select, as_of: date) -> bool:
    """Bring the lines of ``population`` up to date (only the stale people) and say whether
    the page may read them on ``as_of`` (two queries, and three more when some were stale,
    four on PostgreSQL)."""
    session = db.session()
    if _wrote(session):
        return False
    connection = session.connection()
    stale = list(connection.execute(_stale(population)))
    if stale:
        _refresh(session, population, stale)
    latest = session.connection().execute(select(func.max(ComplianceLine.valid_from))).scalar()
    if isinstance(latest, str):  # SQLite's driver answers text
        latest = date.fromisoformat(latest)
    return latest is None or latest <= as_of


def _refresh(session: Session, population: Select, stale: list[Any]) -> None:
    """Recompute the lines of the ``stale`` people (read with their versions before any of
    their records: a write committed meanwhile leaves them stale, never wrongly current) and
    commit them: they are shared."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(REFRESH_LOCK)))
    ids = [row[0] for row in stale]
    who: Any = ids if len(ids) <= IN_LIST_LIMIT else population
    connection.execute(delete(LINE).where(LINE.c.employee_id.in_(who)))
    columns = ["employee_id", "kind", "item_id", "course_id", "expires_on", "owed_from"]
    connection.execute(LINE.insert().from_select([*columns, "due_on", "valid_from"], lines_of(who)))
    # the versions read first; never the assignments version a writer raises meanwhile
    stmt = _upsert(
        connection.dialect.name,
        lambda new: {
            name: new.excluded[name]
            for name in ("facts_version", "catalogue_version", "computed_assignments")
        },
    )
    connection.execute(
        stmt,
        [
            {
                "employee_id": eid,
                "facts_version": facts,
                "catalogue_version": version,
                "assignments_version": assigned,
                "computed_assignments": assigned,
            }
            for eid, facts, assigned, version in stale
        ],
    )
    session.commit()


# ----------------------------------------------------------------------------- computing


def _latest_lapses(kind: str, owner: Any, item: Any, lapse: Any, valid_from: Any) -> Select:
    """Per person and item of ``kind``: a line of the latest lapse, valid from the latest
    ``valid_from`` of the records behind it (the caller joins and filters the records)."""
    return (
        select(
            owner,
            kind_literal(kind),
            item,
            cast(null(), Integer),
            type_coerce(func.max(lapse), Date),
            cast(null(), Date),
            cast(null(), Date),
            type_coerce(func.max(valid_from), Date),
        )
        .group_by(owner, item)
        .having(func.max(lapse).is_not(None))
    )


def _certifications(who: Any) -> Select:
    """Per person and certification course: the latest lapse of a verified completion (as
    ``reports.lapsing``), valid from the latest of them."""
    return (
        _latest_lapses(
            CERTIFICATION,
            Completion.employee_id,
            Completion.course_id,
            certification_lapse(),
            Completion.completed_on,
        )
        .join(Course, Course.id == Completion.course_id)
        .where(
            Completion.employee_id.in_(who),
            Course.validity_months.is_not(None),
            Completion.verification == "verified",
        )
    )


def _checks(who: Any) -> Select:
    """Per person and check type: the latest lapse of a clear check (as ``reports.lapsing``),
    valid from the latest day one of them was requested or completed."""
    completed = BackgroundCheck.completed_on
    return (
        _latest_lapses(
            BACKGROUND_CHECK,
            BackgroundCheck.employee_id,
            BackgroundCheck.check_type_id,
            check_lapse(),
            later_of(BackgroundCheck.requested_on, completed),
        )
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(
            BackgroundCheck.employee_id.in_(who),
            BackgroundCheck.status == CHECK_CLEAR,
            completed.is_not(None),
        )
    )


def _assignments(who: Any) -> Select:
    """Each open assignment: owed from the expiry of its course's latest verified completion
    (from always without one, never when it does not expire), then due on the later of its due
    date and that expiry; valid from the day of that completion."""
    expiry = type_coerce(
        latest_completion(lambda done: func.coalesce(done.expires_on, literal(NEVER_LAPSES, Date))),
        Date,
    )
    completed = type_coerce(latest_completion(lambda done: done.completed_on), Date)
    return select(
        Assignment.employee_id,
        kind_literal(ASSIGNMENT),
        Assignment.id,
        Assignment.course_id,
        cast(null(), Date),
        func.coalesce(expiry, literal(NEVER_DONE, Date)),
        type_coerce(case((expiry > Assignment.due_on, expiry), else_=Assignment.due_on), Date),
        completed,
    ).where(Assignment.employee_id.in_(who), Assignment.closed_on.is_(None))


def lines_of(who: Any) -> Any:
    """The lines of the people ``who`` selects (a list of ids or a SELECT of them), from
    scratch: one statement."""
    return union_all(_certifications(who), _checks(who), _assignments(who))
