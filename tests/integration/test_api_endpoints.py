"""The API endpoints area by area: what a client sees, against docs/RULES.md and docs/API.md.

The whole-scenario test (test_api_scenario.py) walks one story; these check each endpoint's
own rules on the demo organisation (today pinned to 2026-11-22).
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.models import BackgroundCheck, RoleHistory
from app.services import records
from tests.integration.api_support import PDF, Api, employee_named, user_for


@pytest.fixture
def api(demo_app, demo_db):  # type: ignore[no-untyped-def]
    return Api(demo_app)


# --------------------------------------------------------------------------- catalogue


def test_a_course_prerequisite_cycle_is_refused_naming_the_chain(api):
    assert api.post("/courses", {"code": "A-1", "title": "A"}).status_code == 201
    assert (
        api.post("/courses", {"code": "B-1", "title": "B", "prerequisites": ["A-1"]}).status_code
        == 201
    )
    response = api.patch("/courses/A-1", {"prerequisites": ["B-1"]})
    assert response.status_code == 422
    assert "cycle" in response.get_json()["errors"]["prerequisites"][0]
    assert api.get("/courses/A-1").get_json()["prerequisites"] == []


def test_a_ladder_step_that_skips_a_level_or_loops_is_refused(api):
    skip = api.post("/ladder", {"from_role": "L1-CSR", "to_role": "L3-CSM"})
    assert skip.status_code == 422 and "skips" in skip.get_json()["errors"]["to_role"][0]
    down = api.post("/ladder", {"from_role": "L3-CSM", "to_role": "L2-CSS"})
    assert down.status_code == 422


def test_patch_changes_only_the_fields_sent(api):
    before = api.get("/courses/PCI-AWARE").get_json()
    after = api.patch("/courses/PCI-AWARE", {"cost": "75.00"}).get_json()
    assert after["cost"] == "75.00"
    assert {k: v for k, v in after.items() if k != "cost"} == {
        k: v for k, v in before.items() if k != "cost"
    }


def test_put_requirements_replaces_the_whole_list(api):
    body = {
        "requirements": [
            {"kind": "tenure", "min_months": 6, "mandatory": False, "weight": 2},
            {"kind": "certification", "target": "pci-aware"},
        ]
    }
    role = api.put("/roles/L1-CSR/requirements", body).get_json()
    assert role["requirements"] == [
        {"kind": "tenure", "target": None, "min_months": 6, "mandatory": False, "weight": 2},
        {"kind": "certification", "target": "PCI-AWARE", "mandatory": True, "weight": 1},
    ]
    assert api.get("/roles/L1-CSR/requirements").get_json() == {
        "requirements": role["requirements"]
    }


def test_sessions_are_listed_upcoming_by_default(api):
    api.post(
        "/courses/SUP-101/sessions",
        {"starts_on": "2026-01-05", "ends_on": "2026-01-09", "seats": 8},
    )
    upcoming = api.get("/courses/SUP-101/sessions").get_json()["items"]
    everything = api.get("/courses/SUP-101/sessions?when=all").get_json()["items"]
    assert all(s["ends_on"] >= "2026-11-22" for s in upcoming)
    assert any(s["starts_on"] == "2026-01-05" for s in everything)
    assert api.get("/courses/SUP-101/sessions?when=soon").status_code == 422


# --------------------------------------------------------------------------- people


def test_the_directory_filters_by_role_department_manager_status_and_search(api):
    csrs = api.get("/employees?role=L1-CSR&per_page=500").get_json()
    assert csrs["total"] > 30 and {e["role"] for e in csrs["items"]} == {"L1-CSR"}
    south = api.get("/employees?department=CS-SOUTH&per_page=500").get_json()["items"]
    assert {e["department"] for e in south} == {"CS-SOUTH"}
    sam = user_for("manager").employee
    direct = api.get(f"/employees?manager_id={sam.id}").get_json()["items"]
    assert {e["name"] for e in direct} >= {"Daniel Kim", "Grace Okafor"}
    assert all(e["manager_id"] == sam.id for e in direct)
    left = api.get("/employees?status=terminated").get_json()["items"]
    assert [e["name"] for e in left] == ["Priya Shah"]
    assert api.get("/employees?q=lopez").get_json()["items"][0]["name"] == "Maria Lopez"
    assert api.get("/employees?status=retired").status_code == 422
    assert api.get("/employees?manager_id=abc").status_code == 422


def test_a_promotion_through_patch_keeps_the_old_role_in_the_history(api):
    maria = employee_named("Maria Lopez")
    changed = api.patch(
        f"/employees/{maria.id}", {"role": "L2-CSS", "role_since": "2026-11-20"}
    ).get_json()
    assert (changed["role"], changed["role_since"]) == ("L2-CSS", "2026-11-20")
    history = api.get(f"/employees/{maria.id}/records").get_json()["role_history"]
    assert [(h["role"], h["ended_on"]) for h in history][:2] == [
        ("L2-CSS", None),
        ("L1-CSR", "2026-11-20"),
    ]
    refused = api.patch(f"/employees/{maria.id}", {"status": "terminated"})
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]


def test_an_involuntary_leaver_owes_nothing_and_a_second_termination_is_409(api):
    maria = employee_named("Maria Lopez")
    left = api.post(
        f"/employees/{maria.id}/termination",
        {"termination_date": "2026-11-21", "reason": "involuntary"},
    ).get_json()
    assert left["repayments"] == [] and left["total_owed"] == "0.00"
    assert left["employee"]["termination_reason"] == "involuntary"
    again = api.post(
        f"/employees/{maria.id}/termination",
        {"termination_date": "2026-11-22", "reason": "voluntary"},
    )
    assert again.status_code == 409
    bad = api.post(
        f"/employees/{employee_named('Daniel Kim').id}/termination",
        {"termination_date": "2026-11-22", "reason": "fired"},
    )
    assert bad.status_code == 422 and "reason" in bad.get_json()["errors"]


def test_created_employee_answers_201_with_its_location(api):
    response = api.post(
        "/employees",
        {
            "employee_no": "E9001",
            "name": "Nia Novak",
            "email": "Nia.Novak@Example.com",
            "hire_date": "2026-11-02",
            "role": "l1-csr",
            "department": "CS-SOUTH",
        },
    )
    assert response.status_code == 201
    made = response.get_json()
    assert made["email"] == "nia.novak@example.com" and made["role"] == "L1-CSR"
    assert made["role_since"] == "2026-11-02"  # a new person enters their role when hired
    assert api.get(response.headers["Location"]).get_json() == made
    clash = api.post(
        "/employees",
        {
            "employee_no": "E9001",
            "name": "Other",
            "email": "other@example.com",
            "hire_date": "2026-11-02",
        },
    )
    # docs/API.md: a duplicate is a state conflict, 409, with the message on its field.
    assert clash.status_code == 409 and "belongs to Nia Novak" in clash.get_json()["error"]
    assert "employee_no" in clash.get_json()["errors"]
    taken = api.post(
        "/employees",
        {
            "employee_no": "e9001",
            "name": "Other",
            "email": "nia.novak@example.com",
            "hire_date": "2026-11-02",
        },
    )
    assert taken.status_code == 409 and set(taken.get_json()["errors"]) == {"employee_no", "email"}
    mixed = api.post(
        "/employees",
        {"employee_no": "E9001", "name": "Other", "email": "x@example.com", "hire_date": "soon"},
    )
    assert mixed.status_code == 422  # bad input besides the duplicate: fix everything first
    assert set(mixed.get_json()["errors"]) == {"employee_no", "hire_date"}
    renumbered = api.patch(f"/employees/{made['id']}", {"employee_no": "E0001"})
    assert renumbered.status_code == 409 and "employee_no" in renumbered.get_json()["errors"]


# --------------------------------------------------------------------------- records


def test_managers_see_only_the_status_word_of_a_check_and_hr_the_findings(api):
    """docs/RULES.md Background checks, data minimisation; the demo's L3 candidate case."""
    grace = employee_named("Grace Okafor")
    as_manager = api.get(f"/employees/{grace.id}/background-checks", who="manager").get_json()
    credit = next(c for c in as_manager["items"] if c["type"] == "CREDIT")
    assert credit == {
        "id": credit["id"],
        "employee_id": grace.id,
        "type": "CREDIT",
        "status": "review_required",
    }
    one = api.get(f"/background-checks/{credit['id']}", who="manager").get_json()
    assert "findings" not in one
    as_hr = api.get(f"/background-checks/{credit['id']}", who="hr").get_json()
    assert "collections" in as_hr["findings"]
    records_view = api.get(f"/employees/{grace.id}/records", who="manager").get_json()
    assert all("findings" not in c for c in records_view["background_checks"])
    assert api.get(f"/background-checks/{credit['id']}", who="finance").status_code == 404


