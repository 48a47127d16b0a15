"""Load what each report needs, in bulk, and hand it to the pure builders.

DESIGN.md "Bulk first": every loader runs a fixed number of queries whatever the number of
people. Access decisions are made by the caller with ``app.policy`` and passed in as plain
arguments (the population to cover, whether findings may be shown), so the web views, the PDF
and a future API call the same functions. Nothing here writes: reports only read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, extract, func, select
from sqlalchemy.orm import aliased

from app import clock, policy
from app import readiness as core
from app.extensions import db
from app.kernel.fields import to_date
from app.models import (
    BackgroundCheck,
    CheckType,
    Department,
    Employee,
    JobRole,
    Repayment,
    TuitionRequest,
    User,
)
from app.pagination import Page
from app.readiness.dates import add_days, add_months
from app.readiness.vocabulary import ADVERSE_CHECK_STATUSES, OPEN_CHECK_STATUSES
from app.reports import compliance as compliance_report
from app.reports import fingerprint as fp
from app.reports import individual as individual_report
from app.reports import lapsing
from app.reports import team as team_report
from app.reports import tuition as tuition_report
from app.services import readiness as readiness_service
from app.services import settings
from app.services import tuition as tuition_service
from app.services.assignments.queries import together
from app.services.joins import with_placement
from app.services.readiness import bench
from app.services.readiness.seats import seat_plan

DECISION_STATUSES = ADVERSE_CHECK_STATUSES
PENDING_STATUSES = OPEN_CHECK_STATUSES
EARLIEST_AS_OF = date(2000, 1, 1)
LATEST_AS_OF_YEARS = 10


class ReportInputError(ValueError):
    """A report parameter is not valid; ``errors`` maps the field to its messages."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


# ----------------------------------------------------------------------------- parameters


def parse_as_of(raw: str | None, field: str = "as_of", *, required: bool = False) -> date:
    """An as-of date: today when empty (unless required); a clear message for anything else."""
    today = clock.today()
    text = (raw or "").strip()
    if not text:
        if required:
            raise ReportInputError(
                "Enter the as-of date.", {field: ["Enter the as-of date printed on the report."]}
            )
        return today
    value = to_date(text)  # YYYY-MM-DD only: no week dates, no compact forms
    if value is None:
        raise ReportInputError(
            "The as-of date is not a date.",
            {field: [f"“{text[:40]}” is not a date: write it as YYYY-MM-DD, e.g. {today}."]},
        )
    latest = add_months(today, 12 * LATEST_AS_OF_YEARS)
    if not EARLIEST_AS_OF <= value <= latest:
        raise ReportInputError(
            "The as-of date is out of range.",
            {field: [f"Choose a date from {EARLIEST_AS_OF} to {latest}."]},
        )
    return value


def parse_role(raw: str | None, default: str | None) -> str:
    snapshot = readiness_service.load_catalogue()
    code = (raw or "").strip() or default
    if not code:
        raise ReportInputError("Choose a target role.", {"role": ["Choose a target role."]})
    if code not in snapshot.roles:
        raise ReportInputError(
            "Unknown role.",
            {"role": [f"There is no role “{code[:40]}”; choose one from the list."]},
        )
    return code


def parse_year(raw: str | None) -> int:
    text = (raw or "").strip()
    if not text:
        return clock.today().year
    if not (text.isascii() and text.isdigit()) or not 2000 <= int(text) <= 2100:
        raise ReportInputError(
            "The year is not valid.",
            {"year": [f"Enter a year from 2000 to 2100, not “{text[:10]}”."]},
        )
    return int(text)


def parse_horizon(raw: str | None) -> int:
    text = (raw or "").strip()
    if not text:
        return 90
    if text not in {str(h) for h in compliance_report.HORIZONS}:
        raise ReportInputError("The window is not valid.", {"days": ["Choose 30, 60 or 90 days."]})
    return int(text)


def department_options(user: User | None = None) -> list[tuple[str, str]]:
    """(code, name) of the departments a filter offers: every department, or for a manager who
    is not hr only those where someone of their part of the organisation works (a department
    outside it would only give an empty report)."""
    stmt = select(Department.code, Department.name).order_by(Department.name)
    if user is not None and not policy.is_hr(user):
        stmt = stmt.where(
            Department.id.in_(
                select(Employee.department_id).where(Employee.id.in_(bench.population_for(user)))
            )
        )
    return [(code, name) for code, name in db.session.execute(stmt)]


