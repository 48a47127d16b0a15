"""A whole scenario driven purely through the JSON API (issue 6 "Done means").

From an empty organisation: hr builds the catalogue (a competency, a certification course with
a validity, a course granting the competency, a check type, a qualification, two roles with
requirements of five kinds and the ladder), adds a manager and an employee and records the
employee's facts; readiness is read on several dates and checked against docs/RULES.md; then a
tuition request goes from draft to paid through four different users (the employee, her
manager, hr and finance), and a voluntary termination answers the repayment owed.

Only the sign-ins and their tokens are made outside the API (the API has no user accounts:
tokens come from the profile page or `create-token`). Today is pinned to 2026-11-22.
"""

from __future__ import annotations

import io
from typing import Any

from app.services import tokens
from app.services.accounts import create_user
from tests.integration.api_support import PDF


class Client:
    def __init__(self, app: Any, secret: str) -> None:
        self.http = app.test_client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def __call__(self, method: str, path: str, body: Any = None, expect: int = 200, **kw: Any):  # type: ignore[no-untyped-def]
        response = self.http.open(
            f"/api/v1{path}", method=method, json=body, headers=self.headers, **kw
        )
        assert response.status_code == expect, (method, path, response.get_json())
        return response.get_json()


def _client_for(app: Any, db: Any, email: str, roles: list[str], name: str | None = None) -> Client:
    user = create_user(email, "scenario-password-1", roles, name)
    db.session.commit()
    _, secret = tokens.create_token(user, "scenario")
    return Client(app, secret)


