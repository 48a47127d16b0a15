"""A population's readiness facts, loaded in bulk (DESIGN.md "Bulk first").

Facts for N employees load with one query per record table, each filtered by the same employee
ids or subquery, whatever N is; evaluation then runs in memory.
"""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, true

from app import models
from app import readiness as core
from app.extensions import db
from app.tuition import rules as tuition_rules

# Approved funding counts towards readiness: the amount is reserved (finance approved, studies
# completed, documents missing) or paid back. Requests still on their way are planned.
APPROVED_TUITION_STATES = (*sorted(tuition_rules.RESERVING_STATES), tuition_rules.REIMBURSED)
PLANNED_TUITION_STATES = (
    tuition_rules.SUBMITTED,
    tuition_rules.MANAGER_APPROVED,
    tuition_rules.HR_APPROVED,
)

Employees = Select | Sequence[int]  # a select of employee ids, or the ids themselves
Rows = Callable[[Select], Sequence[Any]]
Grouped = dict[int, list[Any]]


def _ids_filter(column: Any, employees: Employees) -> Any:
    if isinstance(employees, Select):
        return column.in_(employees)
    return column.in_(list(employees))


def _on_or_before(column: Any, as_of: date | None) -> Any:
    return column <= as_of if as_of is not None else true()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Keep CPython's cyclic garbage collector away from a bulk load and evaluation.

    Bulk readiness allocates hundreds of thousands of small immutable objects that form no
    reference cycles; the collector would rescan them again and again as they accumulate
    (more than half of the time at 10,000 people, BENCHMARKS.md), and once more in the first
    collection after it resumes (0.1 s at 10,000 people). So it pauses, and on the way out what
    the work left alive is frozen (``gc.freeze``): reference counting still frees it, the
    collector just never scans it. The next bulk run unfreezes it first, so any cycle among it
    is still collected by a later full collection.
    """
    if not gc.isenabled():
        yield
        return
    gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _shared(found: Sequence[Any], make: Callable[..., Any]) -> Grouped:
    """Facts per employee from (employee_id, *values) rows; equal values are one object."""
    grouped: Grouped = defaultdict(list)
    known: dict[tuple[Any, ...], Any] = {}
    for eid, *values in found:
        key = tuple(values)
        fact = known.get(key)
        if fact is None:
            fact = known[key] = make(*values)
        grouped[eid].append(fact)
    return grouped


def _of(record: Any, target: Any, foreign_key: Any, employees: Employees, *columns: Any) -> Select:
    """Rows (employee id, the target's code, *columns) of ``record`` for ``employees``."""
    return (
        select(record.employee_id, target.code, *columns)
        .join(target, target.id == foreign_key)
        .where(_ids_filter(record.employee_id, employees))
    )


def _completions(rows: Rows, employees: Employees, as_of: date | None) -> Grouped:
    """Verified completions only."""
    c = models.Completion
    return _shared(
        rows(
            _of(c, models.Course, c.course_id, employees, c.completed_on, c.expires_on)
            .where(c.verification == "verified")
            .where(_on_or_before(c.completed_on, as_of))
        ),
        core.Completion,
    )


def _ratings(rows: Rows, employees: Employees, as_of: date | None) -> Grouped:
    """On one date, self-ratings never count (docs/RULES.md) and stay in the database."""
    r = models.CompetencyRating
    return _shared(
        rows(
            _of(
                r, models.Competency, r.competency_id, employees, r.level, r.rated_on, r.source
            ).where(
                _on_or_before(r.rated_on, as_of) & (r.source != "self")
                if as_of is not None
                else true()
            )
        ),
        core.Rating,
    )


def _checks(rows: Rows, employees: Employees, as_of: date | None) -> Grouped:
    k = models.BackgroundCheck
    return _shared(
        rows(
            _of(
                k,
                models.CheckType,
                k.check_type_id,
                employees,
                k.status,
                k.completed_on,
                k.valid_until,
                k.requested_on,
            ).where(k.completed_on.is_(None) | _on_or_before(k.completed_on, as_of))
        ),
        core.Check,
    )


def _assessments(rows: Rows, employees: Employees, as_of: date | None) -> Grouped:
    """On one date, unscored assessments stay in the database."""
    a = models.Assessment
    assessments: Grouped = defaultdict(list)
    for eid, code, conducted_on, overall in rows(
        _of(a, models.Instrument, a.instrument_id, employees, a.conducted_on, a.overall).where(
            _on_or_before(a.conducted_on, as_of) & a.overall.is_not(None)
            if as_of is not None
            else true()
        )
    ):
        assessments[eid].append(
            core.Assessment(
                instrument=code,
                conducted_on=conducted_on,
                overall=float(overall) if overall is not None else None,
            )
        )
    return assessments


def _education(rows: Rows, employees: Employees, as_of: date | None) -> Grouped:
    e = models.EducationRecord
    education: Grouped = defaultdict(list)
    for eid, code, completed_on in rows(
        _of(e, models.QualificationType, e.qualification_id, employees, e.completed_on).where(
            _on_or_before(e.completed_on, as_of)
        )
    ):
        education[eid].append(core.Education(qualification=code, completed_on=completed_on))
    return education


def _funded_studies(rows: Rows, employees: Employees, as_of: date | None) -> Grouped:
    """On one date, tuition that is not approved yet stays in the database."""
    states = APPROVED_TUITION_STATES
    if as_of is None:
        states = APPROVED_TUITION_STATES + PLANNED_TUITION_STATES
    t = models.TuitionRequest
    funded: Grouped = defaultdict(list)
    for eid, code, ends_on, state, tuition, fees, books in rows(
        _of(
            t,
            models.QualificationType,
            t.qualification_id,
            employees,
            t.ends_on,
            t.state,
            t.tuition,
            t.fees,
            t.books,
        ).where(t.state.in_(states))
    ):
        funded[eid].append(
            core.FundedStudy(
                qualification=code,
                ends_on=ends_on,
                approved=state in APPROVED_TUITION_STATES,
                cost=Decimal(tuition or 0) + Decimal(fees or 0) + Decimal(books or 0),
            )
        )
    return funded


def load_facts(employees: Employees, as_of: date | None = None) -> dict[int, core.EmployeeFacts]:
    """Facts of many employees with one query per record table (DESIGN.md "Bulk first").

    ``employees`` is a list of ids or a select of employee ids. Only verified completions are
    loaded. With ``as_of`` (readiness on that one date), the facts the core ignores on it stay
    in the database: self-ratings (docs/RULES.md: never count), facts dated after ``as_of``,
    unscored assessments and tuition that is not approved yet. Equal facts are one shared
    object, which is cheaper to build and lets ``core.evaluate_many`` share results.
    """
    db.session.flush()  # what session.execute's autoflush would do
    connection = db.session.connection()

    def rows(stmt: Select) -> Sequence[Any]:
        # Core rows on the session's own transaction, fetched at once: the ORM result layer
        # and row-at-a-time fetching add nothing here but time.
        return connection.execute(stmt).all()

    people = rows(
        select(models.Employee.id, models.JobRole.code, models.Employee.role_since)
        .outerjoin(models.JobRole, models.JobRole.id == models.Employee.job_role_id)
        .where(_ids_filter(models.Employee.id, employees))
    )
    completions = _completions(rows, employees, as_of)
    ratings = _ratings(rows, employees, as_of)
    checks = _checks(rows, employees, as_of)
    assessments = _assessments(rows, employees, as_of)
    education = _education(rows, employees, as_of)
    funded = _funded_studies(rows, employees, as_of)
    nothing: tuple[Any, ...] = ()
    return {
        eid: core.EmployeeFacts(
            employee_id=eid,
            role=role,
            role_since=since,
            completions=tuple(completions[eid]) if eid in completions else nothing,
            ratings=tuple(ratings[eid]) if eid in ratings else nothing,
            checks=tuple(checks[eid]) if eid in checks else nothing,
            assessments=tuple(assessments[eid]) if eid in assessments else nothing,
            education=tuple(education[eid]) if eid in education else nothing,
            funded_studies=tuple(funded[eid]) if eid in funded else nothing,
        )
        for eid, role, since in people
    }
