"""The compliance report: HTML page, PDF and CSV; scope, findings, windows, query budget.

Issue 7: certifications and background checks that are expired or expire within 30, 60 or 90
days, per person and per department, with who to chase; hr, and managers for their part.
docs/RULES.md: expired once D >= expires_on; findings are for hr alone.
"""

from __future__ import annotations

import csv
import io

from tests.integration.reports_support import add_people, fresh_request_state, pdf_pages, pdf_text


def rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_hr_sees_marias_expired_certificate_with_who_to_chase(demo_db, login_as):
    """docs/RULES.md demo case: Maria's PCI refresher expired; Reminders: hr gets the expired
    ones."""
    client = login_as("hr")
    items = rows(client.get("/reports/compliance.csv?table=items"))
    maria = next(r for r in items if r["employee"] == "Maria Lopez")
    assert (maria["code"], maria["expires_on"], maria["days_left"]) == (
        "PCI-AWARE",
        "2026-10-18",
        "-35",
    )
    assert maria["window"] == "Expired" and maria["chase"] == "Employee, manager and HR"
    assert maria["manager"] == "Daniel Kim" and maria["manager_email"] == "daniel.kim@example.com"
    assert [int(r["days_left"]) for r in items] == sorted(int(r["days_left"]) for r in items)
    assert all(int(r["days_left"]) <= 90 for r in items)
    chase = rows(client.get("/reports/compliance.csv?table=chase"))
    assert chase[0]["manager"] == "Daniel Kim" and "Maria Lopez" in chase[0]["people"]
    departments = rows(client.get("/reports/compliance.csv?table=departments"))
    north = next(d for d in departments if d["department"] == "Contact Centre North")
    assert north["Expired"] == "1"


def test_the_pdf_is_a_document_with_the_expected_text(demo_db, login_as):
    response = login_as("hr").get("/reports/compliance.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    for expected in (
        "Compliance report",
        "Whole organisation",
        "Maria Lopez",
        "Expired",
        "Who to chase, by manager",
        "Checks waiting for a decision",
        "collections",  # hr may see findings
    ):
        assert expected in text, expected
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_a_manager_sees_only_their_part_and_never_findings(demo_db, login_as):
    """docs/RULES.md: managers see their part of the organisation, and only the status word."""
    manager = login_as("manager")
    page = manager.get("/reports/compliance").get_data(as_text=True)
    assert "Team of Sam Rivera" in page and "Maria Lopez" in page
    assert "Grace Okafor" in page and "review required" in page  # her CREDIT check's status
    assert "collections" not in page
    assert "Lena Fischer" not in page  # a manager of Contact Centre South, not in Sam's tree
    assert "collections" not in pdf_text(manager.get("/reports/compliance.pdf").data)
    for table in ("items", "departments", "chase"):
        text = manager.get(f"/reports/compliance.csv?table={table}").get_data(as_text=True)
        assert "collections" not in text and "Lena Fischer" not in text
    hr_page = login_as("hr").get("/reports/compliance").get_data(as_text=True)
    assert "Lena Fischer" in hr_page and "collections" in hr_page


def test_a_department_and_a_narrower_window(demo_db, login_as):
    client = login_as("hr")
    south = rows(client.get("/reports/compliance.csv?table=items&department=CS-SOUTH"))
    assert south and {r["department"] for r in south} == {"Contact Centre South"}
    short = rows(client.get("/reports/compliance.csv?table=items&days=30"))
    assert {r["window"] for r in short} <= {"Expired", "Within 30 days"}
    assert any(r["employee"] == "Maria Lopez" for r in short)


def test_bad_parameters_get_messages_on_their_fields(demo_db, login_as):
    client = login_as("hr")
    for query, message in {
        "days=45": "Choose 30, 60 or 90 days.",
        "department=NOPE": "There is no department",
        "as_of=yesterday": "is not a date",
    }.items():
        for suffix in ("", ".pdf", ".csv"):
            response = client.get(f"/reports/compliance{suffix}?{query}")
            assert response.status_code == 400
            assert message in response.get_data(as_text=True)


def test_only_hr_and_managers_may_open_it(demo_db, login_as):
    for persona in ("employee", "finance", "admin"):
        client = login_as(persona)
        for suffix in ("", ".pdf", ".csv"):
            assert client.get(f"/reports/compliance{suffix}").status_code == 403


def test_the_page_is_searchable_and_paginated(demo_db, login_as):
    add_people(demo_db, 70, department="CS-NORTH", manager="Daniel Kim")
    fresh_request_state(demo_db)
    client = login_as("manager")
    first = client.get("/reports/compliance").get_data(as_text=True)
    assert "page 1 of " in first and 'rel="next"' in first
    second = client.get("/reports/compliance?page=2").get_data(as_text=True)
    assert "page 2 of " in second and 'rel="prev"' in second
    found = client.get("/reports/compliance?q=maria").get_data(as_text=True)
    per_person = found.split('id="rp-c-items-h"')[1].split('id="rp-c-dec-h"')[0]
    assert "Maria Lopez" in per_person and "Bulk Person" not in per_person
    none = client.get("/reports/compliance?q=zzzz").get_data(as_text=True)
    assert "No item matches" in none
    by_name = client.get("/reports/compliance?sort=name&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in by_name


def test_the_number_of_queries_does_not_grow_with_the_people(demo_db, login_as, count_queries):
    """DESIGN.md Bulk first: a report runs a fixed number of queries whatever its size."""
    client = login_as("hr")
    url = "/reports/compliance.csv?table=items&department=CS-ESC"
    client.get(url)
    with count_queries() as few:
        small = rows(client.get(url))
    add_people(demo_db, 150, department="CS-ESC", manager="Marcus Bell")
    fresh_request_state(demo_db)
    client.get(url)
    with count_queries() as many:
        large = rows(client.get(url))
    assert len(large) > len(small) + 100
    assert few() == many()