def test_the_employee_sees_her_own_findings(api):
    maria = employee_named("Maria Lopez")
    mine = api.get(f"/employees/{maria.id}/background-checks", who="employee").get_json()
    assert all("findings" in c for c in mine["items"])


def test_a_check_moves_along_its_lifecycle_and_an_illegal_move_is_409(api):
    maria = employee_named("Maria Lopez")
    check = api.post(
        f"/employees/{maria.id}/background-checks",
        {
            "type": "CREDIT",
            "consent_signed_on": "2026-11-01",
            "consent_form_version": "F-1",
            "requested_on": "2026-11-02",
            "vendor": "Checkr",
        },
    ).get_json()
    assert check["status"] == "requested" and check["findings"] is None
    jump = api.patch(f"/background-checks/{check['id']}", {"status": "clear"})
    assert jump.status_code == 409 and "status" in jump.get_json()["errors"]
    assert (
        api.patch(f"/background-checks/{check['id']}", {"status": "in_progress"}).get_json()[
            "status"
        ]
        == "in_progress"
    )
    no_date = api.patch(f"/background-checks/{check['id']}", {"status": "clear"})
    assert no_date.status_code == 422 and "completed_on" in no_date.get_json()["errors"]
    done = api.patch(
        f"/background-checks/{check['id']}", {"status": "clear", "completed_on": "2026-11-15"}
    ).get_json()
    # valid_until = completed_on + CREDIT's rescreen months (12).
    assert (done["status"], done["valid_until"]) == ("clear", "2027-11-15")
    corrected = api.patch(f"/background-checks/{check['id']}", {"findings": "None."}).get_json()
    assert corrected["findings"] == "None." and corrected["vendor"] == "Checkr"
    second = api.post(
        f"/employees/{maria.id}/background-checks",
        {"type": "CREDIT", "consent_signed_on": "2026-11-01", "consent_form_version": "F-1"},
    )
    assert second.status_code == 201


