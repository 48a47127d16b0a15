"""The sign-ins page (issue 19, docs/RULES.md "Sign-ins"): hr and admins find, create and invite;
only admins change roles and states; nobody removes their own admin role and the last active
admin stays; disabling ends sessions and API tokens on the next request; bulk invitations run
as a background job with a summary. Real database, real sign-in form, real workers."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import now
from app.extensions import db
from app.models import ApiToken, AuditEntry, Employee, Job, User
from app.services import signins
from tests.factories import (
    DEMO_PASSWORD,
    PERSONAS,
    api_token,
    employee_named,
    sign_in_for,
    signed_in_client,
    user_of,
)
from tests.integration.jobs_support import ThreadWorker, wait_for
from tests.mailbox import LoopbackSMTP, configure, free_port

NEW_PASSWORD = "my-own-passphrase-2026"
LINK = re.compile(r"https://echelon\.example\.com(/auth/invitation/[A-Za-z0-9_\-]{43})")


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


def _link(box, address: str, count: int = 1) -> str:  # type: ignore[no-untyped-def]
    """The invitation link of the ``count``-th message to ``address`` (waits for it)."""
    received = box.to(address)
    deadline = time.monotonic() + 10
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.02)
        received = box.to(address)
    assert len(received) >= count, f"no message {count} to {address}"
    found = LINK.search(received[count - 1].text)
    assert found, received[count - 1].text
    return found.group(1)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def _rows(page: str) -> list[str]:
    """The names in the sign-ins table, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>\s*<td>([^<]+)</td>", body)


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    found = db.session.get(User, user_id)
    assert found is not None
    return found


def _audits(table: str, record_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.table_name == table, AuditEntry.record_id == str(record_id)
            )
        )
        or 0
    )


def _without_signin(count: int = 1) -> list[Employee]:
    found = db.session.scalars(signins.without_signin_query().limit(count)).all()
    assert len(found) == count
    return list(found)


# --------------------------------------------------------------------------- the list


def test_hr_finds_sign_ins_by_name_email_and_number_and_filters_by_role(
    demo_app, demo_db, login_as
):
    hr = login_as("hr")
    maria = employee_named("Maria Lopez")
    by_name = text(hr.get("/sign-ins/?q=maria lop"))
    assert _rows(by_name) == ["Maria Lopez"]
    assert _rows(text(hr.get("/sign-ins/?q=MARIA.LOPEZ@example"))) == ["Maria Lopez"]
    assert _rows(text(hr.get(f"/sign-ins/?q={maria.employee_no}"))) == ["Maria Lopez"]
    admins = _rows(text(hr.get("/sign-ins/?role=admin")))
    assert "Ada Ng" in admins and "Maria Lopez" not in admins
    plain = _rows(text(hr.get("/sign-ins/?role=employee")))
    assert "Maria Lopez" in plain and "Ada Ng" not in plain and "Hannah Reid" not in plain
    empty = text(hr.get("/sign-ins/?q=nobody-is-called-this"))
    assert "No sign-in matches these filters" in empty
    # an unknown filter value filters nothing, and never fails
    assert hr.get("/sign-ins/?role=superuser&state=%00&sort=password_hash").status_code == 200


def test_the_list_sorts_and_pages(demo_app, demo_db, login_as):
    admin = login_as("admin")
    total = db.session.scalar(select(func.count(User.id)))
    assert total and total >= 3
    first = text(admin.get("/sign-ins/?per_page=2&sort=email"))
    assert f"{total} results · page 1 of {(total + 1) // 2}" in first
    assert 'rel="next"' in first
    emails = sorted(db.session.scalars(select(User.email)))
    assert emails[0] in first and emails[2] not in first
    second = text(admin.get("/sign-ins/?per_page=2&sort=email&page=2"))
    assert emails[2] in second and emails[0] not in second
    backwards = text(admin.get("/sign-ins/?per_page=1&sort=email&dir=desc"))
    assert emails[-1] in backwards


