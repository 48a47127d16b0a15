"""The compliance report's lapsing items, in SQL (issues 7 and 21).

What a person holds is decided here, in the database, whatever the number of people
(docs/RULES.md "Training" and "Background checks"):

- certification: per person and certification course, the verified completion that lapses last
  (expires_on, or completed_on + validity_months); a completion reported but not yet verified is
  noted as a renewal under way;
- background check: per person and check type, the clear check that lapses last (valid_until,
  or completed_on + rescreen_months); the latest check of the type (by the day it completed,
  else was requested) gives the note, and a decision waits when it is review_required or
  not_cleared.

``lapsing`` is one SELECT of those items that lapse by a date, so the page can count them by
bucket, department and manager and read one page of them sorted, while the PDF and the CSV read
every one. Dates are computed in SQL on SQLite and PostgreSQL alike (``plus_months`` clamps to
the month's last day, as ``readiness.dates.add_months`` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    BackgroundCheck,
    CheckType,
    Completion,
    ComplianceLine,
    Course,
    Department,
    Employee,
)
from app.pagination import Page
from app.readiness.dates import add_days
from app.readiness.vocabulary import ADVERSE_CHECK_STATUSES, CHECK_CLEAR, OPEN_CHECK_STATUSES
from app.reports import compliance as compliance_report
from app.services.assignments.queries import numbered, sort_keys
from app.services.joins import with_placement
from app.services.lapses import (
    BACKGROUND_CHECK,
    CERTIFICATION,
    certification_lapse,
    check_lapse,
    kind_literal,
)


def _held(
    kind: str,
    employee_id: Any,
    item_id: Any,
    expires_on: Any,
    note_on: Any = None,
    note_status: Any = None,
) -> Select:
    """The columns of a held item of ``kind`` (those of ``lapsing``, in its order), with its
    course or check type joined for the code and name; no note when None."""
    item, name = (Course, Course.title) if kind == CERTIFICATION else (CheckType, CheckType.name)
    return select(
        employee_id.label("employee_id"),
        kind_literal(kind).label("kind"),
        item_id.label("item_id"),
        item.code.label("code"),
        name.label("name"),
        expires_on.label("expires_on"),
        (cast(null(), Date) if note_on is None else note_on).label("note_on"),
        (cast(null(), String) if note_status is None else note_status).label("note_status"),
    ).join(item, item.id == item_id)


def _in(column: Any, population: Select | None) -> Any:
    return true() if population is None else column.in_(population)


def _certifications(population: Select | None, as_of: date, notes: bool) -> Select:
    """Per person and certification course: the latest lapse of a verified completion, and
    (``notes``) the latest day a renewal was reported (pending verification)."""
    lapse = certification_lapse()
    verified = Completion.verification == "verified"
    reported = func.max(case((~verified, Completion.completed_on)))
    per_course = (
        select(
            Completion.employee_id.label("employee_id"),
            Completion.course_id.label("course_id"),
            type_coerce(func.max(case((verified, lapse))), Date).label("expires_on"),
            (reported if notes else cast(null(), Date)).label("reported_on"),
        )
        .join(Course, Course.id == Completion.course_id)
        .where(
            _in(Completion.employee_id, population),
            Course.validity_months.is_not(None),
            Completion.completed_on <= as_of,
            Completion.verification.in_(("verified", "pending") if notes else ("verified",)),
        )
        .group_by(Completion.employee_id, Completion.course_id)
        .subquery("held_course")
    )
    held = per_course.c
    return _held(
        CERTIFICATION, held.employee_id, held.course_id, held.expires_on, held.reported_on
    ).where(held.expires_on.is_not(None))


def _check_day(check: Any, as_of: date) -> Any:
    """The day a check counts from on ``as_of``: completed by then, else requested."""
    completed = check.completed_on
    return case(
        (completed.is_not(None) & (completed <= as_of), completed), else_=check.requested_on
    )


def latest_checks(population: Select | None, as_of: date) -> Any:
    """Every check requested by ``as_of``, ranked per person and type (``newest`` 1: the latest,
    by the day it completed, else was requested, then by id), as a subquery."""
    when = _check_day(BackgroundCheck, as_of)
    newest = func.row_number().over(
        partition_by=(BackgroundCheck.employee_id, BackgroundCheck.check_type_id),
        order_by=(when.desc(), BackgroundCheck.id.desc()),
    )
    return (
        select(
            BackgroundCheck.employee_id.label("employee_id"),
            BackgroundCheck.check_type_id.label("check_type_id"),
            BackgroundCheck.status.label("status"),
            type_coerce(when, Date).label("on"),
            newest.label("newest"),
        )
        .where(_in(BackgroundCheck.employee_id, population))
        .where(BackgroundCheck.requested_on <= as_of)
        .subquery("latest_check")
    )


def _checks(population: Select | None, as_of: date, notes: bool) -> Select:
    """Per person and check type: the latest lapse of a clear check, and (``notes``) the status
    and day of the latest check of the type."""
    completed = BackgroundCheck.completed_on
    lapse = check_lapse()
    clear = (
        select(
            BackgroundCheck.employee_id.label("employee_id"),
            BackgroundCheck.check_type_id.label("check_type_id"),
            type_coerce(func.max(lapse), Date).label("expires_on"),
        )
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(
            _in(BackgroundCheck.employee_id, population),
            BackgroundCheck.requested_on <= as_of,
            BackgroundCheck.status == CHECK_CLEAR,
            completed.is_not(None),
            completed <= as_of,
        )
        .group_by(BackgroundCheck.employee_id, BackgroundCheck.check_type_id)
        .subquery("held_check")
    )
    note_on: Any = None
    note_status: Any = None
    if notes:
        latest = latest_checks(population, as_of)
        note_on, note_status = latest.c.on, latest.c.status
    held = clear.c
    stmt = _held(
        BACKGROUND_CHECK,
        held.employee_id,
        held.check_type_id,
        held.expires_on,
        note_on,
        note_status,
    )
    if notes:
        stmt = stmt.join(
            latest,
            and_(
                latest.c.employee_id == clear.c.employee_id,
                latest.c.check_type_id == clear.c.check_type_id,
                latest.c.newest == 1,
            ),
        )
    return stmt


def lapsing(population: Select | None, as_of: date, until: date | None, notes: bool = True) -> Any:
    """The held items of ``population`` that lapse on or before ``until`` (every held item
    when None), as a subquery: employee_id, kind, item_id (course or check type), code, name,
    expires_on, note_on, note_status (both None without ``notes``: ``notes_of`` reads them for
    a page of items)."""
    parts = [_certifications(population, as_of, notes), _checks(population, as_of, notes)]
    if until is not None:
        parts = [part.where(part.selected_columns.expires_on <= until) for part in parts]
    return union_all(*parts).cte("lapsing")


def stored_lapsing(population: Select, until: date) -> Any:
    """``lapsing`` (without notes) read from the stored compliance lines
    (app/services/compliance_lines.py): the held items of ``population`` lapsing on or before
    ``until``, a range of an index whatever the history behind them. Only on a date the lines
    hold for (``compliance_lines.current``)."""
    line = ComplianceLine
    parts = [
        _held(kind, line.employee_id, line.item_id, line.expires_on).where(
            line.kind == kind, line.expires_on <= until, line.employee_id.in_(population)
        )
        for kind in (CERTIFICATION, BACKGROUND_CHECK)
    ]
    return union_all(*parts).cte("lapsing")


def notes_of(
    employee_ids: list[int], as_of: date
) -> dict[tuple[int, str, int], tuple[date | None, str | None]]:
    """(note_on, note_status) of the held items of a few people (a page), by (person, kind,
    course or check type): the latest renewal reported of each certification course, and the
    latest check of each type (one query)."""
    if not employee_ids:
        return {}
    people = sorted(set(employee_ids))
    reported = (
        select(
            Completion.employee_id,
            kind_literal(CERTIFICATION),
            Completion.course_id,
            func.max(Completion.completed_on),
            cast(null(), String),
        )
        .where(
            Completion.employee_id.in_(people),
            Completion.verification == "pending",
            Completion.completed_on <= as_of,
        )
        .group_by(Completion.employee_id, Completion.course_id)
    )
    ranked = latest_checks(select(Employee.id).where(Employee.id.in_(people)), as_of)
    checks = select(
        ranked.c.employee_id,
        kind_literal(BACKGROUND_CHECK),
        ranked.c.check_type_id,
        ranked.c.on,
        ranked.c.status,
    ).where(ranked.c.newest == 1)
    return {
        (eid, kind, item): (on, status)
        for eid, kind, item, on, status in db.session.execute(union_all(reported, checks))
    }


def bucket(expires_on: Any, as_of: date, horizons: tuple[int, ...]) -> Any:
    """The report's bucket of a lapse date in SQL: "expired" once D >= it, else the first
    horizon (in days) it falls within."""
    whens: list[tuple[Any, str]] = [(expires_on <= as_of, "expired")]
    whens += [(expires_on <= add_days(as_of, h), str(h)) for h in horizons[:-1]]
    return case(*whens, else_=str(horizons[-1]))


def note(kind: str, note_on: date | None, note_status: str | None) -> str | None:
    """The note of a held item: a renewal reported, or what the latest check of its type is."""
    if kind == CERTIFICATION:
        return f"Renewal reported on {note_on}, awaiting verification" if note_on else None
    if note_status in OPEN_CHECK_STATUSES:
        return f"Re-screen {note_status.replace('_', ' ')} since {note_on}"
    if note_status in ADVERSE_CHECK_STATUSES:
        return f"Latest check is {note_status.replace('_', ' ')}"
    return None


def decisions(population: Select | None, as_of: date) -> Select:
    """The latest check of each person and type when it waits for an hr decision: employee_id,
    code, name, status, completed_on, findings (None once purged). The few checks of those
    statuses (an index), each with no later check of its person and type."""
    later = aliased(BackgroundCheck)
    when, later_when = _check_day(BackgroundCheck, as_of), _check_day(later, as_of)
    superseded = (
        select(later.id)
        .where(
            later.employee_id == BackgroundCheck.employee_id,
            later.check_type_id == BackgroundCheck.check_type_id,
            later.requested_on <= as_of,
            (later_when > when) | ((later_when == when) & (later.id > BackgroundCheck.id)),
        )
        .exists()
    )
    return (
        select(
            BackgroundCheck.employee_id,
            CheckType.code,
            CheckType.name,
            BackgroundCheck.status,
            BackgroundCheck.completed_on,
            case((BackgroundCheck.findings_purged_on.is_(None), BackgroundCheck.findings)).label(
                "findings"
            ),
        )
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(
            _in(BackgroundCheck.employee_id, population),
            BackgroundCheck.status.in_(ADVERSE_CHECK_STATUSES),
            BackgroundCheck.requested_on <= as_of,
            ~superseded,
        )
    )


# ----------------------------------------------------------------------------- the page

COMPLIANCE_SORTS = ("days", "name", "department", "item")
"""The orders of the page's lapsing items (each then most urgent first, by department, name)."""