def test_a_check_needs_consent(api):
    maria = employee_named("Maria Lopez")
    response = api.post(
        f"/employees/{maria.id}/background-checks", {"type": "CREDIT", "consent_form_version": ""}
    )
    assert response.status_code == 422
    assert "FCRA" in response.get_json()["errors"]["consent_signed_on"][0]


def test_the_final_adverse_notice_waits_five_business_days(api, demo_db):
    """docs/RULES.md Adverse action: refused until 5 business days after the pre-adverse notice."""
    grace = employee_named("Grace Okafor")
    check = demo_db.session.scalar(
        select(BackgroundCheck).where(
            BackgroundCheck.employee_id == grace.id, BackgroundCheck.status == "review_required"
        )
    )
    url = f"/background-checks/{check.id}/adverse-action"
    first = api.post(url, {"notice": "pre_adverse", "notice_on": "2026-11-13"}).get_json()
    assert first["earliest_final_notice_on"] == "2026-11-20"  # Friday 13th + 5 business days
    early = api.post(url, {"notice": "final", "notice_on": "2026-11-19"})
    assert early.status_code == 422 and "2026-11-20" in early.get_json()["errors"]["notice_on"][0]
    final = api.post(url, {"notice": "final", "notice_on": "2026-11-20"}).get_json()
    assert (final["status"], final["final_notice_on"]) == ("not_cleared", "2026-11-20")
    assert api.post(url, {"notice": "final", "notice_on": "2026-11-21"}).status_code == 409


