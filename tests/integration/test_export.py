"""The personal data export (issue 8: subject access and portability).

An employee downloads all their own data as JSON; hr does the same for anyone. Assessments come
as group results, never rater identities (docs/RULES.md "360": rater identities are never shown or
exported; a group below its minimum is hidden). No other employee's data is in it.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from app.models import AuditEntry, Employee, User

MARIA = "maria.lopez@example.com"
DANIEL = "daniel.kim@example.com"
GRACE = "grace.okafor@example.com"
PRIYA = "priya.shah@example.com"


def _employee(db, email: str) -> Employee:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(Employee).where(Employee.email == email))


def _download(client, url: str):  # type: ignore[no-untyped-def]
    response = client.post(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    return response, json.loads(response.get_data(as_text=True))


def _others_identifiers(db, keep_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Names, emails and employee numbers of everyone but ``keep_id``."""
    values: list[str] = []
    for e in db.session.scalars(select(Employee).where(Employee.id != keep_id)):
        values += [e.name, e.email, e.employee_no]
    for u in db.session.scalars(select(User).where(User.employee_id != keep_id)):
        values.append(u.email)
    return values


def _keys(value) -> set[str]:  # type: ignore[no-untyped-def]
    """Every key used anywhere in a JSON document."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _contains_identifier(text: str, value: str) -> bool:
    return re.search(rf"(?<![\w.@-]){re.escape(value)}(?![\w@-])", text) is not None


def test_an_employee_downloads_all_their_own_data(login_as, demo_db):
    maria = _employee(demo_db, MARIA)
    response, data = _download(login_as("employee"), "/privacy/export")
    assert (
        f"echelon-personal-data-{maria.employee_no}-2026-11-22.json"
        in (response.headers["Content-Disposition"])
    )
    assert data["export"]["format"] == "echelon-personal-data"
    assert data["profile"]["name"] == "Maria Lopez"
    assert data["profile"]["email"] == MARIA
    assert data["profile"]["job_role"]["code"] == "L1-CSR"
    assert data["account"]["email"] == MARIA and "password_hash" not in json.dumps(data)
    courses = {c["course"]["code"]: c for c in data["training"]}
    assert courses["PCI-AWARE"]["status"] == "expired"  # the demo case
    assert {r["source"] for r in data["competency_ratings"]} >= {"manager", "self"}
    self_rating = next(r for r in data["competency_ratings"] if r["source"] == "self")
    assert self_rating["counts_toward_readiness"] is False
    assert {c["type"]["code"] for c in data["background_checks"]} >= {"EMPLOYMENT", "CRIMINAL"}
    assert data["role_history"][0]["role"]["code"] == "L1-CSR"
    (three_sixty,) = [a for a in data["assessments"] if a["instrument"]["kind"] == "360"]
    assert {g["group"] for g in three_sixty["groups"]} == {
        "self",
        "manager",
        "peer",
        "direct_report",
        "other",
    }
    assert isinstance(data["tuition"]["requests"], list)


def test_the_export_holds_no_other_employees_data(login_as, demo_db):
    """Not the manager, not raters, not reports: only the person's own data."""
    daniel = _employee(demo_db, DANIEL)
    from app.services.accounts import create_user

    create_user(DANIEL, "a-long-password")
    demo_db.session.commit()
    _, data = _download(login_as(DANIEL, "a-long-password"), "/privacy/export")
    text = json.dumps(data)
    assert data["profile"]["name"] == "Daniel Kim"
    leaked = [v for v in _others_identifiers(demo_db, daniel.id) if _contains_identifier(text, v)]
    assert leaked == []
    forbidden = {
        "manager",
        "manager_id",
        "reports",
        "rated_by_user_id",
        "assessor_user_id",
        "reviewed_by_user_id",
        "verified_by_user_id",
        "actor",
        "actor_user_id",
        "user_id",
    }
    assert _keys(data) & forbidden == set()


