"""Foundation: models' constraints, sign-in, first screens, the policy and the audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import policy
from app.models import (
    AuditEntry,
    BackgroundCheck,
    CheckType,
    Competency,
    CompetencyRating,
    Course,
    Employee,
    TuitionRequest,
    User,
)


def employee_named(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def user_for(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


# ---------------------------------------------------------------- model constraints


def _add(db, obj):
    db.session.add(obj)
    db.session.flush()


def test_employee_number_and_email_are_unique(db):
    _add(
        db, Employee(employee_no="E1", email="a@example.com", name="A", hire_date=date(2020, 1, 1))
    )
    with pytest.raises(IntegrityError):
        _add(
            db,
            Employee(employee_no="E1", email="b@example.com", name="B", hire_date=date(2020, 1, 1)),
        )
    db.session.rollback()
    _add(
        db, Employee(employee_no="E1", email="a@example.com", name="A", hire_date=date(2020, 1, 1))
    )
    with pytest.raises(IntegrityError):
        _add(
            db,
            Employee(employee_no="E2", email="a@example.com", name="B", hire_date=date(2020, 1, 1)),
        )


def test_money_cannot_be_negative(db):
    with pytest.raises(IntegrityError):
        _add(db, Course(code="X", title="X", cost=Decimal("-0.01")))


def test_money_is_exact_decimal(db):
    _add(db, Course(code="X", title="X", cost=Decimal("1234.56")))
    db.session.expire_all()
    cost = db.session.scalar(select(Course.cost))
    assert cost == Decimal("1234.56") and isinstance(cost, Decimal)


@pytest.mark.parametrize("level", [-1, 6])
def test_competency_levels_stay_within_0_to_5(db, level):
    e = Employee(employee_no="E1", email="a@example.com", name="A", hire_date=date(2020, 1, 1))
    c = Competency(code="C", name="C")
    _add(db, e)
    _add(db, c)
    with pytest.raises(IntegrityError):
        _add(
            db,
            CompetencyRating(
                employee_id=e.id,
                competency_id=c.id,
                level=level,
                rated_on=date(2026, 1, 1),
                source="manager",
            ),
        )


def test_a_check_needs_consent_before_its_request(db):
    e = Employee(employee_no="E1", email="a@example.com", name="A", hire_date=date(2020, 1, 1))
    t = CheckType(code="CRIMINAL", name="Criminal")
    _add(db, e)
    _add(db, t)
    with pytest.raises(IntegrityError):
        _add(
            db,
            BackgroundCheck(
                employee_id=e.id,
                check_type_id=t.id,
                consent_signed_on=date(2026, 2, 1),
                consent_form_version="v1",
                requested_on=date(2026, 1, 1),
            ),
        )


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError):
        _add(
            db,
            Employee(
                employee_no="E1",
                email="a@example.com",
                name="A",
                hire_date=date(2020, 1, 1),
                manager_id=999,
            ),
        )


def test_tuition_state_must_be_known(db):
    e = Employee(employee_no="E1", email="a@example.com", name="A", hire_date=date(2020, 1, 1))
    _add(db, e)
    with pytest.raises(IntegrityError):
        _add(
            db,
            TuitionRequest(
                employee_id=e.id,
                title="T",
                institution="I",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 2, 1),
                state="approved-ish",
            ),
        )


# ---------------------------------------------------------------- sign-in and first screens


def test_wrong_password_shows_an_error_and_does_not_sign_in(client):
    response = client.post(
        "/login", data={"email": "hannah.reid@example.com", "password": "not-the-password"}
    )
    assert response.status_code == 401
    assert b"do not match" in response.data
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_sign_in(client):
    for _ in range(5):
        client.post("/login", data={"email": "hannah.reid@example.com", "password": "wrong-pw"})
    response = client.post(
        "/login", data={"email": "hannah.reid@example.com", "password": "echelon-demo-2026"}
    )
    assert response.status_code == 401
    assert b"locked" in response.data


def test_sign_out_ends_every_copy_of_the_session(login_as, demo_app):
    client = login_as("hr")
    with client.session_transaction() as saved:
        stolen = dict(saved)
    client.post("/logout")
    assert client.get("/").status_code == 302
    other = demo_app.test_client()
    with other.session_transaction() as sess:
        sess.update(stolen)
    assert other.get("/").status_code == 302, "an old session cookie must not work after sign-out"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("employee", [b"Your records", b"Maria"]),
        ("manager", [b"Your team", b"Daniel Kim", b"Grace Okafor"]),
        ("hr", [b"The organisation", b"Head count by role", b"L2-CSS"]),
        ("finance", [b"Tuition queue"]),
        ("admin", [b"The organisation"]),
    ],
)
def test_each_persona_sees_a_first_screen_that_fits(login_as, persona, expected):
    page = login_as(persona).get("/")
    assert page.status_code == 200
    for text in expected:
        assert text in page.data


def test_navigation_shows_people_only_to_those_who_may_use_it(login_as):
    assert b'href="/employees/">People' not in login_as("employee").get("/").data
    assert b'href="/employees/">People' in login_as("hr").get("/").data
    assert b'href="/employees/">People' in login_as("manager").get("/").data


def test_manager_cannot_open_an_unrelated_employee(login_as, demo_db):
    outsider = employee_named(demo_db, "Nina Petrova")  # Contact Centre South
    assert login_as("manager").get(f"/employees/{outsider.id}").status_code == 404


def test_manager_sees_a_check_status_but_never_its_findings(login_as, demo_db):
    grace = employee_named(demo_db, "Grace Okafor")
    page = login_as("manager").get(f"/employees/{grace.id}")
    assert page.status_code == 200
    assert b"review required" in page.data
    assert b"collections" not in page.data
    hr_page = login_as("hr").get(f"/employees/{grace.id}")
    assert b"collections" in hr_page.data


def test_finance_cannot_see_background_checks_or_training(login_as, demo_db):
    grace = employee_named(demo_db, "Grace Okafor")
    page = login_as("finance").get(f"/employees/{grace.id}")
    assert b"Background checks" not in page.data
    assert b"review required" not in page.data
    assert b"Training and certifications" not in page.data


def test_employee_cannot_open_a_colleague(login_as, demo_db):
    colleague = employee_named(demo_db, "Daniel Kim")
    assert login_as("employee").get(f"/employees/{colleague.id}").status_code == 404
    assert login_as("employee").get("/employees/999999").status_code == 404


def test_people_list_only_shows_the_managers_part_of_the_tree(login_as):
    page = login_as("manager").get("/employees/?per_page=200").data
    assert b"Daniel Kim" in page and b"Maria Lopez" in page
    assert b"Nina Petrova" not in page and b"Alex Morgan" not in page


def test_people_list_searches_and_paginates(login_as):
    hr = login_as("hr")
    page = hr.get("/employees/?q=okafor").data
    assert b"Grace Okafor" in page and b"Daniel Kim" not in page
    first = hr.get("/employees/?per_page=10").data
    assert b"page 1 of" in first and b"Next" in first
    empty = hr.get("/employees/?q=zzzz-nobody").data
    assert b"No one matches" in empty


# ---------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("persona", "target", "aspect", "allowed"),
    [
        ("employee", "Maria Lopez", "check_findings", True),
        ("employee", "Daniel Kim", "profile", False),
        ("manager", "Maria Lopez", "training", True),  # two levels below Sam Rivera
        ("manager", "Grace Okafor", "check_status", True),
        ("manager", "Grace Okafor", "check_findings", False),
        ("manager", "Nina Petrova", "training", False),
        ("hr", "Grace Okafor", "check_findings", True),
        ("finance", "Grace Okafor", "check_status", False),
        ("finance", "Grace Okafor", "training", False),
        ("finance", "Priya Shah", "tuition", True),
        ("admin", "Grace Okafor", "training", False),
    ],
)
def test_policy_answers_who_may_see_what(demo_app, demo_db, persona, target, aspect, allowed):
    from tests.conftest import PERSONAS

    user = user_for(demo_db, PERSONAS[persona])
    employee = employee_named(demo_db, target)
    with demo_app.test_request_context():
        assert policy.can_view(user, employee, aspect) is allowed


def test_manager_is_derived_from_the_reporting_tree(demo_app, demo_db):
    from tests.conftest import PERSONAS

    with demo_app.test_request_context():
        assert policy.is_manager(user_for(demo_db, PERSONAS["manager"]))
        assert not policy.is_manager(user_for(demo_db, PERSONAS["employee"]))


# ---------------------------------------------------------------- audit trail


def test_every_change_writes_an_audit_entry_with_before_and_after(db):
    from app.audit import acting_as

    with acting_as("tester", user_id=None):
        course = Course(code="PCI", title="PCI awareness", cost=Decimal("50.00"))
        db.session.add(course)
        db.session.commit()
        course.cost = Decimal("75.00")
        db.session.commit()
        db.session.delete(course)
        db.session.commit()
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == "courses").order_by(AuditEntry.id)
    ).all()
    assert [r.action for r in rows] == ["insert", "update", "delete"]
    assert rows[0].after["code"] == "PCI"
    assert {r.record_id for r in rows} == {str(rows[0].after["id"])}, "rows name the record"
    assert rows[1].before == {"cost": "50.00"} and rows[1].after == {"cost": "75.00"}
    assert rows[2].before["cost"] == "75.00" and rows[2].after is None
    assert all(r.actor == "tester" for r in rows)


def test_audit_entries_are_append_only(db):
    db.session.add(Course(code="PCI", title="PCI awareness"))
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry))
    entry.actor = "someone else"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEntry)))
    with pytest.raises(PermissionError):
        db.session.commit()
