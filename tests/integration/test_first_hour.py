"""Issue 16, what a new user trips over in their first hour: home pages that lead to action,
the requirement editor, the manager's report filters and file names, the check-report link,
date fields written YYYY-MM-DD, and PDF pages that keep headings with their tables."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import delete, select

from app.models import Enrolment, JobRole, Requirement
from app.reports import pdf
from app.services import catalogue
from tests.conftest import TEST_TODAY
from tests.factories import employee_id, persona_user
from tests.integration.reports_support import pdf_pages
from tests.integration.tuition_support import make


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start : page.index("</section>", start)]


def words(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# ----------------------------------------------------------------------------- home pages


def test_marias_home_starts_with_her_expired_certificate_and_the_session_that_renews_it(
    login_as, demo_db
):
    client = login_as("employee")
    page = text(client.get("/"))
    now = section(page, "now-h")
    assert page.index('id="now-h"') < page.index('id="plan-h"')  # it comes first
    assert "Nothing needs you" not in now
    said = words(now)
    assert "expired PCI DSS awareness (yearly) expired on 2026-10-18" in said
    assert "Booked for the session of 2026-12-01" in said  # the demo has her booked already

    maria = employee_id("Maria Lopez")
    demo_db.session.execute(delete(Enrolment).where(Enrolment.employee_id == maria))
    demo_db.session.commit()
    said = words(section(text(client.get("/")), "now-h"))
    assert re.search(r"Next session \d{4}-\d\d-\d\d.*Book the \d{4}-\d\d-\d\d session", said)
    assert re.search(r'href="/sessions/\d+"', section(text(client.get("/")), "now-h"))


def test_an_open_tuition_request_shows_the_step_it_waits_at(login_as, demo_db):
    make(persona_user("employee"), "manager_approved", title="Diploma in customer care")
    demo_db.session.commit()
    now = section(text(login_as("employee").get("/")), "now-h")
    assert "Diploma in customer care" in now
    steps = re.findall(r'<li class="fh-step fh-(\w+)"[^>]*>(\w+)', now)
    assert steps == [
        ("done", "Submitted"),
        ("done", "Manager"),
        ("current", "HR"),
        ("todo", "Finance"),
        ("todo", "Completed"),
        ("todo", "Paid"),
    ]
    assert 'aria-current="step">HR' in now
    assert "Waiting for: HR's approval." in words(now)


def test_hr_and_managers_see_what_waits_for_them_with_links(login_as):
    hr_now = section(text(login_as("hr").get("/")), "now-h")
    to_verify = r'href="/records/completions/pending"><span class="home-waiting-count">4</span>'
    assert re.search(to_verify + " <span>to verify", hr_now)
    # Grace's CREDIT check waits for HR's decision: the home says so and opens that list
    decide = re.search(
        r'href="([^"]*status=review_required)"><span class="home-waiting-count">1</span> '
        r"<span>to decide",
        hr_now,
    )
    assert decide
    # Avery Brown's tuition request, approved by Sam, waits for HR (docs/RULES.md demo)
    tuition = r'href="/tuition/queue/hr"><span class="home-waiting-count">1</span> <span>to decide'
    assert re.search(tuition, hr_now)
    assert "Grace Okafor" in text(login_as("hr").get(htmllib.unescape(decide.group(1))))
    sam_now = words(section(text(login_as("manager").get("/")), "now-h"))
    assert re.search(r"\d+ (people|person) of your team (have|has) a certificate", sam_now)
    finance_now = words(section(text(login_as("finance").get("/")), "now-h"))
    # Riley Johnson's request to pre-approve and Harper Hall's completed course to pay
    assert "What needs you now Waiting for you 2 to approve or pay · Finance queue" in finance_now


def test_the_demo_reminders_are_already_sent_and_a_run_today_sends_nothing_new(demo_db, login_as):
    """docs/RULES.md demo: reminders already sent, so notifications are not empty; the demo never
    mails its example addresses, and the day's run does not send them twice."""
    from sqlalchemy import func

    from app.models import Notification
    from app.services.assignments import send_assignment_reminders
    from app.services.reminders import send_reminders

    page = text(login_as("employee").get("/notifications/"))
    assert "Expired: your PCI DSS awareness (yearly) (PCI-AWARE) certification expired on" in page
    assert "Overdue: your required PCI DSS awareness (yearly) (PCI-AWARE) was due on" in page
    # Maria holds a seat on the next PCI session: both notices name it, neither offers a seat
    assert page.count("You are booked on the session of") == 2 and "Book your seat" not in page
    hr_page = htmllib.unescape(text(login_as("hr").get("/notifications/")))
    assert "Expired: Maria Lopez's PCI DSS awareness (yearly) (PCI-AWARE)" in hr_page
    unsent = select(func.count(Notification.id)).where(Notification.emailed_at.is_(None))
    assert demo_db.session.scalar(unsent) == 0
    expiry = send_reminders(TEST_TODAY)
    assert expiry.created == 0 and expiry.already_sent >= 2
    assert send_assignment_reminders(TEST_TODAY).created == 0


