"""The catalogue pages as hr, an admin and an employee see them: permissions, forms that refuse
bad input with a message tied to the field, retire/restore, and the list-page rules of issue 3
(paginated, searchable, filterable, sortable, an empty state, a constant number of queries)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import (
    Competency,
    Course,
    CourseGrant,
    CoursePrerequisite,
    CourseSession,
    Employee,
    JobRole,
    LadderEdge,
    Requirement,
)
from app.services import catalogue

LIST_PAGES = [
    "/catalogue/",
    "/catalogue/competencies",
    "/catalogue/courses",
    "/catalogue/sessions",
    "/catalogue/check-types",
    "/catalogue/instruments",
    "/catalogue/qualifications",
    "/catalogue/roles",
    "/catalogue/ladder",
    "/catalogue/courses/SUP-101",
    "/catalogue/roles/L2-CSS",
]
EDIT_PAGES = [
    "/catalogue/competencies/new",
    "/catalogue/competencies/PRODUCT/edit",
    "/catalogue/courses/new",
    "/catalogue/courses/SUP-101/edit",
    "/catalogue/courses/SUP-101/sessions/new",
    "/catalogue/check-types/new",
    "/catalogue/check-types/CREDIT/edit",
    "/catalogue/instruments/new",
    "/catalogue/instruments/LEAD-360/edit",
    "/catalogue/qualifications/new",
    "/catalogue/qualifications/BBA/edit",
    "/catalogue/roles/new",
    "/catalogue/roles/L2-CSS/edit",
    "/catalogue/roles/L2-CSS/requirements",
    "/catalogue/ladder/new",
    "/catalogue/ladder/L1-CSR/L2-CSS/edit",
]


def text(response) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------- who may do what


@pytest.mark.parametrize("persona", ["hr", "admin"])
def test_hr_and_admins_open_every_catalogue_page(login_as, persona):
    client = login_as(persona)
    for url in LIST_PAGES + EDIT_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url


def test_any_signed_in_user_reads_the_catalogue_but_cannot_change_it(login_as):
    client = login_as("employee")
    for url in LIST_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        page = text(response)
        assert "/new" not in page and '/retire"' not in page and "/edit" not in page, url
    for url in EDIT_PAGES:
        assert client.get(url).status_code == 403, url
    response = client.post(
        "/catalogue/competencies/new", data={"code": "HACK", "name": "Not allowed"}
    )
    assert response.status_code == 403
    assert client.post("/catalogue/courses/PCI-AWARE/retire").status_code == 403
    assert client.post("/settings/", data={"ready_threshold": "1"}).status_code == 403


def test_the_navigation_offers_catalogue_and_settings_to_hr_and_admin_only(login_as):
    hr_home = text(login_as("hr").get("/"))
    assert 'href="/catalogue/"' in hr_home and 'href="/settings/"' in hr_home
    admin_home = text(login_as("admin").get("/"))
    assert 'href="/catalogue/"' in admin_home and 'href="/settings/"' in admin_home
    for persona in ("employee", "manager", "finance"):
        home = text(login_as(persona).get("/"))
        assert 'href="/catalogue/"' not in home and 'href="/settings/"' not in home


def test_unknown_codes_answer_404(login_as):
    client = login_as("hr")
    assert client.get("/catalogue/courses/NOPE").status_code == 404
    assert client.get("/catalogue/roles/NOPE/requirements").status_code == 404
    assert client.get("/catalogue/ladder/L2-CSS/L1-CSR/edit").status_code == 404
    assert client.get("/catalogue/sessions/999999/edit").status_code == 404
    assert client.post("/catalogue/roles/NOPE/retire").status_code == 404
    assert client.get("/catalogue/courses/%00").status_code == 404
    assert client.get("/catalogue/ladder/%00/L2-CSS/edit").status_code == 404
    assert client.post("/settings/%00/reset").status_code == 404


# ------------------------------------------------------------------------- forms


def test_hr_creates_a_competency_through_the_form(login_as, demo_db):
    client = login_as("hr")
    response = client.post(
        "/catalogue/competencies/new",
        data={"code": "de-escalation", "name": "De-escalation", "category": "service"},
    )
    assert response.status_code == 302
    listing = text(client.get("/catalogue/competencies?q=escal"))
    assert "DE-ESCALATION" in listing and "De-escalation" in listing
    assert "Competency DE-ESCALATION created." in listing


def test_a_bad_form_shows_the_message_on_its_field_and_creates_nothing(login_as, demo_db):
    client = login_as("hr")
    before = demo_db.session.scalar(select(func.count()).select_from(Competency))
    response = client.post("/catalogue/competencies/new", data={"code": "BAD CODE", "name": ""})
    assert response.status_code == 422
    page = text(response)
    assert 'id="code-error"' in page and "single hyphens" in page
    assert 'id="name-error"' in page and "Enter a name." in page
    assert 'aria-invalid="true"' in page and "Please fix 2 problems" in page
    assert demo_db.session.scalar(select(func.count()).select_from(Competency)) == before


def test_a_prerequisite_cycle_is_refused_on_the_course_page(login_as, demo_db):
    client = login_as("hr")
    page = text(client.get("/catalogue/courses/SUP-101/edit"))
    assert 'checked id="prerequisites-' in page and 'value="CS-FOUND"' in page
    response = client.post(
        "/catalogue/courses/SUP-101/edit",
        data={
            "title": "Supervisor training",
            "category": "leadership",
            "hours": "40",
            "cost": "1200.00",
            "default_duration_days": "30",
            "prerequisites": ["CS-FOUND", "MGMT-ANALYTICS"],
            "grants-0-competency": "COACHING",
            "grants-0-level": "2",
        },
    )
    assert response.status_code == 422
    assert "SUP-101 requires MGMT-ANALYTICS requires SUP-101" in text(response)
    demo_db.session.expire_all()
    course = catalogue.get_course("SUP-101")
    assert [link.prerequisite.code for link in course.prerequisite_links] == ["CS-FOUND"]
    assert sorted((g.competency.code, g.level) for g in course.grants) == [
        ("COACHING", 2),
        ("POLICY", 3),
    ]


def test_the_course_form_saves_grants_and_places_row_errors(login_as, demo_db):
    client = login_as("hr")
    data = {
        "title": "Coaching lab",
        "category": "leadership",
        "hours": "16",
        "cost": "600.00",
        "default_duration_days": "30",
        "grants-0-competency": "COACHING",
        "grants-0-level": "3",
        "grants-1-competency": "",
        "grants-1-level": "",
        "grants-2-competency": "POLICY",
        "grants-2-level": "",
    }
    response = client.post("/catalogue/courses/COACH-LAB/edit", data=data)
    assert response.status_code == 422
    page = text(response)
    assert 'id="grants-2-level-error"' in page and "Enter granted level." in page
    data["grants-2-level"] = "2"
    assert client.post("/catalogue/courses/COACH-LAB/edit", data=data).status_code == 302
    demo_db.session.expire_all()
    grants = sorted((g.competency.code, g.level) for g in catalogue.get_course("COACH-LAB").grants)
    assert grants == [("COACHING", 3), ("POLICY", 2)]


def test_a_new_course_then_its_session(login_as, demo_db):
    client = login_as("hr")
    response = client.post(
        "/catalogue/courses/new",
        data={
            "code": "DATA-101",
            "title": "Reading service data",
            "category": "analysis",
            "hours": "6",
            "cost": "150",
            "validity_months": "",
            "default_duration_days": "14",
            "prerequisites": ["CS-FOUND"],
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/catalogue/courses/DATA-101"
    )
    bad = client.post(
        "/catalogue/courses/DATA-101/sessions/new",
        data={"starts_on": "2027-01-10", "ends_on": "2027-01-09", "seats": "12"},
    )
    assert bad.status_code == 422 and "cannot be before the start date" in text(bad)
    good = client.post(
        "/catalogue/courses/DATA-101/sessions/new",
        data={"starts_on": "2027-01-10", "ends_on": "2027-01-11", "seats": "12"},
    )
    assert good.status_code == 302
    page = text(client.get("/catalogue/courses/DATA-101"))
    assert "2027-01-10" in page and "2027-01-11" in page


def test_the_requirements_editor_shows_saves_and_refuses_as_a_whole(login_as, demo_db):
    client = login_as("hr")
    page = text(client.get("/catalogue/roles/L1-CSR/requirements"))
    assert '<option selected value="course:CS-FOUND">' in page
    assert 'id="rows-3-kind"' in page  # four existing rows (0-3) then blank rows
    assert 'id="rows-6-kind"' in page and 'id="rows-7-kind"' not in page
    form = {
        "rows-0-kind": "course",
        "rows-0-target": "course:CS-FOUND",
        "rows-0-mandatory": "y",
        "rows-0-weight": "1",
        "rows-1-kind": "certification",
        "rows-1-target": "course:PCI-AWARE",
        "rows-1-mandatory": "y",
        "rows-1-weight": "2",
        "rows-2-kind": "",  # an empty row is ignored
        "rows-3-kind": "competency",
        "rows-3-target": "competency:PRODUCT",
        "rows-3-threshold": "9",
        "rows-3-weight": "1",
    }
    before = [catalogue.requirement_to_dict(r) for r in catalogue.get_role("L1-CSR").requirements]
    refused = client.post("/catalogue/roles/L1-CSR/requirements", data=form)
    assert refused.status_code == 422
    assert 'id="rows-3-threshold-error"' in text(refused)
    # the empty row is dropped from the page shown again: the faulty row is the third shown
    assert "Requirement 3: Minimum level must be from 0 to 5." in text(refused)
    demo_db.session.expire_all()
    assert [
        catalogue.requirement_to_dict(r) for r in catalogue.get_role("L1-CSR").requirements
    ] == before

    form["rows-3-threshold"] = "2"
    assert client.post("/catalogue/roles/L1-CSR/requirements", data=form).status_code == 302
    demo_db.session.expire_all()
    assert [
        catalogue.requirement_to_dict(r) for r in catalogue.get_role("L1-CSR").requirements
    ] == [
        {"kind": "course", "target": "CS-FOUND", "mandatory": True, "weight": 1},
        {"kind": "certification", "target": "PCI-AWARE", "mandatory": True, "weight": 2},
        {
            "kind": "competency",
            "target": "PRODUCT",
            "min_level": 2,
            "mandatory": False,
            "weight": 1,
        },
    ]


def test_the_ladder_page_refuses_a_loop_with_a_message(login_as, demo_db):
    client = login_as("hr")
    before = demo_db.session.scalar(select(func.count()).select_from(LadderEdge))
    response = client.post(
        "/catalogue/ladder/new",
        data={"from_role": "L3-CSM", "to_role": "L1-CSR", "typical_months": "12"},
    )
    assert response.status_code == 422
    assert "That would make the ladder loop" in text(response)
    assert demo_db.session.scalar(select(func.count()).select_from(LadderEdge)) == before
    assert client.post("/catalogue/ladder/L1-CSR/L2-CSS/remove").status_code == 302
    assert demo_db.session.scalar(select(func.count()).select_from(LadderEdge)) == before - 1


BAD_INPUT = [
    ("/catalogue/competencies/new", {"code": "\x00", "name": "x" * 5000}),
    ("/catalogue/competencies/new", {"code": "NUL-NAME", "name": "Prod\x00uct"}),
    ("/catalogue/instruments/new", {"code": "NUL-DIM", "name": "n", "dimensions": "A\x00"}),
    (
        "/catalogue/courses/SUP-101/sessions/new",
        {"starts_on": "2027-01-01", "ends_on": "2027-01-01", "seats": "3", "location": "\x00"},
    ),
    ("/catalogue/courses/new", {"code": "Ω", "title": "t", "hours": "1e9999", "cost": "NaN"}),
    (
        "/catalogue/courses/SUP-101/edit",
        {"title": "x", "validity_months": "9" * 40, "grants-0-competency": "<b>", "version": "x"},
    ),
    ("/catalogue/courses/SUP-101/sessions/new", {"starts_on": "2026-13-45", "seats": "-"}),
    ("/catalogue/check-types/new", {"code": "A", "name": "A", "rescreen_months": "1.5"}),
    ("/catalogue/instruments/new", {"code": "A", "kind": "360", "scale_min": "inf"}),
    ("/catalogue/instruments/LEAD-360/edit", {"kind": "bogus", "dimensions": ""}),
    ("/catalogue/roles/new", {"code": "R", "title": "R", "level": "99999999999"}),
    ("/catalogue/roles/L2-CSS/edit", {"title": "x", "level": "3"}),
    (
        "/catalogue/roles/L2-CSS/requirements",
        {"rows-0-kind": "assessment", "rows-0-target": "nonsense", "rows-0-weight": "x"},
    ),
    ("/catalogue/ladder/new", {"from_role": "", "to_role": "", "typical_months": ""}),
    ("/catalogue/ladder/L1-CSR/L2-CSS/edit", {"typical_months": "-4"}),
    ("/catalogue/sessions/1/edit", {"starts_on": "", "ends_on": "", "seats": ""}),
]


def test_bad_input_anywhere_is_a_clear_422_never_a_500(login_as, subtests):
    client = login_as("hr")
    for url, data in BAD_INPUT:
        with subtests.test(url=url, data=data):
            response = client.post(url, data=data)
            assert response.status_code == 422, text(response)[-2000:]
            assert "error-summary" in text(response)


# ------------------------------------------------------------------------- retiring


def test_retiring_from_the_page_keeps_the_employee_record_readable(login_as, demo_db):
    client = login_as("hr")
    response = client.post("/catalogue/courses/PCI-AWARE/retire", follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert "PCI-AWARE is retired" in page and "still a requirement of L1-CSR, L2-CSS, L3-CSM" in (
        page
    )
    assert "PCI-AWARE" not in text(client.get("/catalogue/courses"))
    assert "PCI-AWARE" in text(client.get("/catalogue/courses?status=retired"))
    # Maria's expired PCI refresher is still on her record under its title
    maria = demo_db.session.scalar(select(Employee).where(Employee.name == "Maria Lopez"))
    record = text(client.get(f"/employees/{maria.id}"))
    assert "PCI DSS awareness (yearly)" in record
    # and the course is no longer offered for a new requirement, but the existing ones remain
    editor = text(client.get("/catalogue/roles/L2-CSS/requirements"))
    assert "PCI-AWARE · PCI DSS awareness (yearly) (expires after 12 months) (retired)" in editor
    restored = client.post("/catalogue/courses/PCI-AWARE/restore", follow_redirects=True)
    assert "PCI-AWARE is active again" in text(restored)


def test_the_retire_button_asks_for_confirmation(login_as):
    page = text(login_as("hr").get("/catalogue/competencies/PRODUCT/edit"))
    assert 'data-confirm="Retire PRODUCT?' in page
    assert 'action="/catalogue/competencies/PRODUCT/retire"' in page


# ------------------------------------------------------------------------- list pages


def test_lists_are_paginated_searchable_filterable_and_sortable(login_as):
    client = login_as("hr")
    first = text(client.get("/catalogue/competencies?per_page=5"))
    assert "12 results · page 1 of 3" in first and 'rel="next"' in first
    searched = text(client.get("/catalogue/competencies?q=finance"))
    assert "1 result · page 1 of 1" in searched and "Budgeting and finance" in searched
    filtered = text(client.get("/catalogue/competencies?category=leadership"))
    assert "COACHING" in filtered and "PRODUCT" not in filtered
    ascending = text(client.get("/catalogue/courses?sort=cost"))
    descending = text(client.get("/catalogue/courses?sort=cost&dir=desc"))
    assert ascending.index("PCI-AWARE") < ascending.index("MGMT-ANALYTICS")
    assert descending.index("MGMT-ANALYTICS") < descending.index("PCI-AWARE")
    certifications = text(client.get("/catalogue/courses?expires=yes"))
    assert "PCI-AWARE" in certifications and "CS-FOUND" not in certifications
    assert "L3-AC" in text(client.get("/catalogue/instruments?kind=assessment_centre"))
    assert "LEAD-360" not in text(client.get("/catalogue/instruments?kind=assessment_centre"))
    roles = text(client.get("/catalogue/roles?level=2"))
    assert "L2-CSS" in roles and "L1-CSR" not in roles
    sessions = text(client.get("/catalogue/sessions?course=SUP-101"))
    assert "3 results" in sessions
    ladder = text(client.get("/catalogue/ladder?sort=from&dir=desc"))
    assert ladder.index("L2-CSS</code></a> Customer Service Supervisor") < ladder.index(
        "L1-CSR</code></a> Customer Service Representative"
    )


def test_every_list_has_an_empty_state(login_as, subtests):
    client = login_as("hr")
    for url in [
        "/catalogue/competencies?q=zzz",
        "/catalogue/courses?q=zzz",
        "/catalogue/sessions?q=zzz",
        "/catalogue/check-types?q=zzz",
        "/catalogue/instruments?q=zzz",
        "/catalogue/qualifications?q=zzz",
        "/catalogue/roles?q=zzz",
        "/catalogue/ladder?q=zzz",
    ]:
        with subtests.test(url=url):
            page = text(client.get(url))
            assert "empty-state" in page and "match these filters" in page


def test_bad_list_parameters_fall_back_to_defaults(login_as):
    client = login_as("hr")
    for url in (
        "/catalogue/courses?page=x&per_page=-3&sort=DROP&dir=sideways&status=nope",
        "/catalogue/roles?level=abc",
        "/catalogue/sessions?when=tomorrow&course=%00",
        "/catalogue/competencies?q=%00&category=%00",
        "/catalogue/ladder?q=a%00b",
        "/catalogue/ladder?sort=bogus",
    ):
        assert login_as("hr").get(url).status_code == 200, url
    assert client.get("/catalogue/courses?page=99").status_code == 200


def _grow_catalogue(db, n: int) -> None:
    """Add ``n`` of everything, each wired like the demo's entries (prerequisites, grants,
    requirements, sessions, ladder steps), so per-row lazy loads would show up."""
    from datetime import date, timedelta

    competency = db.session.scalar(select(Competency).where(Competency.code == "PRODUCT"))
    base = db.session.scalar(select(Course).where(Course.code == "CS-FOUND"))
    for i in range(n):
        db.session.add(Competency(code=f"BULK-C{i}", name=f"Bulk {i}", category="bulk"))
        course = Course(code=f"BULK-{i}", title=f"Bulk course {i}", cost=Decimal("1"))
        db.session.add(course)
        db.session.flush()
        db.session.add(CoursePrerequisite(course_id=course.id, prerequisite_id=base.id))
        db.session.add(CourseGrant(course_id=course.id, competency_id=competency.id, level=2))
        start = date(2027, 1, 1) + timedelta(days=i)
        db.session.add(CourseSession(course_id=course.id, starts_on=start, ends_on=start, seats=5))
        role = JobRole(code=f"BULK-R{i}", title=f"Bulk role {i}", level=10 + i)
        db.session.add(role)
        db.session.flush()
        db.session.add(
            Requirement(job_role_id=role.id, kind="course", course_id=course.id, position=0)
        )
        db.session.add(
            Requirement(
                job_role_id=role.id,
                kind="competency",
                competency_id=competency.id,
                min_level=2,
                position=1,
            )
        )
        if i:
            previous = db.session.scalar(select(JobRole).where(JobRole.code == f"BULK-R{i - 1}"))
            db.session.add(LadderEdge(from_role_id=previous.id, to_role_id=role.id))
    db.session.commit()


COUNTED_PAGES = [
    "/catalogue/competencies?per_page=500",
    "/catalogue/courses?per_page=500",
    "/catalogue/sessions?per_page=500&when=all",
    "/catalogue/roles?per_page=500",
    "/catalogue/ladder?per_page=500",
    "/catalogue/check-types?per_page=500",
    "/catalogue/instruments?per_page=500",
    "/catalogue/qualifications?per_page=500",
    "/catalogue/",
]


def test_list_pages_run_the_same_number_of_queries_for_few_and_many_rows(
    login_as, demo_db, count_queries, subtests
):
    client = login_as("hr")
    few: dict[str, int] = {}
    for url in COUNTED_PAGES:
        client.get(url)  # warm up (first-request work)
        demo_db.session.expire_all()  # as after the commit below: nothing cached in the session
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        few[url] = counted()
    _grow_catalogue(demo_db, 25)
    for url in COUNTED_PAGES:
        with subtests.test(url=url):
            demo_db.session.expire_all()
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            assert counted() == few[url], (
                f"{few[url]} queries with the demo rows, {counted()} with 25 more"
            )
