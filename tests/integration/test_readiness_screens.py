"""The development plan screen (issue 4): the demo cases of docs/RULES.md as a person sees them,
the promotion path, the what-if mode, bad input and who may open whose plan."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.models import Employee
from app.services import readiness as service
from app.services.readiness import plan as plans
from tests.conftest import TEST_TODAY


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def row(html: str, needle: str) -> str:
    """The table row containing ``needle``."""
    for chunk in html.split("<tr")[1:]:
        if needle in chunk:
            return chunk.split("</tr>")[0]
    raise AssertionError(f"no row with {needle!r}")


def badges(html: str) -> list[str]:
    """The words of the badges in ``html``, in order."""
    return re.findall(r'class="badge badge-\w+">([^<]+)<', html)


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


# ---------------------------------------------------------------- the demo cases on the screen


def test_maria_sees_the_pci_gate_failing_and_the_session_that_renews_it(login_as, demo_db):
    """docs/RULES.md demo case: a CSR at about 80% whose PCI refresher expired fails the gate, and
    the plan tells her which session renews it (the next PCI session, 9 days from today)."""
    maria = person(demo_db, "Maria Lopez")
    client = login_as("employee")
    mine = client.get("/readiness/plan")
    assert mine.status_code == 302
    assert mine.headers["Location"].endswith(f"/employees/{maria.id}/plan")
    html = text(client.get(f"/employees/{maria.id}/plan"))
    assert "My development plan" in html
    assert "Readiness for Customer Service Supervisor (L2-CSS)" in html  # the next role
    summary = section(html, "summary-h")
    assert "80.0" in summary and "Ready in 6 months" in summary
    assert "Gate failing:</strong> PCI DSS awareness (yearly)" in summary
    # One failing gate, in the singular: never "1 failing gates".
    assert re.search(r"1 failing</span>\s*<span[^>]*>gate \(mandatory requirement\)<", summary)
    assert "1 failing gates" not in html and "(s)" not in html
    assert "Not yet recommended" in summary  # a recommendation, never a decision
    assert "Advisory: people decide promotions." in html
    pci = row(section(html, "reqs-h"), "PCI DSS awareness (yearly)")
    assert "unmet" in pci and "expired 2026-10-18" in pci
    # Her booking of that session holds her seat (docs/RULES.md seat plan step 1).
    assert (
        "Booked on PCI DSS awareness (yearly) (PCI-AWARE): session 2026-12-01 to 2026-12-01" in pci
    )
    assert "cost 50.00" in pci


def test_maria_plan_walks_the_ladder_to_the_top_with_dates_and_costs(login_as, demo_db):
    """docs/RULES.md Promotion path: per step the role, the ordered actions, cost and date."""
    maria = person(demo_db, "Maria Lopez")
    expected = service.promotion_path(maria.id, "L3-CSM", TEST_TODAY)
    html = text(login_as("employee").get(f"/employees/{maria.id}/plan"))
    path = section(html, "path-h")
    assert "Promotion path to Customer Service Manager (L3-CSM)" in path
    assert "Step 1: Customer Service Supervisor (L2-CSS)" in path
    assert "Step 2: Customer Service Manager (L3-CSM)" in path
    assert money(expected.total_cost) in path
    assert expected.projected_ready_on.isoformat() in path
    first = expected.steps[0].actions[0]
    assert first.kind == "renew" and first.target == "PCI-AWARE"
    assert path.index("Booked on PCI DSS awareness") < path.index(
        "Enrol in Organisational behaviour"
    )


def test_path_to_a_picked_role_and_to_a_role_that_is_not_above(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    client = login_as("employee")
    one_step = section(text(client.get(f"/employees/{maria.id}/plan?path_to=L2-CSS")), "path-h")
    assert "Step 1: Customer Service Supervisor" in one_step and "Step 2" not in one_step
    below = section(text(client.get(f"/employees/{maria.id}/plan?path_to=L1-CSR")), "path-h")
    assert "is not above the current role" in below


def test_daniels_plan_shows_the_360_without_the_hidden_peer_group(login_as, demo_db):
    """docs/RULES.md 360: Daniel has only 2 peer responses, so the peer group is hidden and the
    overall is the mean of the manager (3.8) and direct-report (3.933) groups = 3.867."""
    daniel = person(demo_db, "Daniel Kim")
    html = text(login_as("manager").get(f"/employees/{daniel.id}/plan"))
    assert "Readiness for Customer Service Manager (L3-CSM)" in html  # his next role
    lead = row(section(html, "reqs-h"), "Leadership 360 feedback")
    assert "score 3.87" in lead and "score 3.867" not in lead and "met" in lead  # as the record
    summary = section(html, "summary-h")
    for gate in ("Credit history check", "Manager assessment centre", "Certificate in Management"):
        assert f"Gate failing:</strong> {gate}" in summary


def test_graces_plan_shows_her_manager_the_check_status_but_never_the_findings(login_as, demo_db):
    """docs/RULES.md data minimisation: the manager sees the status word, only HR the findings."""
    grace = person(demo_db, "Grace Okafor")
    html = text(login_as("manager").get(f"/employees/{grace.id}/plan"))
    credit = row(section(html, "reqs-h"), "Credit history check")
    assert "review required" in credit and "unmet" in credit
    assert "Credit history check under review (review required): waiting for HR" in credit
    assert "Request a" not in credit and "review_required" not in credit
    assert "94.7" in section(html, "summary-h")
    assert "collections" not in html


def test_at_the_top_of_the_ladder_the_plan_checks_the_current_role(login_as, demo_db):
    sam = person(demo_db, "Sam Rivera")
    html = text(login_as("manager").get(f"/employees/{sam.id}/plan"))
    assert "Readiness for Customer Service Manager (L3-CSM)" in html
    assert "Already at the top of the ladder" in section(html, "path-h")


def test_someone_without_a_job_role_gets_the_first_rung_and_no_path(login_as, demo_db):
    hannah = person(demo_db, "Hannah Reid")
    html = text(login_as("hr").get(f"/employees/{hannah.id}/plan"))
    assert "Readiness for Customer Service Representative (L1-CSR)" in html
    assert "No current role on record" in section(html, "path-h")


def test_any_role_and_any_date_can_be_picked(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    html = text(
        login_as("employee").get(f"/employees/{maria.id}/plan?role=L3-CSM&as_of=2027-03-01")
    )
    assert "Readiness for Customer Service Manager (L3-CSM)" in html
    assert "readiness as of 2027-03-01" in html
    expected, _, _ = service.evaluate_employee(maria.id, "L3-CSM", date(2027, 3, 1))
    assert f"{expected.score:.1f}" in section(html, "summary-h")


# ---------------------------------------------------------------- what-if


def test_ticking_the_pci_renewal_raises_marias_projected_score_and_shows_the_band(
    login_as, demo_db
):
    """Issue 4 what-if: tick planned actions and see the projected score and band change."""
    maria = person(demo_db, "Maria Lopez")
    plan = plans.development_plan(maria.id, plans.PlanRequest(planned=("course:PCI-AWARE",)))
    whatif = plan.whatif
    assert whatif is not None and whatif.on == date(2026, 12, 1)  # the renewing session
    assert whatif.with_actions.score >= whatif.without.score
    assert whatif.with_actions.score == 86.7 and whatif.with_actions.gates_met

    html = text(
        login_as("employee").get(f"/employees/{maria.id}/plan?role=L2-CSS&plan=course:PCI-AWARE")
    )
    result = section(html, "whatif-h")
    assert "Projection on 2026-12-01" in result
    assert "80.0 → 86.7" in result
    assert badges(row(result, ">Band<")) == [
        "Ready in 6 months",
        "Ready in 6 months",
        "Ready in 6 months",
    ]
    assert "all met" in row(result, ">Gates<")
    assert 'value="course:PCI-AWARE" checked' in result


def test_ticking_every_gap_makes_maria_ready_now_on_the_projected_date(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    html = text(
        login_as("employee").get(
            f"/employees/{maria.id}/plan?plan=course:PCI-AWARE&plan=course:ORG-101"
        )
    )
    result = section(html, "whatif-h")
    assert "Projection on 2027-01-03" in result
    assert "80.0 → 100.0" in result
    assert badges(row(result, ">Band<")) == ["Ready in 6 months", "Ready in 6 months", "Ready now"]


def test_a_future_date_alone_shows_what_lapses(login_as, demo_db):
    """Moving as_of past an expiry never raises the score: Daniel's PCI lapses on 2027-01-21."""
    daniel = person(demo_db, "Daniel Kim")
    plan = plans.development_plan(daniel.id, plans.PlanRequest(whatif_on=date(2027, 2, 1)))
    assert plan.whatif is not None and not plan.whatif.ticked
    assert plan.whatif.without.score < plan.readiness.score
    html = text(login_as("manager").get(f"/employees/{daniel.id}/plan?whatif_on=2027-02-01"))
    result = section(html, "whatif-h")
    assert "Projection on 2027-02-01" in result
    assert f"{plan.readiness.score:.1f}" in row(result, ">Score<")
    assert f"{plan.whatif.without.score:.1f}" in row(result, ">Score<")


