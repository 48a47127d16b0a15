"""The employee's journeys in a real browser (issue 11): read the development plan, use the
what-if mode, request tuition, and upload evidence of a completed course.

Maria Lopez is the demo's CSR at about 80% whose PCI refresher has expired, so a gate fails
(docs/RULES.md, Demo organisation). Other journeys never change her readiness; her tuition request
and reported course are this test's own (a unique title, a course nobody else reports).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.support import choose, field_error, flash, open_menu_item, real_pdf, unique


def test_employee_reads_the_plan_and_tries_what_if(page_as):
    """docs/RULES.md, Readiness: an expired certification fails its gate; the projected close date
    of a certification is the end of the next session; the what-if mode changes nothing."""
    page = page_as("employee")
    open_menu_item(page, "My work", "My plan")
    expect(page.get_by_role("heading", name="My development plan", level=1)).to_be_visible()
    expect(page.locator(".stat").filter(has_text="score of 100")).to_contain_text("80.0")
    expect(page.locator(".stat").filter(has_text="mandatory requirement")).to_contain_text(
        "1 failing"
    )
    reasons = page.locator(".rd-reasons")
    expect(reasons).to_contain_text("Gate failing:")
    expect(reasons).to_contain_text("PCI DSS awareness (yearly)")

    requirements = page.get_by_role("table", name=re.compile("requirement", re.I)).first
    pci = requirements.get_by_role("row").filter(has_text="PCI DSS awareness")
    expect(pci).to_contain_text("unmet")  # the badge says it in words
    expect(pci).to_contain_text(
        "Booked on PCI DSS awareness (yearly) (PCI-AWARE): session 2026-12-01"
    )
    screenshot(page, "employee", "my-plan")

    whatif = page.get_by_role("region", name="What if…")
    renew = whatif.get_by_label(re.compile("^Booked on PCI DSS awareness"))
    renew.check()
    whatif.get_by_role("button", name="Show the projection").click()

    expect(page.get_by_role("heading", name=re.compile("^Projection on "))).to_be_visible()
    change = page.locator(".rd-change")
    expect(change).to_contain_text(re.compile(r"Score 80\.0 → \d+\.\d"))
    expect(change).to_contain_text("with the 1 ticked action")
    expect(
        page.get_by_role("region", name="What if…").get_by_label(
            re.compile("^Booked on PCI DSS awareness")
        )
    ).to_be_checked()
    screenshot(page, "employee", "my-plan-what-if")

    # Nothing was saved: the plan itself still shows the failing gate.
    page.get_by_role("link", name="Clear the what-if").click()
    expect(page.locator(".rd-reasons")).to_contain_text("Gate failing:")


def test_employee_requests_tuition(page_as):
    """docs/RULES.md, Tuition: draft -> submitted; the employee's manager is told."""
    title = unique("Certificate in Management, part 2")
    page = page_as("employee")
    open_menu_item(page, "Tuition", "My requests")
    expect(page).to_have_title(re.compile("^My tuition requests"))
    expect(page.get_by_role("heading", name="Tuition reimbursement", level=1)).to_be_visible()
    page.get_by_role("link", name="New request").click()
    expect(page.get_by_role("heading", name="New tuition request")).to_be_visible()

    # A cost that is not money is refused next to its field; nothing is created.
    page.get_by_label("Programme or course").fill(title)
    page.get_by_label("Institution").fill("Riverside Community College")
    choose(page.get_by_label("Qualification it leads to"), "CERT-MGMT")
    page.get_by_label("Course starts on").fill("2027-01-11")
    page.get_by_label("Course ends on").fill("2027-05-14")
    page.get_by_label("Tuition", exact=True).fill("about 1800")
    page.get_by_label("Justification").fill("Management knowledge the supervisor role needs.")
    page.get_by_role("button", name="Save and submit").click()
    expect(field_error(page, "Tuition")).to_contain_text(re.compile("amount|number|money", re.I))
    screenshot(page, "employee", "tuition-form-error")

    page.get_by_label("Tuition", exact=True).fill("1800.00")
    page.get_by_label("Fees", exact=True).fill("150.00")
    page.get_by_label("Books", exact=True).fill("50.00")
    page.get_by_role("button", name="Save and submit").click()
    expect(flash(page)).to_contain_text("Submitted. Sam Rivera has been notified")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator(".badge", has_text="submitted").first).to_be_visible()
    money = page.get_by_role("region", name=re.compile("^Money"))
    expect(money).to_contain_text("2,000.00")
    screenshot(page, "employee", "tuition-submitted")

    open_menu_item(page, "Tuition", "My requests")
    expect(page.get_by_role("row").filter(has_text=title)).to_contain_text("submitted")


def test_employee_reports_a_completed_course_with_a_pdf_certificate(page_as, tmp_path):
    """Uploads are type-checked by content; a reported completion stays pending until HR
    verifies it (DESIGN.md, Forms)."""
    page = page_as("employee")
    certificate = real_pdf(
        page, "Certificate: Complaint handling masterclass", tmp_path / "cert.pdf"
    )
    assert certificate.read_bytes().startswith(b"%PDF-")
    open_menu_item(page, "My work", "My records")
    expect(page.get_by_role("heading", name="Maria Lopez", level=1)).to_be_visible()
    page.get_by_role("link", name="Report a completed course").click()
    expect(page.get_by_role("heading", name="Report a completed course")).to_be_visible()

    # A file that only pretends to be a PDF is refused, tied to the evidence field.
    fake = tmp_path / "not-really.pdf"
    fake.write_text("just text with a .pdf name")
    choose(page.get_by_label("Course", exact=True), "COACH-LAB")
    page.get_by_label("Completed on").fill("2026-11-20")
    page.get_by_label(re.compile("^Evidence")).set_input_files(str(fake))
    page.get_by_role("button", name="Send for verification").click()
    expect(
        field_error(page, "Evidence: certificate or transcript (PDF, PNG or JPEG)")
    ).to_contain_text(re.compile("PDF", re.I))

    choose(page.get_by_label("Course", exact=True), "COACH-LAB")
    page.get_by_label("Completed on").fill("2026-11-20")
    page.get_by_label(re.compile("^Evidence")).set_input_files(str(certificate))
    page.get_by_role("button", name="Send for verification").click()
    expect(flash(page)).to_contain_text("HR will verify the completion")
    training = page.locator("section", has=page.get_by_role("heading", name="Training"))
    row = training.get_by_role("row").filter(has_text="2026-11-20").filter(has_text="COACH")
    expect(row).to_contain_text("pending")
    expect(row.get_by_role("link", name=re.compile("^Download"))).to_be_visible()
    screenshot(page, "employee", "evidence-uploaded")
