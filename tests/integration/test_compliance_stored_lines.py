"""The compliance page reads stored compliance lines (issue 21), kept up to date on write: after
each kind of write (a completion recorded, corrected, deleted or imported from a CSV, a check's
status moved, a role or department move opening and closing assignments, a new or changed
rule, a catalogue change) the page shows exactly the rows and counts of a computation from
scratch, and of the report the CSV and the PDF are made of. Only the people whose records
moved are recomputed; on a date before a stored line's records the page computes from
scratch."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.clock import today
from app.models import (
    BackgroundCheck,
    CheckType,
    Completion,
    ComplianceLine,
    CompliancePerson,
    Course,
    Employee,
)
from app.readiness.dates import add_months
from app.reports import lapsing, sources
from app.services import assignments, compliance_lines, csv_io, records
from tests.factories import employee_named, pdf_bytes, sign_in_for
from tests.integration.assignments_support import COURSE, hr, new_course, rule
from tests.integration.reports_support import add_people, fresh_request_state

EVERY = 100_000  # one page holds every row of the demo organisation


def _everyone() -> Any:
    return select(Employee.id)


def _page(as_of: Any, stored: bool) -> tuple[Any, ...]:
    """What the page shows on ``as_of``: the summary, every lapsing row, every owed line and
    their counts by department."""
    report, page = sources.compliance_page(
        _everyone(),
        as_of,
        90,
        show_findings=True,
        scope="Whole organisation",
        screen=lapsing.RowScreen(None, "days", False, 1, EVERY),
        stored=stored,
    )
    owed, counts = sources.owed_screen(
        _everyone(),
        as_of,
        sort="due",
        descending=False,
        page=1,
        per_page=EVERY,
        stored=stored,
    )
    summary = (report.departments, report.totals, report.chase, report.decisions)
    return summary, report.people_in_scope, page.items, page.total, owed.items, owed.total, counts


def _same_as_from_scratch(db: Any, as_of: Any = None, *, stored: bool = True) -> tuple[Any, ...]:
    """The page read from the stored lines is the page computed from scratch, and its rows are
    those of the whole report (the CSV's and the PDF's)."""
    fresh_request_state(db)
    as_of = as_of or today()
    assert compliance_lines.current(_everyone(), as_of) is stored
    shown = _page(as_of, stored=stored)
    if stored:
        assert shown == _page(as_of, stored=False)
    whole = sources.compliance(
        _everyone(), as_of, 90, show_findings=True, scope="Whole organisation"
    )

    def key(row: Any) -> tuple[Any, ...]:
        return (row.person.employee_id, row.kind, row.code)

    assert sorted(shown[2], key=key) == sorted(whole.rows, key=key)
    assert shown[3] == len(whole.rows)
    owed = sorted((a.person.employee_id, a.code, a.due_on, a.status) for a in whole.assignments)
    assert sorted((o.person.employee_id, o.code, o.due_on, o.status) for o in shown[4]) == owed
    assert shown[0][:2] == (whole.departments, whole.totals)
    return shown


def _rows_of(shown: tuple[Any, ...], employee: Employee) -> list[tuple[str, Any]]:
    return sorted((r.code, r.expires_on) for r in shown[2] if r.person.employee_id == employee.id)


def _owed_of(shown: tuple[Any, ...], employee: Employee) -> list[tuple[str, str]]:
    return sorted((o.code, o.status) for o in shown[4] if o.person.employee_id == employee.id)


def _lapsing_certification(db: Any) -> Completion:
    """A verified completion whose certification lapses within the page's 90 days."""
    shown = _same_as_from_scratch(db)
    row = next(r for r in shown[2] if r.kind == "certification" and r.days_left > 0)
    found = db.session.scalar(
        select(Completion)
        .join(Course, Course.id == Completion.course_id)
        .where(
            Completion.employee_id == row.person.employee_id,
            Course.code == row.code,
            Completion.verification == "verified",
        )
        .order_by(Completion.completed_on.desc())
    )
    assert found is not None
    return found


def test_a_completion_recorded_corrected_deleted_and_imported(demo_db):
    new_course()
    rule()
    maria = employee_named("Maria Lopez")
    assert (COURSE, "overdue") in _owed_of(_same_as_from_scratch(demo_db), maria)
    done = records.record_completion(maria, COURSE, today(), actor=hr())
    shown = _same_as_from_scratch(demo_db)
    assert COURSE not in dict(_owed_of(shown, maria)), "done: no longer owed"
    records.update_completion(done, today() - timedelta(days=400), actor=hr())
    shown = _same_as_from_scratch(demo_db)
    assert (COURSE, "overdue") in _owed_of(shown, maria), "lapsed: owed again, overdue"
    assert (COURSE, done.expires_on) in _rows_of(shown, maria), "and lapsed on the page"
    demo_db.session.delete(demo_db.session.get(Completion, done.id))
    demo_db.session.commit()
    shown = _same_as_from_scratch(demo_db)
    assert COURSE not in {code for code, _ in _rows_of(shown, maria)}
    held = _lapsing_certification(demo_db)
    person = demo_db.session.get(Employee, held.employee_id)
    code = held.course.code
    before = _rows_of(_same_as_from_scratch(demo_db), person)
    data = f"Employee,Course,Completed on,Score\n{person.employee_no},{code},{today()},\n"
    assert csv_io.run_import("completions", data, apply=True, actor=hr()).ok
    after = _rows_of(_same_as_from_scratch(demo_db), person)
    assert [c for c, _ in before if c == code] and not [c for c, _ in after if c == code]


