"""The records pages as hr, a manager and an employee (issue 3): editing, self-service, the
verification queue, checks and adverse action, 360 results, lists and their query counts."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import (
    Assessment,
    BackgroundCheck,
    CheckType,
    CompetencyRating,
    Completion,
    Course,
    EducationRecord,
    Employee,
    TalentReview,
)
from tests.factories import pdf_bytes

PDF = pdf_bytes()


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def text(response) -> str:
    return response.get_data(as_text=True)


def grace_credit(db) -> BackgroundCheck:
    credit = db.session.scalar(select(CheckType).where(CheckType.code == "CREDIT"))
    return db.session.scalar(
        select(BackgroundCheck).where(
            BackgroundCheck.employee_id == person(db, "Grace Okafor").id,
            BackgroundCheck.check_type_id == credit.id,
        )
    )


# ---------------------------------------------------------------- hr: profiles


def test_hr_promotes_someone_and_the_page_shows_the_role_history(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    client = login_as("hr")
    form = {
        "employee_no": maria.employee_no,
        "name": maria.name,
        "email": maria.email,
        "hire_date": maria.hire_date.isoformat(),
        "role": "L2-CSS",
        "role_since": "2026-11-16",
        "move_note": "Promoted after the L2 panel",
        "manager": person(demo_db, "Daniel Kim").employee_no,
        "department": "CS-NORTH",
        "jurisdiction": maria.jurisdiction,
        "status": "active",
    }
    response = client.post(f"/records/employees/{maria.id}/profile", data=form)
    assert response.status_code == 302
    page = text(client.get(f"/employees/{maria.id}"))
    assert "Customer Service Supervisor (L2-CSS)" in page
    assert "Promoted after the L2 panel" in page
    assert re.search(r"Customer Service Representative \(L1-CSR\): \S+ – 2026-11-16", page)


def test_bad_profile_input_is_tied_to_its_field_and_changes_nothing(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    response = login_as("hr").post(
        f"/records/employees/{maria.id}/profile",
        data={
            "employee_no": maria.employee_no,
            "name": maria.name,
            "email": "maria at example",
            "hire_date": "2019-02-30",
            "role": "L1-CSR",
            "role_since": maria.role_since.isoformat(),
            "manager": "nobody@example.com",
            "department": "CS-NORTH",
            "jurisdiction": "US-CA",
            "status": "active",
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert 'id="email-error"' in page and 'aria-invalid="true"' in page
    assert 'id="hire_date-error"' in page and "real date" in page
    assert 'id="manager-error"' in page
    assert "Please fix 3 problems" in page
    demo_db.session.expire_all()
    assert person(demo_db, "Maria Lopez").email == "maria.lopez@example.com"


def test_hr_adds_an_employee(login_as, demo_db):
    response = login_as("hr").post(
        "/records/employees/new",
        data={
            "employee_no": "E7000",
            "name": "Tess Ortiz",
            "email": "tess.ortiz@example.com",
            "hire_date": "2026-11-16",
            "role": "L1-CSR",
            "role_since": "",
            "manager": "daniel.kim@example.com",
            "department": "CS-NORTH",
            "jurisdiction": "US-TX",
            "status": "active",
        },
    )
    assert response.status_code == 302
    tess = person(demo_db, "Tess Ortiz")
    assert tess.manager.name == "Daniel Kim" and tess.role_since == date(2026, 11, 16)


def test_the_termination_is_linked_not_done_here(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    page = text(login_as("hr").get(f"/records/employees/{maria.id}/profile"))
    assert "Leaving the organisation" in page
    assert "/tuition/leavers/new?employee_no=" + maria.employee_no in page


def test_only_hr_edits_records(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    for who in ("employee", "manager", "finance", "admin"):
        client = login_as(who)
        assert client.get(f"/records/employees/{maria.id}/profile").status_code == 403
        assert client.get(f"/records/employees/{maria.id}/completions/new").status_code == 403
        assert client.get(f"/records/employees/{maria.id}/checks/new").status_code == 403


# ---------------------------------------------------------------- checks and data minimisation


def test_findings_are_for_hr_only_and_managers_see_the_status_word(login_as, demo_db):
    """docs/RULES.md data minimisation: managers see only the status word; finance nothing."""
    grace = person(demo_db, "Grace Okafor")
    check = grace_credit(demo_db)
    as_hr = text(login_as("hr").get(f"/employees/{grace.id}"))
    assert "collections" in as_hr and f"/records/checks/{check.id}" in as_hr

    manager = login_as("manager")
    as_manager = text(manager.get(f"/employees/{grace.id}"))
    assert "review required" in as_manager
    assert "collections" not in as_manager and "FCRA" not in as_manager
    assert f"/records/checks/{check.id}" not in as_manager
    assert manager.get(f"/records/checks/{check.id}").status_code == 403

    as_finance = login_as("finance").get(f"/employees/{grace.id}")
    assert "review required" not in text(as_finance) and "collections" not in text(as_finance)
    # findings are never kept in a browser or proxy cache
    checked = login_as("hr").get(f"/records/checks/{check.id}")
    assert checked.headers["Cache-Control"] == "no-store"


def test_hr_requests_a_check_only_with_consent(login_as, demo_db):
    daniel = person(demo_db, "Daniel Kim")
    client = login_as("hr")
    before = demo_db.session.scalar(select(func.count(BackgroundCheck.id)))
    refused = client.post(
        f"/records/employees/{daniel.id}/checks/new",
        data={
            "type": "CREDIT",
            "consent_signed_on": "",
            "consent_form_version": "",
            "requested_on": "2026-11-20",
            "status": "requested",
        },
    )
    assert refused.status_code == 422
    assert 'id="consent_signed_on-error"' in text(refused) and "FCRA" in text(refused)
    assert demo_db.session.scalar(select(func.count(BackgroundCheck.id))) == before
    made = client.post(
        f"/records/employees/{daniel.id}/checks/new",
        data={
            "type": "CREDIT",
            "consent_signed_on": "2026-11-19",
            "consent_form_version": "FCRA-2024-1",
            "requested_on": "2026-11-20",
            "vendor": "Sterling",
            "status": "requested",
        },
    )
    assert made.status_code == 302
    page = text(client.get(made.headers["Location"]))
    assert "in progress" in page  # the next status offered


def test_adverse_action_through_the_check_page(login_as, demo_db):
    check = grace_credit(demo_db)
    client = login_as("hr")
    url = f"/records/checks/{check.id}"
    assert (
        client.post(f"{url}/notice/pre-adverse", data={"pre-notice_on": "2026-11-13"}).status_code
        == 302
    )
    page = text(client.get(url))
    assert "Final notice possible from" in page and "2026-11-20" in page
    early = client.post(f"{url}/notice/final", data={"final-notice_on": "2026-11-18"})
    assert early.status_code == 422
    assert "must wait 5 business days" in text(early) and 'id="final-notice_on-error"' in text(
        early
    )
    demo_db.session.expire_all()
    assert grace_credit(demo_db).final_notice_on is None
    assert (
        client.post(f"{url}/notice/final", data={"final-notice_on": "2026-11-20"}).status_code
        == 302
    )
    demo_db.session.expire_all()
    assert grace_credit(demo_db).status == "not_cleared"


def test_an_illegal_check_status_is_refused_on_the_page(login_as, demo_db):
    check = grace_credit(demo_db)
    response = login_as("hr").post(
        f"/records/checks/{check.id}/status", data={"status": "requested"}
    )
    assert response.status_code == 409
    assert "cannot become requested" in text(response)


# ---------------------------------------------------------------- managers


def test_a_manager_rates_their_people_as_manager_only(login_as, demo_db):
    grace = person(demo_db, "Grace Okafor")
    manager = login_as("manager")
    page = text(manager.get(f"/records/employees/{grace.id}/ratings/new"))
    assert re.findall(
        r'<option[^>]*value="(\w+)"', page.split('id="source"')[1].split("</select>")[0]
    ) == ["manager"]
    assert (
        manager.post(
            f"/records/employees/{grace.id}/ratings/new",
            data={
                "competency": "COACHING",
                "level": "4",
                "rated_on": "2026-11-20",
                "source": "manager",
                "evidence": "Ran the new-starter coaching week",
            },
        ).status_code
        == 302
    )
    before = demo_db.session.scalar(select(func.count(CompetencyRating.id)))
    forged = manager.post(
        f"/records/employees/{grace.id}/ratings/new",
        data={
            "competency": "COACHING",
            "level": "5",
            "rated_on": "2026-11-20",
            "source": "assessor",
        },
    )
    assert forged.status_code == 403
    assert demo_db.session.scalar(select(func.count(CompetencyRating.id))) == before
    alex = person(demo_db, "Alex Morgan")  # Sam's own manager
    assert manager.get(f"/records/employees/{alex.id}/ratings/new").status_code == 404


def test_a_manager_records_a_talent_review(login_as, demo_db):
    grace = person(demo_db, "Grace Okafor")
    manager = login_as("manager")
    response = manager.post(
        f"/records/employees/{grace.id}/talent-reviews/new",
        data={"period": "2026-H2", "performance": "3", "potential": "3", "notes": ""},
    )
    assert response.status_code == 302
    assert "Future leader" in text(manager.get(f"/employees/{grace.id}"))
    duplicate = manager.post(
        f"/records/employees/{grace.id}/talent-reviews/new",
        data={"period": "2026-H2", "performance": "1", "potential": "1"},
    )
    assert duplicate.status_code == 409 and "already has a talent review" in text(duplicate)
    assert (
        login_as("employee")
        .get(f"/records/employees/{person(demo_db, 'Maria Lopez').id}/talent-reviews/new")
        .status_code
        == 403
    )


# ---------------------------------------------------------------- employees (self-service)


def test_an_employee_sees_their_records_and_adds_a_self_rating(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    client = login_as("employee")
    page = text(client.get(f"/employees/{maria.id}"))
    for heading in (
        "Training and certifications",
        "Competency ratings",
        "Background checks",
        "Leadership assessments",
        "Education",
    ):
        assert heading in page
    assert "Add a self-rating" in page and "Report a completed course" in page
    assert "Edit profile" not in page and "Request a check" not in page
    form = text(client.get(f"/records/employees/{maria.id}/ratings/new"))
    assert "never count toward readiness" in form
    assert (
        client.post(
            f"/records/employees/{maria.id}/ratings/new",
            data={
                "competency": "FINANCE",
                "level": "3",
                "rated_on": "2026-11-21",
                "source": "self",
            },
        ).status_code
        == 302
    )
    page = text(client.get(f"/employees/{maria.id}"))
    assert "Budgeting and finance" in page and "(shown, not counted)" in page
    grace = person(demo_db, "Grace Okafor")
    assert client.get(f"/records/employees/{grace.id}/ratings/new").status_code == 404


def test_a_reported_completion_waits_in_the_queue_until_hr_verifies_it(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    employee = login_as("employee")
    response = employee.post(
        f"/records/employees/{maria.id}/completions/report",
        data={
            "course": "PCI-AWARE",
            "completed_on": "2026-11-21",
            "evidence": (io.BytesIO(PDF), "pci.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    completion = demo_db.session.scalar(select(Completion).order_by(Completion.id.desc()))
    mine = text(employee.get(f"/employees/{maria.id}"))
    assert "pending" in mine and "not counted" in mine

    hr = login_as("hr")
    queue = text(hr.get("/records/completions/pending"))
    assert "Maria Lopez" in queue and f"/records/uploads/{completion.evidence_upload_id}" in queue
    assert hr.post(f"/records/completions/{completion.id}/verify").status_code == 302
    assert f"/records/completions/{completion.id}/verify" not in text(
        hr.get("/records/completions/pending")
    )
    again = hr.post(f"/records/completions/{completion.id}/verify")
    assert again.status_code == 302
    assert "already verified" in text(hr.get("/records/completions/pending"))
    demo_db.session.expire_all()
    assert demo_db.session.get(Completion, completion.id).verification == "verified"


def test_hr_refuses_a_reported_completion_with_a_reason(login_as, demo_db):
    pending = demo_db.session.scalar(select(Completion).where(Completion.verification == "pending"))
    client = login_as("hr")
    empty = client.post(f"/records/completions/{pending.id}/reject", data={"reason": ""})
    assert empty.status_code == 422 and 'id="reason-error"' in text(empty)
    done = client.post(
        f"/records/completions/{pending.id}/reject",
        data={"reason": "The certificate is unreadable."},
    )
    assert done.status_code == 302
    demo_db.session.expire_all()
    assert demo_db.session.get(Completion, pending.id).verification == "rejected"


# ---------------------------------------------------------------- assessments


def daniel_360(db) -> Assessment:
    return db.session.scalar(
        select(Assessment).where(Assessment.employee_id == person(db, "Daniel Kim").id)
    )


def test_the_360_page_hides_the_peer_group_below_its_minimum(login_as, demo_db):
    """docs/RULES.md 360: Daniel Kim has 2 peer responses (minimum 3): hidden and excluded.
    Overall = mean(manager 3.8, direct reports 3.933) = 3.87; never the peers' 2.2."""
    assessment = daniel_360(demo_db)
    for who in ("hr", "manager"):
        page = text(login_as(who).get(f"/records/assessments/{assessment.id}"))
        assert "3.87" in page
        peer_row = page.split('<th scope="row">peer</th>')[1].split("</tr>")[0]
        assert "Hidden" in peer_row and "2.20" not in peer_row and "fewer than 3" in peer_row
        assert "2.20" not in page
        assert "Raters are never named" in page
    client = login_as("hr")
    response = client.post(
        f"/records/assessments/{assessment.id}/responses",
        data={
            "rater_group": "peer",
            "dim_0": "2.6",
            "dim_1": "2.6",
            "dim_2": "2.6",
            "dim_3": "2.6",
        },
    )
    assert response.status_code == 302
    page = text(client.get(f"/records/assessments/{assessment.id}"))
    peer_row = page.split('<th scope="row">peer</th>')[1].split("</tr>")[0]
    assert "Hidden" not in peer_row and "2.33" in peer_row
    demo_db.session.expire_all()
    assert float(daniel_360(demo_db).overall) == pytest.approx(3.356, abs=0.001)