def test_states_filter_disabled_and_locked_sign_ins(demo_app, demo_db, login_as):
    admin = login_as("admin")
    grace = sign_in_for(employee_named("Grace Okafor"))
    maria = user_of(PERSONAS["employee"])
    maria.locked_until = now() + timedelta(minutes=10)
    db.session.commit()
    admin.post(f"/sign-ins/{grace.id}/disable")
    assert _rows(text(admin.get("/sign-ins/?state=disabled"))) == ["Grace Okafor"]
    assert _rows(text(admin.get("/sign-ins/?state=locked"))) == ["Maria Lopez"]
    active = _rows(text(admin.get("/sign-ins/?state=active")))
    assert "Grace Okafor" not in active and "Maria Lopez" not in active


# --------------------------------------------------------------------------- creating


def test_hr_creates_a_sign_in_for_a_person_with_the_employee_role_only(demo_app, demo_db, login_as):
    hr = login_as("hr")
    person = _without_signin()[0]
    page = text(hr.get("/sign-ins/new"))
    assert person.name in page and "Maria Lopez" not in page  # only people without one
    refused = hr.post("/sign-ins/new", data={"employee_id": str(person.id), "roles": ["hr"]})
    assert refused.status_code == 403
    assert "Only an admin grants the hr, finance and admin roles" in text(refused)
    assert signins.signin_of(person) is None
    made = hr.post("/sign-ins/new", data={"employee_id": str(person.id)})
    assert made.status_code == 302
    account = signins.signin_of(person)
    assert account is not None and account.app_roles == frozenset({"employee"})
    assert account.email == person.email.lower()
    assert _audits("users", account.id) == 1
    listed = text(hr.get(made.headers["Location"]))
    assert f"Created the sign-in of {person.name}" in listed
    again = hr.post("/sign-ins/new", data={"employee_id": str(person.id)})
    assert again.status_code == 409 and "already has a sign-in" in text(again)


def test_an_admin_creates_a_sign_in_with_roles(demo_app, demo_db, login_as):
    admin = login_as("admin")
    person = _without_signin()[0]
    made = admin.post(
        "/sign-ins/new", data={"employee_id": str(person.id), "roles": ["finance", "hr"]}
    )
    assert made.status_code == 302
    account = signins.signin_of(person)
    assert account is not None and account.app_roles == {"employee", "finance", "hr"}


def test_a_leaver_and_bad_input_are_refused_with_a_message_and_nothing_changes(
    demo_app, demo_db, login_as
):
    hr = login_as("hr")
    leaver = db.session.scalar(
        select(Employee).where(
            Employee.status == "terminated", ~Employee.id.in_(select(User.employee_id))
        )
    )
    before = db.session.scalar(select(func.count(User.id)))
    if leaver is not None:
        refused = hr.post("/sign-ins/new", data={"employee_id": str(leaver.id)})
        assert refused.status_code == 409 and "has left" in text(refused)
    for bad in ("", "abc", "-1", "99999999", "1" * 40):
        answer = hr.post("/sign-ins/new", data={"employee_id": bad})
        assert answer.status_code == 422, bad
        assert "employee" in text(answer).lower()
    person = _without_signin()[0]
    odd = login_as("admin").post(
        "/sign-ins/new", data={"employee_id": str(person.id), "roles": ["superuser"]}
    )
    assert odd.status_code == 422 and "Unknown app role" in text(odd)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id))) == before


def test_hr_creates_a_sign_in_from_the_persons_page(demo_app, demo_db, login_as):
    hr = login_as("hr")
    person = _without_signin()[0]
    page = text(hr.get(f"/employees/{person.id}"))
    assert "Create sign-in" in page
    made = hr.post(
        "/sign-ins/new", data={"employee_id": str(person.id), "next": f"/employees/{person.id}"}
    )
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/employees/{person.id}")
    after = text(hr.get(f"/employees/{person.id}"))
    assert "Create sign-in" not in after and person.email.lower() in after
    # a manager sees no sign-in section on the pages of their people
    assert "Create sign-in" not in text(login_as("manager").get(f"/employees/{person.id}"))


