"""Required training with due dates (docs/RULES.md "Assignments", issue 21): rules, a person's
assignments following their role and department in the same transaction, the audit trail,
refusals that change nothing, the preview, and the reminders through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import today
from app.models import Assignment, AuditEntry, Completion, Notification, User
from app.services import assignments, records
from tests.factories import employee_named, sign_in_for
from tests.integration.assignments_support import (
    COURSE,
    counts,
    hr,
    new_course,
    open_of,
    people_in,
    rule,
)
from tests.mailbox import LoopbackSMTP, configure


@pytest.fixture
def course(demo_db):  # type: ignore[no-untyped-def]
    """A new course nobody holds; the demo's PCI rule is deleted first, so the people's only
    open assignments are the ones each test makes."""
    for standing in assignments.list_rules():
        assignments.delete_rule(standing, actor=hr())
    return new_course()


def test_a_rule_assigns_the_course_to_everyone_in_the_role(demo_db, course):
    saved = rule(departments=["CS-NORTH"])
    csrs = [p for p in people_in("L1-CSR") if p.department.code == "CS-NORTH"]
    rows = assignments.assignment_rows(today(), assignments.Filters(rule_id=saved.id))
    assert sorted(r.employee_id for r in rows) == sorted(p.id for p in csrs)
    # nobody holds the new course: everyone hired more than 30 days ago is overdue already
    late = [
        p for p in csrs if max(p.hire_date, p.role_since or p.hire_date) < today() - timedelta(30)
    ]
    assert sum(r.status == "overdue" for r in rows) == len(late) > 0


def test_a_completion_makes_it_done_and_a_lapsing_one_recertify(demo_db, course):
    maria = employee_named("Maria Lopez")
    rule()
    demo_db.session.add(
        Completion(
            employee_id=maria.id,
            course_id=course.id,
            completed_on=today() - timedelta(days=300),
            expires_on=today() + timedelta(days=65),
            verification="verified",
        )
    )
    demo_db.session.commit()
    (row,) = assignments.assignments_of(maria.id, today(), include_closed=False)
    assert row.status == "recertify"
    (earlier,) = assignments.assignments_of(
        maria.id, today() - timedelta(days=200), include_closed=False
    )
    assert earlier.status == "done"


def _audited(table: str, since: int) -> list[AuditEntry]:
    from app.extensions import db

    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.table_name == table, AuditEntry.id > since)
            .order_by(AuditEntry.id)
        )
    )


def test_a_role_change_closes_and_opens_assignments_with_the_move(demo_db, course):
    """One transaction: the move, the closed and the opened assignments, and their audit."""
    csr_rule = rule()
    css_rule = rule(role="L2-CSS")
    maria = employee_named("Maria Lopez")
    (held,) = open_of(maria.id)
    assert held.rule_id == csr_rule.id
    last = demo_db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    records.update_employee(
        maria, {"role": "L2-CSS", "role_since": today().isoformat()}, actor=hr()
    )
    (now_open,) = open_of(maria.id)
    assert now_open.rule_id == css_rule.id
    assert now_open.due_on == today() + timedelta(days=30)  # from the new role's start
    closed = demo_db.session.get(Assignment, held.id)
    assert (closed.closed_on, closed.closed_reason) == (today(), "not_required")
    entries = _audited("assignments", last)
    assert {(e.action, e.record_id) for e in entries} == {
        ("update", str(held.id)),
        ("insert", str(now_open.id)),
    }
    (move,) = [e for e in _audited("employees", last) if e.record_id == str(maria.id)]
    assert {e.at for e in entries} == {move.at}  # stamped by the same commit
    assert {e.actor for e in entries} == {move.actor}
    # the history keeps the closed one, shown as not required
    history = assignments.assignments_of(maria.id, today())
    assert [r.status for r in history if r.course_code == COURSE] == ["due", "not_required"]


def test_a_refused_move_leaves_the_assignments_as_they_were(demo_db, course):
    rule()
    rule(role="L2-CSS")
    maria = employee_named("Maria Lopez")
    before = counts(), [a.id for a in open_of(maria.id)]
    with pytest.raises(records.RecordError):
        records.update_employee(maria, {"role": "L2-CSS", "role_since": "2026-13-01"}, actor=hr())
    assert (counts(), [a.id for a in open_of(maria.id)]) == before


def test_a_move_to_another_department_closes_a_narrowed_rule(demo_db, course):
    rule(departments=["CS-NORTH"])
    person = next(p for p in people_in("L1-CSR") if p.department.code == "CS-NORTH")
    assert len(open_of(person.id)) == 1
    records.update_employee(person, {"department": "CS-SOUTH"}, actor=hr())
    assert open_of(person.id) == []


def test_a_new_hire_in_a_covered_role_gets_the_assignment(demo_db, course):
    rule()
    hired = today() - timedelta(days=5)
    person = records.create_employee(
        {
            "employee_no": "E-9001",
            "name": "Nora New",
            "email": "nora.new@example.com",
            "hire_date": hired.isoformat(),
            "role": "L1-CSR",
            "department": "CS-SOUTH",
        },
        actor=hr(),
    )
    (row,) = assignments.assignments_of(person.id, today())
    assert (row.status, row.due_on) == ("due", hired + timedelta(days=30))


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"role": "L1-CSR", "due_days": 30}, "course", "Choose the course"),
        ({"role": "L1-CSR", "course": COURSE, "due_on": "2020-01-31"}, "due_on", "in the past"),
        ({"role": "NO-SUCH", "course": COURSE, "due_days": 30}, "role", "no job role 'NO-SUCH'"),
        ({"role": "L1-CSR", "course": COURSE, "due_days": -1}, "due_days", "from 0 to 3650"),
        (
            {"role": "L1-CSR", "course": COURSE, "departments": ["NOPE"], "due_days": 3},
            "departments",
            "no department 'NOPE'",
        ),
    ],
)
def test_bad_rules_are_refused_and_change_nothing(demo_db, course, data, field, words):
    before = counts()
    with pytest.raises(assignments.RuleInvalid) as refused:
        assignments.create_rule(data, actor=hr())
    assert refused.value.status == 422
    assert words in " ".join(refused.value.errors[field])
    assert counts() == before


def test_a_duplicate_rule_is_a_conflict_and_changes_nothing(demo_db, course):
    rule()
    before = counts()
    with pytest.raises(assignments.RuleConflict) as refused:
        rule(due_days=10)
    assert refused.value.status == 409
    assert "already requires this course" in refused.value.errors["course"][0]
    assert counts() == before


def test_the_preview_counts_people_and_overdue_by_department(demo_db, course):
    before = counts()
    values = assignments.parse_rule({"role": "L1-CSR", "course": COURSE, "due_days": 30})
    preview = assignments.preview(values)
    csrs = people_in("L1-CSR")
    assert preview.covered == len(csrs)
    by_name = {line.department: line.covered for line in preview.lines}
    for name, covered in by_name.items():
        assert covered == sum(1 for p in csrs if p.department and p.department.name == name)
    assert counts() == before  # a preview stores nothing
    saved = rule()
    rows = assignments.assignment_rows(today(), assignments.Filters(rule_id=saved.id))
    assert preview.overdue == sum(r.status == "overdue" for r in rows)


def test_deleting_a_rule_closes_its_assignments_and_keeps_the_history(demo_db, course):
    saved = rule()
    covered = len(people_in("L1-CSR"))
    assert assignments.delete_rule(saved, actor=hr()) == covered
    assert assignments.list_rules() == []
    rows = assignments.assignment_rows(
        today(), assignments.Filters(rule_id=saved.id, include_closed=True)
    )
    assert {r.status for r in rows} == {"not_required"} and len(rows) == covered
    rule()  # the role and course may be required again


# ----------------------------------------------------------------------------- reminders


@pytest.fixture
def due_soon(demo_db, course):  # type: ignore[no-untyped-def]
    """Maria Lopez with a fixed-date assignment due in 20 days; she and Sam have sign-ins."""
    maria = employee_named("Maria Lopez")
    sign_in_for(maria)
    sign_in_for(maria.manager)
    due = today() + timedelta(days=20)
    rule(due_on=due.isoformat(), due_days=None)
    return maria, due


def _safe_calls(employee_id: int) -> int:
    """The id of the person's open assignment of the test's course."""
    (found,) = [a for a in open_of(employee_id) if a.course.code == COURSE]
    return found.id


def _mail_to(box, address):  # type: ignore[no-untyped-def]
    return [m for m in box.to(address) if "Safe calls" in m.subject]


def test_reminders_reach_the_person_then_the_manager_once(demo_app, demo_db, due_soon):
    maria, due = due_soon
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        quiet = assignments.send_assignment_reminders(due - timedelta(days=15))
        first = assignments.send_assignment_reminders(due - timedelta(days=14))
        box.wait_for(first.delivery.sent)
        again = assignments.send_assignment_reminders(due - timedelta(days=14))
        overdue = assignments.send_assignment_reminders(due + timedelta(days=1))
        box.wait_for(first.delivery.sent + overdue.delivery.sent)
        twice = assignments.send_assignment_reminders(due + timedelta(days=2))
    assert quiet.sent == []
    assert {stage for _, stage in first.sent} == {"14d"}
    assert again.sent == [] and again.delivery.sent == 0
    assert twice.sent == [] and twice.delivery.sent == 0
    to_maria = _mail_to(box, maria.email)
    assert [m.subject.split(":")[0] for m in to_maria] == ["Reminder", "Overdue"]
    assert f"due on {due.isoformat()}, in 14 days" in to_maria[0].text
    to_manager = [m for m in _mail_to(box, maria.manager.email) if "Maria Lopez" in m.subject]
    assert len(to_manager) == 1  # told once: on the day it is overdue
    assert "Overdue: Maria Lopez's required Safe calls" in to_manager[0].subject
    assert "as Maria Lopez's manager" in to_manager[0].text


@pytest.mark.usefixtures("reminders_not_yet_run")  # runs reminders from nothing sent
def test_after_missed_runs_only_the_most_urgent_stage_is_sent(demo_app, demo_db, due_soon):
    maria, due = due_soon
    run = assignments.send_assignment_reminders(due - timedelta(days=2), deliver=False)
    mine = [stage for aid, stage in run.sent if _safe_calls(maria.id) == aid]
    assert mine == ["3d"]
    later = assignments.send_assignment_reminders(due - timedelta(days=1), deliver=False)
    assert all(_safe_calls(maria.id) != aid for aid, _ in later.sent)
    user = demo_db.session.scalar(select(User).where(User.email == maria.email))
    subjects = demo_db.session.scalars(
        select(Notification.subject).where(
            Notification.user_id == user.id, Notification.kind == "assignment"
        )
    ).all()
    assert subjects == [f"Reminder: your required Safe calls ({COURSE}) is due on {due}"]


def test_done_assignments_are_not_reminded(demo_db, due_soon, course):
    maria, due = due_soon
    demo_db.session.add(
        Completion(
            employee_id=maria.id,
            course_id=course.id,
            completed_on=today(),
            expires_on=today() + timedelta(days=365),
            verification="verified",
        )
    )
    demo_db.session.commit()
    run = assignments.send_assignment_reminders(due + timedelta(days=1), deliver=False)
    assert all(_safe_calls(maria.id) != aid for aid, _ in run.sent)


def test_terminated_people_lose_their_assignments(demo_db, course):
    rule()
    person = people_in("L1-CSR")[-1]
    assert open_of(person.id)
    person.status = "terminated"
    person.termination_date = today()
    person.termination_reason = "voluntary"
    demo_db.session.commit()
    assert open_of(person.id) == []


# ----------------------------------------------------------------------------- CSV import


RULES_CSV = (
    "Job role,Course,Departments,Due days,Due date\n"
    "L1-CSR,CALL-SAFE,CS-NORTH;CS-SOUTH,30,\n"
    "L2-CSS,CALL-SAFE,,,2099-01-31\n"
)


def test_a_rules_file_is_dry_run_first_then_applied_whole(demo_db, course):
    from app.services import csv_io

    dry = csv_io.run_import("assignment_rules", RULES_CSV, actor=hr())
    assert [(r.action, r.key) for r in dry.rows] == [
        ("create", "L1-CSR CALL-SAFE"),
        ("create", "L2-CSS CALL-SAFE"),
    ]
    assert counts() == (1, counts()[1]) and not dry.applied  # only the demo's rule
    done = csv_io.run_import("assignment_rules", RULES_CSV, apply=True, actor=hr())
    assert done.applied
    saved = {
        r["role"]: r
        for r in map(assignments.rule_values, assignments.list_rules())
        if r["course"] == COURSE
    }
    assert saved["L1-CSR"]["departments"] == ["CS-NORTH", "CS-SOUTH"]
    assert saved["L2-CSS"]["due_on"] == "2099-01-31"
    again = csv_io.run_import("assignment_rules", RULES_CSV, actor=hr())
    assert {r.action for r in again.rows} == {"unchanged"}


def test_a_rules_file_with_one_bad_row_changes_nothing(demo_db, course):
    from app.services import csv_io

    before = counts()
    data = RULES_CSV + "NO-SUCH,CALL-SAFE,,30,\nL1-CSR,,,30,\nL3-CSM,CALL-SAFE,,,2020-01-01\n"
    report = csv_io.run_import("assignment_rules", data, apply=True, actor=hr())
    assert not report.applied
    refused = [" ".join(r.messages) for r in report.rows if r.action == "refuse"]
    assert len(refused) == 3
    assert "no job role 'NO-SUCH'" in refused[0]
    assert "Choose the course" in refused[1]
    assert "in the past" in refused[2]
    assert counts() == before