def test_a_360_hides_a_group_below_its_minimum(api):
    """docs/RULES.md 360: peer needs 3 responses; a group below its minimum is hidden, excluded."""
    maria = employee_named("Maria Lopez")
    made = api.post(
        f"/employees/{maria.id}/assessments",
        {
            "instrument": "LEAD-360",
            "conducted_on": "2026-11-10",
            "responses": [
                {"rater_group": "manager", "scores": {"Leadership": 4}},
                {"rater_group": "peer", "scores": {"Leadership": 1}},
                {"rater_group": "peer", "scores": {"Leadership": 1}},
                {"rater_group": "direct_report", "scores": {"Leadership": 3}},
                {"rater_group": "direct_report", "scores": {"Leadership": 3}},
                {"rater_group": "direct_report", "scores": {"Leadership": 3}},
            ],
        },
    ).get_json()
    groups = {g["rater_group"]: g for g in made["groups"]}
    assert groups["peer"]["shown"] is False and groups["peer"]["mean"] is None
    assert made["overall"] == 3.5  # (manager 4 + direct reports 3) / 2; the peers excluded
    assert "rater" not in str(made).replace("rater_group", "")


def test_an_assessment_centre_takes_a_score_per_dimension(api):
    grace = employee_named("Grace Okafor")
    partial = api.post(
        f"/employees/{grace.id}/assessments",
        {"instrument": "L3-AC", "conducted_on": "2026-11-10", "scores": {"Analysis": 4}},
    )
    assert partial.status_code == 422
    assert "scores.Planning" in partial.get_json()["errors"]
    whole = api.post(
        f"/employees/{grace.id}/assessments",
        {
            "instrument": "L3-AC",
            "conducted_on": "2026-11-10",
            "scores": {"Analysis": 4, "Planning": 3, "Decision making": 4, "Influence": 3.5},
        },
    ).get_json()
    assert whole["overall"] == 3.625


def test_who_may_rate_with_which_source(api):
    maria = employee_named("Maria Lopez")
    url = f"/employees/{maria.id}/competency-ratings"
    body = {"competency": "COACHING", "level": 3, "rated_on": "2026-11-21"}
    assert api.post(url, {**body, "source": "manager"}, who="employee").status_code == 403
    assert api.post(url, {**body, "source": "self"}, who="manager").status_code == 403
    made = api.post(url, {**body, "source": "manager"}, who="manager").get_json()
    assert made["counts"] is True
    listed = api.get(url, who="employee").get_json()["items"]
    assert listed[0]["id"] == made["id"]  # newest first


def test_a_duplicate_completion_is_409(api):
    maria = employee_named("Maria Lopez")
    url = f"/employees/{maria.id}/training-records"
    first = api.post(url, {"course": "pci-aware", "completed_on": "2026-11-20", "score": "88.5"})
    assert first.status_code == 201
    assert (first.get_json()["expires_on"], first.get_json()["score"]) == ("2027-11-20", "88.50")
    assert api.post(url, {"course": "PCI-AWARE", "completed_on": "2026-11-20"}).status_code == 409


# --------------------------------------------------------------------------- readiness


def test_maria_fails_the_expired_pci_gate(api):
    """The demo's named case: about 80% ready for L2-CSS, the PCI refresher gate fails."""
    maria = employee_named("Maria Lopez")
    result = api.get(f"/employees/{maria.id}/readiness", who="employee").get_json()
    assert result["role"] == "L2-CSS"  # the next role up from her L1-CSR
    assert result["gates_met"] is False and result["ready"] is False
    pci = next(r for r in result["requirements"] if r["target"] == "PCI-AWARE")
    assert (pci["status"], pci["attainment"]) == ("unmet", 0.0)
    assert 75 <= result["score"] < 90