def test_a_new_sign_in_gets_its_invitation_by_mail_and_the_person_sets_a_password(
    demo_app, demo_db, login_as, smtp
):
    hr = login_as("hr")
    person = _without_signin()[0]
    made = hr.post("/sign-ins/new", data={"employee_id": str(person.id)})
    assert f"an invitation was sent to {person.email.lower()}" in text(
        hr.get(made.headers["Location"])
    )
    path = _link(smtp, person.email.lower())
    (message,) = smtp.to(person.email.lower())
    assert "Set your password" in message.text and person.name.split()[0] in message.text
    assert person.name in _rows(text(hr.get("/sign-ins/?state=invited")))
    # resending sends a new link and the first one stops working
    account = signins.signin_of(person)
    assert account is not None
    again = hr.post(f"/sign-ins/{account.id}/resend", data={"next": f"/employees/{person.id}"})
    assert "A new invitation was sent" in text(hr.get(again.headers["Location"]))
    newer = _link(smtp, person.email.lower(), count=2)
    assert newer != path
    assert demo_app.test_client().get(path).status_code == 410
    browser = demo_app.test_client()
    done = browser.post(newer, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    signed_in_client(demo_app, person.email.lower(), NEW_PASSWORD)
    assert person.name in _rows(text(hr.get("/sign-ins/?state=active&q=" + person.employee_no)))
    assert person.name not in _rows(text(hr.get("/sign-ins/?state=invited")))
    # once used, the person's page offers no invitation any more
    assert "Resend invitation" not in text(hr.get(f"/employees/{person.id}"))


def test_when_the_mail_server_is_down_the_sign_in_stays_and_says_to_resend(
    demo_app, demo_db, login_as
):
    hr = login_as("hr")
    person = _without_signin()[0]
    demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    made = hr.post("/sign-ins/new", data={"employee_id": str(person.id)})
    shown = text(hr.get(made.headers["Location"]))
    assert f"The sign-in of {person.name} was created, but the invitation was not sent" in shown
    assert "Resend invitation" in shown
    account = signins.signin_of(person)
    assert account is not None
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        hr.post(f"/sign-ins/{account.id}/resend")
        path = _link(box, account.email)
    done = demo_app.test_client().post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302


# --------------------------------------------------------------------------- roles


def test_an_admin_grants_and_removes_hr_and_every_change_is_audited(demo_app, demo_db, login_as):
    admin = login_as("admin")
    maria = user_of(PERSONAS["employee"])
    granted = admin.post(f"/sign-ins/{maria.id}/grant", data={"role": "hr"})
    assert granted.status_code == 302
    assert "Maria Lopez now has the hr role" in text(admin.get(granted.headers["Location"]))
    assert _fresh(maria.id).has_role("hr")
    # the new role works at once: Maria may open hr's pages
    assert (
        signed_in_client(demo_app, PERSONAS["employee"]).get("/records/import").status_code == 200
    )
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == "user_roles").order_by(AuditEntry.id)
    ).all()
    assert entries[-1].action == "insert" and entries[-1].after["role"] == "hr"
    assert entries[-1].user_id == user_of(PERSONAS["admin"]).id
    removed = admin.post(f"/sign-ins/{maria.id}/remove", data={"role": "hr"})
    assert removed.status_code == 302
    assert not _fresh(maria.id).has_role("hr")
    last = db.session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == "user_roles").order_by(AuditEntry.id)
    ).all()[-1]
    assert last.action == "delete" and last.before["role"] == "hr"


