"""Audit completeness: every kind of change made through the pages and the API is audited.

DESIGN.md principle 7, issue 9 "Audit completeness". One scenario walks every change a user
can make, through the pages (signed in) and the JSON API (bearer tokens), as the person who
would make it: hr and admin configure the catalogue and settings, hr keeps the records, a
manager reviews, Maria reports her training and asks for tuition, the approvers approve and
finance pays. After each step the new audit entries must name the table, the record, the
action and the actor (the user's email, "(api)" added for token calls). At the end every
audited table has been seen with every action the app can make to it; a new audited model
fails here until it is added to REACHABLE or to NOT_REACHABLE with its reason.

And audit entries cannot be changed through the app: no route touches them, the code writes
them only where it must (app/audit.py; the retention purge's redaction of erased findings,
a data-protection duty documented in SECURITY.md), and the ORM refuses updates and deletes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from app.audit import acting_as
from app.extensions import db
from app.models import (
    AuditEntry,
    BackgroundCheck,
    Completion,
    CourseSession,
    Employee,
    Repayment,
    TuitionRequest,
    User,
)
from app.services import tokens
from app.services.accounts import create_user
from tests.conftest import PERSONAS
from tests.security.forms import form_fields
from tests.security.support import PDF

# Every audited table, with the actions a user can make to it through a page or the API.
REACHABLE: dict[str, set[str]] = {
    "app_settings": {"insert", "update", "delete"},
    "competencies": {"insert", "update"},
    "courses": {"insert", "update"},
    "course_prerequisites": {"insert", "delete"},
    "course_grants": {"insert", "delete"},
    "course_sessions": {"insert", "update"},
    "check_types": {"insert", "update"},
    "instruments": {"insert", "update"},
    "qualification_types": {"insert", "update"},
    "job_roles": {"insert", "update"},
    "requirements": {"insert", "delete"},
    "ladder_edges": {"insert", "update", "delete"},
    "employees": {"insert", "update", "export"},
    "role_history": {"insert", "update"},
    "users": {"update"},
    "api_tokens": {"insert", "update"},
    "account_tokens": {"insert", "update"},
    "calendar_feeds": {"insert", "update"},
    "completions": {"insert", "update", "delete"},
    "competency_ratings": {"insert", "update", "delete"},
    "background_checks": {"insert", "update"},
    "assessments": {"insert", "update", "delete"},
    "assessment_responses": {"insert", "delete"},
    "talent_reviews": {"insert", "update", "delete"},
    "education_records": {"insert", "update", "delete"},
    "uploads": {"insert"},
    "tuition_requests": {"insert", "update"},
    "tuition_events": {"insert"},
    "repayments": {"insert", "update"},
    "enrolments": {"insert", "update"},
    "feedback_rounds": {"insert", "update"},
    "talent_calibrations": {"insert"},
    "assignment_rules": {"insert", "update"},
    "assignment_rule_departments": {"insert", "delete"},
    "assignments": {"insert", "update"},
}
NOT_REACHABLE = {
    "departments": "departments come with the installation (seed-demo); no page or API edits them",
    "user_roles": "app roles are given with `flask create-user --role`, not through the app",
}
# (Sign-ins themselves are created on the command line; users are updated through the app
# when hr changes a person's email. Uploads are marked purged by the retention command.)


class Scenario:
    """Runs steps and checks the audit entries each one wrote."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = self._newest()
        self.seen: set[tuple[str, str]] = set()
        self.steps = 0

    def _newest(self) -> int:
        return db.session.scalar(select(func.max(AuditEntry.id))) or 0

    def step(
        self,
        label: str,
        call: Callable[[], Any],
        actor: str,
        expect: list[tuple[str, str]],
        record: tuple[str, Any] | None = None,
        ok: tuple[int, ...] = (200, 201, 302),
    ) -> Any:
        response = call()
        body = response.get_data(as_text=True)
        if response.status_code not in ok:
            errors = re.findall(r'class="error"[^>]*>(.*?)</p>|<li>(.*?)</li>', body)
            shown = [a or b for a, b in errors] or [body[:600]]
            raise AssertionError(f"{label}: {response.status_code} {shown}")
        db.session.expire_all()
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > self.last).order_by(AuditEntry.id)
        ).all()
        self.last = max([self.last, *(e.id for e in entries)])
        found = {(e.table_name, e.action) for e in entries}
        missing = [pair for pair in expect if pair not in found]
        assert not missing, f"{label}: no audit entry for {missing}; got {sorted(found)}"
        for entry in entries:
            assert entry.actor.split(" ")[0] == actor, f"{label}: actor {entry.actor!r}"
            assert entry.record_id, f"{label}: an entry of {entry.table_name} names no record"
            assert entry.at is not None
        if record is not None:
            table, record_id = record
            assert any(e.table_name == table and e.record_id == str(record_id) for e in entries), (
                f"{label}: no entry for {table} {record_id}"
            )
        self.seen |= found
        self.steps += 1
        return response


