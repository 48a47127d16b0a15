"""Who may call each API endpoint: the five kinds of caller, admin, no token, a revoked token.

Issue 6 "Done means": permission tests for every endpoint for self, manager, unrelated employee,
hr and finance, plus no token and a revoked token. The subject is Maria Lopez (CSR); her
manager's manager is Sam Rivera (a manager above her: policy.manages covers the whole subtree);
the unrelated employee is a CSR of another department. Every call sends a VALID body, so a
403 or 404 is the permission answering, never validation. docs/RULES.md / DECISIONS.md: a person
the caller may not see answers 404 (existence is private); someone who may see but not do
answers 403. A table test makes every /api/v1 route appear here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.clock import today
from app.extensions import db
from app.models import BackgroundCheck, Department, Employee, JobRole, TuitionRequest, User
from app.services import catalogue, enrolment, records, tokens
from app.services import tuition as tuition_svc
from app.services.accounts import create_user

CALLERS = ("self", "manager", "unrelated", "hr", "finance", "admin", "no_token", "revoked")
PERSONAS = {
    "self": "maria.lopez@example.com",
    "manager": "sam.rivera@example.com",
    "hr": "hannah.reid@example.com",
    "finance": "felix.turner@example.com",
    "admin": "ada.ng@example.com",
}
EVERYONE = dict.fromkeys(("self", "manager", "unrelated", "hr", "finance", "admin"), 200)


@dataclass(frozen=True)
class Case:
    method: str
    rule: str  # the url_map rule, e.g. /api/v1/employees/<int:employee_id>
    expected: dict[str, int]  # caller -> status; no_token and revoked are always 401
    body: Callable[[str, dict[str, Any]], Any] | None = None
    path: Callable[[dict[str, Any]], str] | None = None
    query: str = ""


def both(status: int, *who: str) -> dict[str, int]:
    return dict.fromkeys(who, status)


def catalogue_write(status: int) -> dict[str, int]:
    return {**both(403, "self", "manager", "unrelated", "finance"), **both(status, "hr", "admin")}


SUBJECT_CIRCLE_READ = {
    **both(200, "self", "manager", "hr"),
    **both(404, "unrelated", "finance", "admin"),
}
HR_WRITE = {**both(403, "self", "manager"), **both(404, "unrelated", "finance", "admin"), "hr": 201}
PROFILE_READ = {**both(200, "self", "manager", "hr", "finance", "admin"), "unrelated": 404}
PROFILE_HR_WRITE = {**both(403, "self", "manager", "finance", "admin"), "unrelated": 404, "hr": 200}


def unique(caller: str) -> str:
    return caller.upper().replace("_", "-")


CASES: tuple[Case, ...] = (
    Case("GET", "/api/v1/openapi.json", {**EVERYONE, "no_token": 200, "revoked": 200}),
    # ------------------------------------------------------------------ catalogue
    *(
        Case("GET", f"/api/v1/{kind}", EVERYONE)
        for kind in (
            "competencies",
            "courses",
            "check-types",
            "instruments",
            "qualifications",
            "roles",
            "ladder",
        )
    ),
    Case("GET", "/api/v1/competencies/<code>", EVERYONE, path=lambda ids: "/competencies/PRODUCT"),
    Case("GET", "/api/v1/courses/<code>", EVERYONE, path=lambda ids: "/courses/PCI-AWARE"),
    Case("GET", "/api/v1/check-types/<code>", EVERYONE, path=lambda ids: "/check-types/CREDIT"),
    Case("GET", "/api/v1/instruments/<code>", EVERYONE, path=lambda ids: "/instruments/LEAD-360"),
    Case("GET", "/api/v1/qualifications/<code>", EVERYONE, path=lambda ids: "/qualifications/BBA"),
    Case("GET", "/api/v1/roles/<code>", EVERYONE, path=lambda ids: "/roles/L2-CSS"),
    Case(
        "GET",
        "/api/v1/courses/<code>/sessions",
        EVERYONE,
        path=lambda ids: "/courses/PCI-AWARE/sessions",
    ),
    Case(
        "GET",
        "/api/v1/roles/<code>/requirements",
        EVERYONE,
        path=lambda ids: "/roles/L2-CSS/requirements",
    ),
    Case(
        "POST",
        "/api/v1/competencies",
        catalogue_write(201),
        body=lambda who, ids: {"code": f"PERM-{unique(who)}", "name": "Permission test"},
    ),
    Case(
        "POST",
        "/api/v1/courses",
        catalogue_write(201),
        body=lambda who, ids: {"code": f"PERM-{unique(who)}", "title": "Permission test"},
    ),
    Case(
        "POST",
        "/api/v1/check-types",
        catalogue_write(201),
        body=lambda who, ids: {"code": f"PERM-{unique(who)}", "name": "Permission test"},
    ),
    Case(
        "POST",
        "/api/v1/instruments",
        catalogue_write(201),
        body=lambda who, ids: {
            "code": f"PERM-{unique(who)}",
            "name": "Permission test",
            "kind": "test",
            "dimensions": ["Judgement"],
        },
    ),
    Case(
        "POST",
        "/api/v1/qualifications",
        catalogue_write(201),
        body=lambda who, ids: {"code": f"PERM-{unique(who)}", "name": "Permission test"},
    ),
    Case(
        "POST",
        "/api/v1/roles",
        catalogue_write(201),
        body=lambda who, ids: {
            "code": f"PERM-{unique(who)}",
            "title": "Permission test",
            "level": 5,
        },
    ),
    Case(
        "POST",
        "/api/v1/ladder",
        catalogue_write(201),
        body=lambda who, ids: {"from_role": "L3-CSM", "to_role": f"L4-{unique(who)}"},
    ),
    Case(
        "POST",
        "/api/v1/courses/<code>/sessions",
        catalogue_write(201),
        path=lambda ids: "/courses/PCI-AWARE/sessions",
        body=lambda who, ids: {"starts_on": "2027-03-01", "ends_on": "2027-03-01", "seats": 10},
    ),
    *(
        Case(
            "PATCH",
            f"/api/v1/{kind}/<code>",
            catalogue_write(200),
            path=lambda ids, kind=kind, code=code: f"/{kind}/{code}",
            body=lambda who, ids, field=field: {field: f"Renamed by {who}"},
        )
        for kind, code, field in (
            ("competencies", "PRODUCT", "name"),
            ("courses", "PCI-AWARE", "title"),
            ("check-types", "CREDIT", "name"),
            ("instruments", "LEAD-360", "name"),
            ("qualifications", "BBA", "name"),
            ("roles", "L2-CSS", "title"),
        )
    ),
    Case(
        "PUT",
        "/api/v1/roles/<code>/requirements",
        catalogue_write(200),
        path=lambda ids: "/roles/L1-CSR/requirements",
        body=lambda who, ids: {"requirements": [{"kind": "course", "target": "CS-FOUND"}]},
    ),
    # ------------------------------------------------------------------ people
    Case("GET", "/api/v1/employees", EVERYONE),
    Case(
        "POST",
        "/api/v1/employees",
        {**both(403, "self", "manager", "unrelated", "finance", "admin"), "hr": 201},
        body=lambda who, ids: {
            "employee_no": f"P-{unique(who)}",
            "name": "New Person",
            "email": f"new.{who}@example.com",
            "hire_date": "2026-11-01",
            "role": "L1-CSR",
        },
    ),
    Case(
        "GET",
        "/api/v1/employees/<int:employee_id>",
        PROFILE_READ,
        path=lambda ids: f"/employees/{ids['maria']}",
    ),
    Case(
        "PATCH",
        "/api/v1/employees/<int:employee_id>",
        PROFILE_HR_WRITE,
        path=lambda ids: f"/employees/{ids['maria']}",
        body=lambda who, ids: {"jurisdiction": "US-NJ"},
    ),
    Case(
        "POST",
        "/api/v1/employees/<int:employee_id>/termination",
        PROFILE_HR_WRITE,
        path=lambda ids: f"/employees/{ids['maria']}/termination",
        body=lambda who, ids: {"termination_date": "2026-11-22", "reason": "involuntary"},
    ),
    Case(
        "GET",
        "/api/v1/employees/<int:employee_id>/records",
        PROFILE_READ,
        path=lambda ids: f"/employees/{ids['maria']}/records",
    ),
    # ------------------------------------------------------------------ records
    *(
        Case(
            "GET",
            f"/api/v1/employees/<int:employee_id>/{kind}",
            SUBJECT_CIRCLE_READ,
            path=lambda ids, kind=kind: f"/employees/{ids['maria']}/{kind}",
        )
        for kind in (
            "training-records",
            "competency-ratings",
            "background-checks",
            "assessments",
            "education",
        )
    ),
    Case(
        "POST",
        "/api/v1/employees/<int:employee_id>/training-records",
        HR_WRITE,
        path=lambda ids: f"/employees/{ids['maria']}/training-records",
        body=lambda who, ids: {"course": "COACH-LAB", "completed_on": "2026-11-01"},
    ),
    Case(
        "POST",
        "/api/v1/employees/<int:employee_id>/competency-ratings",
        {**both(201, "self", "manager", "hr"), **both(404, "unrelated", "finance", "admin")},
        path=lambda ids: f"/employees/{ids['maria']}/competency-ratings",
        body=lambda who, ids: {
            "competency": "COACHING",
            "level": 3,
            "rated_on": "2026-11-01",
            "source": {"self": "self", "manager": "manager"}.get(who, "assessor"),
        },
    ),
    Case(
        "POST",
        "/api/v1/employees/<int:employee_id>/background-checks",
        HR_WRITE,
        path=lambda ids: f"/employees/{ids['maria']}/background-checks",
        body=lambda who, ids: {
            "type": "CREDIT",
            "consent_signed_on": "2026-11-20",
            "consent_form_version": "FCRA-2026",
        },
    ),
    Case(
        "POST",
        "/api/v1/employees/<int:employee_id>/assessments",
        HR_WRITE,
        path=lambda ids: f"/employees/{ids['maria']}/assessments",
        body=lambda who, ids: {
            "instrument": "LEAD-360",
            "conducted_on": "2026-11-01",
            "responses": [{"rater_group": "manager", "scores": {"Leadership": 4}}],
        },
    ),
    Case(
        "POST",
        "/api/v1/employees/<int:employee_id>/education",
        HR_WRITE,
        path=lambda ids: f"/employees/{ids['maria']}/education",
        body=lambda who, ids: {
            "qualification": "BBA",
            "institution": "State University",
            "completed_on": "2026-06-30",
        },
    ),
    Case(
        "GET",
        "/api/v1/background-checks/<int:check_id>",
        SUBJECT_CIRCLE_READ,
        path=lambda ids: f"/background-checks/{ids['check']}",
    ),
    Case(
        "PATCH",
        "/api/v1/background-checks/<int:check_id>",
        {**HR_WRITE, "hr": 200},
        path=lambda ids: f"/background-checks/{ids['check']}",
        body=lambda who, ids: {"vendor": "Screening Co."},
    ),
    Case(
        "POST",
        "/api/v1/background-checks/<int:check_id>/adverse-action",
        {**HR_WRITE, "hr": 200},
        path=lambda ids: f"/background-checks/{ids['review_check']}/adverse-action",
        body=lambda who, ids: {"notice": "pre_adverse", "notice_on": "2026-11-20"},
    ),
    # ------------------------------------------------------------------ readiness
    Case(
        "GET",
        "/api/v1/employees/<int:employee_id>/readiness",
        SUBJECT_CIRCLE_READ,
        path=lambda ids: f"/employees/{ids['maria']}/readiness",
    ),
    Case(
        "GET",
        "/api/v1/employees/<int:employee_id>/path",
        SUBJECT_CIRCLE_READ,
        path=lambda ids: f"/employees/{ids['maria']}/path",
    ),
    Case("GET", "/api/v1/readiness", EVERYONE, query="?role=L2-CSS"),
    # ------------------------------------------------------------------ tuition
    Case("GET", "/api/v1/tuition-requests", EVERYONE),
    Case(
        "POST",
        "/api/v1/tuition-requests",
        {**EVERYONE, **dict.fromkeys(EVERYONE, 201)},
        body=lambda who, ids: {
            "title": "Evening class",
            "institution": "City College",
            "starts_on": "2027-02-01",
            "ends_on": "2027-05-01",
            "tuition": "400.00",
            "job_related": True,
            "justification": "Skills for the job.",
        },
    ),
    Case(
        "GET",
        "/api/v1/tuition-requests/<int:request_id>",
        {**both(200, "self", "manager", "hr", "finance"), **both(404, "unrelated", "admin")},
        path=lambda ids: f"/tuition-requests/{ids['draft']}",
    ),
    Case(
        "PATCH",
        "/api/v1/tuition-requests/<int:request_id>",
        {**both(403, "manager", "hr", "finance"), **both(404, "unrelated", "admin"), "self": 200},
        path=lambda ids: f"/tuition-requests/{ids['draft']}",
        body=lambda who, ids: {"books": "25.00"},
    ),
    Case(
        "POST",
        "/api/v1/tuition-requests/<int:request_id>/transitions",
        {**both(403, "manager", "hr", "finance"), **both(404, "unrelated", "admin"), "self": 200},
        path=lambda ids: f"/tuition-requests/{ids['draft']}/transitions",
        body=lambda who, ids: {"action": "submit"},
    ),
    # ------------------------------------------------------------------ enrolment
    Case(
        "POST",
        "/api/v1/sessions/<int:session_id>/enrolments",
        {**both(201, "self", "manager", "hr"), **both(404, "unrelated", "finance", "admin")},
        path=lambda ids: f"/sessions/{ids['open_session']}/enrolments",
        # each allowed caller books a different person they may book (one booking each)
        body=lambda who, ids: {"employee_id": ids.get(f"bookee_{who}", ids["maria"])},
    ),
    Case(
        "GET",
        "/api/v1/employees/<int:employee_id>/enrolments",
        SUBJECT_CIRCLE_READ,
        path=lambda ids: f"/employees/{ids['maria']}/enrolments",
    ),
    Case(
        "POST",
        "/api/v1/enrolments/<int:enrolment_id>/transitions",
        {**both(200, "self", "manager", "hr"), **both(404, "unrelated", "finance", "admin")},
        path=lambda ids: f"/enrolments/{ids['booking']}/transitions",
        # each allowed caller moves Maria's booking on to a session of their own
        body=lambda who, ids: {
            "action": "move",
            "session_id": ids.get(f"move_{who}", ids["open_session"]),
        },
    ),
    # ------------------------------------------------------------------ assignments (issue 21)
    Case(
        "GET",
        "/api/v1/assignment-rules",
        {**both(403, *CALLERS[:3], "finance", "admin"), "hr": 200},
    ),
    Case(
        "POST",
        "/api/v1/assignment-rules",
        {**both(403, *CALLERS[:3], "finance", "admin"), "hr": 201},
        body=lambda who, ids: {"role": "L3-CSM", "course": "PCI-AWARE", "due_days": 30},
    ),
    Case(
        "GET",
        "/api/v1/employees/<int:employee_id>/assignments",
        SUBJECT_CIRCLE_READ,
        path=lambda ids: f"/employees/{ids['maria']}/assignments",
    ),
    # ------------------------------------------------------------------ talent
    Case(
        "POST",
        "/api/v1/employees/<int:employee_id>/360-rounds",
        {**both(201, "manager", "hr"), "self": 403, **both(404, "unrelated", "finance", "admin")},
        path=lambda ids: f"/employees/{ids['maria']}/360-rounds",
        body=lambda who, ids: {
            "instrument": "LEAD-360",
            "closes_on": (today() + timedelta(days=10)).isoformat(),
            "raters": [{"group": "other", "email": f"{who}.rater@partner.example"}],
        },
    ),
    Case(
        "GET",
        "/api/v1/360-rounds/<int:round_id>",
        SUBJECT_CIRCLE_READ,
        path=lambda ids: f"/360-rounds/{ids['round']}",
    ),
    Case(
        "GET",
        "/api/v1/talent-grid",
        {**both(200, "manager", "hr"), **both(403, "self", "unrelated", "finance", "admin")},
    ),
    # the seat plan of a session (issue 18): hr only
    Case(
        "GET",
        "/api/v1/sessions/<int:session_id>/seat-plan",
        {**both(403, "self", "manager", "unrelated", "finance", "admin"), "hr": 200},
        path=lambda ids: f"/sessions/{ids['open_session']}/seat-plan",
    ),
    Case(
        "GET",
        "/api/v1/tuition/summary",
        {**both(403, "self", "manager", "unrelated", "admin"), **both(200, "hr", "finance")},
    ),
    # ------------------------------------------------------------------ accounts (issue 19)
    Case(
        "GET",
        "/api/v1/users",
        {**both(403, "self", "manager", "unrelated", "finance"), **both(200, "hr", "admin")},
    ),
    Case(
        "POST",
        "/api/v1/users",
        {**both(403, "self", "manager", "unrelated", "finance"), **both(201, "hr", "admin")},
        body=lambda who, ids: {"employee_id": ids.get(f"no_signin_{who}", ids["maria"])},
    ),
    Case(
        "PATCH",
        "/api/v1/users/<int:user_id>",
        {**both(403, "self", "manager", "unrelated", "finance", "hr"), "admin": 200},
        path=lambda ids: f"/users/{ids['unrelated_user']}",
        body=lambda who, ids: {"roles": ["employee"], "disabled": False},
    ),
)
# The manager stage of a submitted request belongs to Sam Rivera, and only to him.
APPROVE = Case(
    "POST",
    "/api/v1/tuition-requests/<int:request_id>/transitions",
    {**both(403, "self", "hr", "finance"), **both(404, "unrelated", "admin"), "manager": 200},
    path=lambda ids: f"/tuition-requests/{ids['submitted']}/transitions",
    body=lambda who, ids: {"action": "approve"},
)


@pytest.fixture
def world(demo_app, demo_db):  # type: ignore[no-untyped-def]
    """Tokens for every kind of caller, and Maria's records that routes address by id."""
    unrelated = demo_db.session.scalar(
        select(Employee)
        .join(Department, Department.id == Employee.department_id)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(
            Department.code == "CS-SOUTH",
            JobRole.code == "L1-CSR",
            Employee.status == "active",
            ~Employee.id.in_(select(Employee.manager_id).where(Employee.manager_id.is_not(None))),
        )
        .order_by(Employee.name)
        .limit(1)
    )
    create_user(unrelated.email, "permission-pass-1", [])
    demo_db.session.commit()
    users = {
        who: demo_db.session.scalar(select(User).where(func.lower(User.email) == email))
        for who, email in {**PERSONAS, "unrelated": unrelated.email}.items()
    }
    headers = {}
    for who, user in users.items():
        _, secret = tokens.create_token(user, f"permissions: {who}")
        headers[who] = {"Authorization": f"Bearer {secret}"}
    revoked, secret = tokens.create_token(users["hr"], "revoked")
    tokens.revoke_token(users["hr"], revoked.id)
    headers["revoked"] = {"Authorization": f"Bearer {secret}"}
    headers["no_token"] = {}

    maria = users["self"].employee
    hr = users["hr"]
    check = demo_db.session.scalar(
        select(BackgroundCheck).where(BackgroundCheck.employee_id == maria.id).limit(1)
    )
    review = records.record_check(
        maria,
        "CREDIT",
        "2026-10-01",
        "FCRA-2026",
        "2026-10-02",
        None,
        "review_required",
        "2026-10-20",
        "One account in collections.",
        actor=hr,
    )
    data = {
        "title": "Certificate in Management, part 2",
        "institution": "Riverside College",
        "starts_on": "2027-01-11",
        "ends_on": "2027-05-14",
        "tuition": "1800.00",
        "job_related": True,
        "justification": "Management knowledge.",
    }
    draft = tuition_svc.create_request(maria, data, users["self"])
    submitted = tuition_svc.create_request(maria, data, users["self"])
    tuition_svc.transition(submitted.id, "submit", users["self"])
    # Two level-4 roles, so hr and admin can each add a valid ladder step (L3 -> L4).
    for who in ("HR", "ADMIN"):
        demo_db.session.add(JobRole(code=f"L4-{who}", title=f"Director {who}", level=4))
    demo_db.session.commit()
    ids = {
        **_bookings(maria, hr),
        "maria": maria.id,
        "check": check.id,
        "review_check": review.id,
        "draft": draft.id,
        "submitted": submitted.id,
        "round": _round_of(maria, hr),
        "unrelated_user": users["unrelated"].id,
        **_without_signin(),
    }
    return demo_app.test_client(), headers, ids


