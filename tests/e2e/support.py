"""Helpers for the browser journeys: menus, flashes, dialogs, real files, arranged data."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# A CSS colour or outline value that draws nothing.
INVISIBLE = re.compile(r"^(none|0px|rgba\(0, 0, 0, 0\))")


def unique(prefix: str) -> str:
    """A name no other test (or run) uses, so a journey touches only its own data."""
    return f"{prefix} {uuid.uuid4().hex[:6].upper()}"


def _starting(words: str) -> re.Pattern:
    # A name that starts with these words (a count may follow); "/" is escaped for Playwright.
    return re.compile("^" + re.escape(words).replace("/", "\\/") + r"(\s|$)")


def open_menu_item(page: Page, menu: str, item: str) -> None:
    """Go somewhere through the main navigation, as a person would: open a menu, pick a link.

    A menu of one entry is a plain link named after the menu (e.g. "Reports")."""
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.locator("summary", has_text=_starting(menu))
    if toggle.count():
        toggle.click()
        nav.get_by_role("link", name=_starting(item)).click()
    else:
        nav.get_by_role("link", name=_starting(menu)).click()
    page.wait_for_load_state("domcontentloaded")


def flash(page: Page) -> Locator:
    """The confirmation or refusal the app shows at the top of the page after an action."""
    return page.locator(".flashes")


def accept_dialogs(page: Page) -> list[str]:
    """Say yes to every confirmation (destructive or big actions ask); answer their texts."""
    seen: list[str] = []

    def accept(dialog) -> None:  # type: ignore[no-untyped-def]
        seen.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return seen


def real_pdf(page: Page, title: str, path: Path) -> Path:
    """A genuine PDF made by the browser itself (Chromium prints a small certificate)."""
    printer = page.context.new_page()
    printer.set_content(
        f"<h1>{title}</h1><p>Awarded on 2026-11-20 by the Echelon Training Academy.</p>"
    )
    path.write_bytes(printer.pdf(format="A5"))
    printer.close()
    return path


def choose(select: Locator, containing: str) -> str:
    """Pick the option whose visible text contains ``containing`` (as a person reads it)."""
    value = select.evaluate(
        "(el, text) => { const o = [...el.options].find(o => o.text.includes(text));"
        " return o ? o.value : null; }",
        containing,
    )
    assert value is not None, f"no option containing {containing!r}"
    select.select_option(value)
    return value


def field_error(page: Page, label: str) -> Locator:
    """The error text a field points at with aria-describedby (errors tied to their field)."""
    control = page.get_by_label(label, exact=True)
    expect(control).to_have_attribute("aria-invalid", "true")
    ids = (control.get_attribute("aria-describedby") or "").split()
    assert ids, f"{label!r} is invalid but names no description"
    errors = [i for i in ids if i.endswith("-error")]
    assert errors, f"{label!r} does not point at an error message: {ids}"
    return page.locator(f"#{errors[0]}")


FOCUSED_OUTLINE = """() => { const el = document.activeElement;
    if (!el || el === document.body) { return null; }
    const s = getComputedStyle(el);
    return {tag: el.tagName, text: (el.getAttribute('aria-label') || el.textContent || '')
                .trim().slice(0, 40),
            style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor,
            shadow: s.boxShadow}; }"""


def assert_visible_focus(page: Page) -> dict:
    """The element with the keyboard focus shows a real outline (not none, not zero width,
    not transparent): WCAG 2.4.7 Focus Visible."""
    outline = page.evaluate(FOCUSED_OUTLINE)
    assert outline is not None, "the focus was lost (nothing has it)"
    assert outline["style"] != "none", outline
    assert not INVISIBLE.match(outline["width"]), outline
    assert not INVISIBLE.match(outline["color"]), outline
    return outline


@contextlib.contextmanager
def arranged(live_app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Run service code against the live server's database (to arrange a starting point)."""
    from app.audit import acting_as

    with live_app.app_context(), acting_as("test:e2e-arrange"):
        yield


def employee_ids(live_app, *names: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The ids of demo employees by name (pages are addressed by id)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Employee

    with live_app.app_context():
        rows = db.session.execute(
            select(Employee.name, Employee.id).where(Employee.name.in_(names))
        ).all()
    found = dict(rows)
    assert set(found) == set(names), found
    return found
