"""Assignments with their status on a date, in bulk (docs/RULES.md "Assignments").

Two queries whatever the number of people: the assignments (with the person, department,
course and rule columns joined) and the latest verified completions of their courses. The
assignments list, the compliance report, the team page, the person's home and plan and the
API all read these rows, so their counts agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    CompoundSelect,
    Date,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.types import NullType

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRule,
    Completion,
    ComplianceLine,
    Course,
    Department,
    Employee,
    JobRole,
)
from app.readiness.assignments import (
    NOT_REQUIRED,
    OVERDUE,
    STATUSES,
    AssignmentStatus,
    Held,
    assignment_status,
    status_parts,
)
from app.reports.compliance import PersonInfo
from app.services.lapses import latest_completion

STATUS_LABELS = {
    "done": "Done",
    "recertify": "Recertify",
    "due": "Due",
    "overdue": "Overdue",
    "not_required": "Not required",
}
"""The words of the statuses, once (pages, PDF and CSV headings)."""


class AssignmentRow(NamedTuple):
    """One assignment as every list shows it, with its status on ``as_of`` (a named tuple:
    built in bulk, hundreds of thousands at a time, it costs a fifth of a frozen dataclass)."""

    id: int
    employee_id: int
    employee_no: str
    name: str
    manager_id: int | None
    department: str | None
    role: str | None
    course_id: int
    course_code: str
    course_title: str
    due_on: date
    opened_on: date
    closed_on: date | None
    status: str
    days_overdue: int

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def owed(self) -> bool:
        return self.status in ("due", "overdue")

    @property
    def overdue_since(self) -> date | None:
        """The first day it was overdue (the day after it was due)."""
        if self.status != OVERDUE:
            return None
        return self.due_on + timedelta(days=1)


@dataclass(frozen=True)
class Filters:
    """What the assignments list narrows to (each optional)."""

    department: str | None = None  # department code
    course: str | None = None  # course code
    role: str | None = None  # job role code
    status: str | None = None
    employee_id: int | None = None
    rule_id: int | None = None
    search: str | None = None
    include_closed: bool = False

    @property
    def active(self) -> bool:
        return any(
            (self.department, self.course, self.role, self.status, self.search, self.employee_id)
        )


def _attrs(model: Any, *names: str) -> list[Any]:
    return [getattr(model, name) for name in names]


def _base(filters: Filters, within: Select | None) -> Select:
    department = aliased(Department)
    role = aliased(JobRole)
    stmt = select(
        *_attrs(Assignment, "id", "employee_id"),
        *_attrs(Employee, "employee_no", "name", "manager_id"),
        *(department.name, role.title),
        *_attrs(Course, "id", "code", "title"),
        *_attrs(Assignment, "due_on", "opened_on", "closed_on"),
        AssignmentRule.recertify_days,
    )
    for target, on in (
        (Employee, Employee.id == Assignment.employee_id),
        (Course, Course.id == Assignment.course_id),
        (AssignmentRule, AssignmentRule.id == Assignment.rule_id),
    ):
        stmt = stmt.join(target, on)
    # the person's department and current role, when they have one
    stmt = stmt.outerjoin(department, department.id == Employee.department_id)
    stmt = stmt.outerjoin(role, role.id == Employee.job_role_id)
    stmt = stmt.where(Employee.status != "terminated")
    if not (filters.include_closed or filters.status == NOT_REQUIRED):
        stmt = stmt.where(Assignment.closed_on.is_(None))
    elif filters.status == NOT_REQUIRED:
        stmt = stmt.where(Assignment.closed_on.is_not(None))
    if filters.department:
        stmt = stmt.where(department.code == filters.department)
    if filters.course:
        stmt = stmt.where(Course.code == filters.course)
    if filters.role:
        stmt = stmt.where(role.code == filters.role)
    if filters.employee_id is not None:
        stmt = stmt.where(Assignment.employee_id == filters.employee_id)
    if filters.rule_id is not None:
        stmt = stmt.where(Assignment.rule_id == filters.rule_id)
    if filters.search:
        like = f"%{filters.search.lower()}%"
        stmt = stmt.where(or_(Employee.name.ilike(like), Employee.employee_no.ilike(like)))
    if within is not None:
        stmt = stmt.where(Assignment.employee_id.in_(within))
    return stmt.order_by(
        department.name.is_(None),
        department.name,
        Employee.name,
        Employee.id,
        Course.code,
        Assignment.id,
    )


IN_LIST_LIMIT = 2_000
"""Above this many ids a query restricts by a subquery, not a list of bound parameters."""


def _rows(stmt: Select | CompoundSelect) -> list[Any]:
    """Plain Core rows of ``stmt`` (no ORM row processing), after the session's autoflush."""
    session = db.session()
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return list(session.connection().execute(stmt).all())