def test_a_check_status_moved_along_its_lifecycle(demo_db):
    """A check requested, in progress, waiting for a decision, then clear: it lapses within
    the page's horizon (completed long ago), then is re-screened."""
    person = employee_named("Daniel Kim")
    kind = demo_db.session.scalar(select(CheckType).where(CheckType.code == "CREDIT"))
    assert kind is not None and kind.rescreen_months
    done = add_months(today(), -kind.rescreen_months) + timedelta(days=20)
    signed, asked = done - timedelta(days=10), done - timedelta(days=9)
    check = records.record_check(person, "CREDIT", signed, "FCRA-2024-1", asked, actor=hr())
    _same_as_from_scratch(demo_db)
    records.change_check_status(check, "in_progress", actor=hr())
    _same_as_from_scratch(demo_db)
    check = demo_db.session.get(BackgroundCheck, check.id)
    records.change_check_status(check, "review_required", done, actor=hr())
    shown = _same_as_from_scratch(demo_db)
    assert "CREDIT" not in {code for code, _ in _rows_of(shown, person)}
    assert [d.code for d in shown[0][3] if d.person.employee_id == person.id] == ["CREDIT"]
    check = demo_db.session.get(BackgroundCheck, check.id)
    records.change_check_status(check, "clear", actor=hr())
    shown = _same_as_from_scratch(demo_db)
    assert ("CREDIT", add_months(done, kind.rescreen_months)) in _rows_of(shown, person)
    assert not [d for d in shown[0][3] if d.person.employee_id == person.id]


def test_moves_and_rules_open_and_close_assignments(demo_db):
    new_course()
    csr_rule = rule()
    _same_as_from_scratch(demo_db)
    rule(role="L2-CSS")
    maria = employee_named("Maria Lopez")
    records.update_employee(
        maria, {"role": "L2-CSS", "role_since": today().isoformat()}, actor=hr()
    )
    shown = _same_as_from_scratch(demo_db)
    assert _owed_of(shown, maria) == [(COURSE, "due")], "the new role's assignment"
    values = assignments.rule_values(csr_rule)
    values.update(due_days=0, departments=["CS-NORTH"])
    assignments.update_rule(csr_rule, values, actor=hr())
    shown = _same_as_from_scratch(demo_db)
    moved = next(o for o in shown[4] if o.person.department_code == "CS-NORTH")
    records.update_employee(
        demo_db.session.get(Employee, moved.person.employee_id),
        {"department": "CS-SOUTH"},
        actor=hr(),
    )
    after = _same_as_from_scratch(demo_db)
    assert len(after[4]) == len(shown[4]) - 1, "the move out closed it"
    add_people(demo_db, 30, department="CS-NORTH", manager="Daniel Kim")
    _same_as_from_scratch(demo_db)


def test_a_catalogue_change_and_an_earlier_date(demo_db):
    new_course()
    rule()
    _same_as_from_scratch(demo_db)
    course = demo_db.session.scalar(
        select(Course).where(Course.validity_months.is_not(None)).order_by(Course.id)
    )
    course.validity_months = 3
    demo_db.session.commit()
    _same_as_from_scratch(demo_db)
    latest = demo_db.session.scalar(select(func.max(ComplianceLine.valid_from)))
    # before the latest record a line holds from, the lines do not hold: computed from scratch
    _same_as_from_scratch(demo_db, latest - timedelta(days=1), stored=False)
    _same_as_from_scratch(demo_db, today() + timedelta(days=45))


def test_only_the_people_whose_records_moved_are_recomputed(demo_db):
    new_course()
    rule()
    _same_as_from_scratch(demo_db)
    versions = dict(
        demo_db.session.execute(
            select(CompliancePerson.employee_id, CompliancePerson.facts_version)
        ).all()
    )
    maria = employee_named("Maria Lopez")
    records.record_completion(maria, COURSE, today(), actor=hr())
    _same_as_from_scratch(demo_db)
    now = dict(
        demo_db.session.execute(
            select(CompliancePerson.employee_id, CompliancePerson.facts_version)
        ).all()
    )
    assert {k for k in now if now[k] != versions.get(k)} == {maria.id}


def test_a_reported_completion_counts_once_verified(demo_db):
    """A completion the employee reports waits for hr (a note on the page, nothing owed
    changes); hr's verification, a conditional update no session event sees, counts it."""
    new_course()
    rule()
    maria = employee_named("Maria Lopez")
    assert COURSE in dict(_owed_of(_same_as_from_scratch(demo_db), maria))
    evidence = FileStorage(stream=io.BytesIO(pdf_bytes()), filename="certificate.pdf")
    reported = records.report_completion(
        maria, COURSE, today() - timedelta(days=1), evidence, actor=sign_in_for(maria)
    )
    assert COURSE in dict(_owed_of(_same_as_from_scratch(demo_db), maria)), "not yet verified"
    records.verify_completion(demo_db.session.get(Completion, reported.id), actor=hr())
    assert COURSE not in dict(_owed_of(_same_as_from_scratch(demo_db), maria))
