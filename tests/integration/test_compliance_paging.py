"""The compliance page at organisation scale (issue 21): its required training comes a page at
a time (25/50/100), sorted and counted in SQL; the counts are the whole scope's on every page,
and the CSV and the PDF keep every row. A rule's save opens and closes assignments in bulk, and
the audit trail names the rule and the people."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import AuditEntry, Department, User
from app.services import assignments
from bench.generate import grow
from tests.conftest import PERSONAS, TEST_TODAY
from tests.integration.assignments_support import hr, new_course, open_of, rule

ROW = re.compile(
    r'<tr><th scope="row">[^<]+<br><span class="muted small">([^<]+)</span></th><td>[^<]*</td>'
    r'<td>[^<]+<br><span class="muted small">([^<]+)</span></td><td class="nowrap">([0-9-]+)</td>'
    r'<td>.*?</td><td class="num">(\d+)</td></tr>',
    re.S,
)


def _grown(count: int = 60) -> None:
    """``count`` more people below Sam Rivera, all covered by a rule with due dates behind
    and ahead (the synthetic people started on many dates)."""
    sam = db.session.scalar(select(User).where(User.email == PERSONAS["manager"]))
    grow(sam.employee_id, count, seed=3, anchor=TEST_TODAY)
    db.session.commit()
    new_course()
    rule()


def _section(page: str) -> str:
    start = page.index('id="rp-c-asg-h"')
    return page[start : page.index("</section>", start)]


def _lines(page: str) -> list[tuple[str, str, str, int]]:
    return [(no, code, due, int(late)) for no, code, due, late in ROW.findall(_section(page))]


def _counts(page: str) -> list[tuple[str, str, str]]:
    """The by-department table of the required training: (department, due, overdue)."""
    head = _section(page).split("<table", 2)[1]
    return re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+)</td>',
        head,
    )


def _csv(client, table: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    answer = client.get(f"/reports/compliance.csv?table={table}")
    assert answer.status_code == 200
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


def test_page_two_shows_the_next_rows_and_the_counts_stay_the_organisations(demo_db, login_as):
    _grown()
    client = login_as("hr")
    every = _csv(client, "assignments")
    assert len(every) > 60, "the CSV keeps every row"
    first = client.get("/reports/compliance?per_page=25").get_data(as_text=True)
    second = client.get("/reports/compliance?per_page=25&apage=2").get_data(as_text=True)
    one, two = _lines(first), _lines(second)
    assert len(one) == 25 and len(two) == 25
    assert not set(one) & set(two), "page 2 shows the next rows, not the same ones"
    assert f"{len(every)} results · page 1 of {-(-len(every) // 25)}" in first
    assert _counts(first) == _counts(second) and _counts(first)
    by_department = _csv(client, "assignment_departments")
    shown = {name: (int(due), int(late)) for name, due, late in _counts(first)}
    listed = {r["department"]: (int(r["due"]), int(r["overdue"])) for r in by_department}
    assert shown == {k: v for k, v in listed.items() if sum(v)}
    # every page together is the CSV's list, in its order (overdue longest first)
    pages = []
    for number in range(1, -(-len(every) // 100) + 1):
        page = client.get(f"/reports/compliance?per_page=100&apage={number}")
        pages += _lines(page.get_data(as_text=True))
    expected = [(r["employee_no"], r["code"], r["due_on"], int(r["days_overdue"])) for r in every]
    assert sorted(pages) == sorted(expected)
    assert [line[2] for line in pages] == [line[2] for line in expected]
    assert pages[0][3] == max(line[3] for line in expected) > 0


def test_the_required_training_sorts_by_course_person_and_department(demo_db, login_as):
    _grown(30)
    client = login_as("hr")
    by_due = _lines(client.get("/reports/compliance?per_page=100").get_data(as_text=True))
    latest = _lines(
        client.get("/reports/compliance?per_page=100&asort=due&adir=desc").get_data(as_text=True)
    )
    assert [line[2] for line in latest] == sorted((line[2] for line in by_due), reverse=True)
    page = client.get("/reports/compliance?asort=name").get_data(as_text=True)
    names = re.findall(r'<tr><th scope="row">([^<]+)<br>', _section(page))
    assert names == sorted(names, key=str.lower) and 'aria-sort="ascending"' in _section(page)


def test_bad_paging_and_sorting_arguments_fall_back_quietly(demo_db, login_as):
    _grown(30)
    client = login_as("hr")
    usual = _lines(client.get("/reports/compliance").get_data(as_text=True))
    for query in (
        "apage=abc",
        "apage=-3",
        "apage=99999999999999999999",
        "asort=id;drop&adir=sideways",
        "per_page=0",
        "per_page=x",
    ):
        answer = client.get(f"/reports/compliance?{query}")
        assert answer.status_code == 200, query
        lines = _lines(answer.get_data(as_text=True))
        assert lines, query
        if query.startswith("asort"):
            assert lines == usual
    past = client.get("/reports/compliance?apage=500").get_data(as_text=True)
    assert _lines(past), "a page past the end shows the last page"


def test_a_rules_save_opens_and_closes_in_bulk_and_the_audit_names_the_people(demo_db):
    _grown(20)
    last = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    saved = assignments.standing_rule("L1-CSR", "CALL-SAFE")
    assert saved is not None
    north = db.session.scalar(select(Department).where(Department.code == "CS-NORTH"))
    covered = [a.employee_id for a in assignments.assignment_rows(today(), None)]
    values = assignments.rule_values(saved)
    others = sorted(d.code for d in db.session.scalars(select(Department)) if d.id != north.id)
    assignments.update_rule(saved, {**values, "departments": others}, actor=hr())
    entries = list(
        db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.id > (last or 0), AuditEntry.table_name == "assignments"
            )
        )
    )
    closed = [e for e in entries if (e.after or {}).get("closed_on")]
    assert closed and closed[0].record_id == f"rule {saved.id}"
    gone = closed[0].after["employees"]
    assert gone and set(gone) <= set(covered)
    mine = [a for a in _all_of(gone[0]) if a.rule_id == saved.id]
    assert mine and all(a.closed_on is not None for a in mine)
    assignments.update_rule(saved, {**values, "departments": []}, actor=hr())
    again = [a for a in open_of(gone[0]) if a.rule_id == saved.id]
    assert len(again) == 1 and again[0].closed_on is None, "moved back in: opened again"
    assert len([a for a in _all_of(gone[0]) if a.rule_id == saved.id]) == 2, "history kept"


def _all_of(employee_id: int):  # type: ignore[no-untyped-def]
    from app.models import Assignment

    db.session.expire_all()
    return list(db.session.scalars(select(Assignment).where(Assignment.employee_id == employee_id)))
