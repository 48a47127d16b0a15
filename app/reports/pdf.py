"""HTML to PDF with WeasyPrint: the ONLY module of Echelon that imports it.

DESIGN.md "The WeasyPrint URL fetcher serves only the app's own static files". Templates
rendered for a PDF refer to static files as ``echelon-static:<path under app/static>`` (see
``asset_url``); the fetcher answers those from ``app/static`` and refuses everything else:
http(s), file:, data:, ftp: and any path that leaves the static folder. A refused resource is
simply left out of the PDF (WeasyPrint logs it), so hostile markup can never make the server
read a local file or call another host.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

SCHEME = "echelon-static"
STATIC_ROOT = Path(__file__).resolve().parent.parent / "static"
MAX_ASSET_BYTES = 5 * 1024 * 1024


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


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``; every resource it refers to goes through the static-only fetcher.

    There is no base URL, so a relative reference resolves to nothing rather than to a file.
    """
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=static_only_fetcher(), base_url=None).write_pdf()