def _page(
    client: Any, page: str, action: str | None = None, files: dict | None = None, **values: Any
) -> Any:
    """Open a page, fill its form as a person would (the shown values, then ``values``), send it."""
    html = client.get(page).get_data(as_text=True)
    fields = form_fields(html, action)
    fields.update({k: v for k, v in values.items()})
    target = page
    if action is not None:
        found = re.search(rf'action="([^"]*{re.escape(action)}[^"]*)"', html)
        assert found, f"no form posting to {action} on {page}"
        target = found.group(1)
    data = {k: v for k, v in fields.items() if v is not None}
    for name, (content, filename) in (files or {}).items():
        data[name] = (io.BytesIO(content), filename)
    return client.post(target, data=data)


def _post(client: Any, url: str, **data: Any) -> Any:
    return client.post(url, data=data)


class Api:
    def __init__(self, app: Any, email: str) -> None:
        user = db.session.scalar(select(User).where(User.email == email))
        with acting_as("test:setup"):
            _, self.secret = tokens.create_token(user, "audit scenario")
            db.session.commit()
        self.client = app.test_client()

    def __call__(self, method: str, url: str, body: Any = None) -> Callable[[], Any]:
        return lambda: self.client.open(
            "/api/v1" + url,
            method=method,
            json=body,
            headers={"Authorization": f"Bearer {self.secret}"},
        )


def _id(response: Any) -> int:
    return response.get_json()["id"]


def _newest(model: Any, **where: Any) -> Any:
    stmt = select(model).order_by(model.id.desc())
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalars(stmt).first()