def test_a_360_response_out_of_scale_is_refused_on_its_field(login_as, demo_db):
    assessment = daniel_360(demo_db)
    response = login_as("hr").post(
        f"/records/assessments/{assessment.id}/responses",
        data={"rater_group": "peer", "dim_0": "7", "dim_1": "", "dim_2": "", "dim_3": ""},
    )
    assert response.status_code == 422
    assert 'id="dim_0-error"' in text(response) and "from 1.00 to 5.00" in text(response)


def test_hr_records_an_assessment_centre_score_per_dimension(login_as, demo_db):
    daniel = person(demo_db, "Daniel Kim")
    client = login_as("hr")
    step = client.post(
        f"/records/employees/{daniel.id}/assessments/new",
        data={"instrument": "L3-AC", "conducted_on": "2026-11-20", "step": "choose"},
    )
    assert step.status_code == 200 and "Decision making" in text(step)
    missing = client.post(
        f"/records/employees/{daniel.id}/assessments/new",
        data={
            "instrument": "L3-AC",
            "conducted_on": "2026-11-20",
            "step": "save",
            "dim_0": "4",
            "dim_1": "3",
            "dim_2": "",
            "dim_3": "4",
        },
    )
    assert missing.status_code == 422 and 'id="dim_2-error"' in text(missing)
    saved = client.post(
        f"/records/employees/{daniel.id}/assessments/new",
        data={
            "instrument": "L3-AC",
            "conducted_on": "2026-11-20",
            "step": "save",
            "dim_0": "4",
            "dim_1": "3",
            "dim_2": "3.5",
            "dim_3": "4",
        },
    )
    assert saved.status_code == 302
    assert "3.62" in text(client.get(saved.headers["Location"]))


