"""The compliance report (pure): certifications and background checks that lapse.

Issue 7: the certifications and background checks that are expired, or expire within 30, 60 or
90 days, per person and per department, with who to chase. docs/RULES.md "Training" and
"Background checks": expired once D >= expires_on (valid_until); "Reminders": the employee is
reminded of everything, the manager from 30 days, hr of the expired ones, which is who this
report says to chase.

What counts as a held item is decided in SQL (``reports.lapsing``, read by
``sources.compliance_items`` and ``sources.compliance_page``): the verified completion per
person and certification course, and the clear check per person and check type, that lapse
last. The report also lists checks that wait for an hr decision
(review_required, not_cleared); their findings appear only when the reader may see them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.kernel.words import plural
from app.readiness.vocabulary import KIND_LABELS
from app.reports import charts

HORIZONS = (30, 60, 90)
BUCKET_LABELS = {
    "expired": "Expired",
    "30": "Within 30 days",
    "60": "In 31-60 days",
    "90": "In 61-90 days",
}
BUCKET_TONES = {"expired": "bad", "30": "warn", "60": "info", "90": "light"}
MANAGER_FROM_DAYS = 30


@dataclass(frozen=True)
class PersonInfo:
    employee_id: int
    employee_no: str
    name: str
    email: str
    department_code: str | None
    department_name: str | None
    manager_name: str | None
    manager_email: str | None


@dataclass(frozen=True)
class HeldItem:
    """A certification or clear check a person holds, with the date it lapses."""

    employee_id: int
    kind: str  # "certification" | "background_check"
    code: str
    name: str
    expires_on: date
    note: str | None = None  # e.g. a renewal that is already under way


@dataclass(frozen=True)
class PendingDecision:
    """A check waiting for an hr decision; ``findings`` only for readers who may see them."""

    employee_id: int
    code: str
    name: str
    status: str
    completed_on: date | None
    findings: str | None = None


@dataclass(frozen=True)
class ComplianceRow:
    person: PersonInfo
    kind: str
    kind_label: str
    code: str
    name: str
    expires_on: date
    days_left: int
    bucket: str
    bucket_label: str
    chase: str
    note: str | None


class _Counted:
    """A row of counts per bucket, and their sum."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DepartmentCounts(_Counted):
    code: str | None
    name: str
    counts: Mapping[str, int]
    people: int


@dataclass(frozen=True)
class ChaseEntry(_Counted):
    """A manager (or "no manager") and the lapsing items of the people they manage directly."""

    manager_name: str
    manager_email: str | None
    counts: Mapping[str, int]
    people: tuple[str, ...]


@dataclass(frozen=True)
class DecisionRow:
    person: PersonInfo
    code: str
    name: str
    status: str
    completed_on: date | None
    findings: str | None


@dataclass(frozen=True)
class OwedAssignment:
    """Required training a person still owes on D (docs/RULES.md "Assignments"): due or
    overdue, with the day it became overdue."""

    employee_id: int
    code: str
    name: str
    due_on: date
    status: str  # "due" | "overdue"
    days_overdue: int = 0


@dataclass(frozen=True)
class AssignmentLine:
    person: PersonInfo
    code: str
    name: str
    due_on: date
    status: str
    status_label: str
    days_overdue: int


@dataclass(frozen=True)
class AssignmentCounts:
    """Due and overdue assignments of one department (the assignments list's figures)."""

    code: str | None
    name: str
    due: int
    overdue: int


ASSIGNMENT_LABELS = {"due": "Due", "overdue": "Overdue"}