def parse_department(raw: str | None, user: User | None = None) -> Department | None:
    """The department asked for; with ``user``, only one that ``department_options`` offers."""
    code = (raw or "").strip()
    if not code:
        return None
    found = db.session.scalar(select(Department).where(Department.code == code))
    if found is None:
        raise ReportInputError(
            "Unknown department.",
            {"department": [f"There is no department “{code[:40]}”; choose one from the list."]},
        )
    if user is not None and code not in dict(department_options(user)):
        raise ReportInputError(
            "Department outside your part of the organisation.",
            {
                "department": [
                    f"Nobody of your part of the organisation works in {found.name}; "
                    "choose one from the list."
                ]
            },
        )
    return found


# ----------------------------------------------------------------------------- populations


def report_population(user: User, department: Department | None = None) -> tuple[Select, str]:
    """The employee ids a people report covers for ``user``, and a label of that scope.

    ``services.readiness.bench.population_for``: hr gets the whole organisation (active and on
    leave, never terminated), or one department; a manager everyone below them in the reporting tree
    (docs/RULES.md: managers see their part of the organisation), optionally narrowed to a
    department.
    """
    population = bench.population_for(user, department.code if department else None)
    if policy.is_hr(user):
        scope = department.name if department else "Whole organisation"
    else:
        scope = f"Team of {user.employee.name}"
        if department is not None:
            scope = f"{scope}, {department.name}"
    return population, scope


# ----------------------------------------------------------------------------- individual


def _person(employee: Employee) -> individual_report.Person:
    manager = aliased(Employee)
    columns = select(JobRole.code, JobRole.title, Department.name, manager.name)
    placed = with_placement(
        columns.select_from(Employee), role=JobRole, department=Department, manager=manager
    )
    row = db.session.execute(placed.where(Employee.id == employee.id)).one()
    return individual_report.Person(
        employee_id=employee.id,
        employee_no=employee.employee_no,
        name=employee.name,
        role_code=row[0],
        role_title=row[1],
        department=row[2],
        manager_name=row[3],
    )


def default_target_role(employee: Employee) -> str | None:
    """The next rung up the ladder, or the current role at the top of it."""
    snapshot = readiness_service.load_catalogue()
    current = employee.job_role.code if employee.job_role is not None else None
    return readiness_service.next_role_code(current, snapshot) or current


def _latest_findings(employee_id: int) -> dict[str, str]:
    """Findings of the latest check of each type that has findings (hr and the person only)."""
    found: dict[str, tuple[date, str]] = {}
    for code, requested_on, completed_on, findings in db.session.execute(
        select(
            CheckType.code,
            BackgroundCheck.requested_on,
            BackgroundCheck.completed_on,
            BackgroundCheck.findings,
        )
        .join(CheckType, CheckType.id == BackgroundCheck.check_type_id)
        .where(BackgroundCheck.employee_id == employee_id)
        .where(BackgroundCheck.findings.is_not(None))
        .where(BackgroundCheck.findings_purged_on.is_(None))
    ):
        when = completed_on or requested_on
        if findings and (code not in found or when >= found[code][0]):
            found[code] = (when, findings)
    return {code: text for code, (_, text) in found.items()}


@dataclass(frozen=True)
class Computation:
    """What a readiness report was computed from (also what verification recomputes)."""

    facts: core.EmployeeFacts
    role: core.Role
    result: core.ReadinessResult
    fingerprint: str
    snapshot: readiness_service.CatalogueSnapshot


def compute(employee_id: int, role_code: str, as_of: date) -> Computation:
    planned = seat_plan(as_of)
    snapshot = planned.view
    role = readiness_service.role_or_error(role_code, snapshot)
    facts = planned.facts_for(readiness_service.load_facts([employee_id], as_of=as_of)[employee_id])
    result = snapshot.evaluate(facts, role, as_of)
    return Computation(
        facts=facts,
        role=role,
        result=result,
        fingerprint=fp.fingerprint(facts, role, as_of, snapshot.config),
        snapshot=snapshot,
    )


