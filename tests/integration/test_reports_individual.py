"""The individual readiness report: HTML page, PDF and CSV, access, findings, fingerprint.

Issue 7 and docs/RULES.md: for the employee themselves, their managers and hr; shows the
requirement table, score, band, projected date, path with costs and an attainment chart, the
generated and as-of dates and a fingerprint; a background check's findings never appear in a
manager's report.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from app.models import Completion, Course, Employee
from tests.conftest import TEST_TODAY
from tests.integration.reports_support import employee_id, pdf_pages, pdf_text


def test_marias_pdf_has_her_name_score_failed_gate_and_page_furniture(demo_db, login_as):
    """docs/RULES.md demo case: a CSR at about 80% whose PCI refresher expired, so a gate fails."""
    maria = employee_id(demo_db, "Maria Lopez")
    response = login_as("employee").get(f"/reports/readiness/{maria}.pdf?role=L2-CSS")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "readiness-E" in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    assert "Maria Lopez" in text
    assert "80.0" in text
    assert "PCI-AWARE" in text and "Gates not met: PCI DSS awareness (yearly)" in text
    assert "As of 2026-11-22" in text and "Generated 2026-11-22" in text
    assert "Promotion path to Customer Service Supervisor" in text
    assert "550.00" in text  # the path's estimated cost: PCI renewal 50 + ORG-101 500
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert all("Echelon demo organisation" in page for page in pages)  # running header
    assert len(pages) >= 2 and "Requirement" in pages[1]  # the table header repeats


def test_managers_and_hr_may_open_it_others_get_not_found(demo_db, login_as):
    maria = employee_id(demo_db, "Maria Lopez")
    grace = employee_id(demo_db, "Grace Okafor")
    assert login_as("manager").get(f"/reports/readiness/{maria}").status_code == 200
    assert login_as("hr").get(f"/reports/readiness/{maria}").status_code == 200
    for persona in ("finance", "admin"):
        assert login_as(persona).get(f"/reports/readiness/{maria}").status_code == 404
        assert login_as(persona).get(f"/reports/readiness/{maria}.pdf").status_code == 404
    employee = login_as("employee")
    assert employee.get(f"/reports/readiness/{grace}").status_code == 404
    assert employee.get(f"/reports/readiness/{grace}.csv").status_code == 404
    assert employee.get("/reports/readiness/999999").status_code == 404


def test_check_findings_are_for_hr_never_in_a_managers_report(demo_db, login_as):
    """docs/RULES.md data minimisation: managers see the status word only, hr everything."""
    grace = employee_id(demo_db, "Grace Okafor")
    url = f"/reports/readiness/{grace}"
    hr = login_as("hr")
    assert "collections" in hr.get(f"{url}?role=L3-CSM").get_data(as_text=True)
    assert "collections" in pdf_text(hr.get(f"{url}.pdf?role=L3-CSM").data)
    manager = login_as("manager")
    page = manager.get(f"{url}?role=L3-CSM").get_data(as_text=True)
    assert "review required" in page  # the status word is there
    assert "collections" not in page
    assert "collections" not in pdf_text(manager.get(f"{url}.pdf?role=L3-CSM").data)
    for table in ("requirements", "path"):
        csv_text = manager.get(f"{url}.csv?role=L3-CSM&table={table}").get_data(as_text=True)
        assert "collections" not in csv_text


def test_the_page_shows_the_report_with_its_downloads_and_chart(demo_db, login_as):
    maria = employee_id(demo_db, "Maria Lopez")
    response = login_as("manager").get(f"/reports/readiness/{maria}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Readiness report: Maria Lopez",
        "Requirements of Customer Service Supervisor",
        "Promotion path to Customer Service Supervisor",
        "Attainment per requirement",
        'role="img"',
        "Download PDF",
        "CSV: requirements",
        "/reports/verify?employee_no=",
        "js/reports.js",
        "css/print.css",
    ):
        assert text in page, text
    assert 'style="' not in page  # the CSP forbids inline styles


def test_the_csv_lists_every_requirement_with_status_and_expiry(demo_db, login_as):
    maria = employee_id(demo_db, "Maria Lopez")
    response = login_as("hr").get(f"/reports/readiness/{maria}.csv?role=L2-CSS&table=requirements")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 13
    pci = next(r for r in rows if r["code"] == "PCI-AWARE")
    assert (pci["status"], pci["gate"], pci["expires_on"]) == ("unmet", "yes", "2026-10-18")
    assert len(pci["fingerprint"]) == 64


def test_bad_input_gets_a_message_on_its_field_and_never_a_server_error(demo_db, login_as):
    maria = employee_id(demo_db, "Maria Lopez")
    client = login_as("hr")
    cases = {
        "as_of=garbage": "is not a date",
        "as_of=9999-12-31": "Choose a date from",
        "role=NOPE": "There is no role",
        "as_of=2026-02-30": "is not a date",
    }
    for query, message in cases.items():
        for suffix in ("", ".pdf", ".csv"):
            response = client.get(f"/reports/readiness/{maria}{suffix}?{query}")
            assert response.status_code == 400, (query, suffix)
            page = response.get_data(as_text=True)
            assert message in page and 'aria-invalid="true"' in page
    assert client.get(f"/reports/readiness/{maria}.csv?table=secrets").status_code == 404


def test_an_earlier_as_of_date_is_computed_on_that_date(demo_db, login_as):
    """docs/RULES.md: readiness on date D; before 2026-10-18 her PCI certificate was still valid."""
    maria = employee_id(demo_db, "Maria Lopez")
    client = login_as("hr")
    earlier = client.get(f"/reports/readiness/{maria}.csv?role=L2-CSS&as_of=2026-10-01")
    rows = list(csv.DictReader(io.StringIO(earlier.get_data(as_text=True))))
    pci = next(r for r in rows if r["code"] == "PCI-AWARE")
    assert pci["status"] == "expiring" and pci["as_of"] == "2026-10-01"
    today = client.get(f"/reports/readiness/{maria}.csv?role=L2-CSS")
    today_rows = list(csv.DictReader(io.StringIO(today.get_data(as_text=True))))
    assert today_rows[0]["fingerprint"] != rows[0]["fingerprint"]


def _fingerprint(client, maria: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/reports/readiness/{maria}.csv?role=L2-CSS")
    return next(csv.DictReader(io.StringIO(response.get_data(as_text=True))))["fingerprint"]


def test_a_printed_report_verifies_until_the_records_change(demo_db, login_as):
    """Issue 7: a printed report can later be checked against the records."""
    maria = employee_id(demo_db, "Maria Lopez")
    client = login_as("manager")
    full = _fingerprint(client, maria)
    printed = "-".join(full[i : i + 4] for i in range(0, 16, 4))
    assert printed in client.get(f"/reports/readiness/{maria}?role=L2-CSS").get_data(as_text=True)
    url = f"/reports/verify?employee_no=E0017&role=L2-CSS&as_of={TEST_TODAY}&fingerprint="
    ok = client.get(url + printed)
    assert ok.status_code == 200 and "The records match" in ok.get_data(as_text=True)

    pci = demo_db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    demo_db.session.add(
        Completion(
            employee_id=maria,
            course_id=pci.id,
            completed_on=date(2026, 11, 20),
            expires_on=date(2027, 11, 20),
        )
    )
    demo_db.session.commit()
    changed = client.get(url + printed).get_data(as_text=True)
    assert "The records do not match" in changed
    assert _fingerprint(client, maria) != full


def test_verify_refuses_what_is_not_a_fingerprint_and_people_you_may_not_see(demo_db, login_as):
    client = login_as("employee")  # Maria: she may check her own report, nobody else's
    base = f"/reports/verify?role=L2-CSS&as_of={TEST_TODAY}"
    bad = client.get(f"{base}&employee_no=E0017&fingerprint=not-a-hash")
    assert bad.status_code == 400
    assert "only the digits 0-9 and letters a-f" in bad.get_data(as_text=True)
    grace_no = demo_db.session.get(Employee, employee_id(demo_db, "Grace Okafor")).employee_no
    hidden = client.get(f"{base}&employee_no={grace_no}&fingerprint=0123456789abcdef")
    unknown = client.get(f"{base}&employee_no=E9999&fingerprint=0123456789abcdef")
    message = "No employee with that number whose readiness you may see."
    assert hidden.status_code == unknown.status_code == 400
    assert message in hidden.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get("/reports/verify").status_code == 200  # the empty form


def test_the_command_line_verifies_a_printed_report(demo_db, runner, login_as):
    maria = employee_id(demo_db, "Maria Lopez")
    full = _fingerprint(login_as("hr"), maria)
    args = ["reports", "verify", "E0017", "L2-CSS", TEST_TODAY.isoformat()]
    matched = runner.invoke(args=[*args, full[:16]])
    assert matched.exit_code == 0 and "MATCH" in matched.output
    other = ("0" if full[0] != "0" else "1") + full[1:16]
    differs = runner.invoke(args=[*args, other])
    assert differs.exit_code == 1 and "NO MATCH" in differs.output
    assert runner.invoke(args=[*args, "zz"]).exit_code == 2


def test_my_report_and_the_reports_menu(demo_db, login_as):
    maria = employee_id(demo_db, "Maria Lopez")
    client = login_as("employee")
    mine = client.get("/reports/readiness?role=L2-CSS")
    assert mine.status_code == 302
    assert mine.headers["Location"].endswith(f"/reports/readiness/{maria}?role=L2-CSS")
    home = client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/"' in home  # the Reports entry of the main navigation
    assert "My readiness report" in home
    assert "Open the team report" not in home and "Open the tuition report" not in home
    hr_home = login_as("hr").get("/reports/?person=okafor").get_data(as_text=True)
    assert "Open the team report" in hr_home and "Open the tuition report" in hr_home
    assert "Grace Okafor" in hr_home
    wildcard = login_as("hr").get("/reports/?person=%25").get_data(as_text=True)
    assert "Nobody you may see matches “%”." in wildcard  # % is a character, not a wildcard
    finance = login_as("finance").get("/reports/").get_data(as_text=True)
    assert "Open the tuition report" in finance and "Open the compliance report" not in finance
