"""Accessibility in a real browser (issue 11): every main page of every persona passes axe-core
with no serious or critical violation, has a title, one h1 and a clear primary action, and its
status badges carry words; the main journeys work by keyboard alone with a visible focus; form
errors are tied to their fields. Each page visited is saved as a screenshot for people to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.support import assert_visible_focus, employee_ids


@dataclass(frozen=True)
class Screen:
    """A main page: where it is, its h1, and the action it exists for (None: a hub of links,
    or a queue whose rows carry the actions)."""

    name: str
    path: str
    h1: str
    primary: str | None


SCREENS: dict[str, list[Screen]] = {
    "employee": [
        Screen("home", "/", "Good to see you, Maria", "Open my development plan"),
        Screen("my-records", "/employees/me", "Maria Lopez", "Report a completed course"),
        Screen("sessions", "/sessions", "Sessions", None),
        Screen("sessions-month", "/sessions?view=month", "Sessions", None),
        Screen("my-sessions", "/sessions/mine", "My sessions", None),
        Screen("my-plan", "/readiness/plan", "My development plan", "Show the projection"),
        Screen("tuition", "/tuition/", "Tuition reimbursement", "New request"),
        Screen("tuition-new", "/tuition/new", "New tuition request", "Save and submit"),
        Screen(
            "report-course",
            "/records/employees/{Maria Lopez}/completions/report",
            "Report a completed course",
            "Send for verification",
        ),
        Screen("reports", "/reports/", "Reports", "My readiness report"),
        Screen(
            "readiness-report",
            "/reports/readiness",
            "Readiness report: Maria Lopez",
            "Download PDF",
        ),
        Screen("notifications", "/notifications/", "Notifications", None),
        Screen("my-data", "/privacy/", "My data", "Download my data (JSON)"),
        Screen("profile", "/profile/", "Profile", "Create token"),
    ],
    "manager": [
        Screen("session-approvals", "/sessions/approvals", "Session approvals", None),
        Screen("home", "/", "Good to see you, Sam", "Open bench strength"),
        Screen("people", "/employees/", "People", "Filter"),
        Screen("employee", "/employees/{Grace Okafor}", "Grace Okafor", "Development plan"),
        Screen("bench-strength", "/readiness/bench", "Bench strength", "Show"),
        Screen(
            "training-needs",
            "/readiness/training-needs",
            "Training needs for Customer Service Supervisor (L2-CSS)",
            "Analyse",
        ),
        Screen("lapses", "/readiness/lapses", "Lapsing in the next 90 days", "Filter"),
        Screen(
            "candidate-plan",
            "/employees/{Maria Lopez}/plan",
            "Development plan: Maria Lopez",
            "Show the projection",
        ),
        Screen(
            "rate",
            "/records/employees/{Grace Okafor}/ratings/new",
            "Rate Grace Okafor",
            "Save rating",
        ),
        Screen("team-approvals", "/tuition/queue/manager", "Tuition approvals for your team", None),
        Screen(
            "team-report", "/reports/team", "Team bench strength and succession", "Download PDF"
        ),
        Screen("compliance-report", "/reports/compliance", "Compliance report", "Download PDF"),
    ],
    "hr": [
        Screen("home", "/", "Good to see you, Hannah", "Open the people directory"),
        Screen("people", "/employees/", "People", "Filter"),
        Screen("employee", "/employees/{Nina Petrova}", "Nina Petrova", "Development plan"),
        Screen(
            "record-completion",
            "/records/employees/{Nina Petrova}/completions/new",
            "Record a completion for Nina Petrova",
            "Save completion",
        ),
        Screen(
            "request-check",
            "/records/employees/{Nina Petrova}/checks/new",
            "Request a background check for Nina Petrova",
            "Save check",
        ),
        Screen("training-records", "/records/completions", "Training records", "Filter"),
        Screen("to-verify", "/records/completions/pending", "Completions to verify", None),
        Screen("checks", "/records/checks", "Background checks", "Filter"),
        Screen("import", "/records/import", "Import and export", "Upload and check"),
        Screen("organisation", "/readiness/organisation", "Organisation readiness", "Show"),
        Screen("hr-queue", "/tuition/queue/hr", "HR tuition queue", None),
        Screen("leaver", "/tuition/leavers/new", "Record a leaver", "Record the termination"),
        Screen("data-export", "/privacy/", "Data export", "Download my data (JSON)"),
        Screen("sign-ins", "/sign-ins/", "Sign-ins", "New sign-in"),
        Screen(
            "sign-in-new",
            "/sign-ins/new",
            "New sign-in",
            "Create sign-in and send the invitation",
        ),
    ],
    "hr-configuration": [
        Screen("catalogue", "/catalogue/", "Catalogue", None),
        Screen("roles", "/catalogue/roles", "Job roles", "New role"),
        Screen(
            "role",
            "/catalogue/roles/L2-CSS",
            "L2-CSS Customer Service Supervisor",
            "Edit requirements",
        ),
        Screen(
            "requirements",
            "/catalogue/roles/L2-CSS/requirements",
            "Requirements of L2-CSS",
            "Save requirements",
        ),
        Screen("courses", "/catalogue/courses", "Courses", "New course"),
        Screen("ladder", "/catalogue/ladder", "Role ladder", "New step"),
        Screen("settings", "/settings/", "Settings", "Save settings"),
        Screen("tuition-summary", "/tuition/summary", "Tuition summary 2026", "Show"),
    ],
    "finance": [
        Screen("home", "/", "Good to see you, Felix", "Open the finance queue"),
        Screen("finance-queue", "/tuition/queue/finance", "Finance tuition queue", None),
        Screen("tuition-summary", "/tuition/summary", "Tuition summary 2026", "Show"),
        Screen("repayments", "/tuition/repayments", "Tuition repayments", "Filter"),
        Screen("tuition-report", "/reports/tuition", "Tuition report 2026", "Download PDF"),
        Screen("reports", "/reports/", "Reports", "My readiness report"),
    ],
    "admin": [
        Screen("home", "/", "Good to see you, Ada", "Open the people directory"),
        Screen("people", "/employees/", "People", "Filter"),
        Screen("catalogue", "/catalogue/", "Catalogue", None),
        Screen("settings", "/settings/", "Settings", "Save settings"),
        Screen("profile", "/profile/", "Profile", "Create token"),
        Screen("sign-ins", "/sign-ins/", "Sign-ins", "New sign-in"),
    ],
}
PEOPLE = ("Maria Lopez", "Grace Okafor", "Nina Petrova")


def check_screen(page: Page, persona: str, screen: Screen, ids: dict[str, int]) -> list[str]:
    """Visit one page; answer what is wrong with it (empty when nothing is)."""
    problems: list[str] = []
    path = re.sub(r"\{([^}]+)\}", lambda m: str(ids[m.group(1)]), screen.path)
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    where = f"{persona} {path}"
    title = page.title()
    if not re.fullmatch(r"[^<>]{2,} · Echelon", title):
        problems.append(f"{where}: title {title!r}")
    h1 = page.locator("main h1")
    if h1.count() != 1 or h1.inner_text().strip() != screen.h1:
        problems.append(f"{where}: h1 {h1.all_inner_texts()!r}, expected {screen.h1!r}")
    if screen.primary:
        main = page.locator("main")
        action = main.get_by_role("button", name=screen.primary, exact=True).or_(
            main.get_by_role("link", name=screen.primary, exact=True)
        )
        styled = action.and_(page.locator(".primary, .danger"))
        if not styled.count() or not styled.first.is_visible():
            problems.append(f"{where}: no visible primary action {screen.primary!r}")
    wordless = page.locator(".badge").evaluate_all(
        "badges => badges.filter(b => !b.textContent.trim()).length"
    )
    if wordless:
        problems.append(f"{where}: {wordless} status badge(s) without words")
    for violation in axe_violations(page):
        targets = [node["target"] for node in violation["nodes"][:3]]
        problems.append(f"{where}: axe {violation['id']} ({violation['impact']}) {targets}")
    screenshot(page, persona.split("-")[0], screen.name)
    return problems


@pytest.mark.parametrize("group", list(SCREENS))
def test_every_main_page_passes_axe_and_has_a_title_a_heading_and_a_primary_action(
    page_as, live_app, group
):
    persona = group.split("-")[0]
    page = page_as(persona)
    ids = employee_ids(live_app, *PEOPLE)
    problems: list[str] = []
    for screen in SCREENS[group]:
        problems += check_screen(page, group, screen, ids)
    assert problems == [], "\n".join(problems)


# --------------------------------------------------------------------------- keyboard alone


def tab_to(page: Page, locator, limit: int = 150) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until ``locator`` has the focus; every element passed on the way must show a
    visible focus indicator (WCAG 2.4.7)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_visible_focus(page)
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_keyboard_alone_signs_in_opens_the_plan_and_runs_a_what_if(new_page):
    page = new_page()
    page.goto("/login")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type("maria.lopez@example.com")
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Good to see you, Maria")).to_be_visible()

    # The menus open with Enter, and their links follow in the tab order.
    nav = page.get_by_role("navigation", name="Main")
    my_work = nav.locator("summary", has_text="My work")
    tab_to(page, my_work)
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="My plan")).to_be_visible()
    tab_to(page, nav.get_by_role("link", name="My plan"), limit=10)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My development plan", level=1)).to_be_visible()

    renew = page.get_by_role("region", name="What if…").get_by_label(
        re.compile("^Booked on PCI DSS awareness")
    )
    tab_to(page, renew)
    page.keyboard.press("Space")
    expect(renew).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Show the projection"), limit=10)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Projection on "))).to_be_visible()
    expect(page.locator(".rd-change")).to_contain_text("with the 1 ticked action")


def test_escape_closes_a_menu_and_gives_the_focus_back(page_as):
    page = page_as("hr")
    nav = page.get_by_role("navigation", name="Main")
    records = nav.locator("summary", has_text="Records")
    tab_to(page, records)
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Checks")).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Checks")).to_be_hidden()
    expect(records).to_be_focused()
    # Opening another menu closes the first: one open at a time.
    records.click()
    nav.locator("summary", has_text="Tuition").click()
    expect(nav.get_by_role("link", name="Checks")).to_be_hidden()
    expect(nav.get_by_role("link", name="HR tuition queue")).to_be_visible()


def test_keyboard_alone_submits_a_form_and_reaches_each_error_at_its_field(page_as):
    """Form errors are listed first (the summary takes the focus) and each one is tied to its
    field with aria-describedby; a summary link moves to the field."""
    page = page_as("employee")
    page.goto("/tuition/new")
    tab_to(page, page.get_by_label("Programme or course"))
    page.keyboard.type("Project finance for managers")
    tab_to(page, page.get_by_role("button", name="Save and submit"))
    page.keyboard.press("Enter")

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 2, "several required fields were empty"
    for control in invalid.all():
        described = (control.get_attribute("aria-describedby") or "").split()
        errors = [page.locator(f"#{i}") for i in described if i.endswith("-error")]
        assert errors, f"{control.get_attribute('id')} points at no error message"
        expect(errors[0]).not_to_have_text("")
        field_id = control.get_attribute("id")
        expect(summary.locator(f'a[href="#{field_id}"]')).to_have_count(1)
    page.keyboard.press("Tab")
    first_link = summary.get_by_role("link").first
    expect(first_link).to_be_focused()
    assert_visible_focus(page)
    target = first_link.get_attribute("href")
    page.keyboard.press("Enter")
    expect(page.locator(target)).to_be_focused()
    page.keyboard.type("Riverside")
    expect(page).to_have_url(re.compile(r"/tuition/new"))


# --------------------------------------------------------------------------- talent pages


def _talent_arranged(live_app) -> tuple[Screen, str, str]:  # type: ignore[no-untyped-def]
    """The demo's open 360 round, a fresh rater link of a round for Nina Petrova, and the
    grid's heading."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.clock import today
    from app.extensions import db
    from app.models import Employee, FeedbackRound, User
    from app.services import talent
    from app.services.talent.grid import periods
    from tests.e2e.support import arranged
    from tests.factories import PERSONAS

    with arranged(live_app):
        demo_round = db.session.scalars(select(FeedbackRound).order_by(FeedbackRound.id)).first()
        assert demo_round is not None
        hr = db.session.scalar(select(User).where(User.email == PERSONAS["hr"]))
        nina = db.session.scalar(select(Employee).where(Employee.name == "Nina Petrova"))
        opened = talent.open_round(
            nina,
            "LEAD-360",
            (today() + timedelta(days=10)).isoformat(),
            [{"group": "other", "email": "axe.rater@partner.example"}],
            actor=hr,
        )
        newest = periods()
        heading = f"Talent grid {newest[0]}" if newest else "Talent grid"
        shown = Screen(
            "round", f"/talent/360/{demo_round.id}", f"360 round: {demo_round.employee.name}", None
        )
        return shown, opened.links[0][1], heading