def test_every_kind_of_change_through_the_pages_and_the_api_is_audited(demo_app, demo_db, login_as):
    maria = demo_db.session.scalar(select(Employee).where(Employee.name == "Maria Lopez"))
    daniel = demo_db.session.scalar(select(Employee).where(Employee.name == "Daniel Kim"))
    with acting_as("test:setup"):
        create_user(daniel.email, "daniel-pass-2026")
        demo_db.session.commit()
    hr, admin, finance = login_as("hr"), login_as("admin"), login_as("finance")
    me, manager = login_as("employee"), login_as(daniel.email, "daniel-pass-2026")
    HR, ADMIN, FIN = PERSONAS["hr"], PERSONAS["admin"], PERSONAS["finance"]
    MARIA, DANIEL = PERSONAS["employee"], daniel.email
    api, admin_api = Api(demo_app, HR), Api(demo_app, ADMIN)
    s = Scenario(demo_app)

    # ---------------------------------------------------------------- catalogue (API + pages)
    s.step(
        "create a competency",
        admin_api(
            "POST", "/competencies", {"code": "AUD-COMP", "name": "Auditing", "category": "x"}
        ),
        ADMIN,
        [("competencies", "insert")],
    )
    s.step(
        "rename it",
        admin_api("PATCH", "/competencies/AUD-COMP", {"name": "Auditing basics"}),
        ADMIN,
        [("competencies", "update")],
    )
    s.step(
        "retire it",
        lambda: _post(admin, "/catalogue/competencies/AUD-COMP/retire"),
        ADMIN,
        [("competencies", "update")],
    )
    s.step(
        "restore it",
        lambda: _post(admin, "/catalogue/competencies/AUD-COMP/restore"),
        ADMIN,
        [("competencies", "update")],
    )
    course = {
        "code": "AUD-101",
        "title": "Audit trails",
        "category": "compliance",
        "hours": "4",
        "cost": "120.00",
        "validity_months": 12,
        "default_duration_days": 30,
        "prerequisites": ["CS-FOUND"],
        "grants": [{"competency": "AUD-COMP", "level": 2}],
    }
    s.step(
        "create a course with a prerequisite and a grant",
        api("POST", "/courses", course),
        HR,
        [("courses", "insert"), ("course_prerequisites", "insert"), ("course_grants", "insert")],
    )
    s.step(
        "drop its prerequisite and grant",
        api("PATCH", "/courses/AUD-101", {"prerequisites": [], "grants": [], "hours": "5"}),
        HR,
        [("courses", "update"), ("course_prerequisites", "delete"), ("course_grants", "delete")],
    )
    s.step(
        "schedule a session",
        api(
            "POST",
            "/courses/AUD-101/sessions",
            {"starts_on": "2027-01-10", "ends_on": "2027-01-11", "seats": 10},
        ),
        HR,
        [("course_sessions", "insert")],
    )
    session_id = _newest(CourseSession).id
    s.step(
        "move the session",
        lambda: _page(admin, f"/catalogue/sessions/{session_id}/edit", seats="12"),
        ADMIN,
        [("course_sessions", "update")],
        record=("course_sessions", session_id),
    )
    s.step(
        "cancel the session",
        lambda: _post(admin, f"/catalogue/sessions/{session_id}/cancel"),
        ADMIN,
        [("course_sessions", "update")],
    )
    s.step(
        "reinstate the session",
        lambda: _post(admin, f"/catalogue/sessions/{session_id}/reinstate"),
        ADMIN,
        [("course_sessions", "update")],
    )
    booked = s.step(
        "book Maria on the session",
        api("POST", f"/sessions/{session_id}/enrolments", {"employee_id": maria.id}),
        HR,
        [("enrolments", "insert")],
    )
    s.step(
        "cancel Maria's booking",
        api("POST", f"/enrolments/{_id(booked)}/transitions", {"action": "cancel"}),
        HR,
        [("enrolments", "update")],
        record=("enrolments", _id(booked)),
    )
    # ---------------------------------------------------------------- required training
    required = s.step(
        "require PCI awareness of Contact Centre North's managers",
        api(
            "POST",
            "/assignment-rules",
            {"role": "L3-CSM", "course": "PCI-AWARE", "departments": ["CS-NORTH"]},
        ),
        HR,
        [("assignment_rules", "insert"), ("assignment_rule_departments", "insert")],
    )
    s.step(
        "widen the rule to every department",
        lambda: _post(
            hr,
            f"/assignments/rules/{_id(required)}/edit",
            role="L3-CSM",
            course="PCI-AWARE",
            due_kind="days",
            due_days="10",
            recertify_days="90",
            step="save",
        ),
        HR,
        [("assignment_rules", "update"), ("assignment_rule_departments", "delete")],
    )
    s.step(
        "delete the rule",
        lambda: _post(hr, f"/assignments/rules/{_id(required)}/delete"),
        HR,
        [("assignment_rules", "update"), ("assignments", "update")],
    )
    s.step(
        "require it again: the managers' assignments open",
        api("POST", "/assignment-rules", {"role": "L3-CSM", "course": "PCI-AWARE"}),
        HR,
        [("assignments", "insert")],
    )
    for path, body, patch in (
        (
            "/check-types",
            {"code": "AUD-CHK", "name": "Audit check", "rescreen_months": 24, "turnaround_days": 7},
            {"turnaround_days": 9},
        ),
        (
            "/instruments",
            {
                "code": "AUD-TEST",
                "name": "Audit test",
                "kind": "test",
                "scale_min": 1,
                "scale_max": 5,
                "dimensions": ["Accuracy", "Care"],
                "validity_months": 24,
            },
            {"name": "Audit test v2"},
        ),
        (
            "/qualifications",
            {"code": "AUD-QUAL", "name": "Audit certificate"},
            {"name": "Audit diploma"},
        ),
    ):
        table = {"/check-types": "check_types", "/instruments": "instruments"}.get(
            path, "qualification_types"
        )
        s.step(f"create {path}", api("POST", path, body), HR, [(table, "insert")])
        s.step(
            f"edit {path}", api("PATCH", f"{path}/{body['code']}", patch), HR, [(table, "update")]
        )
    role = {
        "code": "L9-AUD",
        "title": "Audit lead",
        "level": 4,
        "financial_authority_limit": "1.00",
        "requirements": [{"kind": "tenure", "min_months": 6, "mandatory": True, "weight": 1}],
    }
    s.step(
        "create a role",
        admin_api("POST", "/roles", role),
        ADMIN,
        [("job_roles", "insert"), ("requirements", "insert")],
    )
    s.step(
        "retitle the role",
        admin_api("PATCH", "/roles/L9-AUD", {"title": "Audit leader"}),
        ADMIN,
        [("job_roles", "update")],
    )
    s.step(
        "replace its requirements",
        admin_api(
            "PUT",
            "/roles/L9-AUD/requirements",
            {
                "requirements": [
                    {"kind": "certification", "target": "AUD-101", "mandatory": True, "weight": 1}
                ]
            },
        ),
        ADMIN,
        [("requirements", "delete"), ("requirements", "insert")],
    )
    s.step(
        "add a ladder step",
        admin_api(
            "POST", "/ladder", {"from_role": "L3-CSM", "to_role": "L9-AUD", "typical_months": 12}
        ),
        ADMIN,
        [("ladder_edges", "insert")],
    )
    s.step(
        "change its typical months",
        lambda: _page(admin, "/catalogue/ladder/L3-CSM/L9-AUD/edit", typical_months="18"),
        ADMIN,
        [("ladder_edges", "update")],
    )
    s.step(
        "remove the ladder step",
        lambda: _post(admin, "/catalogue/ladder/L3-CSM/L9-AUD/remove"),
        ADMIN,
        [("ladder_edges", "delete")],
    )
    s.step(
        "change a setting",
        lambda: _page(hr, "/settings/", ready_threshold="85"),
        HR,
        [("app_settings", "insert")],
    )
    s.step(
        "change it again",
        lambda: _page(hr, "/settings/", ready_threshold="88"),
        HR,
        [("app_settings", "update")],
    )
    s.step(
        "reset it to the default",
        lambda: _post(hr, "/settings/ready_threshold/reset"),
        HR,
        [("app_settings", "delete")],
    )

    # ---------------------------------------------------------------- people
    new_person = {
        "employee_no": "E9001",
        "name": "Audrey Tan",
        "email": "audrey.tan@example.com",
        "hire_date": "2026-10-01",
        "role": "L1-CSR",
        "role_since": "2026-10-01",
        "manager_id": daniel.id,
        "department": "CS-NORTH",
    }
    audrey = _id(
        s.step(
            "add a person",
            api("POST", "/employees", new_person),
            HR,
            [("employees", "insert"), ("role_history", "insert")],
        )
    )
    s.step(
        "correct her jurisdiction",
        api("PATCH", f"/employees/{audrey}", {"jurisdiction": "US-OR"}),
        HR,
        [("employees", "update")],
        record=("employees", audrey),
    )
    s.step(
        "promote her on her profile page",
        lambda: _page(
            hr, f"/records/employees/{audrey}/profile", role="L2-CSS", role_since="2026-11-20"
        ),
        HR,
        [("employees", "update"), ("role_history", "update"), ("role_history", "insert")],
    )
    s.step(
        "change Maria's email (her sign-in follows)",
        lambda: _page(
            hr, f"/records/employees/{maria.id}/profile", email="maria.lopez2@example.com"
        ),
        HR,
        [("employees", "update"), ("users", "update")],
    )
    s.step(
        "change it back",
        lambda: _page(hr, f"/records/employees/{maria.id}/profile", email=MARIA),
        HR,
        [("employees", "update"), ("users", "update")],
    )

    # ---------------------------------------------------------------- training records
    done = _id(
        s.step(
            "record a completion",
            api(
                "POST",
                f"/employees/{audrey}/training-records",
                {"course": "PCI-AWARE", "completed_on": "2026-11-01"},
            ),
            HR,
            [("completions", "insert")],
        )
    )
    s.step(
        "correct its score",
        lambda: _page(hr, f"/records/completions/{done}/edit", score="91"),
        HR,
        [("completions", "update")],
        record=("completions", done),
    )
    s.step(
        "delete it",
        lambda: _post(hr, f"/records/completions/{done}/delete"),
        HR,
        [("completions", "delete")],
        record=("completions", done),
    )
    for course_code, decision in (("ORG-101", "verify"), ("MKT-101", "reject")):
        s.step(
            f"Maria reports a completion with evidence (hr will {decision} it)",
            lambda course_code=course_code: _page(
                me,
                f"/records/employees/{maria.id}/completions/report",
                course=course_code,
                completed_on="2026-11-15",
                files={"evidence": (PDF, "certificate.pdf")},
            ),
            MARIA,
            [("completions", "insert"), ("uploads", "insert")],
        )
        pending = _newest(Completion, employee_id=maria.id).id
        decide = {
            "verify": lambda pending=pending: _post(hr, f"/records/completions/{pending}/verify"),
            "reject": lambda pending=pending: _page(
                hr, f"/records/completions/{pending}/reject", reason="Unreadable scan."
            ),
        }[decision]
        s.step(
            f"hr {decision}s it",
            decide,
            HR,
            [("completions", "update")],
            record=("completions", pending),
        )

    # ---------------------------------------------------------------- ratings
    rating = _id(
        s.step(
            "rate a competency",
            api(
                "POST",
                f"/employees/{audrey}/competency-ratings",
                {
                    "competency": "PRODUCT",
                    "level": 3,
                    "rated_on": "2026-11-10",
                    "source": "assessor",
                },
            ),
            HR,
            [("competency_ratings", "insert")],
        )
    )
    s.step(
        "correct the rating",
        lambda: _page(hr, f"/records/ratings/{rating}/edit", level="4"),
        HR,
        [("competency_ratings", "update")],
    )
    s.step(
        "delete the rating",
        lambda: _post(hr, f"/records/ratings/{rating}/delete"),
        HR,
        [("competency_ratings", "delete")],
    )
    s.step(
        "the manager rates Maria on the page",
        lambda: _page(
            manager,
            f"/records/employees/{maria.id}/ratings/new",
            competency="POLICY",
            level="3",
            rated_on="2026-11-20",
            source="manager",
        ),
        DANIEL,
        [("competency_ratings", "insert")],
    )

    # ---------------------------------------------------------------- background checks
    check = {
        "type": "CREDIT",
        "consent_signed_on": "2026-11-01",
        "consent_form_version": "FCRA-2026-1",
        "requested_on": "2026-11-02",
        "status": "requested",
    }
    check_id = _id(
        s.step(
            "request a check",
            api("POST", f"/employees/{audrey}/background-checks", check),
            HR,
            [("background_checks", "insert")],
        )
    )
    s.step(
        "the vendor starts it",
        api("PATCH", f"/background-checks/{check_id}", {"status": "in_progress"}),
        HR,
        [("background_checks", "update")],
    )
    s.step(
        "its result comes back",
        api(
            "PATCH",
            f"/background-checks/{check_id}",
            {
                "status": "review_required",
                "completed_on": "2026-11-12",
                "findings": "One late payment.",
            },
        ),
        HR,
        [("background_checks", "update")],
        record=("background_checks", check_id),
    )
    s.step(
        "correct the vendor on the check page",
        lambda: _page(hr, f"/records/checks/{check_id}", "/details", vendor="Sterling Screening"),
        HR,
        [("background_checks", "update")],
    )
    s.step(
        "send the pre-adverse notice",
        lambda: _page(
            hr,
            f"/records/checks/{check_id}",
            "/notice/pre-adverse",
            **{"pre-notice_on": "2026-11-20"},
        ),
        HR,
        [("background_checks", "update")],
    )

    # ---------------------------------------------------------------- assessments
    s.step(
        "record a test",
        api(
            "POST",
            f"/employees/{audrey}/assessments",
            {
                "instrument": "AUD-TEST",
                "conducted_on": "2026-11-05",
                "scores": {"Accuracy": 4, "Care": 3},
            },
        ),
        HR,
        [("assessments", "insert")],
    )
    three_sixty = {
        "instrument": "LEAD-360",
        "conducted_on": "2026-11-06",
        "responses": [
            {
                "rater_group": "manager",
                "scores": {d: 4 for d in ("Leadership", "Communication", "Coaching", "Integrity")},
            }
        ],
    }
    a360 = _id(
        s.step(
            "record a 360",
            api("POST", f"/employees/{audrey}/assessments", three_sixty),
            HR,
            [("assessments", "insert"), ("assessment_responses", "insert")],
        )
    )
    s.step(
        "add a response from another rater group on the page",
        lambda: _page(
            hr,
            f"/records/assessments/{a360}",
            "/responses",
            rater_group="other",
            **{f"dim_{i}": "3" for i in range(4)},
        ),
        HR,
        [("assessment_responses", "insert"), ("assessments", "update")],
    )
    s.step(
        "delete the 360",
        lambda: _post(hr, f"/records/assessments/{a360}/delete"),
        HR,
        [("assessments", "delete"), ("assessment_responses", "delete")],
    )

    # ---------------------------------------------------------------- education, talent reviews
    edu = _id(
        s.step(
            "record a qualification",
            api(
                "POST",
                f"/employees/{audrey}/education",
                {
                    "qualification": "AUD-QUAL",
                    "institution": "City College",
                    "completed_on": "2026-06-30",
                },
            ),
            HR,
            [("education_records", "insert")],
        )
    )
    s.step(
        "correct it",
        lambda: _page(hr, f"/records/education/{edu}/edit", institution="City College North"),
        HR,
        [("education_records", "update")],
    )
    s.step(
        "delete it",
        lambda: _post(hr, f"/records/education/{edu}/delete"),
        HR,
        [("education_records", "delete")],
    )
    s.step(
        "the manager records a talent review",
        lambda: _page(
            manager,
            f"/records/employees/{maria.id}/talent-reviews/new",
            period="2026-H2",
            performance="3",
            potential="2",
        ),
        DANIEL,
        [("talent_reviews", "insert")],
    )
    from app.models import TalentReview

    review = _newest(TalentReview, employee_id=maria.id).id
    s.step(
        "and edits it",
        lambda: _page(manager, f"/records/talent-reviews/{review}/edit", notes="Ready to lead."),
        DANIEL,
        [("talent_reviews", "update")],
    )
    s.step(
        "hr deletes it",
        lambda: _post(hr, f"/records/talent-reviews/{review}/delete"),
        HR,
        [("talent_reviews", "delete")],
    )

    # ---------------------------------------------------------------- tuition, start to end
    request = {
        "title": "Certificate in Management",
        "institution": "State University Extension",
        "qualification": "CERT-MGMT",
        "starts_on": "2027-01-15",
        "ends_on": "2027-05-30",
        "tuition": "1800.00",
        "fees": "100.00",
        "books": "100.00",
        "job_related": "y",
        "justification": "Management knowledge for the supervisor role.",
    }
    s.step(
        "Maria asks for tuition",
        lambda: _page(me, "/tuition/new", **request),
        MARIA,
        [("tuition_requests", "insert"), ("tuition_events", "insert")],
    )
    req = _newest(TuitionRequest, employee_id=maria.id).id
    s.step(
        "she edits the draft",
        lambda: _page(me, f"/tuition/{req}/edit", books="120.00"),
        MARIA,
        [("tuition_requests", "update")],
    )
    s.step(
        "she submits it",
        lambda: _page(me, f"/tuition/{req}", f"/{req}/submit"),
        MARIA,
        [("tuition_requests", "update"), ("tuition_events", "insert")],
        record=("tuition_requests", req),
    )
    for who, email in ((manager, DANIEL), (hr, HR), (finance, FIN)):
        s.step(
            f"{email} approves",
            lambda who=who: _page(who, f"/tuition/{req}", f"/{req}/approve"),
            email,
            [("tuition_requests", "update"), ("tuition_events", "insert")],
        )
    demo_app.config["ECHELON_TODAY"] = "2027-06-10"  # the course is over: complete and pay
    documents = {"done-receipt": (PDF, "receipt.pdf"), "done-transcript": (PDF, "transcript.pdf")}
    s.step(
        "she completes it with documents",
        lambda: _page(me, f"/tuition/{req}/complete", **{"done-grade": "B"}, files=documents),
        MARIA,
        [("tuition_requests", "update"), ("uploads", "insert")],
    )
    s.step(
        "finance asks for documents",
        lambda: _page(
            finance,
            f"/tuition/{req}",
            f"/{req}/flag_documents",
            **{"flag_documents-reason": "Receipt unreadable."},
        ),
        FIN,
        [("tuition_requests", "update")],
    )
    s.step(
        "she sends them again",
        lambda: _page(me, f"/tuition/{req}/complete", files=documents),
        MARIA,
        [("tuition_requests", "update"), ("uploads", "insert")],
    )
    s.step(
        "finance pays",
        lambda: _page(finance, f"/tuition/{req}", f"/{req}/pay", **{"pay-paid_on": "2027-06-10"}),
        FIN,
        [("tuition_requests", "update"), ("tuition_events", "insert")],
    )
    request.update(starts_on="2027-09-01", ends_on="2027-12-15")

    def new_submitted(label: str, details: dict) -> int:
        s.step(
            label,
            lambda: _page(me, "/tuition/new", **details),
            MARIA,
            [("tuition_requests", "insert")],
        )
        made = _newest(TuitionRequest, employee_id=maria.id).id
        s.step(
            f"{label}: submitted",
            lambda: _page(me, f"/tuition/{made}", f"/{made}/submit"),
            MARIA,
            [("tuition_requests", "update")],
        )
        return made

    for action, who, email in (("reject", manager, DANIEL), ("cancel", me, MARIA)):
        other = new_submitted(f"a request to {action}", request)
        s.step(
            f"{action} a request",
            lambda who=who, other=other, action=action: _page(
                who,
                f"/tuition/{other}",
                f"/{other}/{action}",
                **{f"{action}-reason": "Not this year."},
            ),
            email,
            [("tuition_requests", "update")],
        )
    late = dict(request, starts_on="2027-06-01", ends_on="2027-08-01")
    s.step(
        "a late request",
        lambda: _page(me, "/tuition/new", **late),
        MARIA,
        [("tuition_requests", "insert")],
    )
    late_id = _newest(TuitionRequest, employee_id=maria.id).id
    s.step(
        "hr allows the late request",
        lambda: _page(
            hr,
            f"/tuition/{late_id}",
            "/override-late",
            **{"override-override_reason": "Enrolment opened late."},
        ),
        HR,
        [("tuition_requests", "update"), ("tuition_events", "insert")],
    )
    s.step(
        "she submits it",
        lambda: _page(me, f"/tuition/{late_id}", f"/{late_id}/submit"),
        MARIA,
        [("tuition_requests", "update")],
    )

    # ---------------------------------------------------------------- leaving, repayment
    demo_app.config["ECHELON_TODAY"] = "2027-09-15"
    s.step(
        "Maria leaves voluntarily: she owes part of the reimbursement",
        lambda: _page(
            hr,
            "/tuition/leavers/new",
            employee_no=maria.employee_no,
            termination_date="2027-08-31",
            reason="voluntary",
        ),
        HR,
        [("employees", "update"), ("repayments", "insert")],
    )
    repayment = _newest(Repayment, employee_id=maria.id).id
    s.step(
        "finance records the repayment",
        lambda: _page(finance, "/tuition/repayments", f"/{repayment}/settle"),
        FIN,
        [("repayments", "update")],
    )
    s.step(
        "a termination through the API",
        api(
            "POST",
            f"/employees/{audrey}/termination",
            {"termination_date": "2027-08-15", "reason": "involuntary"},
        ),
        HR,
        [("employees", "update")],
    )

    # ---------------------------------------------------------------- tokens and exports
    s.step(
        "hr makes an API token",
        lambda: _page(hr, "/profile/", "/tokens", name="Nightly sync"),
        HR,
        [("api_tokens", "insert")],
    )
    from app.models import ApiToken

    token = _newest(ApiToken, name="Nightly sync").id
    s.step(
        "and revokes it",
        lambda: _post(hr, f"/profile/tokens/{token}/revoke"),
        HR,
        [("api_tokens", "update")],
        record=("api_tokens", token),
    )
    s.step(
        "hr makes a calendar feed on the profile page",
        lambda: _page(hr, "/profile/", "/calendar-feed"),
        HR,
        [("calendar_feeds", "insert")],
    )
    s.step(
        "and resets it",
        lambda: _page(hr, "/profile/", "/calendar-feed"),
        HR,
        [("calendar_feeds", "update")],
    )
    s.step(
        "hr exports Daniel's personal data",
        lambda: _post(hr, f"/privacy/employees/{daniel.id}/export"),
        HR,
        [("employees", "export")],
        record=("employees", daniel.id),
    )

    # ---------------------------------------------------------------- session bookings
    s.step(
        "hr schedules a session",
        lambda: _page(
            hr,
            "/catalogue/courses/CS-FOUND/sessions/new",
            starts_on="2029-06-15",  # after every day this scenario moves to
            ends_on="2029-06-15",
            seats="3",
            location="Audit room",
        ),
        HR,
        [("course_sessions", "insert")],
    )
    from app.models import Enrolment

    booked_on = _newest(CourseSession, location="Audit room").id
    s.step(
        "hr books Daniel on it",
        lambda: _post(
            hr, f"/sessions/{booked_on}/book", **{"for": "others", "employee_id": str(daniel.id)}
        ),
        HR,
        [("enrolments", "insert")],
    )
    booking = _newest(Enrolment, employee_id=daniel.id).id
    s.step(
        "and cancels the booking",
        lambda: _post(hr, f"/sessions/enrolments/{booking}/cancel"),
        HR,
        [("enrolments", "update")],
        record=("enrolments", booking),
    )

    # ---------------------------------------------------------------- talent: 360 rounds, 9-box
    from datetime import timedelta

    from app.clock import today
    from app.models import FeedbackRound

    s.step(
        "the manager opens a 360 round for Maria",
        lambda: _post(
            manager,
            f"/talent/people/{maria.id}/360/new",
            instrument="LEAD-360",
            closes_on=(today() + timedelta(days=10)).isoformat(),
            other_emails="outside.rater@partner.example",
        ),
        DANIEL,
        [("feedback_rounds", "insert")],
    )
    opened = _newest(FeedbackRound, employee_id=maria.id).id
    s.step(
        "hr closes it early",
        lambda: _post(hr, f"/talent/360/{opened}/close"),
        HR,
        [("feedback_rounds", "update"), ("assessments", "insert")],
        record=("feedback_rounds", opened),
    )
    placed = db.session.scalars(
        select(TalentReview).where(TalentReview.period.like("%-Q%"))
    ).first()
    s.step(
        "hr calibrates a placement on the grid",
        lambda: _post(
            hr,
            f"/talent/grid/placements/{placed.id}/move",
            box="1x1" if (placed.performance, placed.potential) != (1, 1) else "3x3",
            reason="Calibrated",
        ),
        HR,
        [("talent_calibrations", "insert"), ("talent_reviews", "update")],
    )

    # ---------------------------------------------------------------- passwords (issue 19)
    from app.models import AccountToken

    forgot = demo_app.test_client()
    s.step(
        "Daniel asks for a reset link on the forgot page",
        lambda: _page(forgot, "/auth/forgot", email=DANIEL),
        DANIEL,
        [("account_tokens", "insert")],
    )
    first = _newest(AccountToken, user_id=daniel.user.id).id
    s.step(
        "and again: the newer link ends the first",
        lambda: _page(forgot, "/auth/forgot", email=DANIEL),
        DANIEL,
        [("account_tokens", "update"), ("account_tokens", "insert")],
        record=("account_tokens", first),
    )
    s.step(
        "Daniel changes his password on the profile page",
        lambda: _page(
            manager,
            "/profile/",
            "/profile/password",
            current="daniel-pass-2026",
            new="daniel-new-pass-2026",
            confirm="daniel-new-pass-2026",
        ),
        DANIEL,
        [("users", "update"), ("account_tokens", "update")],
        record=("users", daniel.user.id),
    )

    # ---------------------------------------------------------------- every table, every action
    audited = {
        m.class_.__tablename__
        for m in db.Model.registry.mappers
        if getattr(m.class_, "__audited__", False)
    }
    assert audited == set(REACHABLE) | set(NOT_REACHABLE), (
        "an audited table is neither in REACHABLE nor in NOT_REACHABLE: "
        f"{sorted(audited ^ (set(REACHABLE) | set(NOT_REACHABLE)))}"
    )
    expected = {(table, action) for table, actions in REACHABLE.items() for action in actions}
    assert expected - s.seen == set(), f"never seen in the audit trail: {sorted(expected - s.seen)}"
    from tests.security import figures

    figures.add("audit: kinds of change checked (table, action)", len(expected))
    figures.add("audit: audited steps through pages and API", s.steps)


