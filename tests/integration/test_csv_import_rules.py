"""The assignment-rules import (SECURITY.md finding 7): a dry run only reads, so others keep
writing while it runs and it leaves no trace; applying saves the checked file in one batch, all
or nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry
from app.services import assignments, csv_io
from tests.integration.assignments_support import COURSE, counts, hr, new_course, rule
from tests.integration.test_csv_import_bulk import (
    WRITES,
    commit_from_another_connection,
    statements,
)

HEADER = "Job role,Course,Departments,Due days,Due date\n"


def rules_file(courses: list[str]) -> str:
    """A rule of every course for L1-CSR (in two departments) and for L2-CSS (a fixed date)."""
    lines = [HEADER]
    for code in courses:
        lines.append(f"L1-CSR,{code},CS-NORTH;CS-SOUTH,30,\n")
        lines.append(f"L2-CSS,{code},,,2099-01-31\n")
    return "".join(lines)


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id))) or 0


def test_a_rules_dry_run_only_reads_and_another_connection_writes_while_it_runs(demo_db):
    codes = [f"SAFE-{n}" for n in range(6)]
    for code in codes:
        new_course(code)
    rule(course=codes[0], due_days=10)  # on file: the file changes it
    before = counts(), audit_count()
    writes_during: list[str] = []

    def meanwhile(done: int, total: int) -> None:
        commit_from_another_connection(done, total, writes_during)

    with statements() as seen:
        report = csv_io.run_import(
            "assignment_rules", rules_file(codes), actor=hr(), on_row=meanwhile
        )
    assert report.ok and not report.applied, [r.messages for r in report.rows]
    assert [(r.action, r.key) for r in report.rows[:3]] == [
        ("update", f"L1-CSR {codes[0]}"),
        ("create", f"L2-CSS {codes[0]}"),
        ("create", f"L1-CSR {codes[1]}"),
    ]
    assert report.rows[0].messages == ["Changes: departments, due_days."]
    assert report.counts["create"] == 11
    assert [s for s in seen if s in WRITES] == [], "the dry run wrote"
    if db.engine.dialect.name == "sqlite":
        assert writes_during == ["committed"]
    db.session.expire_all()
    assert (counts(), audit_count()) == before  # no rule, assignment or audit entry added


def test_a_rules_file_is_applied_whole_and_then_reads_unchanged(demo_db):
    codes = [f"SAFE-{n}" for n in range(3)]
    for code in codes:
        new_course(code)
    data = rules_file(codes)
    report = csv_io.run_import("assignment_rules", data, apply=True, actor=hr())
    assert report.applied and report.counts["create"] == 6
    saved = {
        (r["role"], r["course"]): r
        for r in map(assignments.rule_values, assignments.list_rules())
        if r["course"] in codes
    }
    assert len(saved) == 6
    assert saved[("L1-CSR", "SAFE-1")]["departments"] == ["CS-NORTH", "CS-SOUTH"]
    assert saved[("L2-CSS", "SAFE-2")]["due_on"] == "2099-01-31"
    assert counts()[1] > 0  # the people the rules cover have their assignments
    again = csv_io.run_import("assignment_rules", data, apply=True, actor=hr())
    assert again.applied and {r.action for r in again.rows} == {"unchanged"}


def test_a_rule_named_twice_in_a_file_is_refused_and_nothing_is_written(demo_db):
    new_course()
    data = HEADER + f"L1-CSR,{COURSE},,30,\nL2-CSS,{COURSE},,30,\nl1-csr,{COURSE.lower()},,45,\n"
    before = counts(), audit_count()
    report = csv_io.run_import("assignment_rules", data, apply=True, actor=hr())
    assert not report.applied
    assert [r.action for r in report.rows] == ["create", "create", "refuse"]
    assert report.rows[2].messages == [
        f"The rule of job role L1-CSR and course {COURSE} is on line 2 of this file already."
    ]
    db.session.expire_all()
    assert (counts(), audit_count()) == before
