"""Bench strength, the organisation view, lapses and training needs (issue 4): the bulk
service in app/services/readiness/bench.py and its pages, their scope, and their query budgets."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from app.audit import acting_as
from app.models import (
    BackgroundCheck,
    CheckType,
    Competency,
    CompetencyRating,
    Completion,
    Course,
    Department,
    Employee,
    JobRole,
    User,
)
from app.policy import subtree_query
from app.services import readiness as service
from app.services.accounts import create_user
from app.services.readiness import bench
from tests.conftest import DEMO_PASSWORD, TEST_TODAY

BOSS = "bench.boss@example.com"


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def user(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def candidate_names(html: str) -> list[str]:
    """Names in the candidates table, in page order."""
    table = section(html, "candidates-h")
    return re.findall(
        r'<td class="rd-nowrap"><a href="/employees/\d+/plan[^"]*">([^<]+)</a>', table
    )


# ---------------------------------------------------------------- the population


def test_a_managers_population_is_their_subtree_without_leavers(demo_db):
    """docs/RULES.md: a user manages everyone below them; terminated people are not on the bench."""
    sam = user(demo_db, "sam.rivera@example.com")
    ids = set(demo_db.session.scalars(bench.population_for(sam)))
    subtree = set(demo_db.session.scalars(subtree_query(sam.employee_id)))
    assert ids == subtree and sam.employee_id not in ids
    assert person(demo_db, "Maria Lopez").id in ids
    assert person(demo_db, "Nina Petrova").id not in ids
    hr = user(demo_db, "hannah.reid@example.com")
    everyone = set(demo_db.session.scalars(bench.population_for(hr)))
    assert person(demo_db, "Nina Petrova").id in everyone
    assert person(demo_db, "Priya Shah").id not in everyone  # left voluntarily
    south = set(demo_db.session.scalars(bench.population_for(hr, "CS-SOUTH")))
    south_dept = demo_db.session.scalar(select(Department.id).where(Department.code == "CS-SOUTH"))
    assert south and all(
        demo_db.session.get(Employee, i).department_id == south_dept for i in south
    )


def test_target_roles_are_the_roles_above_the_first_rung(demo_db):
    assert bench.candidate_roles(service.load_catalogue()) == ["L2-CSS", "L3-CSM"]


def test_bench_strength_lists_everyone_below_the_role_best_score_first(demo_db):
    sam = user(demo_db, "sam.rivera@example.com")
    strength = bench.bench_strength(bench.population_for(sam), "L2-CSS", TEST_TODAY)
    assert strength.role_title == "Customer Service Supervisor"
    assert strength.total == len(strength.candidates) == sum(strength.counts_by_band.values())
    assert {c.current_role for c in strength.candidates} == {"L1-CSR"}
    scores = [c.score for c in strength.candidates]
    assert scores == sorted(scores, reverse=True)
    maria = next(c for c in strength.candidates if c.name == "Maria Lopez")
    assert (maria.score, maria.band, maria.ready) == (80.0, "ready_6m", False)
    assert maria.blocking_gates == ("PCI DSS awareness (yearly)",)
    assert maria.projected_ready_on == date(2027, 1, 3)
    # The same numbers as evaluating each person alone (docs/RULES.md readiness, bulk or not).
    alone, _, _ = service.evaluate_employee(maria.employee_id, "L2-CSS", TEST_TODAY)
    assert alone.score == maria.score and alone.band == maria.band


def test_l3_candidates_include_the_supervisors_and_grace_leads(demo_db):
    sam = user(demo_db, "sam.rivera@example.com")
    strength = bench.bench_strength(bench.population_for(sam), "L3-CSM", TEST_TODAY)
    grace = strength.candidates[0]
    assert grace.name == "Grace Okafor" and grace.score == 94.7
    assert grace.blocking_gates == ("Credit history check",)
    assert "Sam Rivera" not in {c.name for c in strength.candidates}


def test_a_lapse_that_would_drop_a_ready_person_out_of_ready_is_listed(demo_db):
    """docs/RULES.md: a certification lapses on expires_on with no grace, and a failed gate means
    not ready. Make Maria ready now with a PCI completion that expires in 23 days."""
    maria = person(demo_db, "Maria Lopez")
    pci = demo_db.session.scalar(select(Course.id).where(Course.code == "PCI-AWARE"))
    with acting_as("test"):
        demo_db.session.add(
            Completion(
                employee_id=maria.id,
                course_id=pci,
                completed_on=date(2025, 12, 15),
                expires_on=date(2026, 12, 15),
            )
        )
        for code, level in (("ORG-BEHAV", 2), ("HR-BASICS", 1)):
            competency = demo_db.session.scalar(
                select(Competency.id).where(Competency.code == code)
            )
            demo_db.session.add(
                CompetencyRating(
                    employee_id=maria.id,
                    competency_id=competency,
                    level=level,
                    rated_on=date(2026, 11, 1),
                    source="manager",
                )
            )
        demo_db.session.commit()
    sam = user(demo_db, "sam.rivera@example.com")
    lapses = bench.lapsing_soon(bench.population_for(sam), TEST_TODAY)
    mine = [lapse for lapse in lapses if lapse.name == "Maria Lopez"]
    assert len(mine) == 1
    lapse = mine[0]
    assert (lapse.item_kind, lapse.item_code, lapse.item_name) == (
        "certification",
        "PCI-AWARE",
        "PCI DSS awareness (yearly)",
    )
    assert lapse.expires_on == date(2026, 12, 15) and lapse.days_left == 23
    assert lapse.drops_ready_for == ("L2-CSS",)
    assert lapse.manager_name == "Daniel Kim" and lapse.department == "Contact Centre North"
    # Daniel's PCI also lapses within 90 days, but he is not ready for L3: nothing to drop.
    assert "Daniel Kim" not in {lapse.name for lapse in lapses}
    # Outside the window nothing is listed.
    assert not [
        x
        for x in bench.lapsing_soon(bench.population_for(sam), TEST_TODAY, 10)
        if x.name == "Maria Lopez"
    ]


def test_training_needs_count_the_unmet_requirements_and_rank_the_courses(demo_db):
    sam = user(demo_db, "sam.rivera@example.com")
    population = bench.population_for(sam)
    report = bench.training_needs_report(population, "L2-CSS", TEST_TODAY, limit=20)
    results = bench.bench_strength(population, "L2-CSS", TEST_TODAY)
    assert report.candidates == results.total
    # Cross-check every count against the per-person evaluation.
    ids = [c.employee_id for c in results.candidates]
    evaluated = service.evaluate_population(ids, "L2-CSS", TEST_TODAY)
    for gap in report.gaps:
        expected = sum(
            1
            for r in evaluated.values()
            for x in r.unmet
            if (x.requirement.kind, x.requirement.target) == (gap.kind, gap.target)
        )
        assert gap.people == expected, gap
    people = [g.people for g in report.gaps]
    assert people == sorted(people, reverse=True)
    org = next(g for g in report.gaps if g.target == "ORG-BEHAV")
    assert org.closing_courses == (
        ("ORG-101", "Organisational behaviour and HR basics", org.people),
    )
    org_course = next(c for c in report.courses if c.code == "ORG-101")
    assert set(org_course.gaps) >= {"Organisational behaviour"}
    assert org_course.next_session_on == TEST_TODAY + timedelta(days=28)
    assert org_course.total_cost == org_course.cost * org_course.people
    helped = [c.people for c in report.courses]
    assert helped == sorted(helped, reverse=True)
    assert bench.training_needs(population, "L2-CSS", TEST_TODAY, limit=3) == report.gaps[:3]


def test_training_needs_for_l3_offer_the_management_programme(demo_db):
    """docs/RULES.md: a qualification gap is closed by tuition-funded study (a programme)."""
    hr = user(demo_db, "hannah.reid@example.com")
    report = bench.training_needs_report(bench.population_for(hr), "L3-CSM", TEST_TODAY, 30)
    cert = next(g for g in report.gaps if g.target == "CERT-MGMT")
    assert cert.mandatory and cert.closing_courses[0][:2] == (
        "CERT-MGMT",
        "Certificate in Management",
    )
    programme = next(c for c in report.courses if c.code == "CERT-MGMT")
    assert programme.kind == "programme" and programme.cost is None


# ---------------------------------------------------------------- the pages


def test_a_managers_bench_shows_only_their_subtree(login_as, demo_db):
    sam = user(demo_db, "sam.rivera@example.com")
    subtree = set(demo_db.session.scalars(subtree_query(sam.employee_id)))
    l1 = demo_db.session.scalars(
        select(Employee.name)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(JobRole.code == "L1-CSR", Employee.status != "terminated")
    ).all()
    client = login_as("manager")
    html = text(client.get("/readiness/bench?per_page=500"))
    assert "Your part of the organisation: 20 people" in re.sub(r"\s+", " ", html)
    shown = set(candidate_names(html))
    inside = {
        e.name
        for e in demo_db.session.scalars(select(Employee).where(Employee.id.in_(subtree)))
        if e.job_role and e.job_role.code == "L1-CSR"
    }
    assert shown == inside and len(shown) == 17
    assert set(l1) - inside and not (set(l1) - inside) & shown
    assert "Maria Lopez" in shown
    assert "Advisory: people decide promotions." in html
    bands = section(html, "bands-h")
    assert (
        "Customer Service Supervisor (L2-CSS)" in bands
        and "Customer Service Manager (L3-CSM)" in bands
    )
    assert 'role="img"' in bands and "Ready now: <strong>1</strong>" in bands


def test_the_candidate_list_sorts_filters_and_pages(login_as, demo_db):
    client = login_as("manager")
    by_score = candidate_names(text(client.get("/readiness/bench?per_page=500")))
    by_name = candidate_names(text(client.get("/readiness/bench?sort=name&dir=asc&per_page=500")))
    assert by_name == sorted(by_score, key=str.lower)
    first_page = text(client.get("/readiness/bench?sort=name&dir=asc&per_page=5"))
    assert candidate_names(first_page) == by_name[:5]
    assert "17 results · page 1 of 4" in first_page
    second = candidate_names(
        text(client.get("/readiness/bench?sort=name&dir=asc&per_page=5&page=2"))
    )
    assert second == by_name[5:10]
    ready = candidate_names(text(client.get("/readiness/bench?band=ready_now")))
    assert ready == ["Casey Smith"]
    assert candidate_names(text(client.get("/readiness/bench?q=lopez"))) == ["Maria Lopez"]
    l3 = text(client.get("/readiness/bench?role=L3-CSM"))
    assert candidate_names(l3)[0] == "Grace Okafor"
    assert "Credit history check" in section(l3, "candidates-h")
    empty = text(client.get("/readiness/bench?q=nobody-at-all"))
    assert "No candidate matches" in empty


def test_bad_filters_get_messages_and_never_a_500(login_as, demo_db):
    client = login_as("manager")
    html = text(
        client.get("/readiness/bench?role=CEO&band=soon&as_of=yesterday&sort=salary&page=x")
    )
    assert 'id="f-as_of-error"' in html and 'id="f-band-error"' in html
    assert "Target role: pick one of the roles" in html
    assert candidate_names(html)  # the defaults still answer
    hr = login_as("hr")
    org = text(hr.get("/readiness/organisation?department=NOWHERE"))
    assert 'id="f-department-error"' in org
    assert text(hr.get("/readiness/training-needs?role=X&as_of=2026-13-45"))
    assert text(hr.get("/readiness/lapses?department=X&as_of=0000-00-00&page=-3"))


def test_the_organisation_view_covers_everyone_and_filters_by_department(login_as, demo_db):
    hr = login_as("hr")
    html = text(hr.get("/readiness/organisation?per_page=500"))
    assert "The whole organisation: 62 people" in re.sub(r"\s+", " ", html)
    names = set(candidate_names(html))
    assert "Maria Lopez" in names and len(names) == 46  # every CSR, in every department
    south = text(hr.get("/readiness/organisation?department=CS-SOUTH&per_page=500"))
    south_names = set(candidate_names(south))
    south_id = demo_db.session.scalar(select(Department.id).where(Department.code == "CS-SOUTH"))
    expected = set(
        demo_db.session.scalars(
            select(Employee.name)
            .join(JobRole, JobRole.id == Employee.job_role_id)
            .where(
                Employee.department_id == south_id,
                JobRole.code == "L1-CSR",
                Employee.status != "terminated",
            )
        )
    )
    assert south_names == expected and "Maria Lopez" not in south_names
    breakdown = section(south, "dept-h")
    assert "Contact Centre South" in breakdown and "Contact Centre North" not in breakdown


def test_the_lapses_and_training_needs_pages(login_as, demo_db):
    client = login_as("manager")
    lapses = text(client.get("/readiness/lapses"))
    assert "Lapsing in the next 90 days" in lapses
    needs = text(client.get("/readiness/training-needs?role=L2-CSS"))
    assert "Training needs for Customer Service Supervisor (L2-CSS)" in needs
    gaps = section(needs, "gaps-h")
    assert "Supervisor training" in gaps and 'role="img"' in gaps
    courses = section(needs, "courses-h")
    assert "Organisational behaviour and HR basics" in courses and "6,500.00" in courses
    l3 = text(client.get("/readiness/training-needs?role=L3-CSM"))
    assert "Certificate in Management" in l3 and "tuition-funded programme" in l3


def test_who_may_open_the_dashboards(login_as, demo_db):
    """Bench and training needs: managers and hr; the organisation view: hr only."""
    pages = ("/readiness/bench", "/readiness/training-needs", "/readiness/lapses")
    for persona in ("finance", "admin", "employee"):
        client = login_as(persona)
        for url in (*pages, "/readiness/organisation"):
            assert client.get(url).status_code == 403, (persona, url)
    manager = login_as("manager")
    for url in pages:
        assert manager.get(url).status_code == 200
    assert manager.get("/readiness/organisation").status_code == 403
    hr = login_as("hr")
    for url in (*pages, "/readiness/organisation"):
        assert hr.get(url).status_code == 200


def test_the_dashboards_have_no_inline_style_or_script(login_as, demo_db):
    client = login_as("hr")
    for url in ("/readiness/organisation", "/readiness/training-needs", "/readiness/bench"):
        html = text(client.get(url))
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_the_chart_macros_are_generic_and_carry_their_numbers(demo_app):
    with demo_app.test_request_context():
        charts = demo_app.jinja_env.get_template("_macros/charts.html").module
        bars = str(charts.bar_chart([("Alpha", 3), ("Beta", 6)], title="Things", unit="people"))
        stacked = str(charts.stacked_band_bar({"ready_now": 2, "ready_1y": 1}, title="Bench"))
        empty = str(charts.stacked_band_bar({}, title="Nobody"))
    assert 'aria-label="Things: Alpha 3 people; Beta 6 people"' in bars
    assert bars.count("<rect") == 4 and "style=" not in bars
    # Beta, the largest, fills the 310-unit plot (640 - 230 of labels - 100 of values).
    assert 'width="310.0"' in bars and 'width="155.0"' in bars
    assert "Ready now: <strong>2</strong>" in stacked and "Not ready: <strong>0</strong>" in stacked
    assert "No candidates" in empty and "style=" not in stacked


# ---------------------------------------------------------------- query budgets


def _add_reports(db, manager_id: int, count: int, start: int) -> None:
    """Bulk-insert ``count`` CSRs under ``manager_id`` with training, ratings and checks."""
    role = db.session.scalar(select(JobRole.id).where(JobRole.code == "L1-CSR"))
    dept = db.session.scalar(select(Department.id).where(Department.code == "CS-NORTH"))
    pci = db.session.scalar(select(Course.id).where(Course.code == "PCI-AWARE"))
    product = db.session.scalar(select(Competency.id).where(Competency.code == "PRODUCT"))
    employment = db.session.scalar(select(CheckType.id).where(CheckType.code == "EMPLOYMENT"))
    db.session.execute(
        insert(Employee),
        [
            {
                "employee_no": f"BB{start + i:05d}",
                "email": f"bb{start + i}@example.com",
                "name": f"Bulk Person {start + i:05d}",
                "hire_date": date(2022, 1, 1),
                "job_role_id": role,
                "role_since": date(2022, 1, 1),
                "manager_id": manager_id,
                "department_id": dept,
                "status": "active",
                "version": 1,
            }
            for i in range(count)
        ],
    )
    ids = db.session.scalars(
        select(Employee.id).where(
            Employee.employee_no.in_([f"BB{start + i:05d}" for i in range(count)])
        )
    ).all()
    db.session.execute(
        insert(Completion),
        [
            {
                "employee_id": eid,
                "course_id": pci,
                "completed_on": date(2026, 1, 1) + timedelta(days=eid % 200),
                "expires_on": date(2027, 1, 1) + timedelta(days=eid % 200),
                "verification": "verified",
                "version": 1,
            }
            for eid in ids
        ],
    )
    db.session.execute(
        insert(CompetencyRating),
        [
            {
                "employee_id": eid,
                "competency_id": product,
                "level": eid % 5,
                "rated_on": date(2026, 6, 1),
                "source": "manager",
                "version": 1,
            }
            for eid in ids
        ],
    )
    db.session.execute(
        insert(BackgroundCheck),
        [
            {
                "employee_id": eid,
                "check_type_id": employment,
                "consent_signed_on": date(2025, 1, 1),
                "consent_form_version": "FCRA-2024-1",
                "requested_on": date(2025, 1, 2),
                "status": "clear",
                "completed_on": date(2025, 1, 20),
                "valid_until": date(2028, 1, 20),
                "version": 1,
            }
            for eid in ids
        ],
    )
    db.session.commit()


def test_bulk_service_and_bench_page_use_the_same_queries_for_10_and_500_people(
    demo_app, login_as, count_queries
):
    """Issue 4 / DESIGN.md "Bulk first": the number of queries does not grow with the people."""
    from app.extensions import db

    with demo_app.app_context(), acting_as("test"):
        boss = create_user(BOSS, DEMO_PASSWORD, name="Bench Boss")
        boss.employee.job_role_id = db.session.scalar(
            select(JobRole.id).where(JobRole.code == "L3-CSM")
        )
        boss.employee.role_since = date(2020, 1, 1)
        db.session.commit()
        boss_employee = boss.employee_id
        _add_reports(db, boss_employee, 10, 0)
    client = login_as(BOSS)

    def measure() -> tuple[int, int, int]:
        client.get("/readiness/bench")  # warm any one-off state before counting
        with count_queries() as page:
            response = client.get("/readiness/bench?per_page=25")
        assert response.status_code == 200
        with demo_app.app_context():
            who = db.session.scalar(select(User).where(User.email == BOSS))
            population = bench.population_for(who)
            with count_queries() as strength:
                result = bench.bench_strength(population, "L2-CSS", TEST_TODAY)
        with demo_app.app_context():
            who = db.session.scalar(select(User).where(User.email == BOSS))
            with count_queries() as overview:
                bench.bench_overview(bench.population_for(who), TEST_TODAY)
                bench.training_needs_report(bench.population_for(who), "L2-CSS", TEST_TODAY)
        assert result.total == db_count(boss_employee)
        return page(), strength(), overview()

    def db_count(manager_id: int) -> int:
        with demo_app.app_context():
            return db.session.scalar(
                select(func.count(Employee.id)).where(Employee.manager_id == manager_id)
            )

    few = measure()
    with demo_app.app_context():
        _add_reports(db, boss_employee, 490, 10)
    many = measure()
    assert db_count(boss_employee) == 500
    assert few == many, f"10 people: {few} queries; 500 people: {many}"