def test_assessment_pages_follow_who_may_see_them(login_as, demo_db):
    assessment = daniel_360(demo_db)
    assert login_as("finance").get(f"/records/assessments/{assessment.id}").status_code == 404
    assert login_as("employee").get(f"/records/assessments/{assessment.id}").status_code == 404


# ---------------------------------------------------------------- the demo records are editable


def test_every_demo_record_of_grace_and_maria_opens_for_editing(login_as, demo_db):
    client = login_as("hr")
    for name in ("Grace Okafor", "Maria Lopez"):
        employee = person(demo_db, name)
        urls = [f"/records/employees/{employee.id}/profile"]
        urls += [
            f"/records/completions/{c}/edit"
            for c in demo_db.session.scalars(
                select(Completion.id).where(Completion.employee_id == employee.id)
            )
        ]
        urls += [
            f"/records/ratings/{r}/edit"
            for r in demo_db.session.scalars(
                select(CompetencyRating.id).where(CompetencyRating.employee_id == employee.id)
            )
        ]
        urls += [
            f"/records/checks/{c}"
            for c in demo_db.session.scalars(
                select(BackgroundCheck.id).where(BackgroundCheck.employee_id == employee.id)
            )
        ]
        urls += [
            f"/records/assessments/{a}"
            for a in demo_db.session.scalars(
                select(Assessment.id).where(Assessment.employee_id == employee.id)
            )
        ]
        urls += [
            f"/records/education/{e}/edit"
            for e in demo_db.session.scalars(
                select(EducationRecord.id).where(EducationRecord.employee_id == employee.id)
            )
        ]
        assert len(urls) > 10
        for url in urls:
            assert client.get(url).status_code == 200, url
    review = demo_db.session.scalar(select(TalentReview.id))
    assert client.get(f"/records/talent-reviews/{review}/edit").status_code == 200