def individual(
    employee: Employee, role_code: str, as_of: date, *, show_findings: bool
) -> individual_report.IndividualReport:
    """The individual readiness report of ``employee`` (the caller checked access).

    ``show_findings``: policy.can_view(reader, employee, "check_findings"): hr, or the person.
    """
    computed = compute(employee.id, role_code, as_of)
    snapshot = computed.snapshot
    path = core.plan_path(
        computed.facts,
        role_code,
        snapshot.roles,
        snapshot.ladder,
        snapshot.catalogue,
        as_of,
        snapshot.config,
    )
    return individual_report.build_individual_report(
        person=_person(employee),
        result=computed.result,
        path=path,
        names=snapshot.names,
        role_titles=snapshot.role_titles,
        fingerprint=computed.fingerprint,
        generated_on=clock.today(),
        ready_threshold=snapshot.config.ready_threshold,
        currency=str(settings.get("currency")),
        findings=_latest_findings(employee.id) if show_findings else None,
    )


@dataclass(frozen=True)
class Verification:
    matches: bool
    typed: str
    current_short: str
    employee_name: str
    role: str
    as_of: date


def verify(employee: Employee, role_code: str, as_of: date, typed: str) -> Verification:
    """Recompute the fingerprint from today's records and compare it with the printed one.

    Raises ``ReportInputError`` when what was typed is not a fingerprint.
    """
    try:
        wanted = fp.normalise(typed)
    except fp.FingerprintFormatError as error:
        raise ReportInputError(str(error), {"fingerprint": [str(error)]}) from None
    computed = compute(employee.id, role_code, as_of)
    return Verification(
        matches=computed.fingerprint.startswith(wanted),
        typed=fp.short(wanted) if len(wanted) == fp.SHORT_LENGTH else wanted,
        current_short=fp.short(computed.fingerprint),
        employee_name=employee.name,
        role=role_code,
        as_of=as_of,
    )


def find_people(user: User, q: str, limit: int = 20) -> list[Employee]:
    """People whose readiness ``user`` may see, matching a name or employee number."""
    escaped = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{escaped}%"
    stmt = (
        select(Employee)
        .where(Employee.status != "terminated")
        .where(
            func.lower(Employee.name).like(needle, escape="\\")
            | func.lower(Employee.employee_no).like(needle, escape="\\")
        )
        .order_by(Employee.name, Employee.id)
        .limit(limit)
    )
    if not policy.is_hr(user):
        stmt = stmt.where(Employee.id.in_(policy.subtree_query(user.employee_id)))
    return list(db.session.scalars(stmt))


def employee_by_number(employee_no: str) -> Employee | None:
    return db.session.scalar(select(Employee).where(Employee.employee_no == employee_no.strip()))


# ----------------------------------------------------------------------------- compliance


def _people(population: Select) -> dict[int, compliance_report.PersonInfo]:
    manager = aliased(Employee)
    columns = select(*lapsing.person_columns(manager)).select_from(Employee)
    rows = db.session.execute(lapsing.placed(columns, manager).where(Employee.id.in_(population)))
    return {row[0]: compliance_report.PersonInfo(*row) for row in rows}


def compliance_items(
    population: Select, as_of: date, *, show_findings: bool, until: date | None = None
) -> tuple[list[compliance_report.HeldItem], list[compliance_report.PendingDecision]]:
    """Held certifications and clear checks (those lapsing by ``until`` when given), and checks
    awaiting a decision: two queries, decided in SQL (``reports.lapsing``).

    - certification: the verified completion of a course with a validity that lapses last
      (docs/RULES.md: renewal counts from the new completion); a later completion reported but not
      yet verified is noted as a renewal under way;
    - background check: the clear check of each type that lapses last (valid_until, or
      completed_on + rescreen_months); a later check requested or in progress is noted;
    - decision: the latest check of a type when it is review_required or not cleared.
    """
    found = lapsing.lapsing(population, as_of, until)
    items = [
        compliance_report.HeldItem(eid, kind, code, name, expires, lapsing.note(kind, on, status))
        for eid, kind, _, code, name, expires, on, status in db.session.execute(select(found))
    ]
    return items, _decisions(
        db.session.execute(lapsing.decisions(population, as_of)), show_findings
    )