def test_a_ticked_action_due_after_the_chosen_date_is_not_counted_yet(demo_db):
    maria = person(demo_db, "Maria Lopez")
    plan = plans.development_plan(
        maria.id,
        plans.PlanRequest(planned=("course:ORG-101",), whatif_on=date(2026, 12, 15)),
    )
    assert [p.key for p in plan.whatif.not_done_yet] == ["course:ORG-101"]
    assert plan.whatif.with_actions.score == plan.whatif.without.score


def test_a_ticked_course_brings_its_open_prerequisites(demo_db):
    """docs/RULES.md projection: prerequisites not yet done come first."""
    daniel = person(demo_db, "Daniel Kim")
    base = plans.development_plan(daniel.id)
    keys = [p.key for p in base.planned_actions]
    assert "course:MGMT-ANALYTICS" in keys
    plan = plans.development_plan(daniel.id, plans.PlanRequest(planned=("course:MGMT-ANALYTICS",)))
    assert "course:MGMT-ANALYTICS" in {p.key for p in plan.whatif.ticked}
    problem = next(
        r for r in plan.whatif.with_actions.requirements if r.requirement.target == "PROBLEM"
    )
    assert problem.met


# ---------------------------------------------------------------- bad input


def test_bad_fields_get_messages_tied_to_them_and_the_page_still_answers(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    response = login_as("employee").get(
        f"/employees/{maria.id}/plan?role=L9-CEO&as_of=31/12/2026&plan=nonsense&path_to=X"
    )
    html = text(response)
    assert "Please fix 3 problems" in html
    assert 'id="f-role-error"' in html and "is not a role of the ladder" in html
    assert 'id="f-as_of-error"' in html and "YYYY-MM-DD" in html
    assert 'id="f-path_to-error"' in html
    assert 'aria-describedby="f-role-error" aria-invalid="true"' in html
    assert "Readiness for Customer Service Supervisor (L2-CSS)" in html  # the defaults


def test_a_what_if_date_before_the_as_of_date_is_refused(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    html = text(
        login_as("employee").get(
            f"/employees/{maria.id}/plan?as_of=2026-11-22&whatif_on=2026-01-01&plan=x"
        )
    )
    assert "on or after the as-of date" in html and 'id="f-whatif_on-error"' in html
    assert "Projection on" not in html


def test_the_service_refuses_bad_requests_with_field_errors(demo_db):
    maria = person(demo_db, "Maria Lopez")
    try:
        plans.development_plan(
            maria.id,
            plans.PlanRequest(role="NOPE", as_of=TEST_TODAY, whatif_on=date(2020, 1, 1)),
        )
    except plans.PlanInputError as refused:
        assert set(refused.errors) == {"role", "whatif_on"}
    else:  # pragma: no cover - the assertion above is the test
        raise AssertionError("a bad request was accepted")
    request, errors = plans.parse_request({"as_of": "2026-02-30", "whatif_on": "99999-01-01"})
    assert set(errors) == {"as_of", "whatif_on"} and request.as_of is None


# ---------------------------------------------------------------- who may open a plan


def test_an_employee_cannot_open_someone_elses_plan(login_as, demo_db):
    daniel = person(demo_db, "Daniel Kim")
    assert login_as("employee").get(f"/employees/{daniel.id}/plan").status_code == 404
    assert login_as("employee").get("/employees/999999/plan").status_code == 404


def test_managers_see_their_subtree_only_and_finance_and_admin_see_no_one_elses(login_as, demo_db):
    """DECISIONS.md: readiness is visible to the person, their managers and hr."""
    maria = person(demo_db, "Maria Lopez")
    nina = person(demo_db, "Nina Petrova")  # Contact Centre South, not under Sam
    manager = login_as("manager")
    assert manager.get(f"/employees/{maria.id}/plan").status_code == 200  # under Daniel
    assert manager.get(f"/employees/{nina.id}/plan").status_code == 404
    assert login_as("hr").get(f"/employees/{nina.id}/plan").status_code == 200
    for persona in ("finance", "admin"):
        client = login_as(persona)
        assert client.get(f"/employees/{maria.id}/plan").status_code == 404
        own = client.get("/readiness/plan")
        assert client.get(own.headers["Location"]).status_code == 200


def test_the_employee_page_links_to_the_plan_only_for_those_who_may_see_it(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    link = f'href="/employees/{maria.id}/plan"'
    own = text(login_as("employee").get(f"/employees/{maria.id}"))
    assert link in own and "My development plan" in own
    assert link in text(login_as("manager").get(f"/employees/{maria.id}"))
    finance = login_as("finance").get(f"/employees/{maria.id}")
    if finance.status_code == 200:  # finance sees the tuition part of the page
        assert link not in finance.get_data(as_text=True)


def test_navigation_offers_my_plan_to_everyone_and_the_dashboards_to_whom_they_fit(
    login_as, demo_db
):
    def nav(persona: str) -> str:
        html = text(login_as(persona).get("/"))
        return html[html.index('aria-label="Main"') : html.index("</nav>")]

    employee, manager, hr, finance = (nav(p) for p in ("employee", "manager", "hr", "finance"))
    assert all(">My plan<" in n for n in (employee, manager, hr, finance))
    assert ">Bench strength<" in manager and ">Training needs<" in manager
    assert ">Organisation<" not in manager
    assert ">Bench strength<" in hr and ">Organisation<" in hr and ">Training needs<" in hr
    for n in (employee, finance):
        assert ">Bench strength<" not in n and ">Training needs<" not in n


def test_the_plan_page_has_no_inline_style_or_script(login_as, demo_db):
    """The CSP forbids inline script and style."""
    maria = person(demo_db, "Maria Lopez")
    html = text(login_as("employee").get(f"/employees/{maria.id}/plan?plan=course:PCI-AWARE"))
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