def _requirement(result: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [r for r in result["requirements"] if r["kind"] == kind]
    return found


def test_a_whole_scenario_through_the_api(app, db):
    hr = _client_for(app, db, "hana.hr@example.com", ["hr"], "Hana Hr")
    finance = _client_for(app, db, "fin.lee@example.com", ["finance"], "Fin Lee")

    # ------------------------------------------------------------------ 1. the catalogue
    hr("POST", "/competencies", {"code": "LEAD", "name": "Leadership"}, 201)
    cert = hr(
        "POST",
        "/courses",
        {
            "code": "SAFE-CERT",
            "title": "Safety certification",
            "validity_months": 12,
            "cost": "200.00",
            "hours": 8,
        },
        201,
    )
    assert cert["validity_months"] == 12 and cert["cost"] == "200.00"
    hr(
        "POST",
        "/courses",
        {
            "code": "LEAD-101",
            "title": "Leadership basics",
            "cost": "500.00",
            "grants": [{"competency": "LEAD", "level": 3}],
        },
        201,
    )
    session = hr(
        "POST",
        "/courses/LEAD-101/sessions",
        {"starts_on": "2027-01-10", "ends_on": "2027-01-20", "seats": 12},
        201,
    )
    assert session["course"] == "LEAD-101"
    hr(
        "POST",
        "/check-types",
        {"code": "CRIM", "name": "Criminal record", "rescreen_months": 36, "turnaround_days": 10},
        201,
    )
    hr("POST", "/qualifications", {"code": "CERT-M", "name": "Certificate in Management"}, 201)
    hr("POST", "/roles", {"code": "R1", "title": "Representative", "level": 1}, 201)
    role = hr(
        "POST",
        "/roles",
        {
            "code": "R2",
            "title": "Supervisor",
            "level": 2,
            "financial_authority_limit": "1000.00",
            "requirements": [
                {
                    "kind": "competency",
                    "target": "LEAD",
                    "min_level": 3,
                    "weight": 2,
                    "mandatory": False,
                },
                {"kind": "certification", "target": "SAFE-CERT"},
                {"kind": "background_check", "target": "CRIM"},
                {"kind": "tenure", "min_months": 12, "mandatory": False},
                {"kind": "education", "target": "CERT-M", "mandatory": False},
            ],
        },
        201,
    )
    assert [r["kind"] for r in role["requirements"]] == [
        "competency",
        "certification",
        "background_check",
        "tenure",
        "education",
    ]
    hr("POST", "/ladder", {"from_role": "R1", "to_role": "R2", "typical_months": 24}, 201)

    # ------------------------------------------------------------------ 2. people and facts
    mona = hr(
        "POST",
        "/employees",
        {
            "employee_no": "M1",
            "name": "Mona Manager",
            "email": "mona@example.com",
            "role": "R2",
            "hire_date": "2020-01-06",
        },
        201,
    )
    tess = hr(
        "POST",
        "/employees",
        {
            "employee_no": "E1",
            "name": "Tess Tester",
            "email": "tess@example.com",
            "role": "R1",
            "role_since": "2026-03-01",
            "hire_date": "2026-03-01",
            "manager_id": mona["id"],
            "department": None,
            "jurisdiction": "US-CA",
        },
        201,
    )
    assert tess["role"] == "R1" and tess["manager_id"] == mona["id"]
    tid = tess["id"]
    manager = _client_for(app, db, "mona@example.com", [])
    employee = _client_for(app, db, "tess@example.com", [])

    done = hr(
        "POST",
        f"/employees/{tid}/training-records",
        {"course": "SAFE-CERT", "completed_on": "2026-01-10"},
        201,
    )
    assert done["expires_on"] == "2027-01-10"  # completed_on + validity_months
    # Her manager rates her; her own rating is kept but never counts (docs/RULES.md Competencies).
    manager(
        "POST",
        f"/employees/{tid}/competency-ratings",
        {"competency": "LEAD", "level": 2, "rated_on": "2026-06-01", "source": "manager"},
        201,
    )
    own = employee(
        "POST",
        f"/employees/{tid}/competency-ratings",
        {"competency": "LEAD", "level": 5, "rated_on": "2026-06-02", "source": "self"},
        201,
    )
    assert own["counts"] is False
    check = hr(
        "POST",
        f"/employees/{tid}/background-checks",
        {
            "type": "CRIM",
            "consent_signed_on": "2026-02-01",
            "consent_form_version": "v1",
            "requested_on": "2026-02-02",
            "status": "clear",
            "completed_on": "2026-02-20",
        },
        201,
    )
    assert check["valid_until"] == "2029-02-20"  # completed_on + rescreen_months

    # ------------------------------------------------------------------ 3. readiness on dates
    # D = 2026-11-22 (today). Per requirement (docs/RULES.md Readiness):
    # - competency LEAD >= 3: level 2 (the self-rating of 5 is ignored) -> 2/3, unmet; closes
    #   with LEAD-101, which grants level 3: its next session ends 2027-01-20.
    # - certification SAFE-CERT: valid until 2027-01-10, within 90 days -> expiring (still met).
    # - background check CRIM: clear until 2029-02-20 -> met.
    # - tenure 12 months: 2026-03-01 to D is 8 whole months -> 8/12; reached 2027-03-01.
    # - education CERT-M: none, no approved tuition -> 0; D + 12 months = 2027-11-22.
    # score = 100 x (2 x 2/3 + 1 + 1 + 8/12 + 0) / 6 = 66.7; gates (certification, check) met;
    # not ready (< 90); projected_ready_on = latest close date = 2027-11-22 <= D + 12 months.
    now = employee("GET", f"/employees/{tid}/readiness?role=R2")
    assert now["as_of"] == "2026-11-22"
    assert (now["score"], now["gates_met"], now["ready"]) == (66.7, True, False)
    assert (now["band"], now["projected_ready_on"]) == ("ready_1y", "2027-11-22")
    competency = _requirement(now, "competency")
    assert (competency["status"], competency["actual"], competency["required"]) == ("unmet", 2, 3)
    assert competency["projected_close_on"] == "2027-01-20"
    assert round(competency["attainment"], 4) == 0.6667
    certification = _requirement(now, "certification")
    assert (certification["status"], certification["expires_on"]) == ("expiring", "2027-01-10")
    assert _requirement(now, "background_check")["status"] == "met"
    tenure = _requirement(now, "tenure")
    assert (tenure["actual"], tenure["projected_close_on"]) == (8, "2027-03-01")
    assert _requirement(now, "education")["projected_close_on"] == "2027-11-22"
    # Without ?role= it is the next role up the ladder: the same answer.
    assert employee("GET", f"/employees/{tid}/readiness") == now

    # D = 2027-02-01: the certification lapsed on 2027-01-10 with no grace, so its gate fails.
    # tenure 11/12; score = 100 x (4/3 + 0 + 1 + 11/12 + 0) / 6 = 54.2. The renewal and the
    # course have no session left, so each takes D + unscheduled_lead_days (60) + 30 days =
    # 2027-05-02; education
    # D + 12 months = 2028-02-01 -> projected 2028-02-01, within a year: ready_1y.
    later = manager("GET", f"/employees/{tid}/readiness?role=R2&as_of=2027-02-01")
    assert (later["score"], later["gates_met"], later["ready"]) == (54.2, False, False)
    assert (later["band"], later["projected_ready_on"]) == ("ready_1y", "2028-02-01")
    assert _requirement(later, "certification")["status"] == "unmet"
    assert _requirement(later, "certification")["projected_close_on"] == "2027-05-02"

    # D = 2026-02-10: facts dated after D do not count. The certification (2026-01-10) is met;
    # the check (completed 2026-02-20), the rating (2026-06-01) and the role (2026-03-01) come
    # later -> score = 100 x (0 + 1 + 0 + 0 + 0) / 6 = 16.7; the check gate fails; the latest
    # close date is the tenure's 2027-03-01. But the certification lapses on 2027-01-10, before
    # then: its renewal (no session: 60 + 30 days from 2027-03-01) closes last, on 2027-05-30,
    # the promotion path's date. Beyond D + 12 months but within 24: ready_2y.
    early = hr("GET", f"/employees/{tid}/readiness?role=R2&as_of=2026-02-10")
    assert (early["score"], early["gates_met"], early["band"]) == (16.7, False, "ready_2y")
    assert early["projected_ready_on"] == "2027-05-30"
    assert early["critical"]["kind"] == "certification"
    assert "lapses before then and must be renewed first" in early["critical"]["reason"]
    assert _requirement(early, "tenure")["projected_close_on"] == "2027-03-01"
    assert _requirement(early, "background_check")["projected_close_on"] == "2026-02-20"

    # The bulk view agrees, and the path lists the gap actions in order with their cost.
    bench = hr("GET", "/readiness?role=R2")
    assert bench["counts_by_band"] == {
        "ready_now": 0,
        "ready_6m": 0,
        "ready_1y": 1,
        "ready_2y": 0,
        "not_ready": 0,
    }
    assert [(i["name"], i["score"], i["band"]) for i in bench["items"]] == [
        ("Tess Tester", 66.7, "ready_1y")
    ]
    path = employee("GET", f"/employees/{tid}/path?role=R2")
    (step,) = path["steps"]
    assert step["role"] == "R2" and path["projected_ready_on"] == "2027-11-22"
    kinds = [(a["kind"], a["target"]) for a in step["actions"]]
    assert ("enrol", "LEAD-101") in kinds and ("apply_tuition", "CERT-M") in kinds
    assert path["total_cost"] == "700.00"  # LEAD-101 500.00 + the SAFE-CERT renewal 200.00

    # ------------------------------------------------------------------ 4. tuition, to paid
    # The course already started, so the request is late: hr allows it with a reason first.
    draft = employee(
        "POST",
        "/tuition-requests",
        {
            "title": "Certificate in Management",
            "institution": "City College",
            "qualification": "CERT-M",
            "starts_on": "2026-09-01",
            "ends_on": "2026-11-15",
            "tuition": "1800.00",
            "fees": "150.00",
            "books": "50.00",
            "job_related": True,
            "justification": "Management knowledge for the supervisor role.",
            "target_role": "R2",
        },
        201,
    )
    rid = draft["id"]
    assert (draft["state"], draft["amount"], draft["late"]) == ("draft", "2000.00", True)
    refused = employee("POST", f"/tuition-requests/{rid}/transitions", {"action": "submit"}, 409)
    assert "starts_on" in refused["errors"]
    hr(
        "POST",
        f"/tuition-requests/{rid}/transitions",
        {"action": "override_late", "override_reason": "Enrolment confirmed late by the college."},
    )
    moved = employee("POST", f"/tuition-requests/{rid}/transitions", {"action": "submit"})
    assert (moved["state"], moved["amount"]) == ("submitted", "2000.00")
    # An approve applies to the stage the request is in, and only its owner may make it.
    denied = hr("POST", f"/tuition-requests/{rid}/transitions", {"action": "approve"}, 403)
    assert "manager" in denied["error"]
    assert (
        manager("POST", f"/tuition-requests/{rid}/transitions", {"action": "approve"})["state"]
        == "manager_approved"
    )
    assert (
        hr("POST", f"/tuition-requests/{rid}/transitions", {"action": "approve"})["state"]
        == "hr_approved"
    )
    approved = finance("POST", f"/tuition-requests/{rid}/transitions", {"action": "approve"})
    assert (approved["state"], approved["reserved_amount"], approved["amount"]) == (
        "finance_approved",
        "2000.00",
        "2000.00",
    )
    again = finance("POST", f"/tuition-requests/{rid}/transitions", {"action": "approve"}, 409)
    assert again["error"]

    # The approved study now closes the education gap on its end date (already past: on D),
    # so the projection moves from 2027-11-22 to the tenure's 2027-03-01.
    funded = employee("GET", f"/employees/{tid}/readiness?role=R2")
    assert _requirement(funded, "education")["projected_close_on"] == "2026-11-22"
    assert funded["projected_ready_on"] == "2027-03-01"

    completed = employee(
        "POST",
        f"/tuition-requests/{rid}/transitions",
        data={"action": "complete", "grade": "B", "receipt": (io.BytesIO(PDF), "receipt.pdf")},
        content_type="multipart/form-data",
    )
    assert (completed["state"], completed["grade"]) == ("completed", "B")
    assert completed["receipt_upload_id"] is not None
    paid = finance("POST", f"/tuition-requests/{rid}/transitions", {"action": "pay"})
    # docs/RULES.md Amount: min(2000.00 x 75% for a B, the cap left 5250.00) = 1500.00.
    assert (paid["state"], paid["amount"], paid["paid_on"]) == (
        "reimbursed",
        "1500.00",
        "2026-11-22",
    )
    assert [e["to_state"] for e in paid["history"]] == [
        "draft",
        "draft",
        "submitted",
        "manager_approved",
        "hr_approved",
        "finance_approved",
        "completed",
        "reimbursed",
    ]
    summary = finance("GET", "/tuition/summary?year=2026")
    (row,) = [r for r in summary["items"] if r["employee_id"] == tid]
    assert (row["reimbursed"], row["cap_left"], row["taxable_excess"]) == (
        "1500.00",
        "3750.00",
        "0.00",
    )

    # ------------------------------------------------------------------ 5. ready, then leaving
    hr(
        "POST",
        f"/employees/{tid}/training-records",
        {"course": "LEAD-101", "completed_on": "2026-11-20"},
        201,
    )
    hr(
        "POST",
        f"/employees/{tid}/education",
        {
            "qualification": "CERT-M",
            "institution": "City College",
            "completed_on": "2026-11-18",
            "tuition_request_id": rid,
        },
        201,
    )
    # LEAD-101 grants level 3 and the qualification is complete: only tenure (8/12) is short.
    # score = 100 x (2 + 1 + 1 + 8/12 + 1) / 6 = 94.4 >= 90 with every gate met: ready now.
    ready = employee("GET", f"/employees/{tid}/readiness?role=R2")
    assert (ready["score"], ready["ready"], ready["band"]) == (94.4, True, "ready_now")
    assert ready["projected_ready_on"] == "2026-11-22"

    # docs/RULES.md Repayment: leaving voluntarily 0 months after the payment repays 100%.
    left = hr(
        "POST",
        f"/employees/{tid}/termination",
        {"termination_date": "2026-11-22", "reason": "voluntary"},
    )
    assert left["employee"]["status"] == "terminated"
    assert left["total_owed"] == "1500.00"
    assert [(r["months_since_paid"], r["amount_owed"]) for r in left["repayments"]] == [
        (0, "1500.00")
    ]