@dataclass(frozen=True)
class ComplianceReport:
    title: str
    scope: str
    as_of: date
    generated_on: date
    horizon_days: int
    rows: tuple[ComplianceRow, ...]
    departments: tuple[DepartmentCounts, ...]
    chase: tuple[ChaseEntry, ...]
    decisions: tuple[DecisionRow, ...]
    totals: Mapping[str, int]
    chart: charts.Chart
    people_in_scope: int
    assignments: tuple[AssignmentLine, ...] = ()
    assignment_departments: tuple[AssignmentCounts, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def buckets(self) -> tuple[str, ...]:
        return buckets_for(self.horizon_days)


def buckets_for(horizon_days: int) -> tuple[str, ...]:
    """The buckets shown for a horizon: expired plus each 30-day step up to the horizon."""
    return ("expired",) + tuple(str(h) for h in HORIZONS if h <= horizon_days)


def bucket_of(days_left: int) -> str | None:
    """docs/RULES.md: expired once D >= expiry (0 days left); then 1-30, 31-60, 61-90 days."""
    if days_left <= 0:
        return "expired"
    for horizon in HORIZONS:
        if days_left <= horizon:
            return str(horizon)
    return None


def chase_for(days_left: int) -> str:
    """Who to chase, as the reminders rule says who is reminded (docs/RULES.md "Reminders")."""
    if days_left <= 0:
        return "Employee, manager and HR"
    if days_left <= MANAGER_FROM_DAYS:
        return "Employee and manager"
    return "Employee"


def build_compliance_report(
    *,
    people: Mapping[int, PersonInfo],
    items: Iterable[HeldItem],
    decisions: Iterable[PendingDecision] = (),
    as_of: date,
    horizon_days: int = 90,
    generated_on: date,
    scope: str = "Whole organisation",
    assignments: Iterable[OwedAssignment] = (),
) -> ComplianceReport:
    """Items lapsing by ``as_of + horizon_days`` (or already lapsed), for ``people`` only.

    Rows are sorted most urgent first, then by department and name. Counts per department
    cover every department of the people in scope, even those with nothing to chase.
    """
    shown = _shown(horizon_days)
    rows = _lapsing_rows(people, items, as_of, shown)
    return _report(
        departments=_department_counts(people, rows, shown),
        chase=_chase_list(rows, shown),
        decisions=_decision_rows(people, decisions),
        rows=tuple(rows),
        as_of=as_of,
        horizon_days=horizon_days,
        generated_on=generated_on,
        scope=scope,
        people_in_scope=len(people),
        **_assignments(people, assignments),
    )


def _shown(horizon_days: int) -> tuple[str, ...]:
    if horizon_days not in HORIZONS:
        raise ValueError(f"The horizon is one of {HORIZONS} days.")
    return buckets_for(horizon_days)


def _report(
    *, departments: tuple[DepartmentCounts, ...], horizon_days: int, **parts: Any
) -> ComplianceReport:
    """The report of its parts, with the totals and the chart of the department counts."""
    shown = buckets_for(horizon_days)
    totals = {b: sum(d.counts[b] for d in departments) for b in shown}
    chart = charts.stacked_bar_chart(
        "Lapsing items by department",
        [(d.name, [d.counts[b] for b in shown]) for d in departments],
        [(BUCKET_LABELS[b], BUCKET_TONES[b]) for b in shown],
        description=(
            f"{totals['expired']} expired and {sum(totals.values()) - totals['expired']} "
            f"lapsing within {plural(horizon_days, 'day')} across "
            f"{plural(len(departments), 'department')}."
        ),
    )
    return ComplianceReport(
        title="Compliance report",
        horizon_days=horizon_days,
        departments=departments,
        totals=totals,
        chart=chart,
        **parts,
    )


def build_compliance_summary(
    *,
    department_people: Iterable[tuple[str | None, str | None, int]],
    bucket_counts: Iterable[tuple[str | None, str, int]],
    chase_counts: Iterable[tuple[str | None, str | None, str, str, int]],
    decision_people: Mapping[int, PersonInfo],
    decisions: Iterable[PendingDecision],
    as_of: date,
    horizon_days: int,
    generated_on: date,
    scope: str,
) -> ComplianceReport:
    """The report's summary from counts made by the database (the page, issue 21): the same
    departments, totals, chart, chase list and decisions as ``build_compliance_report``, without
    its rows (the page reads them a page at a time).

    - ``department_people``: (department code, name, people) of every department in scope;
    - ``bucket_counts``: (department code, bucket, items);
    - ``chase_counts``: (manager name, manager email, person name, bucket, items).
    """
    shown = _shown(horizon_days)
    counts: dict[str | None, dict[str, int]] = {}
    names: dict[str | None, str] = {}
    people: dict[str | None, int] = defaultdict(int)
    for code, name, count in department_people:
        names[code] = name or "No department"
        counts.setdefault(code, dict.fromkeys(shown, 0))
        people[code] += count
    for code, bucket, count in bucket_counts:
        counts[code][bucket] += count
    departments = tuple(
        sorted(
            (DepartmentCounts(key, names[key], c, people[key]) for key, c in counts.items()),
            key=lambda d: d.name,
        )
    )
    by_manager: dict[tuple[str, str | None], dict[str, int]] = {}
    manager_people: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for manager_name, manager_email, person_name, bucket, count in chase_counts:
        manager = (manager_name or "No manager", manager_email)
        by_manager.setdefault(manager, dict.fromkeys(shown, 0))[bucket] += count
        manager_people[manager].add(person_name)
    return _report(
        departments=departments,
        chase=_chase_entries(by_manager, manager_people),
        decisions=_decision_rows(decision_people, decisions),
        rows=(),
        as_of=as_of,
        horizon_days=horizon_days,
        generated_on=generated_on,
        scope=scope,
        people_in_scope=sum(people.values()),
    )


def _assignments(
    people: Mapping[int, PersonInfo], owed: Iterable[OwedAssignment]
) -> dict[str, tuple]:
    """Due and overdue assignments of people in scope, overdue first (longest first), and
    their counts for every department in scope."""
    lines = [
        AssignmentLine(
            people[a.employee_id],
            a.code,
            a.name,
            a.due_on,
            a.status,
            ASSIGNMENT_LABELS.get(a.status, a.status),
            a.days_overdue,
        )
        for a in owed
        if a.employee_id in people and a.status in ASSIGNMENT_LABELS
    ]
    lines.sort(
        key=lambda r: (
            r.status != "overdue",
            -r.days_overdue,
            r.due_on,
            r.person.department_name or "",
            r.person.name,
            r.code,
        )
    )
    names: dict[str | None, str] = {}
    for person in people.values():
        names[person.department_code] = person.department_name or "No department"
    counts = {key: [0, 0] for key in names}
    for line in lines:
        counts[line.person.department_code][line.status == "overdue"] += 1
    departments = tuple(
        sorted(
            (AssignmentCounts(key, names[key], due, late) for key, (due, late) in counts.items()),
            key=lambda d: d.name,
        )
    )
    return {"assignments": tuple(lines), "assignment_departments": departments}


def _lapsing_rows(
    people: Mapping[int, PersonInfo],
    items: Iterable[HeldItem],
    as_of: date,
    shown: Sequence[str],
) -> list[ComplianceRow]:
    """The items of people in scope that fall in a shown bucket, most urgent first."""
    rows: list[ComplianceRow] = []
    for item in items:
        person = people.get(item.employee_id)
        if person is None:
            continue
        row = lapsing_row(person, item, as_of)
        if row is not None and row.bucket in shown:
            rows.append(row)
    rows.sort(
        key=lambda r: (
            r.days_left,
            r.person.department_name or "",
            r.person.name,
            r.person.employee_id,
            r.code,
        )
    )
    return rows


def lapsing_row(person: PersonInfo, item: HeldItem, as_of: date) -> ComplianceRow | None:
    """The row of a held item of ``person`` on ``as_of``; None past the longest horizon."""
    days_left = (item.expires_on - as_of).days
    bucket = bucket_of(days_left)
    if bucket is None:
        return None
    return ComplianceRow(
        person=person,
        kind=item.kind,
        kind_label=KIND_LABELS.get(item.kind, item.kind),
        code=item.code,
        name=item.name,
        expires_on=item.expires_on,
        days_left=days_left,
        bucket=bucket,
        bucket_label=BUCKET_LABELS[bucket],
        chase=chase_for(days_left),
        note=item.note,
    )


def _department_counts(
    people: Mapping[int, PersonInfo], rows: Sequence[ComplianceRow], shown: Sequence[str]
) -> tuple[DepartmentCounts, ...]:
    """Counts per bucket for every department of the people in scope, by department name."""
    dept_counts: dict[str | None, dict[str, int]] = {}
    dept_names: dict[str | None, str] = {}
    dept_people: dict[str | None, int] = defaultdict(int)
    for person in people.values():
        key = person.department_code
        dept_names[key] = person.department_name or "No department"
        dept_counts.setdefault(key, dict.fromkeys(shown, 0))
        dept_people[key] += 1
    for row in rows:
        dept_counts[row.person.department_code][row.bucket] += 1
    return tuple(
        sorted(
            (
                DepartmentCounts(
                    code=key,
                    name=dept_names[key],
                    counts=counts,
                    people=dept_people[key],
                )
                for key, counts in dept_counts.items()
            ),
            key=lambda d: d.name,
        )
    )


def _chase_list(rows: Sequence[ComplianceRow], shown: Sequence[str]) -> tuple[ChaseEntry, ...]:
    """Who to chase per manager: most expired first, then most items, then the name."""
    by_manager: dict[tuple[str, str | None], dict[str, int]] = {}
    manager_people: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for row in rows:
        manager = (row.person.manager_name or "No manager", row.person.manager_email)
        by_manager.setdefault(manager, dict.fromkeys(shown, 0))[row.bucket] += 1
        manager_people[manager].add(row.person.name)
    return _chase_entries(by_manager, manager_people)


def _most_urgent(c: ChaseEntry) -> tuple[Any, ...]:
    return (-c.counts.get("expired", 0), -c.total, c.manager_name)


CHASE_SORTS: dict[str, Callable[[ChaseEntry], Any]] = {
    "urgent": lambda c: (-c.counts.get("expired", 0), -c.total),
    "manager": lambda c: (c.manager_name.lower(), c.manager_email or ""),
    "items": lambda c: (c.total, c.counts.get("expired", 0)),
}
"""The orders of the chase list on the page, each then by the manager's name: most expired
first (the report's own order), by manager, fewest items first; ``descending`` reverses the
first keys (most items first), never the name."""


def sorted_chase(
    chase: Sequence[ChaseEntry], sort: str, descending: bool = False
) -> list[ChaseEntry]:
    """The chase list in one of ``CHASE_SORTS`` (most expired first when unknown)."""
    by_name = sorted(chase, key=lambda c: c.manager_name)
    return sorted(by_name, key=CHASE_SORTS.get(sort, CHASE_SORTS["urgent"]), reverse=descending)


def _chase_entries(
    by_manager: Mapping[tuple[str, str | None], Mapping[str, int]],
    manager_people: Mapping[tuple[str, str | None], set[str]],
) -> tuple[ChaseEntry, ...]:
    return tuple(
        sorted(
            (
                ChaseEntry(
                    manager_name=name,
                    manager_email=email,
                    counts=counts,
                    people=tuple(sorted(manager_people[(name, email)])),
                )
                for (name, email), counts in by_manager.items()
            ),
            key=_most_urgent,
        )
    )


def _decision_rows(
    people: Mapping[int, PersonInfo], decisions: Iterable[PendingDecision]
) -> tuple[DecisionRow, ...]:
    """The checks of people in scope that wait for an hr decision, by name and code."""
    return tuple(
        sorted(
            (
                DecisionRow(
                    person=people[d.employee_id],
                    code=d.code,
                    name=d.name,
                    status=d.status,
                    completed_on=d.completed_on,
                    findings=d.findings,
                )
                for d in decisions
                if d.employee_id in people
            ),
            key=lambda d: (d.person.name, d.code),
        )
    )


def filter_rows(rows: Sequence[ComplianceRow], q: str | None) -> list[ComplianceRow]:
    """Rows whose person, department or item matches ``q`` (case-insensitive)."""
    if not q:
        return list(rows)
    needle = q.lower()
    return [
        r
        for r in rows
        if needle in r.person.name.lower()
        or needle in r.person.employee_no.lower()
        or needle in (r.person.department_name or "").lower()
        or needle in r.name.lower()
        or needle in r.code.lower()
    ]