def _decisions(rows: Any, show_findings: bool) -> list[compliance_report.PendingDecision]:
    return [
        compliance_report.PendingDecision(
            eid, code, name, status, completed, findings if show_findings else None
        )
        for eid, code, name, status, completed, findings in rows
    ]


def compliance(
    population: Select,
    as_of: date,
    horizon_days: int,
    *,
    show_findings: bool,
    scope: str,
    assignments: bool = True,
) -> compliance_report.ComplianceReport:
    """The whole compliance report of ``population``, every row (the PDF and the CSV; six
    queries whatever its size); without ``assignments`` it leaves out the owed assignments."""
    people = _people(population)
    items, decisions = compliance_items(
        population, as_of, show_findings=show_findings, until=add_days(as_of, horizon_days)
    )
    return compliance_report.build_compliance_report(
        people=people,
        items=items,
        decisions=decisions,
        as_of=as_of,
        horizon_days=horizon_days,
        generated_on=clock.today(),
        scope=scope,
        assignments=owed_assignments(population, as_of) if assignments else (),
    )


def compliance_page(
    population: Select,
    as_of: date,
    horizon_days: int,
    *,
    show_findings: bool,
    scope: str,
    screen: lapsing.RowScreen,
    stored: bool = False,
) -> tuple[compliance_report.ComplianceReport, Page]:
    """The compliance page (issue 21): the summary counted in SQL over the whole scope (by
    department, bucket and manager), and one page of the lapsing items, searched and sorted in
    SQL; the same figures and rows as ``compliance`` (six queries whatever its size). With
    ``stored`` the lapsing items are read from the stored compliance lines (current on
    ``as_of``: ``compliance_lines.current``)."""
    until = add_days(as_of, horizon_days)
    if stored:
        found = lapsing.stored_lapsing(population, until)
    else:
        found = lapsing.lapsing(population, as_of, until, notes=False)
    horizons = tuple(h for h in compliance_report.HORIZONS if h <= horizon_days)
    bucketed = select(
        found.c.employee_id, lapsing.bucket(found.c.expires_on, as_of, horizons).label("bucket")
    ).subquery("bucketed")
    manager = aliased(Employee)
    # items per department, manager, person and bucket (the departments' and the chase counts)
    # and the page of items, in one statement: the lapsing items are decided once for both
    keys = (Department.code, manager.name, manager.email, Employee.name, bucketed.c.bucket)
    parts = lapsing.page_parts(found, screen)
    parts["counts"] = lapsing.placed(
        select(*keys, func.count())
        .select_from(bucketed)
        .join(Employee, Employee.id == bucketed.c.employee_id),
        manager,
    ).group_by(*keys)
    read = together(parts)
    counts = read["counts"]
    by_department: dict[tuple[str | None, str], int] = defaultdict(int)
    for code, *_, bucket, count in counts:
        by_department[(code, bucket)] += count
    decided = lapsing.decisions(population, as_of).subquery("decided")
    decision_rows = list(
        db.session.execute(
            lapsing.placed(
                select(*lapsing.person_columns(manager), *list(decided.c)[1:])
                .select_from(decided)
                .join(Employee, Employee.id == decided.c.employee_id),
                manager,
            )
        )
    )
    report = compliance_report.build_compliance_summary(
        department_people=db.session.execute(
            select(Department.code, Department.name, func.count())
            .select_from(Employee)
            .outerjoin(Department, Department.id == Employee.department_id)
            .where(Employee.id.in_(population))
            .group_by(Department.code, Department.name)
        ),
        bucket_counts=[(code, bucket, n) for (code, bucket), n in by_department.items()],
        chase_counts=[row[1:] for row in counts],
        decision_people={r[0]: compliance_report.PersonInfo(*r[:8]) for r in decision_rows},
        decisions=_decisions((r[:1] + r[8:] for r in decision_rows), show_findings),
        as_of=as_of,
        horizon_days=horizon_days,
        generated_on=clock.today(),
        scope=scope,
    )
    total = read["total"][0][0] if "total" in read else report.total
    return report, lapsing.page_of(read["page"], total, as_of, screen)


def owed_assignments(population: Select, as_of: date) -> list[compliance_report.OwedAssignment]:
    """The due and overdue assignments of ``population`` (two queries; docs/RULES.md
    "Assignments"): the same rows as the assignments list."""
    from app.services.assignments import assignment_rows

    return [
        compliance_report.OwedAssignment(
            r.employee_id, r.course_code, r.course_title, r.due_on, r.status, r.days_overdue
        )
        for r in assignment_rows(as_of, within=population)
        if r.owed
    ]


