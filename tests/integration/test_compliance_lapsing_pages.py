"""The compliance page's expired and expiring items at scale (issue 21): decided, counted,
searched, sorted and paged in SQL. Page 2 is the next rows, every page together is the CSV's
list in the page's order, and the counts on the page are those of the full list. Lapse dates
computed in SQL (a completion without expires_on, a check without valid_until) follow the
calendar rule of docs/RULES.md: 29 February + 12 months is 28 February."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date

from sqlalchemy import insert, select

from app.models import BackgroundCheck, CheckType, Completion, Course
from app.readiness.dates import add_months
from tests.integration.reports_support import add_people, employee_id, fresh_request_state

ROW = re.compile(
    r'<tr>\s*<th scope="row">[^<]+<br><span class="muted small">([^<]+)</span>.*?</th>\s*'
    r"<td>[^<]*</td>\s*<td>[^<]+<br><span class=\"muted small\">[^<]+ · ([^<]+)</span>.*?</td>\s*"
    r'<td class="nowrap">([0-9-]+)</td>\s*<td class="num">(-?\d+)</td>',
    re.S,
)


def _csv(client, table: str, query: str = "") -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    answer = client.get(f"/reports/compliance.csv?table={table}{query}")
    assert answer.status_code == 200
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


def _items(page: str) -> list[tuple[str, str, str, int]]:
    """The per-person table's rows: (employee no, code, expires on, days left)."""
    start = page.index('id="rp-c-items-h"')
    section = page[start : page.index("</section>", start)]
    return [(no, code, on, int(left)) for no, code, on, left in ROW.findall(section)]


def _listed(rows: list[dict[str, str]]) -> list[tuple[str, str, str, int]]:
    return [(r["employee_no"], r["code"], r["expires_on"], int(r["days_left"])) for r in rows]


def _every_page(client, query: str, per_page: int) -> list[list[tuple[str, str, str, int]]]:  # type: ignore[no-untyped-def]
    pages = []
    for number in range(1, 40):  # bounded: the list below has a few hundred rows at most
        page = client.get(f"/reports/compliance?per_page={per_page}&page={number}{query}")
        assert page.status_code == 200
        found = _items(page.get_data(as_text=True))
        if not found:
            break
        pages.append(found)
    return pages


def test_page_two_is_the_next_rows_and_every_page_is_the_csv(demo_db, login_as):
    add_people(demo_db, 70, department="CS-NORTH", manager="Daniel Kim")
    fresh_request_state(demo_db)
    client = login_as("hr")
    listed = _csv(client, "items")
    assert len(listed) > 60
    # the page's first order: fewest days left, then the person's name (the CSV's own order
    # goes by department before the name)
    every = _listed(sorted(listed, key=lambda r: (int(r["days_left"]), r["employee"])))
    first = client.get("/reports/compliance?per_page=25").get_data(as_text=True)
    assert f"{len(every)} results · page 1 of {-(-len(every) // 25)}" in first
    pages = _every_page(client, "", 25)
    assert pages[0] == _items(first) and len(pages[0]) == 25
    assert not set(pages[0]) & set(pages[1]), "page 2 shows the next rows"
    assert [row for page in pages for row in page] == every, "the pages are the CSV's rows"


def test_sorted_and_searched_pages_are_the_csv_sorted_and_searched(demo_db, login_as):
    add_people(demo_db, 40, department="CS-NORTH", manager="Daniel Kim")
    fresh_request_state(demo_db)
    client = login_as("hr")
    every = _csv(client, "items")
    by_name = sorted(
        every, key=lambda r: (r["employee"].lower(), int(r["days_left"])), reverse=True
    )
    pages = _every_page(client, "&sort=name&dir=desc", 20)
    assert [row for page in pages for row in page] == _listed(by_name)
    by_item = sorted(every, key=lambda r: (r["item"].lower(), int(r["days_left"])))
    pages = _every_page(client, "&sort=item", 20)
    assert [row for page in pages for row in page] == _listed(by_item)
    wanted = [r for r in every if "person 001" in r["employee"].lower()]
    assert 0 < len(wanted) < len(every)
    found = client.get("/reports/compliance?q=Person 001").get_data(as_text=True)
    assert _items(found) == _listed(wanted)
    assert f"{len(wanted)} results" in found


def _table_rows(page: str, heading: str) -> list[list[str]]:
    start = page.index(f'id="{heading}"')
    body = page[start : page.index("</section>", start)].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_counts_on_the_page_are_those_of_the_full_list(demo_db, login_as):
    add_people(demo_db, 60, department="CS-SOUTH", manager="Daniel Kim")
    fresh_request_state(demo_db)
    client = login_as("hr")
    every = _csv(client, "items")
    page = client.get("/reports/compliance?per_page=10").get_data(as_text=True)
    shown = {cells[0]: [int(c) for c in cells[1:]] for cells in _table_rows(page, "rp-c-dept-h")}
    departments = _csv(client, "departments")
    labels = ["Expired", "Within 30 days", "In 31-60 days", "In 61-90 days"]
    listed = Counter((r["department"] or "No department", r["window"]) for r in every)
    for d in departments:
        counts = [int(d[label]) for label in labels]
        assert counts == [listed[(d["department"], label)] for label in labels]
        assert shown[d["department"]] == [int(d["people"]), *counts, sum(counts)]
    chase = {
        cells[0].split("<br>")[0]: [int(c) for c in cells[1:5]]
        for cells in _table_rows(page, "rp-c-chase-h")
    }
    by_manager = Counter((r["manager"] or "No manager", r["window"]) for r in every)
    assert chase and all(
        counts == [by_manager[(manager, label)] for label in labels]
        for manager, counts in chase.items()
    )
    assert f"{len(every)} results" in page


