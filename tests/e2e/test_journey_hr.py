"""HR's journeys in a real browser (issue 11): configure a role requirement, record a
completion, record a background check with consent, and run a CSV import through its dry run.

Each journey works on data only it touches (a role it creates, Nina Petrova of Contact Centre
South, who is in no other journey), so the journeys can run in any order on one live server.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.support import (
    accept_dialogs,
    choose,
    field_error,
    flash,
    open_menu_item,
    unique,
)

NINA = "Nina Petrova"  # E0012, Contact Centre South: outside the manager journey's team


# Notes, a moment after a form is sent, what the page shows while the server works (a held
# navigation blocks Playwright's own queries, so the page writes it down for later).
WATCH_PROGRESS = """() => document.addEventListener('submit', (event) => setTimeout(() => {
    const progress = event.target.querySelector('.progress');
    sessionStorage.setItem('progress-seen', JSON.stringify({
        visible: progress ? progress.checkVisibility() : false,
        role: progress && progress.getAttribute('role'),
        text: progress ? progress.textContent.trim() : '',
        disabled: [...event.target.querySelectorAll('button')].filter(b => b.disabled)
            .map(b => b.textContent.trim())}));
}, 100))"""


def open_employee(page, name: str) -> None:  # type: ignore[no-untyped-def]
    open_menu_item(page, "People", "People")
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    page.get_by_label("Search").fill(name)
    page.get_by_role("button", name=re.compile("Search|Filter")).click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def test_hr_creates_a_role_and_configures_its_requirements(page_as):
    """docs/RULES.md, Requirements of a role: each has a kind, a target, a minimum, mandatory (a
    gate) and a weight. HR sets them in the catalogue; a refused row changes nothing."""
    page = page_as("hr")
    open_menu_item(page, "Configuration", "Catalogue")
    expect(page.get_by_role("heading", name="Catalogue", level=1)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Job roles")).first.click()
    page.get_by_role("link", name="New role").click()
    expect(page.get_by_role("heading", name="New job role")).to_be_visible()

    # Sending the empty form: every problem is listed and tied to its field.
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("alert")).to_contain_text("Please fix")
    expect(field_error(page, "Code")).not_to_be_empty()
    expect(field_error(page, "Title")).not_to_be_empty()
    screenshot(page, "hr", "role-new-errors")

    code = "L1-CHAT-" + unique("X").split()[1]
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Title", exact=True).fill("Chat Support Agent")
    page.get_by_label("Level", exact=True).fill("1")
    page.get_by_label("Financial authority limit").fill("250.00")
    page.get_by_role("button", name="Create").click()
    expect(flash(page)).to_contain_text(f"Role {code} created")
    expect(page.get_by_role("heading", name=f"Requirements of {code}")).to_be_visible()

    # Row 1: the yearly PCI certification as a gate. Row 2: a competency without its minimum.
    page.get_by_label("Kind of requirement 1").select_option("certification")
    page.get_by_label("Target of requirement 1").select_option("course:PCI-AWARE")
    page.get_by_label("Weight of requirement 1").fill("2")
    page.get_by_label("Requirement 1 is mandatory").check()
    page.get_by_label("Kind of requirement 2").select_option("competency")
    page.get_by_label("Target of requirement 2").select_option("competency:PRODUCT")
    page.get_by_label("Requirement 2 is mandatory").uncheck()
    page.get_by_role("button", name="Save requirements").click()
    expect(page.get_by_role("alert")).to_contain_text("Please fix")
    expect(field_error(page, "Minimum of requirement 2")).to_contain_text(re.compile("level"))
    screenshot(page, "hr", "requirements-errors")

    page.get_by_label("Minimum of requirement 2").fill("2")
    page.get_by_role("button", name="Save requirements").click()
    expect(flash(page)).to_contain_text(f"Requirements of {code} saved (2)")
    table = page.get_by_role("table", name=f"Requirements of {code}")
    pci = table.get_by_role("row").filter(has_text="PCI-AWARE")
    expect(pci).to_contain_text("Certification")
    expect(pci).to_contain_text("mandatory")  # the gate badge carries its word
    product = table.get_by_role("row").filter(has_text="PRODUCT")
    expect(product).to_contain_text("level 2")
    expect(product).to_contain_text("optional")
    expect(table.get_by_role("row").filter(has_text="Total weight")).to_contain_text("3")
    screenshot(page, "hr", "role-configured")


def test_hr_records_a_completion_and_sees_its_expiry(page_as):
    """docs/RULES.md, Training: expires_on = completed_on + validity_months (PCI: 12 months)."""
    page = page_as("hr")
    open_employee(page, NINA)
    page.get_by_role("link", name="Record a completion").click()
    expect(page.get_by_role("heading", name=f"Record a completion for {NINA}")).to_be_visible()
    choose(page.get_by_label("Course"), "PCI-AWARE")
    page.get_by_label("Completed on").fill("2026-11-20")
    page.get_by_label("Score (optional)").fill("92")
    page.get_by_role("button", name="Save completion").click()
    expect(flash(page)).to_contain_text("PCI-AWARE recorded; it expires 2027-11-20")
    training = page.locator("section", has=page.get_by_role("heading", name="Training"))
    row = training.get_by_role("row").filter(has_text="2026-11-20").filter(has_text="PCI")
    expect(row).to_contain_text("2027-11-20")
    expect(row).to_contain_text("valid")
    screenshot(page, "hr", "employee-completion-recorded")


def test_hr_records_a_background_check_only_with_consent(page_as):
    """docs/RULES.md, Background checks: no check may be requested without a consent record
    (FCRA written authorisation); HR sees the findings."""
    page = page_as("hr")
    open_employee(page, NINA)
    page.get_by_role("link", name="Request a check").click()
    expect(
        page.get_by_role("heading", name=f"Request a background check for {NINA}")
    ).to_be_visible()
    choose(page.get_by_label("Check type"), "CREDIT")
    page.get_by_label("Vendor (optional)").fill("Sterling Screening")
    page.get_by_role("button", name="Save check").click()

    # Refused without consent: the message sits next to the consent fields and nothing is saved.
    expect(page.get_by_role("alert")).to_contain_text("consent")
    expect(field_error(page, "Consent signed on")).to_contain_text("consent")
    expect(field_error(page, "Consent form version")).not_to_be_empty()
    screenshot(page, "hr", "check-consent-refused")

    page.get_by_label("Consent signed on").fill("2026-11-18")
    page.get_by_label("Consent form version").fill("FCRA-2024-1")
    page.get_by_role("button", name="Save check").click()
    expect(flash(page)).to_contain_text("The CREDIT check was recorded.")
    expect(page.get_by_role("heading", name=re.compile(f"for {NINA}"), level=1)).to_be_visible()
    facts = page.get_by_role("region", name="The check")
    expect(facts).to_contain_text("2026-11-18")
    expect(facts).to_contain_text("FCRA-2024-1")
    expect(facts).to_contain_text("Sterling Screening")
    expect(page.locator(".lede .badge")).to_have_text("requested")
    screenshot(page, "hr", "check-recorded")


def test_hr_runs_a_csv_import_through_its_dry_run_then_applies_it(page_as, tmp_path):
    """The import shows a dry run of every row before anything changes and is all or nothing;
    applying shows progress while it runs."""
    bad = tmp_path / "legacy-training.csv"
    bad.write_text(
        "Emp #,Course code,Date completed,Score\n"
        "E0012,HARASS-REF,2026-11-02,88\n"
        "E0012,NO-SUCH-COURSE,2026-11-03,70\n"
    )
    page = page_as("hr")
    open_menu_item(page, "Records", "Import/export")
    expect(page.get_by_role("heading", name="Import and export", level=1)).to_be_visible()
    page.get_by_label("What the file holds").select_option("completions")
    page.get_by_label("CSV file", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Import training completions: dry run")).to_be_visible()
    expect(page.locator(".lede")).to_contain_text("2 rows checked. Nothing has changed yet.")
    # Common header variants were recognised without help.
    expect(page.get_by_label("Employee (number or email)")).to_have_value("Emp #")
    expect(page.get_by_label("Completed on")).to_have_value("Date completed")
    rows = page.get_by_role("table", name="Result per row").get_by_role("row")
    expect(rows.filter(has_text="NO-SUCH-COURSE")).to_contain_text("refused")
    expect(page.get_by_text("1 row would be refused")).to_be_visible()
    expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)
    screenshot(page, "hr", "import-dry-run-refused")

    good = tmp_path / "legacy-training-fixed.csv"
    good.write_text("Emp #,Course code,Date completed,Score\nE0012,HARASS-REF,2026-11-02,88\n")
    page.get_by_role("link", name="Start again with another file").click()
    page.get_by_label("What the file holds").select_option("completions")
    page.get_by_label("CSV file", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    rows = page.get_by_role("table", name="Result per row").get_by_role("row")
    expect(rows.filter(has_text="HARASS-REF")).to_contain_text("create")
    screenshot(page, "hr", "import-dry-run-ok")

    # Hold the server's answer a moment and note what the page shows while the import runs.
    questions = accept_dialogs(page)
    held = []
    page.route("**/records/import/*/apply", lambda route: held.append(route))
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Apply the import").click(no_wait_after=True)
    page.wait_for_timeout(400)
    assert held, "the import was not sent"
    assert questions == ["Apply this import: 1 to create and 0 to update?"]
    held[0].continue_()
    expect(flash(page)).to_contain_text("Imported training completions: 1 created")
    seen = json.loads(page.evaluate("sessionStorage.getItem('progress-seen')"))
    assert seen["visible"] and seen["role"] == "status", seen
    assert seen["text"].startswith("Applying the import"), seen
    assert seen["disabled"] == ["Apply the import"], "a second click could apply it twice"

    open_employee(page, NINA)
    training = page.locator("section", has=page.get_by_role("heading", name="Training"))
    expect(training.get_by_role("row").filter(has_text="2026-11-02")).to_contain_text("HARASS")
