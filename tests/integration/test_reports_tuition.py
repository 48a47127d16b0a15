"""The tuition report: HTML page, PDF and CSV for finance and hr, per calendar year.

Issue 7: reserved versus reimbursed by department, caps used, taxable excess, repayments owed.
docs/RULES.md "Annual cap" and the repayment table; the demo's $2,000 course graded B, reimbursed
$1,500, whose employee left voluntarily 10 months later and owes 75%.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from app.models import Employee, TuitionRequest
from tests.integration.reports_support import employee_id, fresh_request_state, pdf_pages


def rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def request_row(eid: int, state: str, amount: str, *, job_related=True, paid_on=None, starts=None):  # type: ignore[no-untyped-def]
    starts = starts or date(2026, 3, 1)
    return {
        "employee_id": eid,
        "title": f"Course {state} {amount}",
        "institution": "Riverside Community College",
        "starts_on": starts,
        "ends_on": date(starts.year, 12, 1),
        "tuition": Decimal(amount),
        "fees": Decimal("0.00"),
        "books": Decimal("0.00"),
        "job_related": job_related,
        "justification": "Needed for the next role.",
        "state": state,
        "reserved_amount": Decimal(amount),
        "cap_year": starts.year,
        "reimbursed_amount": Decimal(amount) if state == "reimbursed" else None,
        "paid_on": paid_on,
        "version": 1,
    }


def add_money(db) -> None:  # type: ignore[no-untyped-def]
    """Casey (North): 5,000 + 750 paid in 2026 for courses that are not job-related, 500 above
    the 5,250 tax-free limit; Grace (North): 2,000 reserved; Nina (South): 3,000 paid."""
    casey = employee_id(db, "Casey Smith")
    db.session.execute(
        insert(TuitionRequest),
        [
            request_row(
                casey, "reimbursed", "5000.00", job_related=False, paid_on=date(2026, 4, 1)
            ),
            request_row(casey, "reimbursed", "750.00", job_related=False, paid_on=date(2026, 9, 1)),
            request_row(employee_id(db, "Grace Okafor"), "finance_approved", "2000.00"),
            request_row(
                employee_id(db, "Nina Petrova"), "reimbursed", "3000.00", paid_on=date(2026, 6, 1)
            ),
        ],
    )
    db.session.commit()
    fresh_request_state(db)


def test_the_demo_leaver_owes_three_quarters_in_the_year_she_left(demo_db, login_as):
    """docs/RULES.md: 1,500 reimbursed, left voluntarily 10 months later: owes 75% = 1,125.00."""
    client = login_as("finance")
    (owed,) = rows(client.get("/reports/tuition.csv?year=2026&table=repayments"))
    assert (owed["employee"], owed["reimbursed"], owed["months_since_paid"]) == (
        "Priya Shah",
        "1500.00",
        "10",
    )
    assert (owed["share"], owed["amount_owed"], owed["settled_on"]) == ("0.75", "1125.00", "")
    earlier = rows(client.get("/reports/tuition.csv?year=2025&table=departments"))
    # 2025 also holds the reservation of Harper Hall's completed course, not yet paid
    assert [(d["department"], d["reserved"], d["reimbursed"]) for d in earlier] == [
        ("Contact Centre North", "1760.00", "0.00"),
        ("Contact Centre South", "0.00", "1500.00"),
    ]


def test_reserved_reimbursed_caps_and_taxable_excess_by_department(demo_db, login_as):
    """docs/RULES.md Annual cap: reserved and reimbursed both count; taxable = what a year pays
    above 5,250.00 for courses that are not job-related."""
    add_money(demo_db)
    client = login_as("hr")
    departments = {
        d["department"]: d
        for d in rows(client.get("/reports/tuition.csv?year=2026&table=departments"))
    }
    north = departments["Contact Centre North"]
    assert (north["reserved"], north["reimbursed"], north["cap_used"]) == (
        "2000.00",
        "5750.00",
        "7750.00",
    )
    assert north["taxable_excess"] == "500.00"
    assert departments["Contact Centre South"]["reimbursed"] == "3000.00"
    people = {
        p["employee"]: p for p in rows(client.get("/reports/tuition.csv?year=2026&table=employees"))
    }
    assert (
        people["Casey Smith"]["cap_left"] == "0.00"
        and people["Casey Smith"]["percent_of_cap"] == "100"
    )
    assert people["Grace Okafor"]["cap_left"] == "3250.00"
    page = client.get("/reports/tuition?year=2026").get_data(as_text=True)
    assert "Casey Smith" in page and "500.00" in page and "cap reached" in page


def test_the_pdf_carries_every_section(demo_db, login_as):
    add_money(demo_db)
    response = login_as("finance").get("/reports/tuition.pdf?year=2026")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    for expected in (
        "Tuition report 2026",
        "Reserved and reimbursed by department",
        "Caps used",
        "Taxable excess",
        "Repayments owed",
        "Priya Shah",
        "1,125.00",
        "Casey Smith",
    ):
        assert expected in text, expected
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_a_department_filter_and_bad_years(demo_db, login_as):
    add_money(demo_db)
    client = login_as("finance")
    south = rows(client.get("/reports/tuition.csv?year=2026&department=CS-SOUTH&table=employees"))
    assert {p["department"] for p in south} == {"Contact Centre South"}
    for year in ("1999", "twenty", "2026-01", "٢٠٢٦"):
        for suffix in ("", ".pdf", ".csv"):
            response = client.get(f"/reports/tuition{suffix}?year={year}")
            assert response.status_code == 400
            assert "Enter a year from 2000 to 2100" in response.get_data(as_text=True)
    empty = client.get("/reports/tuition?year=2030").get_data(as_text=True)
    assert "No tuition money was reserved, paid or owed back in 2030." in empty


def test_only_finance_and_hr_may_open_it(demo_db, login_as):
    for persona in ("employee", "manager", "admin"):
        client = login_as(persona)
        for suffix in ("", ".pdf", ".csv"):
            assert client.get(f"/reports/tuition{suffix}").status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_requests(demo_db, login_as, count_queries):
    client = login_as("finance")
    url = "/reports/tuition.csv?year=2026&table=employees"
    client.get(url)
    with count_queries() as few:
        small = rows(client.get(url))
    people = demo_db.session.scalars(select(Employee.id).where(Employee.status == "active"))
    bulk = [request_row(eid, "finance_approved", "100.00") for eid in people]
    demo_db.session.execute(insert(TuitionRequest), bulk)
    demo_db.session.commit()
    fresh_request_state(demo_db)
    client.get(url)
    with count_queries() as many:
        large = rows(client.get(url))
    assert len(large) > len(small) + 40
    assert few() == many()


def _year_options(page: str) -> list[str]:
    import re

    picker = re.search(r'<select id="year" name="year"[^>]*>(.*?)</select>', page, re.S)
    assert picker, "the year picker"
    return re.findall(r'<option value="(\d{4})"', picker.group(1))


def test_the_year_pickers_offer_every_year_with_money_and_the_coming_year(demo_db, login_as):
    """Finance finds next year's reservations: the summary and the report offer each year
    that holds a reservation, a payment or a repayment, and the coming year (2027)."""
    from app.models import Repayment

    grace, nina = employee_id(demo_db, "Grace Okafor"), employee_id(demo_db, "Nina Petrova")
    paid = request_row(nina, "reimbursed", "400.00", paid_on=date(2021, 6, 1))
    paid["starts_on"], paid["ends_on"], paid["cap_year"] = date(2021, 2, 1), date(2021, 5, 1), 2021
    demo_db.session.execute(
        insert(TuitionRequest),
        [
            request_row(grace, "finance_approved", "900.00", starts=date(2029, 2, 1)),
            request_row(grace, "draft", "100.00", starts=date(2031, 2, 1)),  # holds no money
            paid,
        ],
    )
    paid_id = demo_db.session.scalar(
        select(TuitionRequest.id).where(TuitionRequest.paid_on == date(2021, 6, 1))
    )
    demo_db.session.add(
        Repayment(
            request_id=paid_id,
            employee_id=nina,
            termination_date=date(2019, 12, 1),
            months_since_paid=0,
            share=Decimal("1.00"),
            amount_owed=Decimal("400.00"),
        )
    )
    demo_db.session.commit()
    fresh_request_state(demo_db)
    client = login_as("finance")
    for url in ("/tuition/summary", "/reports/tuition"):
        years = _year_options(client.get(url).get_data(as_text=True))
        assert years == sorted(years, reverse=True), url
        assert {"2029", "2027", "2026", "2021", "2019"} <= set(years), url
        assert "2031" not in years, url
    reserved = rows(client.get("/reports/tuition.csv?year=2029&table=employees"))
    assert [(r["employee"], r["reserved"]) for r in reserved] == [("Grace Okafor", "900.00")]