def test_nobody_removes_their_own_admin_role(demo_app, demo_db, login_as):
    admin = login_as("admin")
    ada = user_of(PERSONAS["admin"])
    second = sign_in_for(employee_named("Grace Okafor"), roles=("admin",))
    own_row = text(admin.get("/sign-ins/?q=ada.ng"))
    assert "Ada Ng" in _rows(own_row)
    assert "from Ada Ng" not in own_row and "Disable<span" not in own_row  # no such buttons
    assert 'Remove admin<span class="sr-only"> from Grace Okafor' in text(
        admin.get("/sign-ins/?q=grace.okafor")
    )
    answer = admin.post(f"/sign-ins/{ada.id}/remove", data={"role": "admin"})
    assert "You cannot remove your own admin role" in text(admin.get(answer.headers["Location"]))
    assert _fresh(ada.id).has_role("admin")
    own = admin.post(f"/sign-ins/{ada.id}/disable")
    assert "You cannot disable your own sign-in" in text(admin.get(own.headers["Location"]))
    assert _fresh(ada.id).active
    # another admin may take it away: Ada is not the last one
    other = signed_in_client(demo_app, second.email)
    assert other.post(f"/sign-ins/{ada.id}/remove", data={"role": "admin"}).status_code == 302
    assert not _fresh(ada.id).has_role("admin")


def test_the_last_active_admin_keeps_the_role_and_the_sign_in(demo_app, demo_db):
    """Two admins, each about to act on the other: once one is disabled, the one left is the
    last active admin, and the disabled one's request (already past the door) is refused."""
    ada = user_of(PERSONAS["admin"])
    grace = sign_in_for(employee_named("Grace Okafor"), roles=("admin",))
    grace_in_flight = db.session.get(User, grace.id)
    signins.disable(grace, actor=ada)
    before = _audits("users", ada.id)
    for change in (
        lambda: signins.remove_role(ada, "admin", actor=grace_in_flight),
        lambda: signins.disable(ada, actor=grace_in_flight),
    ):
        try:
            change()
        except signins.SignInConflict as refused:
            assert "Ada Ng is the last active admin" in refused.message
        else:
            raise AssertionError("the last active admin lost the role or the sign-in")
    ada = _fresh(ada.id)
    assert ada.has_role("admin") and ada.active and _audits("users", ada.id) == before


def test_only_admins_change_roles_and_states(demo_app, demo_db, login_as):
    hr = login_as("hr")
    maria = user_of(PERSONAS["employee"])
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    for action, data in (
        ("grant", {"role": "hr"}),
        ("remove", {"role": "hr"}),
        ("disable", {}),
        ("enable", {}),
        ("unlock", {}),
    ):
        assert hr.post(f"/sign-ins/{maria.id}/{action}", data=data).status_code == 403
    assert login_as("employee").get("/sign-ins/").status_code == 403
    assert login_as("finance").get("/sign-ins/").status_code == 403
    maria = _fresh(maria.id)
    assert maria.active and not maria.has_role("hr")
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    # hr's page offers no admin actions
    page = text(hr.get("/sign-ins/?q=maria"))
    assert "Grant hr" not in page and ">Disable<" not in page


def test_a_bad_role_is_refused_with_a_message_and_nothing_changes(demo_app, demo_db, login_as):
    admin = login_as("admin")
    maria = user_of(PERSONAS["employee"])
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    for role in ("superuser", "", "employee", "HR; DROP TABLE users"):
        answer = admin.post(f"/sign-ins/{maria.id}/grant", data={"role": role})
        assert answer.status_code == 302
        assert "Not changed: Choose a role to change" in text(admin.get(answer.headers["Location"]))
    assert admin.post("/sign-ins/99999999/grant", data={"role": "hr"}).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    assert _fresh(maria.id).app_roles == {"employee"}


# --------------------------------------------------------------------------- states