def _without_signin() -> dict[str, int]:
    """Two active people without a sign-in: one hr and one admin give one (issue 19)."""
    found = db.session.scalars(
        select(Employee.id)
        .where(Employee.status == "active", ~Employee.id.in_(select(User.employee_id)))
        .order_by(Employee.id)
        .limit(2)
    ).all()
    return {"no_signin_hr": found[0], "no_signin_admin": found[1]}


def _round_of(maria: Employee, hr: User) -> int:
    """A 360 round of Maria's, opened by hr (its link is never sent: no mail server)."""
    from app.services import talent

    opened = talent.open_round(
        maria,
        "LEAD-360",
        (today() + timedelta(days=10)).isoformat(),
        [{"group": "other", "email": "outside.rater@partner.example"}],
        actor=hr,
    )
    return opened.round.id


def _bookings(maria: Employee, hr: User) -> dict[str, int]:
    """Sessions of PCI-AWARE (one to book, three to move to), Maria's booking, and two of her
    peers: one her manager's manager books, one hr books."""
    starts = [today() + timedelta(days=days) for days in (200, 210, 220, 230, 240)]
    sessions = [catalogue.add_session("PCI-AWARE", d, d, 10, "Room 9") for d in starts]
    booking = enrolment.book(sessions[1], maria, actor=hr)
    peers = db.session.scalars(
        select(Employee)
        .where(
            Employee.manager_id == maria.manager_id,
            Employee.id != maria.id,
            Employee.status == "active",
        )
        .order_by(Employee.id)
        .limit(2)
    ).all()
    return {
        "open_session": sessions[0].id,
        "booking": booking.id,
        "move_hr": sessions[2].id,
        "move_manager": sessions[3].id,
        "move_self": sessions[4].id,
        "bookee_self": maria.id,
        "bookee_manager": peers[0].id,
        "bookee_hr": peers[1].id,
    }