def test_education_with_a_bad_date_is_refused_on_its_field(login_as, demo_db):
    daniel = person(demo_db, "Daniel Kim")
    response = login_as("hr").post(
        f"/records/employees/{daniel.id}/education/new",
        data={
            "qualification": "BBA",
            "institution": "State University",
            "completed_on": "next June",
            "tuition_request_id": "",
        },
    )
    assert response.status_code == 422 and 'id="completed_on-error"' in text(response)
    assert (
        demo_db.session.scalar(
            select(func.count(EducationRecord.id)).where(EducationRecord.employee_id == daniel.id)
        )
        == 0
    )


# ---------------------------------------------------------------- lists


def _add_pending(db, n: int) -> None:
    course = db.session.scalar(select(Course).where(Course.code == "ORG-101"))
    people = db.session.scalars(select(Employee.id).limit(n)).all()
    for i, eid in enumerate(people):
        db.session.add(
            Completion(
                employee_id=eid,
                course_id=course.id,
                completed_on=date(2026, 10, 1 + i % 28),
                verification="pending",
            )
        )
    db.session.commit()


def _add_checks(db, n: int) -> None:
    credit = db.session.scalar(select(CheckType).where(CheckType.code == "CREDIT"))
    for eid in db.session.scalars(select(Employee.id).limit(n)):
        db.session.add(
            BackgroundCheck(
                employee_id=eid,
                check_type_id=credit.id,
                consent_signed_on=date(2026, 11, 1),
                consent_form_version="FCRA-2024-1",
                requested_on=date(2026, 11, 2),
                status="requested",
            )
        )
    db.session.commit()


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/records/completions/pending", _add_pending),
        ("/records/completions?status=valid", _add_pending),
        ("/records/completions?verification=pending&sort=employee", _add_pending),
        ("/records/checks", _add_checks),
        ("/records/checks?status=requested&sort=employee&dir=desc", _add_checks),
    ],
)
def test_list_pages_use_the_same_number_of_queries_for_few_and_many_rows(
    login_as, demo_db, count_queries, url, grow
):
    client = login_as("hr")
    client.get(url)  # warm up
    with count_queries() as few:
        first = client.get(url)
    grow(demo_db, 40)
    with count_queries() as many:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert text(second).count("<tr>") >= text(first).count("<tr>")
    assert many() == few()


