"""HTML to PDF with WeasyPrint: the ONLY module of Echelon that imports it.

DESIGN.md "The WeasyPrint URL fetcher serves only the app's own static files". Templates
rendered for a PDF refer to static files as ``echelon-static:<path under app/static>`` (see
``asset_url``); the fetcher answers those from ``app/static`` and refuses everything else:
http(s), file:, data:, ftp: and any path that leaves the static folder. A refused resource is
simply left out of the PDF (WeasyPrint logs it), so hostile markup can never make the server
read a local file or call another host.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from app.kernel.errors import Unavailable

SCHEME = "echelon-static"
STATIC_ROOT = Path(__file__).resolve().parent.parent / "static"
MAX_ASSET_BYTES = 5 * 1024 * 1024


PDF_LIBRARIES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"


class PdfUnavailable(Unavailable):
    """WeasyPrint cannot load its system libraries on this machine: PDFs answer 503, saying
    what to install, never a 500."""

    def __init__(self, cause: BaseException) -> None:
        detail = str(cause).splitlines()[0][:200] if str(cause) else type(cause).__name__
        super().__init__(
            "PDFs cannot be made on this server: a system library they need is missing "
            f"({detail}). The administrator installs it with "
            f"`apt-get install {PDF_LIBRARIES}`; the page itself still works without the PDF."
        )


class RefusedURL(ValueError):
    """The PDF asked for something other than one of the app's static files."""


def asset_url(filename: str) -> str:
    """The URL a PDF template uses for a static file, e.g. ``echelon-static:css/print.css``."""
    return f"{SCHEME}:{filename.lstrip('/')}"


def static_path(url: str, root: Path = STATIC_ROOT) -> Path:
    """The file under ``root`` that ``url`` names, or ``RefusedURL``."""
    parts = urlsplit(url)
    if parts.scheme.lower() != SCHEME:
        raise RefusedURL(f"Only the app's static files may be used in a PDF, not {url[:200]!r}.")
    relative = unquote(parts.path).lstrip("/")
    if not relative or "\\" in relative or "\x00" in relative:
        raise RefusedURL(f"Not a static file: {url[:200]!r}.")
    root = root.resolve()
    candidate = (root / relative).resolve()
    if root not in candidate.parents or not candidate.is_file():
        raise RefusedURL(f"Not a static file: {url[:200]!r}.")
    return candidate


def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves ``echelon-static:`` URLs from app/static; refuses every other URL."""

        def __init__(self, root: Path = STATIC_ROOT) -> None:
            super().__init__(allowed_protocols=(SCHEME,), allow_redirects=False)
            self.root = root

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            path = static_path(url, self.root)
            if path.stat().st_size > MAX_ASSET_BYTES:
                raise RefusedURL(f"{path.name} is too large to embed.")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

        def open(self, url: object, data: object = None, timeout: object = None) -> object:
            raise RefusedURL("Direct opening is not allowed.")

    return StaticOnlyFetcher


def static_only_fetcher(root: Path = STATIC_ROOT) -> Any:
    """A WeasyPrint URL fetcher restricted to the files under ``root``."""
    return _fetcher_class()(root)


class _PageCounter(logging.Handler):
    """Hears WeasyPrint's progress log ("Creating layout - Page N") of this thread only."""

    def __init__(self, on_page: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.on_page = on_page
        self.thread = threading.get_ident()
        self.pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread or "Creating layout - Page" not in str(record.msg):
            return
        args = record.args if isinstance(record.args, tuple) else ()
        page = int(str(args[0])) if args else self.pages + 1
        if page > self.pages:
            self.pages = page
            self.on_page(page)


def render_pdf(html: str, on_page: Callable[[int], None] | None = None) -> bytes:
    """The PDF of ``html``; every resource it refers to goes through the static-only fetcher.

    There is no base URL, so a relative reference resolves to nothing rather than to a file.
    ``on_page(n)`` hears each page laid out (a background job's progress).
    """
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as error:  # a missing Pango or HarfBuzz-Subset
        raise PdfUnavailable(error) from error

    document = HTML(string=html, url_fetcher=static_only_fetcher(), base_url=None)
    if on_page is None:
        return document.write_pdf()
    progress = logging.getLogger("weasyprint.progress")
    counter = _PageCounter(on_page)
    level = progress.level
    progress.addHandler(counter)
    if progress.getEffectiveLevel() > logging.INFO:
        progress.setLevel(logging.INFO)
    try:
        return document.write_pdf()
    finally:
        progress.removeHandler(counter)
        progress.setLevel(level)