def _tuples(
    stmt: Select | CompoundSelect,
) -> tuple[list[tuple[Any, ...]], Callable[[Any], date]]:
    """The DBAPI's own tuples of ``stmt`` (no Row objects, no result processing: issue 21, at
    50,000 people SQLAlchemy's Row handling of 200,000 rows cost a second), and the function
    that makes a date of one of their date columns (SQLite's driver answers text)."""
    session = db.session()
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    connection = session.connection()
    result = connection.execute(stmt)
    try:
        rows: list[tuple[Any, ...]] = list(result.cursor.fetchall()) if result.cursor else []
    finally:
        result.close()
    if connection.dialect.name == "sqlite":
        return rows, date.fromisoformat
    return rows, _same


def _same(value: Any) -> Any:
    return value


def latest_completions(
    employee_ids: Iterable[int] | Select | None, course_ids: Iterable[int], as_of: date
) -> dict[tuple[int, int], Held]:
    """Each person's latest verified completion of each course, on or before ``as_of`` (one
    query; ``employee_ids`` a list, a SELECT of them used as a subquery, or None: everyone)."""
    courses = sorted(set(course_ids))
    if not courses:
        return {}
    people: Any = employee_ids
    if employee_ids is not None and not isinstance(employee_ids, Select):
        people = sorted(set(employee_ids))
    newest = (
        func.row_number()
        .over(
            partition_by=(Completion.employee_id, Completion.course_id),
            order_by=(Completion.completed_on.desc(), Completion.id.desc()),
        )
        .label("newest")
    )
    ranked = (
        select(
            Completion.employee_id,
            Completion.course_id,
            Completion.completed_on,
            Completion.expires_on,
            newest,
        )
        .where(
            true() if people is None else Completion.employee_id.in_(people),
            Completion.course_id.in_(courses),
            Completion.verification == "verified",
            Completion.completed_on <= as_of,
        )
        .subquery()
    )
    # only the latest of each person and course leaves the database (a window function)
    rows, day = _tuples(
        select(
            ranked.c.employee_id, ranked.c.course_id, ranked.c.completed_on, ranked.c.expires_on
        ).where(ranked.c.newest == 1)
    )
    return {
        (eid, cid): (day(done), None if expires is None else day(expires))
        for eid, cid, done, expires in rows
    }


def status_of(
    due_on: date, held: Held | None, as_of: date, recertify_days: int, closed_on: date | None
) -> AssignmentStatus:
    if closed_on is not None:
        return AssignmentStatus(NOT_REQUIRED, due_on)
    return assignment_status(due_on, held, as_of, recertify_days=recertify_days)


def assignment_rows(
    as_of: date,
    filters: Filters | None = None,
    *,
    within: Select | None = None,
) -> list[AssignmentRow]:
    """The assignments matching ``filters`` (of the people ``within`` selects), with their
    status on ``as_of``: two queries, set-based (issue 21: 50,000 people x 5 rules).

    The rows are plain Core tuples; the completions are restricted by the people's ids, above
    ``IN_LIST_LIMIT`` of them by a subquery of the same assignments, and for the whole
    organisation only by course."""
    filters = filters or Filters()
    stmt = _base(filters, within)
    found, day = _tuples(stmt)
    if not found:
        return []
    ids = {row[1] for row in found}
    people: Iterable[int] | Select | None = ids
    if within is None and not filters.active and not filters.rule_id:
        people = None
    elif len(ids) > IN_LIST_LIMIT:
        people = stmt.with_only_columns(Assignment.employee_id).order_by(None).distinct()
    held = latest_completions(people, {row[7] for row in found}, as_of).get
    wanted = filters.status if filters.status in STATUSES else None
    windows: dict[int, timedelta] = {}
    rows: list[AssignmentRow] = []
    append = rows.append
    make = tuple.__new__  # a named tuple of a plain tuple, without its Python-level __new__
    for row in found:
        closed_on = row[12]
        if closed_on is not None:
            closed_on = day(closed_on)
            status, due_on, late = NOT_REQUIRED, day(row[10]), 0
        else:
            days = row[13]
            window = windows.get(days)
            if window is None:
                window = windows[days] = timedelta(days=days)
            due = day(row[10])
            status, due_on, late = status_parts(due, held((row[1], row[7])), as_of, window)
        if wanted and status != wanted:
            continue
        append(make(AssignmentRow, (*row[:10], due_on, day(row[11]), closed_on, status, late)))
    return rows