def test_the_talent_pages_and_the_public_rater_form_pass_axe(page_as, new_page, live_app):
    demo_round, token, grid_h1 = _talent_arranged(live_app)
    ids = employee_ids(live_app, *PEOPLE)
    screens = {
        "hr": [
            Screen(
                "round-new",
                "/talent/people/{Grace Okafor}/360/new",
                "New 360 round: Grace Okafor",
                "Open the round and send the invitations",
            ),
            demo_round,
            Screen("grid", "/talent/grid", grid_h1, None),
        ],
        "manager": [
            Screen(
                "round-new",
                "/talent/people/{Grace Okafor}/360/new",
                "New 360 round: Grace Okafor",
                "Open the round and send the invitations",
            ),
            Screen("grid", "/talent/grid", grid_h1, None),
        ],
    }
    problems: list[str] = []
    for persona, shown in screens.items():
        page = page_as(persona)
        for screen in shown:
            problems += check_screen(page, persona, screen, ids)
        if persona == "hr":  # calibration: the move form, opened
            page.goto("/talent/grid")
            page.locator("summary", has_text=re.compile("^Move ")).first.click()
            problems += [f"hr calibration: axe {v['id']}" for v in axe_violations(page)]
    rater = new_page()  # no sign-in
    form = Screen(
        "feedback", f"/feedback/{token}", "360 feedback for Nina Petrova", "Send my answers"
    )
    problems += check_screen(rater, "rater", form, ids)
    for dimension in ("Leadership", "Communication", "Coaching", "Integrity"):
        rater.get_by_label(f"Score for {dimension}").fill("4")
    rater.get_by_role("button", name="Send my answers").click()
    expect(rater.locator("main")).to_contain_text("Thank you")
    problems += [f"rater thanks: axe {v['id']}" for v in axe_violations(rater)]
    rater.goto(f"/feedback/{token}")
    expect(rater.locator("main")).to_contain_text("This link has been used")
    problems += [f"rater used link: axe {v['id']}" for v in axe_violations(rater)]
    assert problems == [], "\n".join(problems)