def _run(case: Case, world: Any) -> list[str]:
    client, headers, ids = world
    expected = {**case.expected}
    expected.setdefault("no_token", 401)
    expected.setdefault("revoked", 401)
    assert set(expected) == set(CALLERS), case.rule
    path = case.path(ids) if case.path else case.rule.removeprefix("/api/v1")
    wrong = []
    # Refusals first, then the callers allowed to write (a write changes what follows).
    for who in sorted(CALLERS, key=lambda w: (expected[w] < 400, w)):
        body = case.body(who, ids) if case.body else None
        response = client.open(
            f"/api/v1{path}{case.query}", method=case.method, json=body, headers=headers[who]
        )
        db.session.expire_all()
        if response.status_code != expected[who]:
            answer = str(response.get_json())[:160]
            wrong.append(f"{who}: {response.status_code} (expected {expected[who]}) {answer}")
        elif response.status_code >= 400:
            payload = response.get_json()
            assert set(payload) == {"error", "errors"} and payload["error"], (case.rule, who)
    return wrong


@pytest.mark.parametrize(
    "case", (*CASES, APPROVE), ids=lambda c: f"{c.method} {c.rule.removeprefix('/api/v1')}"
)
def test_who_may_call_each_endpoint(case, world):
    wrong = _run(case, world)
    assert wrong == [], f"{case.method} {case.rule}: " + "; ".join(wrong)


def test_every_api_route_is_in_the_permission_table(demo_app):
    covered = {(c.method, c.rule) for c in (*CASES, APPROVE)}
    routes = {
        (method, rule.rule)
        for rule in demo_app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - covered == set(), "API routes without permission cases"


def test_a_refused_write_leaves_the_data_as_it_was(world, demo_db):
    """The manager's refused termination of Maria changes nothing (docs/API.md)."""
    client, headers, ids = world
    response = client.post(
        f"/api/v1/employees/{ids['maria']}/termination",
        json={"termination_date": "2026-11-22", "reason": "voluntary"},
        headers=headers["manager"],
    )
    assert response.status_code == 403
    demo_db.session.expire_all()
    maria = demo_db.session.get(Employee, ids["maria"])
    assert maria.status == "active" and maria.termination_date is None
    assert demo_db.session.get(TuitionRequest, ids["draft"]).state == "draft"