def test_list_pages_are_searchable_sortable_paginated_and_have_empty_states(login_as, demo_db):
    client = login_as("hr")
    _add_pending(demo_db, 40)
    first = text(client.get("/records/completions/pending?per_page=10"))
    assert "page 1 of" in first and 'rel="next"' in first
    searched = text(client.get("/records/completions/pending?q=maria"))
    assert "Maria Lopez" in searched and "Grace Okafor" not in searched
    assert "No reported completion matches" in text(
        client.get("/records/completions/pending?q=zzzz")
    )
    assert "No background checks match" in text(client.get("/records/checks?q=zzzz"))
    assert "No training records match" in text(client.get("/records/completions?q=zzzz"))
    ordered = text(client.get("/records/checks?sort=employee&dir=desc&status=review_required"))
    assert "Grace Okafor" in ordered and 'aria-sort="descending"' in ordered
    expired = text(client.get("/records/completions?status=expired&q=PCI"))
    assert "Maria Lopez" in expired and "badge-bad" in expired


def test_the_navigation_shows_how_many_completions_wait(login_as):
    page = text(login_as("hr").get("/"))
    # The number is shown, and read out as what it means (navigation count labels, issue 11).
    count = r'Training <span class="count"[^>]*>(\d+)</span><span class="sr-only"> \(\1 to verify\)'
    assert re.search(count, page)
    assert "Import/export" in page
    assert "Import/export" not in text(login_as("manager").get("/"))
