"""Render a report template as an HTML page or a PDF, and its tables as CSV responses.

DESIGN.md "Render one Jinja template for both the HTML page and the PDF, with print CSS": the
report template extends ``layout``, which is the app's page (with controls and download links)
for the screen and a bare document (running header and footer, print.css) for the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Response, render_template, url_for

from app.reports import pdf
from app.reports.tables import Table, stream

HTML_LAYOUT = "reports/_layout_html.html"
PDF_LAYOUT = "reports/_layout_pdf.html"


def html(template: str, **context: Any) -> str:
    return render_template(
        template,
        layout=HTML_LAYOUT,
        mode="html",
        asset=lambda filename: url_for("static", filename=filename),
        **context,
    )


def pdf_bytes(template: str, on_page: Callable[[int], None] | None = None, **context: Any) -> bytes:
    document = render_template(
        template, layout=PDF_LAYOUT, mode="pdf", asset=pdf.asset_url, **context
    )
    return pdf.render_pdf(document, on_page) if on_page else pdf.render_pdf(document)


def safe_filename(text: str) -> str:
    """A download name of letters, digits, dots and dashes only."""
    cleaned = re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.")
    return cleaned[:120] or "report"


def pdf_response(data: bytes, filename: str) -> Response:
    return file_response(data, f"{safe_filename(filename)}.pdf", "application/pdf")


def file_response(data: bytes, filename: str, mimetype: str) -> Response:
    """A made file as a download (``filename`` with its extension)."""
    response = Response(data, mimetype=mimetype)
    stem, dot, extension = filename.rpartition(".")
    name = f"{safe_filename(stem)}.{extension}" if dot else safe_filename(filename)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Content-Length"] = str(len(data))
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_response(make_table: Callable[[], Table], filename: str) -> Response:
    """Stream a table as CSV: the first line leaves before the last row is formatted.

    Everything the stream needs is loaded before it starts (the rows are read inside the
    request), so the stream runs no query and needs no request context: the request's queries
    (and its signed-in user) are the same whatever the table's size (issue 21)."""
    table = make_table()
    table = Table(table.name, table.header, list(table.rows))
    response = Response(
        stream(table),
        mimetype="text/csv",
        headers={"Cache-Control": "no-store"},
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{safe_filename(filename)}-{table.name}.csv"'
    )
    return response
