"""Finance's journey in a real browser (issue 11): approve a request (reserving the amount
against the cap), mark a completed course paid, and download the tuition report.

The request is the test's own (a unique title), walked to HR's approval through the same
service the pages call; the employee completes it the same way between finance's two steps.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.support import arranged, flash, open_menu_item, unique


def test_finance_approves_marks_paid_and_downloads_the_tuition_report(page_as, live_app, tmp_path):
    """docs/RULES.md, Tuition: finance_approved reserves the amount against the cap;
    reimbursed = min(eligible cost x grade percentage, cap left) with B = 75%."""
    from app.services import tuition as svc
    from tests.integration.tuition_support import pdf, user, walk

    title = unique("Budgeting for supervisors")
    with arranged(live_app):
        # A course that already ended (HR allowed the late request), so it can be completed.
        request_id = walk(
            user("employee"),
            "hr_approved",
            title=title,
            starts_on="2026-09-07",
            ends_on="2026-11-13",
            tuition="1700.00",
            fees="200.00",
            books="100.00",
        ).id

    page = page_as("finance")
    home_queue = page.get_by_role("region", name="Tuition queue")
    expect(home_queue.get_by_role("row").filter(has_text=title)).to_contain_text("hr approved")
    open_menu_item(page, "Tuition", "Finance queue")
    expect(page.get_by_role("heading", name="Finance tuition queue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text("2,000.00")
    screenshot(page, "finance", "finance-queue")
    row.get_by_role("button", name="Approve").click()
    expect(flash(page)).to_contain_text("Approved.")
    expect(page.locator(".badge", has_text="finance approved").first).to_be_visible()
    screenshot(page, "finance", "request-finance-approved")

    with arranged(live_app):
        svc.transition(
            request_id,
            "complete",
            user("employee"),
            grade="B",
            receipt=pdf(),
            transcript=pdf("transcript.pdf"),
        )

    open_menu_item(page, "Tuition", "Finance queue")
    page.get_by_role("link", name="To pay").click()
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text("completed")
    row.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    documents = page.locator("section", has_text="receipt.pdf")
    expect(documents.get_by_role("link", name="receipt.pdf")).to_be_visible()
    page.get_by_label("Paid on").fill("2026-11-22")
    page.get_by_label("Payment reference or comment").fill("Payroll run 2026-47")
    page.get_by_role("button", name="Mark paid").click()
    expect(flash(page)).to_contain_text("Marked paid.")
    expect(page.locator(".badge", has_text="reimbursed").first).to_be_visible()
    money = page.get_by_role("region", name=re.compile("^Money"))
    expect(money).to_contain_text("1,500.00")  # 2,000.00 eligible x 75% for a B
    screenshot(page, "finance", "request-paid")

    open_menu_item(page, "Reports", "Reports")
    page.get_by_role("link", name="Open the tuition report").click()
    expect(page.get_by_role("heading", name=re.compile("^Tuition report"), level=1)).to_be_visible()
    screenshot(page, "finance", "tuition-report")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "tuition-report.pdf"
    pdf_download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    expect(page.locator("#pdf-progress").get_by_role("status")).to_contain_text("The PDF is ready")

    csv_link = page.get_by_role("link", name=re.compile("^CSV")).first
    with page.expect_download() as csv_download:
        csv_link.click()
    table = csv_download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(table)))
    header, *lines = rows
    by_department = {line[header.index("department")]: line for line in lines}
    north = by_department["Contact Centre North"]  # Maria Lopez's department
    assert Decimal(north[header.index("reimbursed")]) >= Decimal("1500.00"), rows