@dataclass(frozen=True)
class DepartmentCount:
    department: str | None
    people: int
    due: int
    overdue: int
    done: int
    recertify: int


def by_department(rows: Iterable[AssignmentRow]) -> list[DepartmentCount]:
    """Counts of assignments per department and status: the figures the compliance report
    and the assignments list both show."""
    groups: dict[str | None, list[AssignmentRow]] = {}
    for row in rows:
        groups.setdefault(row.department, []).append(row)
    counts = []
    for department, group in groups.items():
        statuses = [r.status for r in group]
        counts.append(
            DepartmentCount(
                department,
                len({r.employee_id for r in group}),
                statuses.count("due"),
                statuses.count("overdue"),
                statuses.count("done"),
                statuses.count("recertify"),
            )
        )
    return sorted(counts, key=lambda c: (c.department is None, c.department or ""))


def assignments_of(
    employee_id: int, as_of: date, *, include_closed: bool = True
) -> list[AssignmentRow]:
    """One person's assignments, open first by due date, then closed ones (history)."""
    rows = assignment_rows(as_of, Filters(employee_id=employee_id, include_closed=include_closed))
    return sorted(rows, key=lambda r: (r.closed_on is not None, r.due_on, r.course_code, r.id))


# ----------------------------------------------------------------------------- owed, in SQL


@dataclass(frozen=True)
class OwedLine:
    """One due or overdue assignment of a page (issue 21: the compliance page pages in SQL),
    with the person as every compliance list shows them."""

    person: PersonInfo
    course_code: str
    course_title: str
    due_on: date
    status: str
    days_overdue: int


OWED_SORTS = ("due", "name", "department", "course")
"""The orders of the owed list: overdue longest first (then due soonest), person, department,
course."""


def together(parts: dict[str, Select]) -> dict[str, list[tuple[Any, ...]]]:
    """Several SELECTs as one statement, their rows by part: a common table expression they all
    read is computed once (SQLite and PostgreSQL materialize one read more than once). Each
    part's columns get their own positions of a UNION ALL, NULL (of the same type) in the rows
    of the other parts. The rows are the driver's tuples: a date is text on SQLite."""
    columns = {tag: list(part.selected_columns) for tag, part in parts.items()}
    every = [column for tag in parts for column in columns[tag]]
    members = []
    start = 0
    spans: dict[str, tuple[int, int]] = {}
    for tag, part in parts.items():
        sub = part.subquery()
        end = start + len(columns[tag])
        spans[tag] = (start + 1, end + 1)
        values = [
            (sub.c[position - start] if start <= position < end else _typed_null(c.type))
            for position, c in enumerate(every)
        ]
        label = literal_column(f"'{tag}'", String).label("part")
        members.append(
            select(label, *(v.label(f"c{n}") for n, v in enumerate(values))).select_from(sub)
        )
        start = end
    found: dict[str, list[tuple[Any, ...]]] = {tag: [] for tag in parts}
    # the driver's own tuples (SQLite answers dates as text): no Row object per row, so the
    # thousands of rows of a page's counts leave nothing for the cyclic collector to follow
    rows, _ = _tuples(union_all(*members))
    for row in rows:
        first, last = spans[row[0]]
        found[row[0]].append(tuple(row[first:last]))
    return found


