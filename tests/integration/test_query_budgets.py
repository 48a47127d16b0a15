"""Query budgets (issue 10, DESIGN.md "Bulk first"): every list page, report and API list runs
the same number of queries whatever the number of rows it shows.

The routes are found by walking app.url_map: every GET route without URL arguments (list pages,
reports, their CSV and PDF, API lists), for each persona its permission admits. A new list page
is therefore measured as soon as it is registered. Each is requested with a small organisation
and again after the organisation, the catalogue, the notifications, the tokens and the tuition
queues have grown many times over (bench.generate). The count must not grow with the rows
(a list may skip a query while it is empty, so "few" is already a couple of dozen rows; one
list runs a query fewer once it has a second page, which is no per-row cost).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from app.models import (
    ApiToken,
    CheckType,
    Competency,
    Completion,
    Course,
    CourseSession,
    Employee,
    Instrument,
    Notification,
    QualificationType,
    Repayment,
    TuitionRequest,
    User,
)
from bench.generate import grow
from tests.conftest import PERSONAS, TEST_TODAY

# Which personas each route permission admits (tests/security checks the refusals).
ADMITTED = {
    "authenticated": ("employee", "manager", "hr", "finance", "admin"),
    "hr": ("hr",),
    "hr_or_admin": ("hr", "admin"),
    "admin": ("admin",),
    "finance": ("finance",),
    "finance_or_hr": ("finance", "hr"),
    "manager_or_hr": ("manager", "hr"),
    "manager": ("manager", "hr"),  # whoever manages someone (hr people may too)
}
# Query strings a route needs to answer a list (a required filter).
QUERY = {
    "/api/v1/readiness": "role=L2-CSS",
}
# Routes that are not lists, with the reason.
NOT_LISTS = {
    "/logout": "sign-out",
    "/employees/me": "redirects to the person's own page",
    "/readiness/plan": "redirects to the person's own plan",
    "/reports/readiness": "redirects to the person's own report",
}
# A persona a route's permission admits may still be refused by the object-level policy
# (a route for managers only, say); such a route is measured for the personas it serves.
REFUSALS = (302, 403, 404)
MEASURED: dict[str, set[str]] = {}


def measured_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.arguments or "GET" not in rule.methods:
            continue
        permission = getattr(app.view_functions[rule.endpoint], "_echelon_permission", None)
        if permission == "public" or rule.rule in NOT_LISTS:
            continue
        assert permission in ADMITTED, f"{rule.rule}: unknown permission {permission!r}"
        routes.append((rule.rule, permission))
    return sorted(routes)


def thicken(app, count: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Grow everything a list can show: people and records, catalogue, inbox, tokens, queues."""
    from app.extensions import db

    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == PERSONAS["manager"]))
        before = db.session.scalar(select(func.max(Employee.id)))
        grow(manager.employee_id, count, seed=seed, anchor=TEST_TODAY, tuition_rate=0.5)
        grown = db.session.scalars(select(Employee.id).where(Employee.id > before)).all()
        direct = db.session.scalars(
            select(Employee.id).where(Employee.manager_id == manager.employee_id)
        ).all()
        users = db.session.scalars(select(User)).all()
        stamp = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
        tag = f"{seed}-{count}"

        db.session.execute(
            insert(Notification.__table__),
            [
                {
                    "user_id": user.id,
                    "kind": "reminder",
                    "subject": f"Reminder {n}",
                    "body": "Your certification expires soon.",
                    "link": "/employees/me",
                    "dedupe_key": f"budget-{tag}-{user.id}-{n}",
                    "created_at": stamp,
                    "read_at": stamp if n % 2 else None,
                }
                for user in users
                for n in range(count)
            ],
        )
        db.session.execute(
            insert(ApiToken.__table__),
            [
                {
                    "user_id": user.id,
                    "name": f"script {n}",
                    "token_hash": secrets.token_hex(32),
                    "prefix": "ech_budget",
                    "created_at": stamp,
                    "revoked_at": stamp if n % 2 else None,
                }
                for user in users
                for n in range(min(count, 6))
            ],
        )
        db.session.execute(
            insert(Competency.__table__),
            [{"code": f"C{tag}-{n}", "name": f"Skill {tag} {n}"} for n in range(count)],
        )
        db.session.execute(
            insert(Course.__table__),
            [
                {
                    "code": f"K{tag}-{n}",
                    "title": f"Course {tag} {n}",
                    "category": "general",
                    "hours": Decimal("4.0"),
                    "cost": Decimal("100.00"),
                    "validity_months": 12 if n % 2 else None,
                    "default_duration_days": 30,
                    "retired": False,
                    "version": 1,
                }
                for n in range(count)
            ],
        )
        new_courses = db.session.scalars(select(Course.id).where(Course.code.like(f"K{tag}-%")))
        db.session.execute(
            insert(CourseSession.__table__),
            [
                {
                    "course_id": course_id,
                    "starts_on": TEST_TODAY + timedelta(days=10),
                    "ends_on": TEST_TODAY + timedelta(days=12),
                    "seats": 10,
                    "cancelled": False,
                }
                for course_id in new_courses
            ],
        )
        db.session.execute(
            insert(CheckType.__table__),
            [{"code": f"T{tag}-{n}", "name": f"Check {tag} {n}"} for n in range(count)],
        )
        db.session.execute(
            insert(Instrument.__table__),
            [
                {
                    "code": f"I{tag}-{n}",
                    "name": f"Test {tag} {n}",
                    "kind": "test",
                    "scale_min": Decimal("1"),
                    "scale_max": Decimal("5"),
                    "dimensions": ["Overall"],
                    "validity_months": 24,
                    "retired": False,
                }
                for n in range(count)
            ],
        )
        db.session.execute(
            insert(QualificationType.__table__),
            [{"code": f"Q{tag}-{n}", "name": f"Qualification {tag} {n}"} for n in range(count)],
        )
        course = db.session.scalar(select(Course.id).where(Course.code == "ORG-101"))
        db.session.execute(
            insert(Completion.__table__),
            [
                {
                    "employee_id": grown[n % len(grown)],
                    "course_id": course,
                    "completed_on": TEST_TODAY - timedelta(days=5 + n),
                    "verification": "pending",
                    "version": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
                for n in range(count)
            ],
        )
        states = ("reimbursed", "submitted", "manager_approved", "hr_approved", "completed")
        first = (db.session.scalar(select(func.max(TuitionRequest.id))) or 0) + 1
        requests = []
        for n in range(count):
            state = states[n % len(states)]
            paid = state == "reimbursed"
            requests.append(
                {
                    "id": first + n,
                    "employee_id": direct[n % len(direct)],
                    "title": f"Module {tag} {n}",
                    "institution": "State University Extension",
                    "starts_on": TEST_TODAY + timedelta(days=40),
                    "ends_on": TEST_TODAY + timedelta(days=120),
                    "tuition": Decimal("900.00"),
                    "fees": Decimal("50.00"),
                    "books": Decimal("50.00"),
                    "job_related": True,
                    "justification": "Management knowledge for the next role.",
                    "pass_fail": False,
                    "state": state,
                    "submitted_on": TEST_TODAY - timedelta(days=3),
                    "reserved_amount": Decimal("1000.00") if state != "submitted" else None,
                    "cap_year": 2026,
                    "grade": "A" if state in ("completed", "reimbursed") else None,
                    "reimbursed_amount": Decimal("1000.00") if paid else None,
                    "paid_on": TEST_TODAY - timedelta(days=30) if paid else None,
                    "version": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        db.session.execute(insert(TuitionRequest.__table__), requests)
        db.session.execute(
            insert(Repayment.__table__),
            [
                {
                    "request_id": r["id"],
                    "employee_id": r["employee_id"],
                    "termination_date": TEST_TODAY - timedelta(days=2),
                    "months_since_paid": 1,
                    "share": Decimal("1.00"),
                    "amount_owed": Decimal("1000.00"),
                }
                for r in requests
                if r["state"] == "reimbursed"
            ],
        )
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            db.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('tuition_requests', 'id'), "
                    "(SELECT MAX(id) FROM tuition_requests))"
                )
            )
        # Catalogue rows went in through Core (no session events): say so, as a change would.
        from app.services.readiness.staleness import raise_catalogue_version

        raise_catalogue_version(db.session())
        db.session.commit()


def tokens_for(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from app.extensions import db
    from app.services.tokens import create_token

    secrets_by_persona = {}
    with app.app_context():
        for persona, email in PERSONAS.items():
            user = db.session.scalar(select(User).where(User.email == email))
            secrets_by_persona[persona] = create_token(user, "query budget")[1]
    return secrets_by_persona


def counts(client, token, routes, count_queries, warm=False) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    answers = {}
    for path in routes:
        url = f"{path}?{QUERY[path]}" if path in QUERY else path
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        if warm:  # first-use work (a token's last-used stamp) is not a per-row cost
            client.get(url, headers=headers)
        with count_queries() as counted:
            response = client.get(url, headers=headers)
        answers[path] = (response.status_code, counted())
    return answers


@pytest.mark.parametrize("persona", ["employee", "manager", "hr", "finance", "admin"])
def test_every_list_runs_a_fixed_number_of_queries(persona, demo_app, login_as, count_queries):  # type: ignore[no-untyped-def]
    routes = [
        path for path, permission in measured_routes(demo_app) if persona in ADMITTED[permission]
    ]
    assert routes, "no list routes found"
    token = tokens_for(demo_app)[persona]
    client = login_as(persona)

    # A list may skip a query while it is empty, so both counts are taken once every list
    # has rows: "few" with a couple of dozen, "many" with several dozen more (past a page).
    thicken(demo_app, 20, seed=1)
    few = counts(client, token, routes, count_queries, warm=True)
    thicken(demo_app, 60, seed=2)
    # Warm as well: new people's readiness is computed and stored on first use (a fixed number
    # of queries of its own, tests/integration/test_stored_readiness.py).
    many = counts(client, token, routes, count_queries, warm=True)

    failed = {
        path: (few[path][0], many[path][0])
        for path in routes
        if many[path][0] != 200
        and not (many[path][0] in REFUSALS and few[path][0] == many[path][0])
    }
    assert failed == {}, f"{persona}: these lists failed (few rows, many rows): {failed}"
    served = [path for path in routes if many[path][0] == 200]
    grew = {path: (few[path][1], many[path][1]) for path in served if many[path][1] > few[path][1]}
    assert grew == {}, f"{persona}: queries grew with the rows (few rows, many rows): {grew}"
    MEASURED[persona] = set(served)


def test_every_list_was_measured_for_someone(demo_app):  # type: ignore[no-untyped-def]
    if set(MEASURED) != {"employee", "manager", "hr", "finance", "admin"}:
        pytest.skip("runs after the five persona tests")
    measured = set().union(*MEASURED.values())
    missing = {path for path, _ in measured_routes(demo_app)} - measured
    assert missing == set(), f"lists no persona could open: {missing}"


def test_routes_are_found(demo_app):  # type: ignore[no-untyped-def]
    # The walk finds the known lists of every area, so a renamed area is noticed too.
    found = {path for path, _ in measured_routes(demo_app)}
    for expected in ("/employees/", "/tuition/", "/catalogue/courses", "/notifications/"):
        assert expected in found