def test_disabling_ends_the_sessions_and_api_tokens_on_the_next_request(
    demo_app, demo_db, login_as
):
    maria = user_of(PERSONAS["employee"])
    session = signed_in_client(demo_app, PERSONAS["employee"])
    secret = api_token(maria, "nightly sync")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert session.get("/employees/me").status_code == 302
    assert session.get("/profile/").status_code == 200
    assert demo_app.test_client().get("/api/v1/employees", headers=bearer).status_code == 200
    admin = login_as("admin")
    answer = admin.post(f"/sign-ins/{maria.id}/disable", data={"next": "/sign-ins/?q=maria"})
    assert answer.headers["Location"].endswith("/sign-ins/?q=maria")
    assert "sessions and API tokens have ended" in text(admin.get(answer.headers["Location"]))
    after = session.get("/profile/")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    assert demo_app.test_client().get("/api/v1/employees", headers=bearer).status_code == 401
    again = demo_app.test_client().post(
        "/login", data={"email": PERSONAS["employee"], "password": DEMO_PASSWORD}
    )
    assert again.status_code != 302 and "disabled" in text(again)
    # enabling lets Maria sign in again, but her old token stays revoked
    assert admin.post(f"/sign-ins/{maria.id}/enable").status_code == 302
    assert _fresh(maria.id).active
    signed_in_client(demo_app, PERSONAS["employee"])
    assert demo_app.test_client().get("/api/v1/employees", headers=bearer).status_code == 401
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == maria.id))
    assert token is not None and token.revoked_at is not None
    revoked = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.table_name == "api_tokens", AuditEntry.record_id == str(token.id)
        )
    ).all()
    assert any(e.after and e.after.get("revoked_at") for e in revoked)


def test_an_admin_unlocks_a_locked_sign_in(demo_app, demo_db, login_as):
    maria = user_of(PERSONAS["employee"])
    browser = demo_app.test_client()
    limit = demo_app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        browser.post("/login", data={"email": PERSONAS["employee"], "password": "wrong-password"})
    assert _fresh(maria.id).locked_until is not None
    refused = browser.post(
        "/login", data={"email": PERSONAS["employee"], "password": DEMO_PASSWORD}
    )
    assert refused.status_code != 302  # locked: even the right password is refused
    admin = login_as("admin")
    assert "Maria Lopez" in _rows(text(admin.get("/sign-ins/?state=locked")))
    before = _audits("users", maria.id)
    done = admin.post(f"/sign-ins/{maria.id}/unlock")
    assert "is unlocked" in text(admin.get(done.headers["Location"]))
    assert _fresh(maria.id).locked_until is None and _audits("users", maria.id) == before + 1
    signed_in_client(demo_app, PERSONAS["employee"])  # the right password works again
    second = admin.post(f"/sign-ins/{maria.id}/unlock")
    assert "is not locked" in text(admin.get(second.headers["Location"]))


# --------------------------------------------------------------------------- many at once


def _finished(job_id: int) -> Job | None:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    return job if job is not None and job.state in ("done", "failed") else None


def test_inviting_everyone_without_a_sign_in_is_a_job_with_a_summary(
    demo_app, demo_db, login_as, smtp
):
    hr = login_as("hr")
    waiting = signins.without_signin_ids()
    assert len(waiting) >= 5
    page = text(hr.get("/sign-ins/"))
    assert f"Invite everyone without a sign-in ({len(waiting)})" in page
    # one of them gets a sign-in meanwhile: the job skips them and says why
    early = db.session.get(Employee, waiting[0])
    sign_in_for(early)
    answer = hr.post("/sign-ins/invite-many", data={"scope": "everyone"})
    assert answer.status_code == 302 and "/jobs/" in answer.headers["Location"]
    job_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    with ThreadWorker(demo_app) as worker:
        job = wait_for(lambda: _finished(job_id), "the invitations", worker)
    assert job.state == "done"
    assert job.summary["invited"] == len(waiting) - 1
    assert job.summary["skipped"] == 0  # the list was read when asked: without the early one
    assert signins.without_signin_ids() == []
    for employee_id in waiting[1:]:  # each of them got their own invitation, once
        address = db.session.get(Employee, employee_id).email.lower()
        _link(smtp, address)
        assert len(smtp.to(address)) == 1
    assert smtp.to(early.email.lower()) == []
    shown = text(hr.get(f"/jobs/{job_id}"))
    assert f"Sign-ins for everyone without one ({len(waiting) - 1} people)" in shown
    assert re.search(rf"Invited</th><td>{len(waiting) - 1}<", shown)
    assert "Invite everyone without a sign-in" not in text(hr.get("/sign-ins/"))