def _typed_null(kind: Any) -> Any:
    """NULL of ``kind``, spelled out (PostgreSQL resolves a UNION's column types pair by pair:
    an untyped NULL in two parts would become text)."""
    if isinstance(kind, NullType):
        return null()
    return cast(null(), kind)


def _of_people_in_scope(
    within: Select | None, assignment_id: Any, employee_id: Any, course_id: Any, due_on: Any
) -> Select:
    """The columns of an owed assignment (id, employee_id, course_id, due_on, department_id)
    of the people in scope (``within``, or everyone) who have not left."""
    stmt = (
        select(
            assignment_id.label("id"),
            employee_id.label("employee_id"),
            course_id.label("course_id"),
            due_on.label("due_on"),
            Employee.department_id.label("department_id"),
        )
        .join(Employee, Employee.id == employee_id)
        .where(Employee.status != "terminated")
    )
    return stmt if within is None else stmt.where(employee_id.in_(within))


def _owed(as_of: date, within: Select | None) -> Any:
    """The open assignments still owed on ``as_of`` with their effective due date, as a
    subquery: ``status_parts`` in SQL (not done: no verified completion on or before D whose
    latest has not expired; owed again from the later of the due date and that expiry).

    Each assignment's latest verified completion is looked up once (a common table expression:
    its expiry, the calendar's last day when it never expires, NULL when there is none), so
    the counts and a page read in one statement share it (``owed_screen``)."""
    latest = latest_completion(
        lambda done: func.coalesce(done.expires_on, literal(date.max, Date)), as_of
    )
    stmt = _of_people_in_scope(
        within, Assignment.id, Assignment.employee_id, Assignment.course_id, Assignment.due_on
    )
    base = (
        stmt.add_columns(type_coerce(latest, Date).label("latest"))
        .where(Assignment.closed_on.is_(None))
        .cte("open_assignment")
    )
    effective = case((base.c.latest > base.c.due_on, base.c.latest), else_=base.c.due_on)
    return (
        select(
            base.c.id,
            base.c.employee_id,
            base.c.course_id,
            type_coerce(effective, Date).label("due_on"),
            base.c.department_id,
        )
        .where(or_(base.c.latest.is_(None), base.c.latest <= as_of))
        .subquery("owed")
    )


def _stored_owed(as_of: date, within: Select | None) -> Any:
    """``_owed`` read from the stored compliance lines (app/services/compliance_lines.py): the
    open assignments owed on ``as_of`` (owed from that day or before) with their due date, a
    range of an index. Only on a date the lines hold for (``compliance_lines.current``)."""
    line = ComplianceLine
    stmt = _of_people_in_scope(
        within, line.item_id, line.employee_id, line.course_id, line.due_on
    ).where(line.kind == "assignment", line.owed_from <= as_of)
    # read once for the counts, the total and the page (a common table expression)
    return stmt.cte("owed")


def _counted(owed: Any, as_of: date) -> Select:
    """(department code, name, due, overdue): counted per department id, then named."""
    late = func.sum(case((owed.c.due_on < as_of, 1), else_=0))
    per = (
        select(owed.c.department_id, func.count().label("owed"), late.label("late"))
        .group_by(owed.c.department_id)
        .subquery("per_department")
    )
    return select(
        Department.code, Department.name, per.c.owed - per.c.late, per.c.late
    ).select_from(per.outerjoin(Department, Department.id == per.c.department_id))


def _counts(rows: Iterable[Any]) -> list[tuple[str | None, str, int, int]]:
    """(department code, name, due, overdue) by department name, "No department" last."""
    found = sorted(rows, key=lambda r: (r[1] is None, r[1] or ""))
    return [(code, name or "No department", int(due), int(over)) for code, name, due, over in found]


def owed_counts(
    as_of: date, within: Select | None = None
) -> list[tuple[str | None, str, int, int]]:
    """(department code, name, due, overdue) of the owed assignments of ``within``, by
    department name (one query)."""
    return _counts(_rows(_counted(_owed(as_of, within), as_of)))