def test_the_bench_filters_by_band_and_department_and_counts_every_band(api):
    everyone = api.get("/readiness?role=L2-CSS&per_page=500").get_json()
    assert sum(everyone["counts_by_band"].values()) == everyone["total"]
    assert everyone["items"] == sorted(everyone["items"], key=lambda i: -i["score"])
    ready = api.get("/readiness?role=L2-CSS&band=ready_now").get_json()
    assert ready["total"] == everyone["counts_by_band"]["ready_now"]
    assert all(i["band"] == "ready_now" and i["ready"] for i in ready["items"])
    assert ready["counts_by_band"] == everyone["counts_by_band"]
    south = api.get("/readiness?role=L2-CSS&department=CS-SOUTH&per_page=500").get_json()
    assert 0 < south["total"] < everyone["total"]
    assert api.get("/readiness").status_code == 422
    assert api.get("/readiness?role=L2-CSS&band=soon").status_code == 422


def test_a_readiness_on_a_date_ignores_later_facts(api):
    maria = employee_named("Maria Lopez")
    past = api.get(f"/employees/{maria.id}/readiness?role=L2-CSS&as_of=2025-01-01").get_json()
    assert past["as_of"] == "2025-01-01"
    now = api.get(f"/employees/{maria.id}/readiness?role=L2-CSS").get_json()
    assert past["score"] != now["score"]


def test_the_path_defaults_to_the_top_of_the_ladder(api):
    maria = employee_named("Maria Lopez")
    path = api.get(f"/employees/{maria.id}/path", who="manager").get_json()
    assert path["target_role"] == "L3-CSM"
    assert [s["role"] for s in path["steps"]] == ["L2-CSS", "L3-CSM"]
    first = path["steps"][0]["actions"][0]
    assert first["kind"] == "renew" and first["target"] == "PCI-AWARE"
    assert path["steps"][0]["projected_ready_on"] <= path["steps"][1]["projected_ready_on"]


# --------------------------------------------------------------------------- tuition


def _draft(api, **changes):  # type: ignore[no-untyped-def]
    body = {
        "title": "Certificate in Management, part 2",
        "institution": "Riverside College",
        "qualification": "CERT-MGMT",
        "starts_on": "2027-01-11",
        "ends_on": "2027-05-14",
        "tuition": "1800.00",
        "fees": "150.00",
        "books": "50.00",
        "job_related": True,
        "justification": "Management knowledge the supervisor role needs.",
    }
    body.update(changes)
    response = api.post("/tuition-requests", body, who="employee")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_reject_needs_a_reason_and_nobody_approves_their_own_request(api):
    draft = _draft(api)
    url = f"/tuition-requests/{draft['id']}/transitions"
    assert api.post(url, {"action": "submit"}, who="employee").get_json()["state"] == "submitted"
    own = api.post(url, {"action": "approve"}, who="employee")
    assert own.status_code == 403 and "own request" in own.get_json()["error"]
    no_reason = api.post(url, {"action": "reject"}, who="manager")
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    rejected = api.post(url, {"action": "reject", "reason": "Budget is spent."}, who="manager")
    assert rejected.get_json()["state"] == "rejected"
    assert rejected.get_json()["rejection_reason"] == "Budget is spent."
    assert api.post(url, {"action": "cancel"}, who="employee").status_code == 409


def test_the_employee_edits_and_cancels_her_draft(api):
    draft = _draft(api)
    edited = api.patch(f"/tuition-requests/{draft['id']}", {"books": "80.00"}, who="employee")
    assert edited.get_json()["eligible_cost"] == "2030.00"
    bad = api.patch(f"/tuition-requests/{draft['id']}", {"ends_on": "2026-12-01"}, who="employee")
    assert bad.status_code == 422 and "ends_on" in bad.get_json()["errors"]
    cancelled = api.post(
        f"/tuition-requests/{draft['id']}/transitions", {"action": "cancel"}, who="employee"
    )
    assert cancelled.get_json()["state"] == "cancelled"
    locked = api.patch(f"/tuition-requests/{draft['id']}", {"books": "1.00"}, who="employee")
    assert locked.status_code == 409