def test_assessments_have_group_results_and_never_rater_identities(login_as, demo_db):
    """Daniel's 360 has only 2 peer responses: the peer group is hidden (docs/RULES.md 360)."""
    _, data = _download(
        login_as("hr"), f"/privacy/employees/{_employee(demo_db, DANIEL).id}/export"
    )
    (three_sixty,) = [a for a in data["assessments"] if a["instrument"]["code"] == "LEAD-360"]
    groups = {g["group"]: g for g in three_sixty["groups"]}
    assert groups["peer"] == {"group": "peer", "responses": 2, "minimum": 3, "shown": False}
    assert groups["manager"]["shown"] is True and groups["manager"]["mean"] == "3.800"
    assert groups["direct_report"]["shown"] is True and groups["direct_report"]["mean"] == "3.933"
    # overall = mean of the counted non-self group means (manager 3.8, direct reports 3.933)
    assert three_sixty["overall"] == "3.867"
    text = json.dumps(three_sixty)
    assert 'responses": [' not in text and "rater" not in text.replace("rater identities", "")
    assert "2.0" not in text and "2.4" not in text  # the hidden peers' scores never leak


def test_only_their_own_findings_and_hr_sees_the_same_file(login_as, demo_db):
    grace = _employee(demo_db, GRACE)
    from app.services.accounts import create_user

    create_user(GRACE, "a-long-password")
    demo_db.session.commit()
    _, own = _download(login_as(GRACE, "a-long-password"), "/privacy/export")
    credit = next(c for c in own["background_checks"] if c["type"]["code"] == "CREDIT")
    assert credit["status"] == "review_required"
    assert "collections" in credit["findings"]  # the employee sees their own findings
    _, by_hr = _download(login_as("hr"), f"/privacy/employees/{grace.id}/export")
    for section in ("profile", "training", "background_checks", "assessments", "education"):
        assert by_hr[section] == own[section]


def test_tuition_history_and_repayments_are_exported(login_as, demo_db):
    """Priya: a $2,000 course graded B, reimbursed $1,500, owes 75% after leaving."""
    priya = _employee(demo_db, PRIYA)
    _, data = _download(login_as("hr"), f"/privacy/employees/{priya.id}/export")
    assert data["profile"]["status"] == "terminated"
    (request,) = data["tuition"]["requests"]
    assert request["eligible_cost"] == "2000.00" and request["reimbursed_amount"] == "1500.00"
    assert request["grade"] == "B"
    assert [h["to_state"] for h in request["history"]][-1] == "reimbursed"
    assert "actor" not in json.dumps(request["history"])  # approvers are not named
    (repayment,) = data["tuition"]["repayments"]
    assert repayment["amount_owed"] == "1125.00"


def test_nobody_else_may_export_someone(login_as, demo_db):
    daniel = _employee(demo_db, DANIEL)
    url = f"/privacy/employees/{daniel.id}/export"
    assert login_as("manager").post(url).status_code == 404  # Sam manages Daniel: still no
    assert login_as("finance").post(url).status_code == 404
    assert login_as("admin").post(url).status_code == 404
    assert login_as("employee").post(url).status_code == 404
    assert login_as("hr").post("/privacy/employees/999999/export").status_code == 404


def test_an_export_is_a_post_and_leaves_an_audit_entry(login_as, demo_db):
    maria = _employee(demo_db, MARIA)
    client = login_as("hr")
    assert client.get(f"/privacy/employees/{maria.id}/export").status_code == 405
    _download(client, f"/privacy/employees/{maria.id}/export")
    demo_db.session.expire_all()
    entry = demo_db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "export", AuditEntry.table_name == "employees"
        )
    )
    assert entry.record_id == str(maria.id)
    assert entry.actor == "hannah.reid@example.com"
    assert entry.after["requested_by"] == "hr"


def test_the_privacy_page_offers_the_download(login_as):
    page = login_as("employee").get("/privacy/").get_data(as_text=True)
    assert "Download my data (JSON)" in page
    assert "Export an employee" not in page
    assert ">My data<" in page  # in the navigation


def test_hr_finds_anyone_on_the_privacy_page(login_as, demo_db):
    client = login_as("hr")
    page = client.get("/privacy/?q=okafor").get_data(as_text=True)
    grace = _employee(demo_db, GRACE)
    assert f"/privacy/employees/{grace.id}/export" in page
    assert "Maria Lopez" not in page
    empty = client.get("/privacy/?q=nobody-by-this-name").get_data(as_text=True)
    assert "No one matches this search" in empty


def test_the_hr_list_runs_the_same_queries_for_few_and_many_rows(login_as, count_queries):
    client = login_as("hr")
    client.get("/privacy/?per_page=2")  # warm up
    with count_queries() as few:
        assert client.get("/privacy/?per_page=2").status_code == 200
    with count_queries() as many:
        assert client.get("/privacy/?per_page=60").status_code == 200
    assert few() == many()