def test_lapse_dates_computed_in_sql_keep_to_the_month_end(demo_db, login_as):
    """A completion stored without expires_on lapses completed_on + validity_months, a clear
    check without valid_until completed_on + rescreen_months, each clamped to the month's last
    day (readiness.dates.add_months): on the page, in the CSV and in the counts alike."""
    (person,) = add_people(demo_db, 1, department="CS-NORTH", manager="Daniel Kim", prefix="M")
    leap = date(2024, 2, 29)
    course = demo_db.session.execute(
        select(Course.id, Course.validity_months).where(Course.code == "PCI-AWARE")
    ).one()
    check = demo_db.session.execute(
        select(CheckType.id, CheckType.rescreen_months).where(CheckType.code == "CREDIT")
    ).one()
    demo_db.session.execute(
        insert(Completion),
        [
            {
                "employee_id": person,
                "course_id": course.id,
                "completed_on": leap,
                "expires_on": None,
                "verification": "verified",
                "version": 1,
            }
        ],
    )
    demo_db.session.execute(
        insert(BackgroundCheck),
        [
            {
                "employee_id": person,
                "check_type_id": check.id,
                "consent_signed_on": date(2024, 2, 1),
                "consent_form_version": "FCRA-2024-1",
                "requested_on": date(2024, 2, 2),
                "status": "clear",
                "completed_on": leap,
                "valid_until": None,
                "version": 1,
            }
        ],
    )
    demo_db.session.commit()
    fresh_request_state(demo_db)
    assert employee_id(demo_db, "Daniel Kim")
    client = login_as("hr")
    for code, months in (("PCI-AWARE", course.validity_months), ("CREDIT", check.rescreen_months)):
        lapses = add_months(leap, months)
        assert lapses.month == 2 and lapses.day == 28
        as_of = date(lapses.year, 1, 15)
        query = f"&as_of={as_of}"
        listed = [r for r in _listed(_csv(client, "items", query)) if r[:2] == ("M00000", code)]
        assert listed == [("M00000", code, lapses.isoformat(), (lapses - as_of).days)]
        page = client.get(f"/reports/compliance?as_of={as_of}&q=M00000").get_data(as_text=True)
        assert listed[0] in _items(page)


def _chase(page: str) -> list[tuple[str, list[int], int]]:
    """Who to chase on the page: (manager, counts per bucket, items)."""
    return [
        (cells[0].split("<br>")[0], [int(c) for c in cells[1:5]], int(cells[5]))
        for cells in _table_rows(page, "rp-c-chase-h")
    ]


def test_who_to_chase_is_paged_and_sorted_over_every_manager(demo_db, login_as):
    """Who to chase comes a page of managers at a time (?cpage=, ?csort=, ?cdir=): every page
    together is the CSV's list in its order (most expired first), each with the whole scope's
    counts; sorted by manager or by items, the pages are the CSV sorted so."""
    add_people(demo_db, 12, department="CS-NORTH", manager="Daniel Kim")
    add_people(demo_db, 8, department="CS-SOUTH", manager="Grace Okafor", prefix="S")
    fresh_request_state(demo_db)
    client = login_as("hr")
    labels = ["Expired", "Within 30 days", "In 31-60 days", "In 61-90 days"]
    listed = [(r["manager"], [int(r[label]) for label in labels]) for r in _csv(client, "chase")]
    assert len(listed) >= 3

    def every_page(query: str) -> list[tuple[str, list[int], int]]:
        shown = []
        for number in range(1, 20):  # bounded: a few managers, two a page
            page = client.get(f"/reports/compliance?per_page=2&cpage={number}{query}")
            assert page.status_code == 200
            text = page.get_data(as_text=True)
            rows = _chase(text)
            assert len(rows) <= 2
            if number == 1:
                assert f"{len(listed)} results · page 1 of {-(-len(listed) // 2)}" in text
            shown += rows
            section = text.split('id="rp-c-chase-h"', 1)[1].split("</section>", 1)[0]
            if f"page {number} of {number}</span>" in section:
                break
        return shown

    urgent = every_page("")
    assert [(name, counts) for name, counts, _ in urgent] == listed
    assert all(items == sum(counts) for _, counts, items in urgent)
    by_name = every_page("&csort=manager")
    assert [name for name, _, _ in by_name] == sorted((name for name, _ in listed), key=str.lower)
    most = every_page("&csort=items&cdir=desc")
    assert [items for _, _, items in most] == sorted((sum(c) for _, c in listed), reverse=True)
    # the items table keeps its own page whichever page of managers is shown
    first = client.get("/reports/compliance?per_page=2").get_data(as_text=True)
    other = client.get("/reports/compliance?per_page=2&cpage=2").get_data(as_text=True)
    assert _items(first) == _items(other)
