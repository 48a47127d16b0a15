"""An admin's sign-ins journey in a real browser (issue 19): find a person on the sign-ins page,
grant them hr, then disable their sign-in after confirming; the person's own session ends at
once. The journey works on a person it adds itself, so it runs in any order."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.support import accept_dialogs, arranged, flash, open_menu_item, unique

PASSWORD = "journey-pass-2026"


def _person(live_app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A new employee with a sign-in of their own (name, email)."""
    from app.extensions import db
    from app.services import records
    from app.services.accounts import create_user

    name = unique("Signe Journey")
    tag = name.rsplit(" ", 1)[1].lower()
    email = f"signe.{tag}@example.com"
    with arranged(live_app):
        records.create_employee(
            {
                "employee_no": f"SJ{tag.upper()}",
                "name": name,
                "email": email,
                "hire_date": "2026-10-01",
            },
            actor=None,
        )
        create_user(email, PASSWORD)
        db.session.commit()
    return name, email


def test_an_admin_finds_a_person_grants_hr_and_disables_with_confirmation(
    page_as, new_page, live_app
):
    name, email = _person(live_app)
    theirs = new_page()
    theirs.goto("/login")
    theirs.get_by_label("Email").fill(email)
    theirs.get_by_label("Password").fill(PASSWORD)
    theirs.get_by_role("button", name="Sign in").click()
    theirs.wait_for_url("**/")

    page = page_as("admin")
    open_menu_item(page, "People", "Sign-ins")
    expect(page.get_by_role("heading", name="Sign-ins", level=1)).to_be_visible()
    page.get_by_label("Search").fill(name)
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row", name=re.compile(re.escape(name)))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(email)
    expect(row.get_by_role("cell", name="employee", exact=True)).to_be_visible()

    row.get_by_role("button", name=f"Grant hr to {name}").click()
    expect(flash(page)).to_contain_text(f"{name} now has the hr role.")
    row = page.get_by_role("row", name=re.compile(re.escape(name)))
    expect(row.get_by_role("cell", name="employee, hr", exact=True)).to_be_visible()
    # the new role works on the person's next page: hr's import page opens for them
    theirs.goto("/records/import")
    expect(theirs.get_by_role("heading", name="Import and export", level=1)).to_be_visible()

    # Disabling asks first; saying no changes nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name=f"Disable {name}").click()
    expect(row).to_contain_text("active")
    asked = accept_dialogs(page)
    row.get_by_role("button", name=f"Disable {name}").click()
    expect(flash(page)).to_contain_text(f"The sign-in of {name} is disabled")
    assert asked and "Their sessions and API tokens end at once" in asked[0]
    row = page.get_by_role("row", name=re.compile(re.escape(name)))
    expect(row).to_contain_text("disabled")
    expect(row.get_by_role("button", name=f"Enable {name}")).to_be_visible()
    screenshot(page, "admin", "sign-ins")

    # the person's open session ends on their next request
    theirs.goto("/profile/")
    theirs.wait_for_url(re.compile(r".*/login.*"))
    expect(theirs.get_by_role("button", name="Sign in")).to_be_visible()