# ----------------------------------------------------------------------------- requirement editor

KIND_SELECT = r'<select[^>]*id="(rows-\d+-kind)"[^>]*>(.*?)</select>'


def _selects(page: str, name: str) -> dict[str, list[str]]:
    """id -> option values of every <select> whose id ends with ``name``."""
    found = {}
    for sid, body in re.findall(
        rf'<select[^>]*id="(rows-\d+-{name})"[^>]*>(.*?)</select>', page, re.S
    ):
        found[sid] = re.findall(r'value="([^"]*)"', body)
    return found


def test_each_row_offers_only_targets_of_its_kind_and_new_rows_start_unticked(login_as, demo_db):
    page = text(login_as("hr").get("/catalogue/roles/L2-CSS/requirements"))
    kinds = {
        sid.replace("-kind", ""): re.search(r'<option selected value="(\w*)"', body)
        for sid, body in re.findall(
            r'<select[^>]*id="(rows-\d+-kind)"[^>]*>(.*?)</select>', page, re.S
        )
    }
    targets = _selects(page, "target")
    prefix = {
        "competency": "competency:",
        "course": "course:",
        "certification": "course:",
        "background_check": "check_type:",
        "assessment": "instrument:",
        "education": "qualification:",
    }
    blank_rows = 0
    for row, chosen in kinds.items():
        values = [v for v in targets[f"{row}-target"] if v]
        kind = chosen.group(1) if chosen else ""
        if not kind:
            blank_rows += 1
            assert not re.search(rf'id="{row}-mandatory"[^>]*checked', page), "a new row is a gate"
            continue
        if kind == "tenure":
            assert values == []
        else:
            assert values and all(v.startswith(prefix[kind]) for v in values), (kind, values)
    assert blank_rows == 3
    # a course never expires, a certification does: each lists only its own
    cert_row = next(r for r, c in kinds.items() if c and c.group(1) == "certification")
    assert "course:PCI-AWARE" in targets[f"{cert_row}-target"]
    assert "course:SUP-101" not in targets[f"{cert_row}-target"]
    data = re.search(
        r'<script type="application/json" id="req-targets"[^>]*>(.*?)</script>', page, re.S
    )
    assert data and '"instrument:LEAD-360"' in data.group(1)


def _editor_form(role: JobRole) -> dict[str, str]:
    """The editor's form as a browser sends it: every stored row, then three empty rows."""
    form: dict[str, str] = {}
    for i, requirement in enumerate(role.requirements):
        threshold = catalogue.requirement_threshold(requirement)
        target_kind = catalogue.REQUIREMENT_TARGETS.get(requirement.kind)
        form[f"rows-{i}-kind"] = requirement.kind
        form[f"rows-{i}-target"] = f"{target_kind}:{requirement.target_code}" if target_kind else ""
        form[f"rows-{i}-threshold"] = "" if threshold is None else str(threshold)
        form[f"rows-{i}-weight"] = str(catalogue.plain_number(requirement.weight))
        if requirement.mandatory:
            form[f"rows-{i}-mandatory"] = "y"
    n = len(role.requirements)
    for i in range(n, n + 3):
        form.update({f"rows-{i}-kind": "", f"rows-{i}-target": "", f"rows-{i}-weight": ""})
    return form


