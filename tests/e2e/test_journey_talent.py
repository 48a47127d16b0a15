"""Talent in a real browser (docs/RULES.md "Collecting 360 feedback", "Talent review grid"):
HR opens a 360 round for Grace Okafor; an outside rater follows the link from the email the
loopback SMTP server received and answers without signing in; HR closes the round; Sam Rivera
(her manager's manager) sees the result with the small peer group hidden, opens the grid and
can move nobody; HR moves a person to another box with the keyboard only.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.support import accept_dialogs, arranged, employee_ids, flash
from tests.mailbox import LoopbackSMTP, configure

RATER = "e2e.rater@partner.example"
PEER = "e2e.peer@partner.example"


def test_a_rater_answers_from_the_email_and_hr_calibrates_with_the_keyboard(
    page_as, new_page, live_app, live_server
):
    saved = {k: live_app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "BASE_URL")}
    with LoopbackSMTP() as box:
        configure(live_app, box, BASE_URL=live_server)
        try:
            _journey(page_as, new_page, live_app, box)
        finally:
            live_app.config.update(saved)


def _journey(page_as, new_page, live_app, box) -> None:  # type: ignore[no-untyped-def]
    from app.clock import today

    grace = employee_ids(live_app, "Grace Okafor")["Grace Okafor"]
    with arranged(live_app):
        closes = (today() + timedelta(days=7)).isoformat()

    hr = page_as("hr")
    accept_dialogs(hr)
    hr.goto(f"/talent/people/{grace}/360/new")
    hr.get_by_label("Close date").fill(closes)
    hr.get_by_label("Invite Grace Okafor to rate themselves").uncheck()
    hr.locator("#peer_emails").fill(PEER)
    hr.locator("#other_emails").fill(RATER)
    hr.get_by_role("button", name="Open the round and send the invitations").click()
    expect(flash(hr)).to_contain_text("2 invitations sent")
    round_url = hr.url

    messages = box.wait_for(2)

    def link_of(address: str) -> str:
        text = next(m.text for m in messages if address in m.rcpt_tos)
        return re.search(r"(https?://\S+/feedback/\S+)", text).group(1)

    link = link_of(RATER)

    rater = new_page()  # no sign-in
    rater.goto(link)
    expect(rater.get_by_role("heading", level=1)).to_have_text("360 feedback for Grace Okafor")
    assert axe_violations(rater) == []
    for dimension in ("Leadership", "Communication", "Coaching", "Integrity"):
        rater.get_by_label(f"Score for {dimension}").fill("4")
    rater.get_by_label("Comment on Leadership (optional)").fill("Calm under pressure")
    rater.get_by_role("button", name="Send my answers").click()
    expect(rater.locator("main")).to_contain_text("Thank you")
    rater.goto(link)
    expect(rater.locator("main")).to_contain_text("This link has been used")
    rater.goto(link_of(PEER))  # one peer of a minimum of 3: the group stays hidden
    for dimension in ("Leadership", "Communication", "Coaching", "Integrity"):
        rater.get_by_label(f"Score for {dimension}").fill("2")
    rater.get_by_role("button", name="Send my answers").click()
    expect(rater.locator("main")).to_contain_text("Thank you")

    hr.goto(round_url)
    expect(hr.locator("main")).to_contain_text("2 of 2 raters answered")
    hr.get_by_role("button", name="Close the round now").click()
    expect(flash(hr)).to_contain_text("The round is closed")

    sam = page_as("manager")
    sam.goto(round_url)
    result = sam.get_by_role("region", name="Result")
    expect(result.get_by_role("row", name=re.compile("^Peers"))).to_contain_text("Hidden")
    expect(sam.get_by_role("region", name="Comments")).to_contain_text("Calm under pressure")
    assert axe_violations(sam) == []
    sam.goto("/talent/grid")
    expect(sam.get_by_role("table")).to_be_visible()
    expect(sam.get_by_text(re.compile("^Move "))).to_have_count(0)  # managers cannot calibrate

    hr.goto("/talent/grid")
    assert axe_violations(hr) == []
    summary = hr.locator("summary", has_text=re.compile("^Move ")).first
    name = summary.inner_text().removeprefix("Move ")
    summary.focus()
    hr.keyboard.press("Enter")  # opens the disclosure
    hr.keyboard.press("Tab")  # to "New box"
    current = hr.evaluate("document.activeElement.value")
    hr.keyboard.press("End" if current != "3x1" else "Home")
    hr.keyboard.press("Tab")  # to the reason
    hr.keyboard.type("Calibration: stronger results than the review said")
    hr.keyboard.press("Tab")  # to Move
    hr.keyboard.press("Enter")
    expect(flash(hr)).to_contain_text("Moved to")
    card = hr.locator("li.tg-card", has_text=name).first
    expect(card).to_contain_text("moved")