# ------------------------------------------------------------------------- append-only


def test_no_route_edits_or_deletes_audit_entries(demo_app):
    """No page or API endpoint is about the audit trail, and no code but app/audit.py writes
    it, except the retention purge's redaction of erased findings (a documented duty)."""
    for rule in demo_app.url_map.iter_rules():
        assert "audit" not in rule.rule.lower() and "audit" not in rule.endpoint.lower()
    root = Path(demo_app.root_path)
    writers = re.compile(r"(update|delete|insert)\(\s*AuditEntry|AuditEntry\.__table__")
    found = sorted(
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["app/audit.py", "app/services/retention.py"], found


def test_the_orm_refuses_to_change_or_delete_audit_entries(demo_db):
    entry = demo_db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
    entry.actor = "someone else"
    with pytest.raises(PermissionError):
        demo_db.session.flush()
    demo_db.session.rollback()
    demo_db.session.delete(demo_db.session.get(AuditEntry, entry.id))
    with pytest.raises(PermissionError):
        demo_db.session.flush()
    demo_db.session.rollback()
    for statement in (
        update(AuditEntry).values(actor="someone else"),
        delete(AuditEntry).where(AuditEntry.id == entry.id),
    ):
        with pytest.raises(PermissionError):
            demo_db.session.execute(statement)
        demo_db.session.rollback()
    assert demo_db.session.get(AuditEntry, entry.id).actor != "someone else"


def test_a_refused_change_writes_no_audit_entry(login_as, demo_db):
    """What is refused is not recorded as done: no audit entry for a rejected form."""
    before = demo_db.session.scalar(select(func.count(AuditEntry.id)))
    check = demo_db.session.scalars(select(BackgroundCheck).order_by(BackgroundCheck.id)).first()
    response = login_as("hr").post(
        f"/records/checks/{check.id}/status", data={"status": "clear", "completed_on": "bad"}
    )
    assert response.status_code in (409, 422)
    assert demo_db.session.scalar(select(func.count(AuditEntry.id))) == before