def _stored(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return list(
        db.session.execute(
            select(Requirement.kind, Requirement.min_level, Requirement.mandatory)
            .join(JobRole)
            .where(JobRole.code == "L2-CSS")
            .order_by(Requirement.position)
        )
    )


def test_a_refused_save_keeps_three_empty_rows_however_often_it_is_tried(login_as, demo_db):
    client = login_as("hr")
    form = _editor_form(catalogue.get_role("L2-CSS"))
    form["rows-0-threshold"] = "9"  # a competency level is 0-5
    for _ in range(3):
        page = text(client.post("/catalogue/roles/L2-CSS/requirements", data=form))
        assert "Minimum level must be from 0 to 5" in page
        kinds = re.findall(KIND_SELECT, page, re.S)
        empty = [
            sid[: -len("-kind")] for sid, body in kinds if '<option selected value="">' in body
        ]
        assert len(empty) == 3, empty
        # the browser sends the page back as shown: its rows, the three empty ones included
        for row in empty:
            form.update({f"{row}-kind": "", f"{row}-target": "", f"{row}-weight": ""})


def test_saving_first_shows_by_name_who_changes_band_and_saves_only_that_list(login_as, demo_db):
    client = login_as("hr")
    before = _stored(demo_db)
    form = _editor_form(catalogue.get_role("L2-CSS"))
    n = len(before)
    form.update(
        {
            f"rows-{n}-kind": "competency",
            f"rows-{n}-target": "competency:FINANCE",
            f"rows-{n}-threshold": "5",
            f"rows-{n}-mandatory": "y",
            f"rows-{n}-weight": "1",
        }
    )
    response = client.post("/catalogue/roles/L2-CSS/requirements", data=form)
    page = text(response)
    assert response.status_code == 200 and _stored(demo_db) == before  # nothing saved yet
    impact = words(section(page, "impact-h"))
    moved = re.search(r"Saving moves (\d+) people to another band", impact)
    assert moved and int(moved.group(1)) > 1
    assert "Casey Smith Ready now" in impact.replace("ready now", "Ready now")  # named, band shown
    assert "1 person would no longer be ready now." in impact
    assert f"Save and move {moved.group(1)} people" in page
    confirmed = re.search(r'name="confirmed"[^>]*value="([0-9a-f]+)"', page)
    assert confirmed

    changed = dict(form, confirmed=confirmed.group(1), **{f"rows-{n}-threshold": "4"})
    again = client.post("/catalogue/roles/L2-CSS/requirements", data=changed)
    assert again.status_code == 200 and "Saving moves" in text(again)  # a new list: shown again
    assert _stored(demo_db) == before

    saved = client.post(
        "/catalogue/roles/L2-CSS/requirements", data=dict(form, confirmed=confirmed.group(1))
    )
    assert saved.status_code == 302
    assert _stored(demo_db) == [*before, ("competency", 5, True)]


def test_a_change_that_moves_nobody_saves_at_once(login_as, demo_db):
    client = login_as("hr")
    form = _editor_form(catalogue.get_role("L2-CSS"))
    response = client.post("/catalogue/roles/L2-CSS/requirements", data=form)
    assert response.status_code == 302


# ----------------------------------------------------------------------------- reports


def _department_options(page: str) -> list[str]:
    body = re.search(r'<select[^>]*name="department"[^>]*>(.*?)</select>', page, re.S)
    assert body
    return [v for v in re.findall(r'value="([^"]*)"', body.group(1)) if v]


@pytest.mark.parametrize("report", ["team", "compliance"])
def test_a_manager_is_offered_only_departments_of_their_part_of_the_organisation(login_as, report):
    manager = login_as("manager")
    offered = _department_options(text(manager.get(f"/reports/{report}")))
    assert offered == ["CS-NORTH"]
    everything = _department_options(text(login_as("hr").get(f"/reports/{report}")))
    assert {"CS-NORTH", "CS-SOUTH", "FIN"} <= set(everything) or len(everything) > 3
    refused = manager.get(f"/reports/{report}?department=CS-SOUTH")
    assert refused.status_code == 400
    assert "Nobody of your part of the organisation works in Contact Centre South" in text(refused)


def test_a_managers_team_pdf_is_named_after_their_team(login_as):
    day = TEST_TODAY.isoformat()
    sam = login_as("manager").get("/reports/team.pdf")
    assert f'filename="team-of-sam-rivera-{day}.pdf"' in sam.headers["Content-Disposition"]
    hr = login_as("hr").get("/reports/team.pdf")
    assert f'filename="team-all-{day}.pdf"' in hr.headers["Content-Disposition"]
    text_of_pdf = " ".join(pdf_pages(sam.data))
    assert "Every candidate is listed; for each one the first 3 gates not met are named" in (
        text_of_pdf
    )


def test_the_reports_check_link_opens_a_form_to_finish_not_a_list_of_problems(login_as, demo_db):
    client = login_as("employee")
    maria = employee_id("Maria Lopez")
    page = text(client.get(f"/reports/readiness/{maria}"))
    link = htmllib.unescape(re.search(r'href="(/reports/verify\?[^"]+)"', page).group(1))
    opened = client.get(link)
    assert opened.status_code == 200
    assert "Please fix" not in text(opened)
    assert 'value="E0017"' in text(opened) and f'value="{TEST_TODAY}"' in text(opened)
    checked = client.get(link + "&check=1")  # the Check button, with the fingerprint left empty
    assert checked.status_code == 400 and "Please fix" in text(checked)


# ----------------------------------------------------------------------------- date fields


def test_date_fields_are_written_yyyy_mm_dd_never_the_browsers_locale(login_as, demo_db):
    hr = login_as("hr")
    maria = employee_id("Maria Lopez")
    pages = [
        "/readiness/bench",
        f"/employees/{maria}/plan",
        "/reports/team",
        "/reports/verify",
        "/tuition/new",
        "/catalogue/courses/SUP-101/sessions/new",
        f"/records/employees/{maria}/training/new",
    ]
    for url in pages:
        response = hr.get(url)
        if response.status_code == 404:  # a page this build names differently
            continue
        page = text(response)
        assert 'type="date"' not in page, url
        assert 'placeholder="YYYY-MM-DD"' in page, url


# ----------------------------------------------------------------------------- PDF pages


def test_the_readiness_pdf_keeps_its_requirements_heading_with_the_first_rows(login_as, demo_db):
    maria = employee_id("Maria Lopez")
    data = login_as("employee").get(f"/reports/readiness/{maria}.pdf?role=L2-CSS").data
    pages = pdf_pages(data)
    heading = next(p for p in pages if "Requirements of Customer Service Supervisor" in p)
    after = heading.split("Requirements of Customer Service Supervisor", 1)[1]
    # each row's evidence column: only the table says "PRODUCT level 3 rated by manager"
    for evidence in ("PRODUCT level", "COMPLAINT level", "COACHING level"):
        assert evidence in after, evidence


@pytest.mark.parametrize("filler", range(24, 72, 4))
def test_a_heading_and_its_lead_in_never_end_a_page_without_their_table(demo_app, filler):
    """Whatever comes before (``filler`` lines), a heading, the line that introduces its table
    and the table's first three rows share a page, and its last rows never go over alone."""
    rows = "".join(f"<tr><td>Row {i}</td><td>{i}.00</td></tr>" for i in range(1, 9))
    lines = "".join(f"<p>Filler line {i}.</p>" for i in range(filler))
    html = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{pdf.asset_url("css/print.css")}"></head>
      <body class="rp-pdf"><div class="rp-report">{lines}
      <h2>Repayments owed</h2><p>What voluntary leavers owe back.</p>
      <table><thead><tr><th>Who</th><th>Owed</th></tr></thead><tbody>{rows}</tbody></table>
      </div></body></html>"""
    with demo_app.app_context():
        pages = pdf_pages(pdf.render_pdf(html))
    holder = next(p for p in pages if "Repayments owed" in p)
    assert "What voluntary leavers owe back." in holder
    assert all(f"Row {i} " in holder for i in (1, 2, 3)), holder[-200:]
    last = next(p for p in pages if "Row 8" in p)
    assert "Row 7" in last


def test_addresses_in_the_compliance_report_wrap_only_between_their_parts(login_as):
    page = text(login_as("hr").get("/reports/compliance"))
    assert "maria.lopez@example.com" not in page.replace("<wbr>", "|")
    assert "maria<wbr>.lopez@<wbr>example<wbr>.com" in page


# ----------------------------------------------------------------------------- what-if


def test_the_what_if_answer_opens_where_the_projection_is(login_as, demo_db):
    maria = employee_id("Maria Lopez")
    client = login_as("employee")
    page = text(client.get(f"/employees/{maria}/plan"))
    assert 'action="#whatif-result"' in page
    assert 'id="whatif-result"' in page  # without a projection: the what-if card itself
    key = re.search(r'name="plan" value="([^"]+)"', page).group(1)
    answered = text(client.get(f"/employees/{maria}/plan", query_string={"plan": key}))
    assert re.search(r'<h3 id="whatif-result"[^>]*>Projection on', answered)
    assert answered.count('id="whatif-result"') == 1