def test_a_grade_before_the_course_ends_is_409_with_the_date(api):
    """docs/RULES.md Timing: completion opens on the course's end date."""
    from tests.integration.tuition_support import walk

    req = walk(user_for("employee"), "finance_approved", ends_on="2027-05-14")
    early = api.call(
        "POST",
        f"/tuition-requests/{req.id}/transitions",
        "employee",
        data={"action": "complete", "grade": "A", "receipt": (io.BytesIO(PDF), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert early.status_code == 409
    assert "2027-05-14" in early.get_json()["error"]
    assert api.get(f"/tuition-requests/{req.id}", who="employee").get_json()["state"] == (
        "finance_approved"
    )


def test_complete_needs_a_grade_and_a_document(api):
    from tests.integration.tuition_support import walk

    req = walk(
        user_for("employee"), "finance_approved", starts_on="2026-09-01", ends_on="2026-11-01"
    )
    url = f"/tuition-requests/{req.id}/transitions"
    missing = api.post(url, {"action": "complete", "grade": "A"}, who="employee")
    assert missing.status_code == 422 and "receipt" in missing.get_json()["errors"]
    bad_grade = api.call(
        "POST",
        url,
        "employee",
        data={"action": "complete", "grade": "Z", "transcript": (io.BytesIO(PDF), "t.pdf")},
        content_type="multipart/form-data",
    )
    assert bad_grade.status_code == 422 and "grade" in bad_grade.get_json()["errors"]
    not_a_pdf = api.call(
        "POST",
        url,
        "employee",
        data={"action": "complete", "grade": "A", "receipt": (io.BytesIO(b"MZ\x90"), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert not_a_pdf.status_code == 422 and "receipt" in not_a_pdf.get_json()["errors"]
    assert api.get(f"/tuition-requests/{req.id}").get_json()["state"] == "finance_approved"
    done = api.call(
        "POST",
        url,
        "employee",
        data={"action": "complete", "grade": "A", "receipt": (io.BytesIO(PDF), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 200 and done.get_json()["state"] == "completed"


def test_the_summary_is_for_finance_and_hr_with_totals_over_every_row(api):
    summary = api.get("/tuition/summary?year=2026", who="finance").get_json()
    assert (summary["year"], summary["currency"]) == (2026, "USD")
    priya = next(r for r in summary["items"] if r["name"] == "Priya Shah")
    assert priya["repayments_owed"] == "1125.00"  # the demo's voluntary leaver owes 75%
    assert summary["totals"]["repayments_owed"] == "1125.00"
    assert api.get("/tuition/summary", who="hr").get_json()["year"] == 2026
    assert api.get("/tuition/summary?year=26", who="hr").status_code == 422
    assert api.get("/tuition/summary", who="manager").status_code == 403


def test_role_history_rows_exist_for_api_promotions(api, demo_db):
    maria = employee_named("Maria Lopez")
    api.patch(f"/employees/{maria.id}", {"role": "L2-CSS", "role_since": "2026-11-20"})
    rows = demo_db.session.scalars(
        select(RoleHistory).where(RoleHistory.employee_id == maria.id)
    ).all()
    assert {r.job_role.code for r in rows} == {"L1-CSR", "L2-CSS"}


def test_records_of_a_person_hold_only_the_visible_sections(api):
    maria = employee_named("Maria Lopez")
    finance = api.get(f"/employees/{maria.id}/records", who="finance").get_json()
    assert finance["visible"] == ["profile", "tuition"]
    assert "training_records" not in finance and "tuition_requests" in finance
    mine = api.get(f"/employees/{maria.id}/records", who="employee").get_json()
    assert {
        "training_records",
        "competency_ratings",
        "background_checks",
        "assessments",
        "education",
        "tuition_requests",
    } <= set(mine)
    records.record_education(
        maria, "CERT-MGMT", "Riverside College", "2026-10-01", actor=user_for("hr")
    )
    again = api.get(f"/employees/{maria.id}/records", who="manager").get_json()
    assert [e["qualification"] for e in again["education"]] == ["CERT-MGMT"]
