"""Status codes (``review_required``, ``in_progress``, ``not_cleared``...) are data, never
words: the pages and PDFs people read say them in words (issue 16, "Words")."""

from __future__ import annotations

import html
import re

from app.readiness.vocabulary import CHECK_STATUSES
from tests.integration.reports_support import employee_id, pdf_text

CODES = re.compile(r"\b(?:" + "|".join(s for s in CHECK_STATUSES if "_" in s) + r")\b")


def visible(page: str) -> str:
    """The words a reader sees: no tags, attributes, scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_graces_check_under_review_is_said_in_words_on_every_page_and_pdf(demo_db, login_as):
    grace = employee_id(demo_db, "Grace Okafor")
    raw = []
    for persona in ("hr", "manager"):
        client = login_as(persona)
        for url in (
            f"/employees/{grace}/plan",
            f"/employees/{grace}/plan?role=L3-CSM",
            f"/employees/{grace}",
            f"/reports/readiness/{grace}?role=L3-CSM",
        ):
            response = client.get(url)
            if response.status_code != 200:
                continue
            found = CODES.findall(visible(response.get_data(as_text=True)))
            raw += [f"{persona} {url}: {code}" for code in found]
        pdf = client.get(f"/reports/readiness/{grace}.pdf?role=L3-CSM")
        if pdf.status_code == 200:
            raw += [f"{persona} PDF: {code}" for code in CODES.findall(pdf_text(pdf.data))]
    hr = login_as("hr")
    for url in ("/records/checks", "/reports/compliance"):
        response = hr.get(url)
        if response.status_code == 200:
            raw += [
                f"hr {url}: {c}" for c in CODES.findall(visible(response.get_data(as_text=True)))
            ]
    assert raw == []
    # The plan says where the check stands and what it waits for.
    page = visible(
        login_as("manager").get(f"/employees/{grace}/plan?role=L3-CSM").get_data(as_text=True)
    )
    assert "under review (review required): waiting for HR's decision" in " ".join(page.split())
