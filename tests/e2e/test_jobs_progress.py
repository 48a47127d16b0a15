"""A large team report in the browser (issue 23): ask for the PDF, watch its progress update by
itself (the page polls the job's status), then download the finished file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.integration.jobs_support import ThreadWorker

pytestmark = pytest.mark.e2e


def test_a_manager_watches_a_large_team_pdf_being_made_and_downloads_it(
    live_app, page_as, monkeypatch
):
    monkeypatch.setitem(live_app.config, "JOBS_PDF_PEOPLE_THRESHOLD", 0)
    monkeypatch.setitem(live_app.config, "JOBS_STEP_PAUSE", 0.4)
    page = page_as("manager")
    page.goto("/reports/team.pdf")
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker")
    assert axe_violations(page) == []

    with ThreadWorker(live_app):
        # The count changes without a reload: people evaluated, then pages rendered.
        expect(page.locator("[data-job-count]")).to_contain_text("pages rendered", timeout=60000)
        expect(page.get_by_role("status")).to_contain_text("In progress")
        download_link = page.get_by_role("link", name=re.compile(r"^Download team-"))
        expect(download_link).to_be_visible(timeout=60000)
    expect(page.get_by_role("status")).to_contain_text("Ready")
    with page.expect_download() as downloaded:
        download_link.click()
    assert downloaded.value.suggested_filename == "team-of-sam-rivera-2026-11-22.pdf"
    with open(downloaded.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
