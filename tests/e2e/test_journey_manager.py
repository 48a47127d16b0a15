"""The manager's journeys in a real browser (issue 11): bench strength, a candidate's plan and
readiness PDF, rating a competency, and approving a tuition request.

Sam Rivera manages Daniel Kim and Grace Okafor and, under Daniel (who has no sign-in), Maria
Lopez: Sam approves Maria's tuition at the manager stage. The rating goes to Grace, whom no
other journey looks at; the tuition request is the test's own (a unique title).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.support import arranged, choose, flash, open_menu_item, unique


def test_manager_opens_bench_strength_drills_into_a_candidate_and_downloads_the_pdf(
    page_as, tmp_path
):
    """docs/RULES.md, Readiness: bands ready_now / ready_1y / ready_2y / not_ready; the result is
    advisory and shown with its reasons."""
    page = page_as("manager")
    open_menu_item(page, "People", "Bench strength")
    expect(page.get_by_role("heading", name="Bench strength", level=1)).to_be_visible()
    expect(page.locator(".rd-advisory")).to_contain_text("Advisory: people decide promotions.")
    l2 = page.locator(".rd-role").filter(has_text="Customer Service Supervisor (L2-CSS)")
    expect(l2).to_contain_text(re.compile(r"\d+ candidates"))
    # The band chart is read as text too: colour is never the only signal.
    expect(l2.get_by_role("img")).to_have_attribute("aria-label", re.compile("Ready now \\d+"))
    screenshot(page, "manager", "bench-strength")

    candidates = page.get_by_role("table", name=re.compile("Candidates for L2-CSS"))
    maria = candidates.get_by_role("row").filter(has_text="Maria Lopez")
    expect(maria).to_contain_text("Ready in 6 months")
    maria.get_by_role("link", name="Maria Lopez").click()

    expect(page.get_by_role("heading", name="Development plan: Maria Lopez")).to_be_visible()
    expect(page.get_by_text("Gate failing:")).to_be_visible()
    expect(page.locator(".rd-reasons")).to_contain_text("PCI DSS awareness")
    screenshot(page, "manager", "candidate-plan")

    page.get_by_role("link", name="Readiness report (PDF, CSV)").click()
    expect(
        page.get_by_role("heading", name=re.compile("Readiness report"), level=1)
    ).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    # The page says what is happening while the PDF is made, then that it is ready.
    progress = page.locator("#pdf-progress")
    expect(progress).to_be_visible()
    download = download_info.value
    assert download.suggested_filename.startswith("readiness-E0017-L2-CSS")
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-"), "the download is not a PDF"
    assert saved.stat().st_size > 5000
    expect(progress.get_by_role("status")).to_contain_text("The PDF is ready")
    screenshot(page, "manager", "readiness-report")


def test_manager_rates_a_competency_of_a_direct_report(page_as):
    """docs/RULES.md, Competencies: ratings have a source (manager); the current level is the
    latest rating that is not a self-rating."""
    page = page_as("manager")
    open_menu_item(page, "People", "People")
    page.get_by_role("link", name="Grace Okafor").first.click()
    expect(page.get_by_role("heading", name="Grace Okafor", level=1)).to_be_visible()
    ratings = page.locator("section", has=page.get_by_role("heading", name="Competency ratings"))
    ratings.get_by_role("link", name="Add a rating").click()
    expect(page.get_by_role("heading", name="Rate Grace Okafor")).to_be_visible()

    choose(page.get_by_label("Competency"), "Scheduling")
    choose(page.get_by_label("Level"), "4")
    page.get_by_label("Rated on").fill("2026-11-21")
    page.get_by_label("Evidence (optional)").fill("Built the winter rota without overtime.")
    page.get_by_role("button", name="Save rating").click()

    expect(flash(page)).to_contain_text("The rating was saved.")
    ratings = page.locator("section", has=page.get_by_role("heading", name="Competency ratings"))
    row = ratings.get_by_role("row").filter(has_text="2026-11-21")
    expect(row).to_contain_text("Scheduling")
    expect(row).to_contain_text("4")
    expect(row).to_contain_text(re.compile("manager", re.I))
    screenshot(page, "manager", "rating-saved")


def test_manager_approves_a_tuition_request_from_their_team(page_as, live_app):
    """docs/RULES.md, Tuition: the manager stage is the employee's own manager (Maria's manager
    Daniel has no sign-in, so Sam approves); each transition happens exactly once."""
    from tests.integration.tuition_support import user, walk

    title = unique("Coaching skills")
    with arranged(live_app):
        walk(user("employee"), "submitted", title=title)

    page = page_as("manager")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary", has_text="Tuition").locator(".count")).to_have_text(
        re.compile(r"[1-9]\d*")
    )
    open_menu_item(page, "Tuition", "Team approvals")
    expect(page.get_by_role("heading", name="Tuition approvals for your team")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text("Maria Lopez")
    expect(row).to_contain_text("submitted")
    screenshot(page, "manager", "tuition-queue")
    row.get_by_role("link", name="Review").click()

    expect(page.get_by_role("heading", name=title)).to_be_visible()
    decision = page.get_by_role("region", name=re.compile("Decision at the manager stage"))
    decision.get_by_role("button", name="Approve").click()
    expect(flash(page)).to_contain_text("Approved.")
    expect(page.locator(".badge", has_text="manager approved").first).to_be_visible()
    history = page.get_by_role("region", name="State history")
    expect(history).to_contain_text("Sam Rivera")

    # Gone from the manager's queue: the HR stage is next.
    open_menu_item(page, "Tuition", "Team approvals")
    expect(page.get_by_role("row").filter(has_text=title)).to_have_count(0)
