"""GET/POST /api/v1/users and PATCH /api/v1/users/{id} (docs/API.md "Accounts"): the sign-ins
page's rules through the API, with real bearer tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Employee, User
from app.services import signins
from tests.factories import PERSONAS, employee_named, sign_in_for, signed_in_client
from tests.integration.api_support import Api, audit_count, user_for
from tests.mailbox import LoopbackSMTP, configure


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


@pytest.fixture
def api(demo_app, demo_db):  # type: ignore[no-untyped-def]
    return Api(demo_app)


def _nobody_yet() -> Employee:
    found = db.session.scalar(signins.without_signin_query().limit(1))
    assert found is not None
    return found


def _users() -> int:
    return int(db.session.scalar(select(func.count(User.id))) or 0)


def test_hr_lists_sign_ins_searched_filtered_and_paged(api):
    listed = api.get("/users?q=maria.lopez")
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 1
    (maria,) = body["items"]
    assert maria["name"] == "Maria Lopez" and maria["roles"] == ["employee"]
    assert maria["state"] in signins.SIGNIN_STATES
    admins = api.get("/users?role=admin", who="admin").get_json()["items"]
    assert {"admin", "employee"} <= set(admins[0]["roles"])
    assert all("admin" in u["roles"] for u in admins)
    paged = api.get("/users?per_page=2&page=2").get_json()
    assert paged["page"] == 2 and len(paged["items"]) == 2 and paged["total"] == _users()
    assert api.get("/users?state=haunted").status_code == 422
    assert api.get("/users?role=root").status_code == 422
    assert api.get("/users", who="employee").status_code == 403
    assert api.get("/users", who="finance").status_code == 403


def test_hr_creates_a_sign_in_201_and_an_admin_may_name_roles(api, smtp):
    person = _nobody_yet()
    made = api.post("/users", {"employee_id": person.id, "roles": ["employee"]})
    assert made.status_code == 201
    body = made.get_json()
    assert body["employee_id"] == person.id and body["roles"] == ["employee"]
    assert body["email"] == person.email.lower() and body["state"] == "invited"
    assert signins.signin_of(person) is not None
    (message,) = smtp.wait_for(1)
    assert message.rcpt_tos == [person.email.lower()]
    assert "/auth/invitation/" in message.text and "Set your password" in message.text
    other = _nobody_yet()
    before = audit_count()
    refused = api.post("/users", {"employee_id": other.id, "roles": ["admin"]})
    assert refused.status_code == 403 and "Only an admin" in refused.get_json()["error"]
    assert signins.signin_of(other) is None and audit_count() == before
    by_admin = api.post("/users", {"employee_id": other.id, "roles": ["hr", "admin"]}, who="admin")
    assert by_admin.status_code == 201
    assert by_admin.get_json()["roles"] == ["admin", "employee", "hr"]
    assert len(smtp.wait_for(2)) == 2 and smtp.to(other.email.lower())


def test_bad_bodies_are_refused_naming_the_field_and_nothing_changes(api):
    person = _nobody_yet()
    api.token("admin"), api.token("hr")  # made (and audited) before counting
    before, users = audit_count(), _users()
    cases = (
        ({}, "employee_id"),
        ({"employee_id": "seven"}, "employee_id"),
        ({"employee_id": 0}, "employee_id"),
        ({"employee_id": 99999999}, "employee_id"),
        ({"employee_id": person.id, "roles": ["root"]}, "roles"),
        ({"employee_id": person.id, "roles": "hr"}, "roles"),
        ({"employee_id": person.id, "password": "x"}, "password"),
    )
    for body, field in cases:
        answer = api.post("/users", body, who="admin")
        assert answer.status_code == 422, (body, answer.get_json())
        assert field in answer.get_json()["errors"], (body, answer.get_json())
    maria = employee_named("Maria Lopez")
    twice = api.post("/users", {"employee_id": maria.id})
    assert twice.status_code == 409 and "already has a sign-in" in twice.get_json()["error"]
    assert audit_count() == before and _users() == users


def test_an_admin_patches_roles_and_disables_and_the_token_stops_at_once(api):
    maria = user_for("employee")
    maria_api = Api(api.app)
    assert maria_api.get("/users", who=maria).status_code == 403  # her token works: 403, not 401
    granted = api.patch(f"/users/{maria.id}", {"roles": ["finance"]}, who="admin")
    assert granted.status_code == 200 and granted.get_json()["roles"] == ["employee", "finance"]
    assert maria_api.get("/tuition/summary?year=2026", who=maria).status_code == 200
    browser = signed_in_client(api.app, PERSONAS["employee"])
    disabled = api.patch(f"/users/{maria.id}", {"disabled": True}, who="admin")
    assert disabled.status_code == 200 and disabled.get_json()["state"] == "disabled"
    assert maria_api.get("/tuition/summary?year=2026", who=maria).status_code == 401
    assert "/login" in browser.get("/profile/").headers["Location"]
    enabled = api.patch(f"/users/{maria.id}", {"disabled": False, "roles": []}, who="admin")
    assert enabled.status_code == 200
    assert enabled.get_json()["roles"] == ["employee"] and enabled.get_json()["state"] != "disabled"


def test_patch_is_for_admins_and_keeps_the_own_and_last_admin_rules(api):
    ada = user_for("admin")
    maria = user_for("employee")
    api.token("admin")  # made (and audited) before counting
    assert api.patch(f"/users/{maria.id}", {"roles": ["hr"]}, who="hr").status_code == 403
    before = audit_count()
    own = api.patch(f"/users/{ada.id}", {"roles": ["employee"]}, who="admin")
    assert own.status_code == 409 and "your own admin role" in own.get_json()["error"]
    off = api.patch(f"/users/{ada.id}", {"disabled": True}, who="admin")
    assert off.status_code == 409 and "your own sign-in" in off.get_json()["error"]
    # a PATCH that is refused in part changes nothing at all
    mixed = api.patch(f"/users/{ada.id}", {"roles": ["admin", "hr"], "disabled": True}, who="admin")
    assert mixed.status_code == 409
    db.session.expire_all()
    ada = db.session.get(User, ada.id)
    assert ada.active and ada.app_roles == {"admin", "employee"} and audit_count() == before
    for body, field in (
        ({"disabled": "yes"}, "disabled"),
        ({"roles": ["wizard"]}, "roles"),
        ({"roles": None}, "roles"),
        ({"email": "x@example.com"}, "email"),
    ):
        answer = api.patch(f"/users/{maria.id}", body, who="admin")
        assert answer.status_code == 422 and field in answer.get_json()["errors"], body
    assert api.patch("/users/99999999", {"disabled": True}, who="admin").status_code == 404
    assert audit_count() == before


def test_another_admin_may_take_the_admin_role_away(api):
    ada = user_for("admin")
    grace = sign_in_for(employee_named("Grace Okafor"), roles=("admin",))
    answer = api.patch(f"/users/{ada.id}", {"roles": []}, who=grace)
    assert answer.status_code == 200 and answer.get_json()["roles"] == ["employee"]
    back = api.patch(f"/users/{grace.id}", {"roles": []}, who=grace)
    assert back.status_code == 409  # now grace is the last admin, and it is her own role
