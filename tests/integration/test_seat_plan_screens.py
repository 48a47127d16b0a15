"""Issue 18, the screens and reports: the five bands and each candidate's critical gap on the
bench and organisation views, the plan's readiness meter, the seat plan of a session, the
capacity of a course, the seat-plan API, and the band's reason in the PDFs.

docs/RULES.md "Readiness of an employee for a role on date D" (bands, why this band, the seat
plan, who is a candidate); docs/DECISIONS.md "Issue 18: the seat plan and readiness reasons".
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import select

from app.audit import acting_as
from app.clock import today
from app.extensions import db
from app.models import Employee, JobRole
from app.readiness.vocabulary import BAND_LABELS, BANDS
from app.services import readiness as service
from tests.factories import api_token, employee_id, persona_user
from tests.integration.reports_support import pdf_text
from tests.integration.seat_support import required_course_with_session

SEATS = 12


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return htmllib.unescape(response.get_data(as_text=True))


def section(html: str, heading_id: str) -> str:
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def names_in(html: str) -> list[str]:
    """The people a seat-plan list links to, in order."""
    return re.findall(r'/plan">([^<]+)</a>', html)


def csrs_in_plan_order() -> list[Employee]:
    """The demo's CSRs in the seat plan's order for their next role (docs/RULES.md step 2):
    higher L2-CSS score first, then earlier role_since, then employee_no."""
    people = db.session.scalars(
        select(Employee)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(JobRole.code == "L1-CSR", Employee.status != "terminated")
    ).all()
    results = service.evaluate_population([p.id for p in people], "L2-CSS", today())
    score = {eid: r.score for eid, r in results.items()}
    return sorted(people, key=lambda p: (-score[p.id], p.role_since, p.employee_no))


@pytest.fixture
def seat_course(demo_db):
    """A new course every CSR needs for L2-CSS, with one session of 12 seats in a month."""
    return required_course_with_session(
        "SEAT-T", "L2-CSS", mandatory=False, seats=SEATS, in_days=30, room="Room 1"
    )


# ----------------------------------------------------------------------------- bench


def test_the_bench_lists_five_bands_and_a_critical_gap_per_candidate(demo_db, login_as):
    html = page(login_as("hr").get("/readiness/bench?role=L2-CSS"))
    bands = section(html, "bands-h")
    for band in BANDS:
        assert f"{BAND_LABELS[band].lower()} (" in bands, band  # a link per band, with its count
    candidates = section(html, "candidates-h")
    assert ">Critical gap<" in candidates
    rows = candidates.split("<tr")[2:]
    assert rows, "no candidate listed"
    reasons = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[6].strip() for r in rows]
    assert any(reason not in ("", "—") for reason in reasons)  # a reason sentence, in words
    table = candidates[candidates.index("<table") :]
    assert "ready_6m" not in table and "ready 1y" not in table  # labels, never codes


def test_the_organisation_view_counts_every_band_per_department(demo_db, login_as):
    html = page(login_as("hr").get("/readiness/organisation?role=L2-CSS"))
    departments = section(html, "dept-h")
    for band in BANDS:
        assert f">{BAND_LABELS[band]}<" in departments
    assert ">Critical gap<" in section(html, "candidates-h")


def test_a_bad_band_names_all_five_in_words(demo_db, login_as):
    html = page(login_as("hr").get("/readiness/bench?role=L2-CSS&band=ready_3m"))
    assert (
        "Band: pick ready now, ready in 6 months, ready in 1 year, ready in 2 years or not ready."
        in html
    )


# ----------------------------------------------------------------------------- the plan's meter


def test_the_plan_opens_with_a_meter_of_the_score_against_the_threshold(demo_db, login_as):
    maria = employee_id("Maria Lopez")
    html = page(login_as("employee").get(f"/employees/{maria}/plan"))
    meter = section(html, "meter-h")
    assert html.index('aria-labelledby="meter-h"') < html.index('aria-labelledby="summary-h"')
    found = re.search(r'<meter id="rd-score-meter"[^>]*value="([\d.]+)"', meter)
    assert found, "no <meter>"
    score = found.group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", meter))
    assert f"{score} of 100 · ready at 90" in text  # the figures in words, not colour only
    assert "points below it" in text
    result, _, _ = service.evaluate_employee(maria, "L2-CSS", today())
    assert BAND_LABELS[result.band] in text
    assert result.critical is not None and result.critical.reason in text


def test_someone_outside_the_ladder_is_told_there_is_no_path(demo_db, login_as):
    hannah = employee_id("Hannah Reid")  # HR, no role on the ladder
    html = page(login_as("hr").get(f"/employees/{hannah}/plan"))
    meter = section(html, "meter-h")
    assert "No path from this role" in meter
    assert "<meter" not in meter


# ----------------------------------------------------------------------------- seat plan


def test_the_seat_plan_seats_the_12th_and_leaves_the_13th_out(demo_db, login_as, seat_course):
    order = csrs_in_plan_order()
    html = page(login_as("hr").get(f"/sessions/{seat_course.id}/seat-plan"))
    planned = names_in(section(html, "sp-planned-h"))
    left_out = names_in(section(html, "sp-out-h"))
    assert planned == [p.name for p in order[:SEATS]]
    assert order[SEATS - 1].name in planned  # the 12th has the last seat
    assert order[SEATS].name in left_out and order[SEATS].name not in planned  # the 13th
    assert "no session has a seat: waits for one to be scheduled" in section(html, "sp-out-h")
    assert section(html, "sp-booked-h").count("<tr") == 0
    assert f'href="/employees/{order[0].id}/plan"' in html  # names link to plans


def test_a_booking_keeps_its_seat_ahead_of_the_plan(demo_db, login_as, seat_course):
    from app.services import enrolment

    order = csrs_in_plan_order()
    last = order[-1]
    with acting_as("test:seat-plan"):
        enrolment.book(seat_course, last, actor=persona_user("hr"))
        db.session.commit()
    html = page(login_as("hr").get(f"/sessions/{seat_course.id}/seat-plan"))
    assert names_in(section(html, "sp-booked-h")) == [last.name]
    planned = names_in(section(html, "sp-planned-h"))
    assert planned == [p.name for p in order[: SEATS - 1]]  # one seat fewer to plan
    assert order[SEATS - 1].name in names_in(section(html, "sp-out-h"))


def test_the_session_page_links_to_its_seat_plan_for_hr_only(demo_db, login_as, seat_course):
    link = f'href="/sessions/{seat_course.id}/seat-plan"'
    assert link in page(login_as("hr").get(f"/sessions/{seat_course.id}"))
    assert link not in page(login_as("manager").get(f"/sessions/{seat_course.id}"))
    assert login_as("manager").get(f"/sessions/{seat_course.id}/seat-plan").status_code == 403


def test_a_bad_date_on_the_seat_plan_is_refused_with_a_message(demo_db, login_as, seat_course):
    response = login_as("hr").get(f"/sessions/{seat_course.id}/seat-plan?as_of=31/12/2026")
    assert response.status_code == 422
    assert "As of: enter a date as YYYY-MM-DD" in response.get_data(as_text=True)


# ----------------------------------------------------------------------------- capacity


def test_capacity_counts_need_seats_and_the_sessions_missing(demo_db, login_as, seat_course):
    needing = len(csrs_in_plan_order())
    html = page(login_as("hr").get("/readiness/capacity?course=SEAT-T&horizon=6"))
    row = section(html, "cap-h").split("<tr")[2]
    cells = [
        re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    more = -(-(needing - SEATS) // SEATS)
    # need it, booked, sessions, seats, done in time, no seat scheduled, more sessions
    assert [c[0] for c in cells] == [
        str(needing),
        "0",
        "1",
        str(SEATS),
        str(SEATS),
        str(needing - SEATS),
        str(more),
    ]
    sentence = section(html, "cap-h")
    assert f"{more} more sessions of {SEATS} seats" in sentence
    assert f'href="/sessions/{seat_course.id}/seat-plan' in section(html, "cap-sessions-h")


@pytest.mark.parametrize("horizon", ["0", "25", "six", "1.5", "-3"])
def test_a_bad_horizon_keeps_6_months_and_says_what_to_fix(demo_db, login_as, horizon):
    response = login_as("hr").get(f"/readiness/capacity?horizon={horizon}")
    html = page(response)
    assert "Horizon: enter a whole number of months from 1 to 24." in html
    assert 'id="f-horizon" name="horizon" type="number" value="6"' in html
    assert 'aria-invalid="true"' in html


def test_training_needs_link_to_capacity_for_hr(demo_db, login_as):
    html = page(login_as("hr").get("/readiness/training-needs?role=L2-CSS"))
    assert 'href="/readiness/capacity?course=SUP-101' in html
    manager = page(login_as("manager").get("/readiness/training-needs?role=L2-CSS"))
    assert "/readiness/capacity" not in manager


# ----------------------------------------------------------------------------- the API


def test_the_api_answers_the_seat_plan_of_a_session(demo_db, client, seat_course):
    order = csrs_in_plan_order()
    hr = {"Authorization": f"Bearer {api_token(persona_user('hr'), 'seat')}"}
    response = client.get(f"/api/v1/sessions/{seat_course.id}/seat-plan", headers=hr)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"booked", "waitlist", "planned", "not_fitting"}
    assert (body["session_id"], body["course"], body["seats"], body["free"]) == (
        seat_course.id,
        "SEAT-T",
        SEATS,
        0,
    )
    assert [p["employee_id"] for p in body["planned"]] == [p.id for p in order[:SEATS]]
    thirteenth = next(p for p in body["not_fitting"] if p["employee_id"] == order[SEATS].id)
    assert thirteenth["planned_session_id"] is None and thirteenth["waitlisted"] is False
    assert client.get("/api/v1/sessions/999999/seat-plan", headers=hr).status_code == 404
    manager = {"Authorization": f"Bearer {api_token(persona_user('manager'), 'seat')}"}
    refused = client.get(f"/api/v1/sessions/{seat_course.id}/seat-plan", headers=manager)
    assert refused.status_code == 403
    bad = client.get(f"/api/v1/sessions/{seat_course.id}/seat-plan?as_of=soon", headers=hr)
    assert bad.status_code == 422 and "as_of" in bad.get_json()["errors"]


# ----------------------------------------------------------------------------- the PDFs


def test_the_individual_pdf_gives_the_band_and_its_reason(demo_db, login_as):
    maria = employee_id("Maria Lopez")
    result, _, _ = service.evaluate_employee(maria, "L2-CSS", today())
    text = pdf_text(login_as("employee").get(f"/reports/readiness/{maria}.pdf?role=L2-CSS").data)
    assert f"Why this band: {BAND_LABELS[result.band]}: " in text
    assert result.critical is not None
    assert " ".join(result.critical.reason.split())[:40] in text


def test_the_team_pdf_names_the_finer_bands_and_why(demo_db, login_as):
    text = pdf_text(login_as("hr").get("/reports/team.pdf").data)
    for band in BANDS:
        assert BAND_LABELS[band] in text
    assert "Why this band" in text
    assert "Within 1 year" not in text and "ready 1y" not in text
