"""The employees import in bulk (SECURITY.md finding 7): a dry run only reads, so others keep
writing while it runs and it leaves no trace; applying costs a bounded number of statements
whatever the file's length."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import AuditEntry, Employee, RoleHistory, User
from app.services import csv_io

HEADER = "employee_no,name,email,hire_date,role,role_since,manager,department,jurisdiction\n"
WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "RELEASE", "BEGIN")


def hr() -> User:
    return db.session.scalar(select(User).where(User.email == "hannah.reid@example.com"))


def new_people(rows: int, start: int = 50_000, manager: str = "") -> str:
    """``rows`` new people: every tenth leads the next nine (a reporting line in the file)."""
    lines = [HEADER]
    for n in range(start, start + rows):
        lead = f"E{n - n % 10}" if n % 10 else manager
        role = "L1-CSR" if n % 10 else "L2-CSS"
        lines.append(
            f"E{n},Person {n},person.{n}@example.com,2025-03-01,{role},2025-03-01,{lead},"
            "CS-NORTH,US-WA\n"
        )
    return "".join(lines)


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def totals() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Employee.id))),
        db.session.scalar(select(func.count(RoleHistory.id))),
        db.session.scalar(select(func.count(AuditEntry.id))),
    )


def test_a_dry_run_only_reads_and_another_connection_writes_while_it_runs(demo_db):
    sam = db.session.scalar(select(Employee).where(Employee.name == "Sam Rivera"))
    data = new_people(2_000, manager=sam.employee_no)
    before = totals()
    writes_during: list[str] = []

    def meanwhile(done: int, total: int) -> None:
        commit_from_another_connection(done, total, writes_during)

    with statements() as seen:
        report = csv_io.run_import("employees", data, actor=hr(), on_row=meanwhile)
    refused = [r.messages for r in report.rows if r.action == "refuse"][:3]
    assert report.counts["create"] == 2_000 and report.ok and not report.applied, refused
    assert [s for s in seen if s in WRITES] == [], "the dry run wrote"
    assert len(seen) < 30, f"{len(seen)} statements for a 2,000-row dry run"
    if db.engine.dialect.name == "sqlite":
        assert writes_during == ["committed"]
    db.session.expire_all()
    assert totals() == before  # no person, history or audit entry was added


def test_a_dry_run_of_changes_and_refusals_writes_nothing(demo_db):
    maria = db.session.scalar(select(Employee).where(Employee.name == "Maria Lopez"))
    data = (
        HEADER + f"{maria.employee_no},Maria Lopez-Grant,{maria.email},"
        f"{maria.hire_date.isoformat()},L2-CSS,2026-11-01,,,\n"
        "E9300,Ann Lee,not-an-email,2026-01-05,L1-CSR,,,,\n"
    )
    before = totals()
    with statements() as seen:
        report = csv_io.run_import("employees", data, actor=hr())
    assert [r.action for r in report.rows] == ["update", "refuse"]
    assert report.rows[0].messages == ["Changes: name, role, role_since."]
    assert [s for s in seen if s in WRITES] == []
    db.session.expire_all()
    assert totals() == before
    assert db.session.get(Employee, maria.id).name == "Maria Lopez"


@pytest.mark.parametrize("rows", [200, 400])
def test_applying_costs_the_same_few_statements_for_200_or_400_people(demo_db, rows):
    before = totals()
    with statements() as seen:
        report = csv_io.run_import("employees", new_people(rows), apply=True, actor=hr())
    assert report.applied, [r.messages for r in report.rows if r.action == "refuse"][:3]
    # the checks' SELECTs, two flushes (the new people; histories and reporting lines), the
    # audit and the readiness bookkeeping: a bound that does not grow with the file
    assert len(seen) < 40, f"{len(seen)} statements for {rows} rows"
    db.session.expire_all()
    people, histories, audits = totals()
    assert people == before[0] + rows and histories == before[1] + rows
    assert audits >= before[2] + 2 * rows  # every new person and role history is audited
    lead = db.session.scalar(select(Employee).where(Employee.employee_no == "E50000"))
    follower = db.session.scalar(select(Employee).where(Employee.employee_no == "E50003"))
    assert follower.manager_id == lead.id and follower.job_role.code == "L1-CSR"


def test_applying_changes_to_400_people_on_file_costs_a_bounded_number_of_statements(demo_db):
    """Everyone renamed and moved to another department: an UPDATE per set of changed columns,
    not per person; each change audited, each person's stored readiness stale, and their
    assignments follow the move, as when the changes are saved one by one."""
    from app.models import Assignment, Department
    from tests.integration.assignments_support import new_course, rule

    new_course("CALL-SAFE")
    new_course("CALL-NORTH")
    rule(course="CALL-SAFE", departments=["CS-SOUTH"])
    rule(course="CALL-NORTH", departments=["CS-NORTH"])
    first = csv_io.run_import("employees", new_people(400), apply=True, actor=hr())
    assert first.applied
    north, south = (
        db.session.scalar(select(Department.id).where(Department.code == code))
        for code in ("CS-NORTH", "CS-SOUTH")
    )
    ours = select(Employee.id).where(Employee.employee_no.like("E5____"))
    versions = dict(db.session.execute(select(Employee.id, Employee.facts_version)).all())
    audited = db.session.scalar(select(func.max(AuditEntry.id)))
    changed = new_people(400).replace(",Person ", ",Renamed ").replace("CS-NORTH", "CS-SOUTH")
    with statements() as seen:
        report = csv_io.run_import("employees", changed, apply=True, actor=hr())
    assert report.applied and report.counts["update"] == 400, report.rows[0].messages
    assert report.rows[1].messages == ["Changes: department, name."]
    assert len(seen) < 40, f"{len(seen)} statements for 400 changed people"
    assert seen.count("UPDATE") < 10
    db.session.expire_all()
    people = db.session.scalars(select(Employee).where(Employee.id.in_(ours))).all()
    assert len(people) == 400
    assert all(p.name.startswith("Renamed ") and p.department_id == south for p in people)
    assert {p.version for p in people} == {2}  # created at 1, changed once
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.id > audited, AuditEntry.table_name == "employees")
    ).all()
    assert sorted(int(e.record_id) for e in entries) == sorted(p.id for p in people)
    by_person = {int(e.record_id): e for e in entries}
    for person in people:
        entry = by_person[person.id]
        number = person.employee_no[1:]
        assert entry.action == "update" and entry.actor
        assert entry.before == {"name": f"Person {number}", "department_id": north}
        assert entry.after == {"name": f"Renamed {number}", "department_id": south}
    # stored readiness is stale for exactly the people changed
    now = dict(db.session.execute(select(Employee.id, Employee.facts_version)).all())
    raised = {person for person, version in now.items() if version != versions[person]}
    assert raised == {p.id for p in people}
    assert all(now[p.id] == versions[p.id] + 1 for p in people)
    # the move opened the South rule's assignments and closed the North rule's
    csrs = {p.id for p in people if p.job_role.code == "L1-CSR"}
    assignments_of_ours = [
        a
        for a in db.session.scalars(select(Assignment).where(Assignment.employee_id.in_(ours)))
        if a.course.code.startswith("CALL-")
    ]
    open_courses = {(a.employee_id, a.course.code) for a in assignments_of_ours if a.is_open}
    assert open_courses == {(person, "CALL-SAFE") for person in csrs}
    closed = {a.employee_id for a in assignments_of_ours if a.closed_reason == "not_required"}
    assert closed == csrs


def test_a_change_checked_but_changed_meanwhile_is_refused_whole(demo_db):
    """The UPDATE by primary key holds the version it checked: a person saved by someone else
    between the checks and the writes fails the whole file, nothing half-written."""
    from app.services.csv_io import changes

    assert csv_io.run_import("employees", new_people(20), apply=True, actor=hr()).applied
    names = dict(db.session.execute(select(Employee.id, Employee.name)).all())
    write = changes.write

    def saved_meanwhile(people):  # type: ignore[no-untyped-def]
        table = Employee.__table__
        db.session.execute(
            table.update()
            .where(table.c.employee_no == "E50007")
            .values(version=table.c.version + 1)
        )
        write(people)

    changes.write = saved_meanwhile
    try:
        renamed = new_people(20).replace(",Person ", ",Renamed ")
        report = csv_io.run_import("employees", renamed, apply=True, actor=hr())
    finally:
        changes.write = write
    assert not report.applied
    assert "changed the same records while the file was imported" in report.file_errors[0]
    db.session.expire_all()
    assert dict(db.session.execute(select(Employee.id, Employee.name)).all()) == names


def test_a_file_that_repeats_a_number_or_makes_a_loop_is_refused_and_nothing_is_written(demo_db):
    data = (
        HEADER + "E9400,Ann Lee,ann.lee@example.com,2026-01-05,L1-CSR,,E9401,,\n"
        "E9401,Bo Chan,bo.chan@example.com,2026-01-05,L1-CSR,,E9400,,\n"
        "E9400,Ann Again,ann.again@example.com,2026-01-05,L1-CSR,,,,\n"
        "E9402,Cy Dee,cy.dee@example.com,2026-01-05,L1-CSR,,E9402,,\n"
    )
    before = totals()
    report = csv_io.run_import("employees", data, apply=True, actor=hr())
    assert not report.applied
    reasons = [" ".join(r.messages) for r in report.rows]
    assert "reporting loop" in reasons[0] and "reporting loop" in reasons[1]
    assert "is on line 2 of this file already" in reasons[2]
    assert "Nobody can be their own manager" in reasons[3]
    db.session.expire_all()
    assert totals() == before


# ------------------------------------------------------------------ training completions


def completions_file(rows: int) -> str:
    """``rows`` completions of ORG-101 by the demo people (not hr's own: four eyes), each on a
    day of its own."""
    from datetime import date, timedelta

    me = hr().employee_id
    numbers = db.session.scalars(
        select(Employee.employee_no).where(Employee.id != me, Employee.status != "terminated")
    ).all()
    lines = ["employee,course,completed_on,score\n"]
    for n in range(rows):
        day = date(2020, 1, 1) + timedelta(days=n // len(numbers))
        lines.append(f"{numbers[n % len(numbers)]},ORG-101,{day.isoformat()},{70 + n % 30}\n")
    return "".join(lines)


def test_a_completions_dry_run_only_reads(demo_db):
    from app.models import Completion

    data = completions_file(1_000)
    before = db.session.scalar(select(func.count(Completion.id))), totals()
    with statements() as seen:
        report = csv_io.run_import("completions", data, actor=hr())
    assert report.ok and report.counts["create"] == 1_000 and not report.applied
    assert [s for s in seen if s in WRITES] == [] and len(seen) < 20
    db.session.expire_all()
    assert (db.session.scalar(select(func.count(Completion.id))), totals()) == before


@pytest.mark.parametrize("rows", [200, 400])
def test_applying_completions_costs_a_bounded_number_of_statements(demo_db, rows):
    from app.models import Completion

    data = completions_file(rows)
    before = db.session.scalar(select(func.count(Completion.id)))
    with statements() as seen:
        report = csv_io.run_import("completions", data, apply=True, actor=hr())
    assert report.applied, [r.messages for r in report.rows if r.action == "refuse"][:3]
    assert len(seen) < 40, f"{len(seen)} statements for {rows} rows"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Completion.id))) == before + rows
    again = csv_io.run_import("completions", data, actor=hr())
    assert again.counts["unchanged"] == rows  # the same file again changes nothing
    changed = data.replace(",ORG-101,2020-01-01,", ",ORG-101,2020-01-01,1").splitlines()
    rescored = csv_io.run_import("completions", "\n".join(changed) + "\n", apply=True, actor=hr())
    assert rescored.applied and rescored.counts["update"] > 0


def test_a_completion_twice_in_a_file_with_two_scores_is_refused(demo_db):
    maria = db.session.scalar(select(Employee).where(Employee.name == "Maria Lopez"))
    data = (
        "employee,course,completed_on,score\n"
        f"{maria.employee_no},ORG-101,2026-01-05,80\n"
        f"{maria.employee_no},ORG-101,2026-01-05,80\n"
        f"{maria.employee_no},ORG-101,2026-01-05,90\n"
    )
    report = csv_io.run_import("completions", data, apply=True, actor=hr())
    assert [r.action for r in report.rows] == ["create", "unchanged", "refuse"]
    assert (
        "Line 2 of this file has the same completion with another score"
        in (report.rows[2].messages[0])
    )
    assert not report.applied


# ------------------------------------------------------------------ competency ratings


def ratings_file(rows: int) -> str:
    from datetime import date, timedelta

    me = hr().employee_id
    numbers = db.session.scalars(
        select(Employee.employee_no).where(Employee.id != me, Employee.status != "terminated")
    ).all()
    lines = ["employee,competency,level,rated_on,source\n"]
    for n in range(rows):
        day = date(2020, 1, 1) + timedelta(days=n // len(numbers))
        lines.append(f"{numbers[n % len(numbers)]},ORG-BEHAV,{n % 6},{day.isoformat()},manager\n")
    return "".join(lines)


def test_a_ratings_dry_run_only_reads_and_applying_is_bounded(demo_db):
    from app.models import CompetencyRating

    data = ratings_file(400)
    before = db.session.scalar(select(func.count(CompetencyRating.id))), totals()
    with statements() as seen:
        report = csv_io.run_import("ratings", data, actor=hr())
    assert report.ok and report.counts["create"] == 400 and not report.applied
    assert [s for s in seen if s in WRITES] == [] and len(seen) < 20
    db.session.expire_all()
    assert (db.session.scalar(select(func.count(CompetencyRating.id))), totals()) == before
    twice = data + data.splitlines()[1] + "\n"
    report = csv_io.run_import("ratings", twice, actor=hr())
    assert report.rows[-1].action == "refuse"
    assert "Line 2 of this file rates the same already" in report.rows[-1].messages[0]
    with statements() as seen:
        applied = csv_io.run_import("ratings", data, apply=True, actor=hr())
    assert applied.applied and len(seen) < 40, len(seen)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CompetencyRating.id))) == before[0] + 400


def test_a_long_reporting_chain_of_new_people_is_applied_managers_first(demo_db):
    """Each new person reports to the one before: 1,200 deep, listed bottom first."""
    lines = [HEADER]
    for n in range(61_200, 60_000, -1):
        lead = f"E{n - 1}" if n > 60_001 else ""
        lines.append(f"E{n},Chain {n},chain.{n}@example.com,2025-03-01,L1-CSR,,{lead},,\n")
    report = csv_io.run_import("employees", "".join(lines), apply=True, actor=hr())
    assert report.applied, [r.messages for r in report.rows if r.action == "refuse"][:3]
    db.session.expire_all()
    bottom = db.session.scalar(select(Employee).where(Employee.employee_no == "E61200"))
    assert bottom.manager.employee_no == "E61199"


def commit_from_another_connection(done: int, total: int, writes: list[str]) -> None:
    """Halfway through a dry run on SQLite, a colleague's save from a second connection: it
    needs the write lock at once, so it commits only if the dry run holds no lock."""
    if done != total // 2 or db.engine.dialect.name != "sqlite":
        return
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE users SET failed_logins = 0 WHERE email = 'ada.ng@example.com'")
        other.execute("COMMIT")
        writes.append("committed")
    finally:
        other.close()