def test_a_retried_invitation_job_invites_nobody_twice(demo_app, demo_db, smtp):
    from app.services import jobs
    from app.services.jobs import invitations as invitation_jobs

    hr = user_of(PERSONAS["hr"])
    people = [e.id for e in _without_signin(3)]
    job_id = invitation_jobs.request_invitations(hr, people, "Sign-ins for three")
    with ThreadWorker(demo_app) as worker:
        job = wait_for(lambda: _finished(job_id), "the invitations", worker)
        assert job.summary == {"invited": 3, "skipped": 0}
        db.session.execute(
            Job.__table__.update().where(Job.id == job_id).values(state="queued", summary=None)
        )
        db.session.commit()
        jobs.enqueue(job_id)
        again = wait_for(
            lambda: (found := _finished(job_id)) and found.summary and found, "the retry", worker
        )
    assert again.summary["invited"] == 0 and again.summary["skipped"] == 3
    assert "already has a sign-in" in again.summary["why"]
    for employee_id in people:
        address = db.session.get(Employee, employee_id).email.lower()
        assert len(smtp.to(address)) == 1


EMPLOYEES_CSV = (
    "employee_no,name,email,hire_date\n"
    "Z9001,Nora Quinn,nora.quinn@hires.example,2026-11-02\n"
    "Z9002,Omar Haddad,omar.haddad@hires.example,2026-11-02\n"
    "Z9003,Pia Lund,pia.lund@hires.example,2026-11-02\n"
)


def test_after_an_import_of_employees_hr_gives_the_new_people_sign_ins(
    demo_app, demo_db, login_as, smtp
):
    hr = login_as("hr")
    staged = hr.post(
        "/records/import",
        data={
            "kind": "employees",
            "date_format": "iso",
            "file": (io.BytesIO(EMPLOYEES_CSV.encode()), "hires.csv"),
        },
        content_type="multipart/form-data",
    )
    assert staged.status_code == 302
    applied = hr.post(staged.headers["Location"] + "/apply", data={"date_format": "iso"})
    assert applied.status_code == 302
    page = text(hr.get(applied.headers["Location"]))
    assert "Create sign-ins for the 3 people just imported" in page
    answer = hr.post("/sign-ins/invite-many", data={"scope": "imported"})
    job_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    with ThreadWorker(demo_app) as worker:
        job = wait_for(lambda: _finished(job_id), "the invitations", worker)
    assert job.summary == {"invited": 3, "skipped": 0}
    for address in (
        "nora.quinn@hires.example",
        "omar.haddad@hires.example",
        "pia.lund@hires.example",
    ):
        _link(smtp, address)
    made = db.session.scalars(
        select(User.email).where(
            User.email.in_(["nora.quinn@hires.example", "pia.lund@hires.example"])
        )
    ).all()
    assert len(made) == 2
    # the offer is gone, and a second ask invites nobody
    assert "just imported" not in text(hr.get("/records/import"))
    nobody = hr.post("/sign-ins/invite-many", data={"scope": "imported"})
    assert "nobody to invite" in text(hr.get(nobody.headers["Location"]))
    unknown = hr.post("/sign-ins/invite-many", data={"scope": "the-board"})
    assert "Choose whom to invite" in text(hr.get(unknown.headers["Location"]))