def owed_screen(
    population: Select,
    as_of: date,
    *,
    sort: str,
    descending: bool,
    page: int,
    per_page: int,
    stored: bool = False,
) -> tuple[Page, tuple[compliance_report.AssignmentCounts, ...]]:
    """The compliance page's required training (issue 21): one page of the due and overdue
    assignments of ``population``, sorted in SQL, and their counts by department, computed in
    SQL for the whole scope whichever page is shown (two queries whatever its size)."""
    from app.services.assignments.queries import owed_screen as owed_rows

    found, owed = owed_rows(
        as_of,
        population,
        sort=sort,
        descending=descending,
        page=page,
        per_page=per_page,
        stored=stored,
    )
    counts = tuple(compliance_report.AssignmentCounts(*c) for c in found)
    total = sum(c.due + c.overdue for c in counts)
    page = min(page, max(1, -(-total // per_page)))
    lines = [
        compliance_report.AssignmentLine(
            line.person,
            line.course_code,
            line.course_title,
            line.due_on,
            line.status,
            compliance_report.ASSIGNMENT_LABELS[line.status],
            line.days_overdue,
        )
        for line in owed
    ]
    return Page(items=lines, total=total, page=page, per_page=per_page), counts


# ----------------------------------------------------------------------------- tuition


def _repayments(year: int, department: Department | None) -> list[tuition_report.RepaymentLine]:
    stmt = (
        select(
            Employee.employee_no,
            Employee.name,
            Department.name.label("department_name"),
            TuitionRequest.title.label("course_title"),
            TuitionRequest.reimbursed_amount.label("reimbursed"),
            TuitionRequest.paid_on,
            Repayment.termination_date,
            Repayment.months_since_paid,
            Repayment.share,
            Repayment.amount_owed,
            Repayment.settled_on,
        )
        .join(TuitionRequest, TuitionRequest.id == Repayment.request_id)
        .join(Employee, Employee.id == Repayment.employee_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(extract("year", Repayment.termination_date) == year)
    )
    if department is not None:
        stmt = stmt.where(Employee.department_id == department.id)
    # Each column is labelled with its RepaymentLine field, so a row fills the line by name.
    return [
        tuition_report.RepaymentLine(
            **{
                **row._asdict(),
                "department_name": row.department_name or "No department",
                "reimbursed": row.reimbursed or Decimal("0.00"),
            }
        )
        for row in db.session.execute(stmt)
    ]


def tuition(year: int, department: Department | None) -> tuition_report.TuitionReport:
    """The tuition report for calendar ``year`` (the summary's queries plus one)."""
    summary = tuition_service.summary(year, department.code if department else None)
    return tuition_report.build_tuition_report(
        summary=summary,
        repayments=_repayments(year, department),
        generated_on=clock.today(),
        scope=department.name if department else "All departments",
    )


# ----------------------------------------------------------------------------- team


TEAM_LAPSE_DAYS = 90
TEAM_TOP_GAPS = 5


def team(population: Select, as_of: date, *, scope: str) -> team_report.TeamReport:
    """The team bench-strength and succession report (a fixed number of queries: one load of
    the population for the benches and lapses, one per target role for its training needs)."""
    overview = bench.bench_overview(population, as_of, TEAM_LAPSE_DAYS)
    needs = {
        b.role_code: bench.training_needs(population, b.role_code, as_of, TEAM_TOP_GAPS)
        for b in overview.roles
    }
    return team_report.build_team_report(
        benches=overview.roles,
        needs=needs,
        lapses=overview.lapses,
        people=overview.people,
        as_of=as_of,
        generated_on=clock.today(),
        scope=scope,
        lapse_days=TEAM_LAPSE_DAYS,
    )


def tuition_years() -> list[int]:
    return tuition_service.summary_years()


def role_choices() -> list[tuple[str, str]]:
    snapshot = readiness_service.load_catalogue()
    return sorted(
        ((code, snapshot.role_titles[code]) for code in snapshot.roles),
        key=lambda item: (snapshot.role_levels.get(item[0], 0), item[0]),
    )