def person_columns(manager: Any) -> list[Any]:
    """The columns of a ``PersonInfo``, in its order (``placed`` joins them)."""
    return [
        Employee.id,
        Employee.employee_no,
        Employee.name,
        Employee.email,
        Department.code,
        Department.name,
        manager.name,
        manager.email,
    ]


def placed(stmt: Select, manager: Any) -> Select:
    return with_placement(stmt, department=Department, manager=manager)


@dataclass(frozen=True)
class RowScreen:
    """What the page shows of the lapsing items: the search text, the order, the page."""

    q: str | None
    sort: str
    descending: bool
    page: int
    per_page: int


def page_parts(found: Any, screen: RowScreen) -> dict[str, Select]:
    """The SELECTs of one page of the lapsing items ``found`` (without notes), searched and
    sorted in SQL, each row with its place in the order; and, when searched, of their count."""
    manager = aliased(Employee)
    stmt = placed(
        select(*person_columns(manager), *list(found.c)[1:])
        .select_from(found)
        .join(Employee, Employee.id == found.c.employee_id),
        manager,
    )
    parts: dict[str, Select] = {}
    if screen.q:
        escaped = screen.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(
            or_(
                *(
                    func.lower(column).like(f"%{escaped}%", escape="\\")
                    for column in (
                        Employee.name,
                        Employee.employee_no,
                        Department.name,
                        found.c.name,
                        found.c.code,
                    )
                )
            )
        )
        parts["total"] = select(func.count()).select_from(stmt.subquery())
    first = {
        "days": [found.c.expires_on, Employee.name],
        "name": [func.lower(Employee.name), found.c.expires_on],
        "department": [func.lower(func.coalesce(Department.name, "")), found.c.expires_on],
        "item": [func.lower(found.c.name), found.c.expires_on],
    }[screen.sort if screen.sort in COMPLIANCE_SORTS else "days"]
    keys = sort_keys(
        first,
        screen.descending,
        (
            found.c.expires_on,
            func.coalesce(Department.name, ""),
            Employee.name,
            Employee.id,
            found.c.code,
            found.c.kind,
        ),
    )
    # an ORDER BY with LIMIT: only the rows up to the page are kept while sorting
    parts["page"] = numbered(
        stmt, keys, limit=screen.per_page, offset=(screen.page - 1) * screen.per_page
    )
    return parts


def page_of(rows: list[tuple[Any, ...]], total: int, as_of: date, screen: RowScreen) -> Page:
    """The page of the rows ``page_parts`` read, in their order, with their items' notes."""
    rows = sorted(rows, key=lambda row: row[-1])
    notes = notes_of([row[0] for row in rows], as_of)
    items = []
    for row in rows:
        kind, item_id, code, name, expires = row[8:13]
        if isinstance(expires, str):  # a date read back through a UNION on SQLite
            expires = date.fromisoformat(expires)
        on, status = notes.get((row[0], kind, item_id), (None, None))
        held = compliance_report.HeldItem(row[0], kind, code, name, expires, note(kind, on, status))
        items.append(
            compliance_report.lapsing_row(compliance_report.PersonInfo(*row[:8]), held, as_of)
        )
    return Page(items=items, total=total, page=screen.page, per_page=screen.per_page)