def test_two_admins_removing_each_other_at_once_leave_one_admin(demo_app, demo_db):
    """Real threads, one session and connection each, released together after both have read:
    one removal wins, the other is refused, and an admin remains."""
    import threading

    from app.audit import acting_as

    ada = user_of(PERSONAS["admin"])
    grace = sign_in_for(employee_named("Grace Okafor"), roles=("admin",))
    pairs = [(ada.id, grace.id), (grace.id, ada.id)]
    db.session.remove()
    barrier = threading.Barrier(2, timeout=20)
    results: list[object] = [None, None]

    def run(index: int) -> None:
        actor_id, target_id = pairs[index]
        with demo_app.app_context():
            try:
                actor = db.session.get(User, actor_id)
                target = db.session.get(User, target_id)
                assert actor is not None and target is not None
                assert actor.has_role("admin") and target.has_role("admin")
                barrier.wait()
                with acting_as(actor.email, actor.id):
                    signins.remove_role(target, "admin", actor=actor)
                results[index] = "ok"
            except signins.SignInConflict as refused:
                results[index] = refused.message
            except BaseException as error:  # a crash is a failure, not a refusal
                barrier.abort()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results.count("ok") == 1, results
    refused = next(r for r in results if r != "ok")
    assert isinstance(refused, str) and "is the last active admin" in refused, results
    admins = db.session.scalar(select(func.count(User.id)).where(User.role_rows.any(role="admin")))
    assert admins == 1


def test_after_a_large_import_run_as_a_job_its_page_offers_the_sign_ins(
    demo_app, demo_db, login_as, smtp
):
    demo_app.config["JOBS_IMPORT_ROWS_THRESHOLD"] = 1  # a worker applies the file
    hr = login_as("hr")
    staged = hr.post(
        "/records/import",
        data={
            "kind": "employees",
            "date_format": "iso",
            "file": (io.BytesIO(EMPLOYEES_CSV.encode()), "hires.csv"),
        },
        content_type="multipart/form-data",
    )
    applied = hr.post(staged.headers["Location"] + "/apply", data={"date_format": "iso"})
    assert "/jobs/" in applied.headers["Location"]
    import_job = int(applied.headers["Location"].rsplit("/", 1)[1])
    with ThreadWorker(demo_app) as worker:
        assert wait_for(lambda: _finished(import_job), "the import", worker).state == "done"
        page = text(hr.get(f"/jobs/{import_job}"))
        assert "Create sign-ins for the 3 people just imported" in page
        # someone else's job id offers nobody
        other = login_as("admin").post(
            "/sign-ins/invite-many", data={"scope": "job", "job_id": str(import_job)}
        )
        assert "/jobs/" not in other.headers["Location"]
        answer = hr.post("/sign-ins/invite-many", data={"scope": "job", "job_id": str(import_job)})
        job_id = int(answer.headers["Location"].rsplit("/", 1)[1])
        job = wait_for(lambda: _finished(job_id), "the invitations", worker)
    assert job.summary == {"invited": 3, "skipped": 0}
    _link(smtp, "pia.lund@hires.example")
    assert "just imported" not in text(hr.get(f"/jobs/{import_job}"))


def test_recording_a_termination_ends_the_sessions_and_api_tokens_on_the_next_request(
    demo_app, demo_db
):
    """DOMAIN "Accounts and sign-in": the termination of a sign-in's employee ends its
    sessions and its API tokens at once, as disabling does."""
    maria = user_of(PERSONAS["employee"])
    session = signed_in_client(demo_app, PERSONAS["employee"])
    bearer = {"Authorization": f"Bearer {api_token(maria, 'nightly sync')}"}
    assert session.get("/profile/").status_code == 200
    assert demo_app.test_client().get("/api/v1/employees", headers=bearer).status_code == 200
    hr_bearer = {"Authorization": f"Bearer {api_token(user_of(PERSONAS['hr']), 'hr sync')}"}
    answer = demo_app.test_client().post(
        f"/api/v1/employees/{maria.employee_id}/termination",
        json={"termination_date": "2026-11-20", "reason": "voluntary"},
        headers=hr_bearer,
    )
    assert answer.status_code in (200, 201), answer.get_json()
    assert db.session.get(Employee, maria.employee_id).status == "terminated"
    after = session.get("/profile/")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    assert demo_app.test_client().get("/api/v1/employees", headers=bearer).status_code == 401
