"""Browser tests: Playwright drives Debian's Chromium against a live server on 127.0.0.1.

The server runs in a thread of the test process on a free loopback port, on a SQLite copy of
the demo organisation with today pinned. Screenshots of every main page land in
`screenshots/<persona>/` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD, PERSONAS, _build_schema, base_config

CHROMIUM = os.environ.get("ECHELON_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app():  # type: ignore[no-untyped-def]
    """The app the live server runs (a SQLite copy of the demo organisation, CSRF on).

    A journey may arrange its starting point through the services in this app's context (the
    same code the pages call), e.g. a tuition request that HR has already approved.
    """
    from app import create_app

    workdir = Path(tempfile.mkdtemp(prefix="echelon-e2e-"))
    url = f"sqlite:///{workdir / 'e2e.db'}"
    (workdir / "e2e.db").touch()
    _build_schema(url, seed_demo=True)
    config = base_config(url, workdir)
    config.pop("SQLALCHEMY_ENGINE_OPTIONS")
    config["WTF_CSRF_ENABLED"] = True  # the browser goes through real forms
    config["TESTING"] = False
    yield create_app(config)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    contexts = []

    def make(width: int = 1280, height: int = 900, bypass_csp: bool = False):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": height},
            bypass_csp=bypass_csp,
            accept_downloads=True,
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page_as(new_page):  # type: ignore[no-untyped-def]
    """page_as(persona) -> a Playwright page signed in through the real sign-in form."""

    def sign_in(persona: str, **kwargs):  # type: ignore[no-untyped-def]
        page = new_page(**kwargs)
        page.goto("/login")
        page.get_by_label("Email").fill(PERSONAS.get(persona, persona))
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return sign_in


def screenshot(page, persona: str, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot for people to look at (not compared automatically)."""
    folder = SCREENSHOTS / persona
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core on the page; answer the violations of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]
