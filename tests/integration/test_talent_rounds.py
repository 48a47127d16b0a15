"""360 rounds collected in the app (docs/RULES.md "Collecting 360 feedback").

Invitations go through a real SMTP server on loopback; raters follow the link from the message
they received and answer the form without signing in. After a round every table is read to
show that no response can be traced to its rater, even with the database in hand.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from app.extensions import db
from app.models import (
    AppSetting,
    Assessment,
    AuditEntry,
    Employee,
    FeedbackInvitation,
    FeedbackResponse,
    FeedbackRound,
)
from app.services import configuration
from app.services.catalogue.errors import InvalidEntry
from app.services.records import assessment_view, record_assessment
from tests.conftest import TEST_TODAY
from tests.factories import (
    api_token,
    employee_named,
    persona_user,
    sign_in_for,
    signed_in_client,
)
from tests.mailbox import LoopbackSMTP, configure

DIMENSIONS = ["Leadership", "Communication", "Coaching", "Integrity"]
OUTSIDER = "ext.rater@partner.example"
CLOSES = TEST_TODAY + timedelta(days=10)


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


def _peers(grace: Employee, n: int) -> list[Employee]:
    return list(
        db.session.scalars(
            select(Employee)
            .where(Employee.manager_id == grace.id, Employee.status == "active")
            .order_by(Employee.id)
            .limit(n)
        )
    )


def _open_through_the_page(login_as, grace: Employee, peers: list[Employee]):  # type: ignore[no-untyped-def]
    hr = login_as("hr")
    response = hr.post(
        f"/talent/people/{grace.id}/360/new",
        data={
            "instrument": "LEAD-360",
            "closes_on": CLOSES.isoformat(),
            "self": "1",
            "manager_people": [str(grace.manager_id)],
            "peer_people": [str(p.id) for p in peers],
            "other_emails": OUTSIDER,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return hr, response.headers["Location"]


def _rounds_of(person: Employee) -> int:
    return db.session.query(FeedbackRound).filter_by(employee_id=person.id).count()


def _answers_of(person: Employee) -> int:
    return (
        db.session.query(FeedbackResponse)
        .join(FeedbackRound, FeedbackRound.id == FeedbackResponse.round_id)
        .filter(FeedbackRound.employee_id == person.id)
        .count()
    )


def _link(box, address: str) -> str:  # type: ignore[no-untyped-def]
    messages = box.to(address)
    assert messages, f"no invitation reached {address}"
    found = re.search(
        r"https://echelon\.example\.com(/feedback/[A-Za-z0-9_\-]+)", messages[-1].text
    )
    assert found, messages[-1].text
    html_link = re.search(
        r'href="https://echelon\.example\.com(/feedback/[^"]+)"', messages[-1].html
    )
    assert html_link and html_link.group(1) == found.group(1)
    return found.group(1)


def _answer(client, link: str, score: str = "4", comment: str = ""):  # type: ignore[no-untyped-def]
    data = {f"score:{d}": score for d in DIMENSIONS}
    if comment:
        data["comment:Leadership"] = comment
    return client.post(link, data=data)


def test_a_round_collects_answers_from_emailed_links_and_becomes_an_assessment(
    demo_app, demo_db, smtp, login_as
):
    grace = employee_named("Grace Okafor")
    peers = _peers(grace, 3)
    manager = db.session.get(Employee, grace.manager_id)
    hr, round_page = _open_through_the_page(login_as, grace, peers)
    invited = [grace.email, manager.email, *(p.email for p in peers), OUTSIDER]
    smtp.wait_for(len(invited))
    assert sorted(a for m in smtp.messages for a in m.rcpt_tos) == sorted(invited)
    assert "Grace Okafor" in smtp.to(OUTSIDER)[0].subject

    anonymous = demo_app.test_client()
    form = anonymous.get(_link(smtp, OUTSIDER))
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and "You answer as: <strong>Others</strong>" in page
    for d in DIMENSIONS:
        assert f"Score for {d}" in page
    assert _answer(anonymous, _link(smtp, OUTSIDER), "5", "Clear and calm").status_code == 200
    assert _answer(anonymous, _link(smtp, manager.email), "4", "Coaches well").status_code == 200
    assert (
        _answer(anonymous, _link(smtp, grace.email), "3", "I could delegate more").status_code
        == 200
    )
    for peer in peers[:2]:
        assert (
            _answer(anonymous, _link(smtp, peer.email), "2", f"Peer view {peer.id}").status_code
            == 200
        )

    shown = hr.get(round_page).get_data(as_text=True)
    assert "5 of 6 raters answered" in shown
    assert 'Peers</th><td class="num">3</td><td class="num">2</td>' in shown
    for person in (manager, *peers):
        assert person.name not in shown  # never who was invited or who answered

    feedback_round = db.session.scalar(
        select(FeedbackRound).where(FeedbackRound.employee_id == grace.id)
    )
    assert hr.post(f"/talent/360/{feedback_round.id}/close").status_code == 302
    db.session.expire_all()
    assessment = db.session.get(Assessment, feedback_round.assessment_id)
    assert assessment.conducted_on == TEST_TODAY and len(assessment.responses) == 5
    view = assessment_view(assessment)
    assert not view.result.group("peer").shown  # 2 peers of a minimum of 3: hidden, excluded
    assert view.result.overall == pytest.approx(4.5)  # manager 4 and other 5; self not counted

    closed = hr.get(round_page).get_data(as_text=True)
    assert "Coaches well" in closed and "Clear and calm" in closed
    assert "Peer view" not in closed  # the hidden group's comments are not shown
    assert "I could delegate more" in closed  # hr sees self

    sam = login_as("manager").get(round_page).get_data(as_text=True)
    assert "Coaches well" in sam and "I could delegate more" not in sam and ">Self<" not in sam
    sign_in_for(grace)
    own = login_as(grace.email).get(round_page).get_data(as_text=True)
    assert "I could delegate more" in own


def test_no_table_lets_a_response_be_traced_to_its_rater(demo_app, demo_db, smtp, login_as):
    grace = employee_named("Grace Okafor")
    peers = _peers(grace, 3)
    hr, _ = _open_through_the_page(login_as, grace, peers)
    smtp.wait_for(6)
    anonymous = demo_app.test_client()
    for score, peer in zip(("2", "3", "4"), peers, strict=True):
        assert (
            _answer(anonymous, _link(smtp, peer.email), score, f"from {score}").status_code == 200
        )
    assert _answer(anonymous, _link(smtp, OUTSIDER), "5").status_code == 200
    feedback_round = db.session.scalar(
        select(FeedbackRound).where(FeedbackRound.employee_id == grace.id)
    )
    hr.post(f"/talent/360/{feedback_round.id}/close")
    db.session.expire_all()

    # The schema: a response holds its round, group, scores and comments, nothing else; no
    # table points at an invitation; responses carry no time and no sequential id.
    inspector = inspect(db.engine)
    columns = {c["name"] for c in inspector.get_columns("feedback_responses")}
    assert columns == {"key", "round_id", "rater_group", "scores", "comments"}
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            assert fk["referred_table"] != "feedback_invitations", table
    keys = list(
        db.session.scalars(
            select(FeedbackResponse.key).where(FeedbackResponse.round_id == feedback_round.id)
        )
    )
    assert len(keys) == 4 and all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)

    # The data: after the close no invitation keeps an address, and no row of any table but
    # the people's own holds a rater's address or a link's hash with anything of a response.
    invitations = list(
        db.session.scalars(
            select(FeedbackInvitation).where(FeedbackInvitation.round_id == feedback_round.id)
        )
    )
    assert {i.email for i in invitations} == {None}
    hashes = {i.token_hash for i in invitations}
    addresses = {OUTSIDER, *(p.email for p in peers)}
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            text = " ".join(str(v) for v in row)
            people = ("employees", "users")
            if table.name not in people and not (
                table.name == "audit_entries" and row.table_name in people
            ):
                assert not any(a in text for a in addresses), (table.name, text[:200])
            if table.name != "feedback_invitations":
                assert not any(h in text for h in hashes), table.name
    audited = {e.table_name for e in db.session.scalars(select(AuditEntry))}
    assert "feedback_responses" not in audited and "feedback_invitations" not in audited


def test_used_expired_foreign_and_closed_links_are_refused(demo_app, demo_db, smtp, login_as):
    grace = employee_named("Grace Okafor")
    peers = _peers(grace, 3)
    hr, _ = _open_through_the_page(login_as, grace, peers)
    smtp.wait_for(6)
    anonymous = demo_app.test_client()
    used = _link(smtp, peers[0].email)
    assert _answer(anonymous, used).status_code == 200
    again = _answer(anonymous, used, "1")
    assert again.status_code == 409 and "This link has been used" in again.get_data(as_text=True)
    assert anonymous.get(used).status_code == 409

    foreign = anonymous.get("/feedback/" + "x" * 43)
    assert foreign.status_code == 404 and "not valid" in foreign.get_data(as_text=True)
    assert anonymous.get("/feedback/short").status_code == 404

    expired = _link(smtp, peers[1].email)
    demo_app.config["ECHELON_TODAY"] = (CLOSES + timedelta(days=1)).isoformat()
    late = _answer(anonymous, expired)
    assert late.status_code == 409
    assert f"closed on {CLOSES.isoformat()}" in late.get_data(as_text=True)
    demo_app.config["ECHELON_TODAY"] = TEST_TODAY.isoformat()

    feedback_round = db.session.scalar(
        select(FeedbackRound).where(FeedbackRound.employee_id == grace.id)
    )
    hr.post(f"/talent/360/{feedback_round.id}/close")
    closed = anonymous.get(_link(smtp, peers[2].email))
    assert closed.status_code == 409
    assert f"closed on {TEST_TODAY.isoformat()}" in closed.get_data(as_text=True)
    assert _answers_of(grace) == 1


def test_bad_answers_change_nothing_and_the_link_still_works(demo_app, demo_db, smtp, login_as):
    grace = employee_named("Grace Okafor")
    _open_through_the_page(login_as, grace, _peers(grace, 3))
    smtp.wait_for(6)
    anonymous = demo_app.test_client()
    link = _link(smtp, OUTSIDER)
    off_scale = _answer(anonymous, link, "9")
    assert off_scale.status_code == 422
    assert "must be a number from 1 to 5" in off_scale.get_data(as_text=True)
    missing = anonymous.post(link, data={"score:Leadership": "4"})
    assert missing.status_code == 422 and "Give a score for Coaching" in missing.get_data(
        as_text=True
    )
    assert _answers_of(grace) == 0
    assert _answer(anonymous, link).status_code == 200


def test_reminders_go_once_to_those_who_have_not_answered(
    demo_app, demo_db, smtp, login_as, runner
):
    grace = employee_named("Grace Okafor")
    peers = _peers(grace, 3)
    _open_through_the_page(login_as, grace, peers)
    smtp.wait_for(6)
    anonymous = demo_app.test_client()
    assert _answer(anonymous, _link(smtp, peers[0].email)).status_code == 200
    smtp.messages.clear()
    early = runner.invoke(
        args=["run-360-rounds", "--as-of", (CLOSES - timedelta(days=4)).isoformat()]
    )
    assert early.exit_code == 0 and "0 reminders sent" in early.output
    due = (CLOSES - timedelta(days=3)).isoformat()
    first = runner.invoke(args=["run-360-rounds", "--as-of", due])
    assert first.exit_code == 0 and "5 reminders sent, 0 rounds closed" in first.output
    smtp.wait_for(5)
    reminded = sorted(a for m in smtp.messages for a in m.rcpt_tos)
    assert peers[0].email not in reminded and OUTSIDER in reminded and len(reminded) == 5
    assert all(m.subject.startswith("Reminder: 360 feedback") for m in smtp.messages)
    second = runner.invoke(args=["run-360-rounds", "--as-of", due])
    assert "0 reminders sent" in second.output and len(smtp.messages) == 5

    closing = runner.invoke(
        args=["run-360-rounds", "--as-of", (CLOSES + timedelta(days=1)).isoformat()]
    )
    assert "1 round closed" in closing.output
    feedback_round = db.session.scalar(
        select(FeedbackRound).where(FeedbackRound.employee_id == grace.id)
    )
    db.session.refresh(feedback_round)
    assessment = db.session.get(Assessment, feedback_round.assessment_id)
    assert assessment.conducted_on == CLOSES and len(assessment.responses) == 1
    again = runner.invoke(
        args=["run-360-rounds", "--as-of", (CLOSES + timedelta(days=1)).isoformat()]
    )
    assert "0 rounds closed" in again.output


def test_who_may_open_a_round_and_what_the_form_refuses(demo_app, demo_db, smtp, login_as):
    grace = employee_named("Grace Okafor")
    maria = employee_named("Maria Lopez")
    sign_in_for(grace)
    assert login_as(grace.email).get(f"/talent/people/{grace.id}/360/new").status_code == 403
    sign_in_for(employee_named("Daniel Kim"))
    daniel = login_as("daniel.kim@example.com")
    assert daniel.get(f"/talent/people/{maria.id}/360/new").status_code == 200  # her manager
    refused = login_as("hr").post(
        f"/talent/people/{grace.id}/360/new",
        data={"instrument": "L3-AC", "closes_on": "2020-01-01", "other_emails": "not-an-address"},
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "not a 360 instrument" in body and "The close date must be from" in body
    assert _rounds_of(grace) == 0 and not smtp.messages


# ----------------------------------------------------------------------------- issue 20, item 5


def test_lowering_a_minimum_later_reveals_no_hidden_group(demo_app, demo_db):
    """The attack: an admin lowers the peer minimum to 1 to see a hidden 2-peer group."""
    with pytest.raises(InvalidEntry, match="from 3 to 50"):
        configuration.update_settings(
            {"min_responses": "manager: 1\npeer: 1\ndirect_report: 3\nother: 1"}
        )
    with pytest.raises(InvalidEntry):
        configuration.update_settings(
            {"min_responses": {"manager": 1, "peer": 3, "direct_report": 2, "other": 1}}
        )
    daniel = employee_named("Daniel Kim")
    hr = persona_user("hr")
    recorded = record_assessment(
        daniel,
        "LEAD-360",
        TEST_TODAY,
        responses=[
            ("manager", {"Leadership": 4}),
            ("peer", {"Leadership": 2}),
            ("peer", {"Leadership": 3}),
        ],
        actor=hr,
    )
    demo = db.session.scalars(select(Assessment).where(Assessment.employee_id == daniel.id)).all()
    # Even a minimum stored before the floor existed (written straight to the table) applies
    # to no 360 collected under another.
    db.session.add(
        AppSetting(
            key="min_responses", value={"manager": 1, "peer": 1, "direct_report": 1, "other": 1}
        )
    )
    db.session.commit()
    for assessment in demo:
        if assessment.instrument.kind == "360":
            assert not assessment_view(assessment).result.group("peer").shown
    assert not assessment_view(recorded).result.group("peer").shown
    sam = signed_in_client(demo_app, "sam.rivera@example.com")
    page = sam.get(f"/records/assessments/{recorded.id}").get_data(as_text=True)
    assert "Hidden: this group has fewer than its minimum of 3 responses" in page


def test_the_assessment_page_shows_self_scores_to_the_person_and_hr_never_the_manager(
    demo_app, demo_db
):
    daniel = employee_named("Daniel Kim")
    recorded = record_assessment(
        daniel,
        "LEAD-360",
        TEST_TODAY,
        responses=[
            ("self", {"Leadership": 1}),
            ("manager", {"Leadership": 4}),
        ],
        actor=persona_user("hr"),
    )
    url = f"/records/assessments/{recorded.id}"
    sam = signed_in_client(demo_app, "sam.rivera@example.com")
    manager_page = sam.get(url).get_data(as_text=True)
    assert '<th scope="row">manager</th>' in manager_page
    assert '<th scope="row">self</th>' not in manager_page and "1.00" not in manager_page
    hr_page = signed_in_client(demo_app, persona_user("hr").email).get(url).get_data(as_text=True)
    assert '<th scope="row">self</th>' in hr_page and "1.00" in hr_page
    sign_in_for(daniel)
    own = signed_in_client(demo_app, daniel.email).get(url)
    assert own.status_code == 200
    assert '<th scope="row">self</th>' in own.get_data(as_text=True)


def test_the_api_gives_a_360s_self_group_to_the_person_and_hr_never_the_manager(demo_app, demo_db):
    daniel = employee_named("Daniel Kim")
    recorded = record_assessment(
        daniel,
        "LEAD-360",
        TEST_TODAY,
        responses=[("self", {"Leadership": 1}), ("manager", {"Leadership": 4})],
        actor=persona_user("hr"),
    )
    people = {"manager": sign_in_for(employee_named("Sam Rivera")), "hr": persona_user("hr")}
    people["self"] = sign_in_for(daniel)
    tokens = {who: api_token(user, "360 reader") for who, user in people.items()}
    client = demo_app.test_client()

    def groups(who: str, path: str) -> list[set[str]]:
        body = client.get(
            f"/api/v1/employees/{daniel.id}/{path}",
            headers={"Authorization": f"Bearer {tokens[who]}"},
        )
        assert body.status_code == 200
        data = body.get_json()
        rows = data["items"] if "items" in data else data["assessments"]
        return [{g["rater_group"] for g in a["groups"]} for a in rows if a["id"] == recorded.id]

    for path in ("assessments", "records"):
        (managers,) = groups("manager", path)
        assert "manager" in managers and "self" not in managers
        assert all("self" in seen for seen in groups("hr", path) + groups("self", path))
