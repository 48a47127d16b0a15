"""The one WeasyPrint module (app/reports/pdf.py): its URL fetcher serves only the app's own
static files; nothing from another host and no file: URLs (issue 7, DESIGN.md principle 9)."""

from __future__ import annotations

import io
import urllib.request

import pytest
from pypdf import PdfReader

from app.reports import pdf


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "ftp://example.com/x",
        "data:text/css,body{}",
        "echelon-static:../../pyproject.toml",
        "echelon-static:%2e%2e/%2e%2e/pyproject.toml",
        "echelon-static:/etc/passwd",
        "echelon-static:css",
        "echelon-static:",
    ],
)
def test_the_fetcher_refuses_everything_but_a_static_file(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.static_only_fetcher().fetch(url)


def test_the_fetcher_serves_the_print_stylesheet():
    response = pdf.static_only_fetcher()(pdf.asset_url("css/print.css"))
    try:
        assert response.content_type == "text/css"
        assert b"@page" in response.read()
    finally:
        response.close()


class Recorder:
    def __init__(self) -> None:
        self.asked: list[str] = []
        self.inner = pdf.static_only_fetcher()

    def __call__(self):  # type: ignore[no-untyped-def]
        recorder = self

        class Recording(type(self.inner)):  # type: ignore[misc]
            def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
                recorder.asked.append(url)
                return super().fetch(url, headers)

        return Recording()


def test_hostile_markup_fetches_nothing_from_the_network_or_the_disk(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(pdf, "static_only_fetcher", recorder)

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("WeasyPrint tried to open a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    html = """<!doctype html><html><head>
      <link rel="stylesheet" href="http://127.0.0.1:9/evil.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="echelon-static:css/print.css">
      </head><body class="rp-pdf">
      <img src="file:///etc/hostname" alt="x"><img src="https://example.com/p.png" alt="y">
      <div class="rp-report"><h1>Safe</h1></div></body></html>"""
    data = pdf.render_pdf(html)
    reader = PdfReader(io.BytesIO(data))
    assert "Safe" in reader.pages[0].extract_text()
    assert set(recorder.asked) >= {
        "http://127.0.0.1:9/evil.css",
        "file:///etc/passwd",
        "echelon-static:css/print.css",
    }
    # print.css came through the fetcher: the page is A4 (595 x 842 points).
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_a_pdf_on_a_machine_without_its_libraries_answers_503_saying_what_to_install(
    login_as, monkeypatch
):
    """Issue: without HarfBuzz-Subset or Pango, WeasyPrint cannot load; the PDF answers a page
    that names what is missing (503), and the report's page itself keeps working."""
    import sys

    client = login_as("hr")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now fails
    response = client.get("/reports/team.pdf")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "PDFs cannot be made on this server" in text
    assert "libharfbuzz-subset0" in text
    assert client.get("/reports/team").status_code == 200