def _paged(owed: Any, *, sort: str, descending: bool, page: int, per_page: int) -> Select:
    """Page ``page`` of ``owed`` (the last page when past it) with the person and course, and
    each row's place in the order.

    An ORDER BY with LIMIT and OFFSET: the database keeps only the rows up to the page while it
    sorts (issue 21: a window over every owed assignment sorted and numbered them all); the
    page's own rows are then numbered in the same order."""
    manager = aliased(Employee)
    orders = {
        "due": [owed.c.due_on],
        "name": [func.lower(Employee.name)],
        "department": [Department.name.is_(None), func.lower(Department.name)],
        "course": [func.lower(Course.title)],
    }[sort if sort in OWED_SORTS else "due"]
    keys = sort_keys(
        orders,
        descending,
        (
            owed.c.due_on,
            func.coalesce(Department.name, ""),
            Employee.name,
            Employee.id,
            Course.code,
            owed.c.id,
        ),
    )
    # counted once (a common table expression read three times), not once per reference
    counted = select(func.count().label("owed")).select_from(owed).cte("owed_total")
    total = select(counted.c.owed).scalar_subquery()
    wanted = (page - 1) * per_page
    skip = case((total > wanted, wanted), (total > 0, (total - 1) // per_page * per_page), else_=0)
    columns = [
        Employee.id,
        Employee.employee_no,
        Employee.name,
        Employee.email,
        Department.code,
        Department.name.label("department_name"),
        manager.name.label("manager_name"),
        manager.email.label("manager_email"),
        Course.code.label("course_code"),
        Course.title,
        owed.c.due_on,
    ]
    return numbered(
        select(*columns)
        .select_from(owed)
        .join(Employee, Employee.id == owed.c.employee_id)
        .join(Course, Course.id == owed.c.course_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .outerjoin(manager, manager.id == Employee.manager_id),
        keys,
        limit=per_page,
        offset=skip,
    )


def sort_keys(
    chosen: Iterable[Any], descending: bool, ties: Iterable[Any]
) -> list[tuple[Any, bool]]:
    """The order of a list page for ``numbered``: the columns of the sort the user chose, in
    its direction, then the columns that break ties, ascending, to a total order."""
    return [(key, descending) for key in chosen] + [(key, False) for key in ties]


def numbered(stmt: Select, keys: list[tuple[Any, bool]], *, limit: int, offset: Any) -> Select:
    """The rows of ``stmt`` from ``offset`` (a number or an SQL expression), at most ``limit``,
    in the order of ``keys`` ((expression, descending), a total order), each with its place
    among them last (``place``): an ORDER BY with LIMIT, the few rows then numbered."""
    labelled = [key.label(f"order_{n}") for n, (key, _) in enumerate(keys)]
    shown = len(stmt.selected_columns)
    inner = (
        stmt.add_columns(*labelled)
        .order_by(*[key.desc() if down else key for key, down in keys])
        .limit(limit)
        .offset(offset)
        .subquery("placed")
    )
    outer = list(inner.c)
    place = func.row_number().over(
        order_by=[
            outer[shown + n].desc() if down else outer[shown + n]
            for n, (_, down) in enumerate(keys)
        ]
    )
    return select(*outer[:shown], place.label("place"))


def _lines(rows: Iterable[Any], as_of: date) -> list[OwedLine]:
    lines = []
    for row in sorted(rows, key=lambda r: r[-1]):
        code, title, due_on = row[8:11]
        if isinstance(due_on, str):  # a date read back through a UNION on SQLite
            due_on = date.fromisoformat(due_on)
        late = (as_of - due_on).days if due_on < as_of else 0
        status = OVERDUE if late else "due"
        lines.append(OwedLine(PersonInfo(*row[:8]), code, title, due_on, status, late))
    return lines


def owed_screen(
    as_of: date,
    within: Select | None,
    *,
    sort: str = "due",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
    stored: bool = False,
) -> tuple[list[tuple[str | None, str, int, int]], list[OwedLine]]:
    """``owed_counts`` and one page of the owed assignments of ``within``, sorted in SQL, in one
    statement: each assignment's latest completion looked up once for both (issue 21, the
    compliance page); with ``stored``, read from the stored compliance lines."""
    owed = _stored_owed(as_of, within) if stored else _owed(as_of, within)
    found = together(
        {
            "counts": _counted(owed, as_of),
            "page": _paged(owed, sort=sort, descending=descending, page=page, per_page=per_page),
        }
    )
    return _counts(found["counts"]), _lines(found["page"], as_of)
