"""Phone width (375 px, issue 11): the navigation wraps into menus that fit the screen, the
page never scrolls sideways, wide tables scroll inside their own frame (which a keyboard can
reach), forms fit, and axe still finds nothing serious. Screenshots: screenshots/<persona>/phone-*.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.support import employee_ids

PHONE = {"width": 375, "height": 812}

PAGES: dict[str, list[tuple[str, str]]] = {
    "employee": [
        ("home", "/"),
        ("my-plan", "/readiness/plan"),
        ("my-records", "/employees/me"),
        ("tuition-new", "/tuition/new"),
        ("readiness-report", "/reports/readiness"),
    ],
    "manager": [
        ("bench-strength", "/readiness/bench"),
        ("people", "/employees/"),
        ("training-needs", "/readiness/training-needs"),
        ("team-report", "/reports/team"),
    ],
    "hr": [
        ("employee", "/employees/{Nina Petrova}"),
        ("requirements", "/catalogue/roles/L2-CSS/requirements"),
        ("checks", "/records/checks"),
        ("import", "/records/import"),
    ],
    "finance": [
        ("home", "/"),
        ("repayments", "/tuition/repayments"),
        ("tuition-report", "/reports/tuition"),
    ],
}

LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = {width, scroll: document.documentElement.scrollWidth, tables: [], controls: []};
  for (const table of document.querySelectorAll('main table')) {
    const wrap = table.closest('.table-wrap');
    const right = table.getBoundingClientRect().right;
    if (right <= width + 1) { continue; }
    out.tables.push({
      caption: (table.querySelector('caption') || {}).textContent || table.className,
      wrapped: !!wrap,
      scrolls: !!wrap && ['auto', 'scroll'].includes(getComputedStyle(wrap).overflowX),
      focusable: !!wrap && wrap.tabIndex === 0,
      named: !!wrap && !!wrap.getAttribute('aria-label'),
    });
  }
  const controls = 'main input, main select, main textarea, main button';
  for (const el of document.querySelectorAll(controls)) {
    if (el.closest('.table-wrap') || el.type === 'hidden' || !el.checkVisibility()) { continue; }
    const r = el.getBoundingClientRect();
    if (r.right > width + 1) { out.controls.push((el.id || el.name || el.textContent).trim()); }
  }
  return out;
}"""


def check_layout(page: Page, where: str) -> list[str]:
    layout = page.evaluate(LAYOUT)
    problems = []
    if layout["scroll"] > layout["width"]:
        problems.append(f"{where}: the page scrolls sideways ({layout['scroll']} px)")
    for table in layout["tables"]:
        if not (table["wrapped"] and table["scrolls"] and table["focusable"] and table["named"]):
            problems.append(f"{where}: a wide table does not scroll in its own frame: {table}")
    if layout["controls"]:
        problems.append(f"{where}: form controls run off the screen: {layout['controls']}")
    return problems


@pytest.mark.parametrize("persona", list(PAGES))
def test_main_pages_fit_a_phone_and_wide_tables_scroll_in_their_frame(page_as, live_app, persona):
    page = page_as(persona, **PHONE)
    ids = employee_ids(live_app, "Nina Petrova")
    problems: list[str] = []
    for name, path in PAGES[persona]:
        page.goto(path.replace("{Nina Petrova}", str(ids["Nina Petrova"])))
        where = f"{persona} {path}"
        problems += check_layout(page, where)
        problems += [f"{where}: axe {v['id']} ({v['impact']})" for v in axe_violations(page)]
        screenshot(page, persona, f"phone-{name}")
    assert problems == [], "\n".join(problems)


def test_the_navigation_wraps_and_its_menus_fit_the_phone(page_as):
    page = page_as("hr", **PHONE)
    nav = page.get_by_role("navigation", name="Main")
    tops = nav.locator(".nav-top")
    assert tops.count() == 6  # My work, People, Records, Tuition, Configuration, Reports
    for i in range(tops.count()):
        box = tops.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    nav.locator("summary", has_text="Configuration").click()
    settings = nav.get_by_role("link", name="Settings")
    expect(settings).to_be_visible()
    menu = nav.locator("details[open] .nav-menu-list").bounding_box()
    assert menu is not None and menu["x"] >= 0 and menu["x"] + menu["width"] <= 375, menu
    screenshot(page, "hr", "phone-menu-open")
    settings.click()
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
