"""Expiry reminders (docs/RULES.md "Reminders", issue 8).

docs/RULES.md: expiring certifications and background checks get reminders at 90, 60, 30 and 7 days
before expiry (cfg). The employee gets every reminder, the manager is added from 30 days, hr gets
the expired ones. Reminders are emailed and shown in the app; no reminder is ever sent twice.

The scenario: Grace Okafor (CSS, managed by Sam Rivera) holds a new "First aid at work"
certification that expires on 2027-03-01; she gets a sign-in for these tests. Hannah Reid is hr.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import (
    BackgroundCheck,
    CheckType,
    Completion,
    Course,
    CourseSession,
    Employee,
    Enrolment,
    Notification,
    User,
)
from app.services.accounts import create_user
from app.services.reminders import send_reminders
from tests.conftest import TEST_TODAY
from tests.mailbox import LoopbackSMTP, configure, free_port

# These tests run reminders from nothing sent: without the demo's own run of its date.
pytestmark = pytest.mark.usefixtures("reminders_not_yet_run")

EXPIRY = date(2027, 3, 1)
GRACE = "grace.okafor@example.com"
SAM = "sam.rivera@example.com"
HANNAH = "hannah.reid@example.com"
MARIA = "maria.lopez@example.com"


@dataclass
class Scenario:
    grace: Employee
    completion_id: int
    course_id: int


def _employee(db, email: str) -> Employee:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(Employee).where(Employee.email == email))


def _user(db, email: str) -> User:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def scenario(demo_db) -> Scenario:  # type: ignore[no-untyped-def]
    grace = _employee(demo_db, GRACE)
    create_user(GRACE, "a-long-password")
    course = Course(
        code="FIRST-AID",
        title="First aid at work",
        category="compliance",
        validity_months=12,
        default_duration_days=30,
    )
    demo_db.session.add(course)
    demo_db.session.flush()
    demo_db.session.add_all(
        [
            CourseSession(
                course_id=course.id,
                starts_on=EXPIRY - timedelta(days=40),
                ends_on=EXPIRY - timedelta(days=40),
                location="Cancelled room",
                cancelled=True,
            ),
            CourseSession(
                course_id=course.id,
                starts_on=EXPIRY - timedelta(days=20),
                ends_on=EXPIRY - timedelta(days=19),
                location="Training room 4",
            ),
            CourseSession(
                course_id=course.id,
                starts_on=EXPIRY + timedelta(days=30),
                ends_on=EXPIRY + timedelta(days=30),
                location="Online",
            ),
        ]
    )
    completion = Completion(
        employee_id=grace.id,
        course_id=course.id,
        completed_on=date(2026, 3, 1),
        expires_on=EXPIRY,
        verification="verified",
    )
    demo_db.session.add(completion)
    demo_db.session.commit()
    return Scenario(grace=grace, completion_id=completion.id, course_id=course.id)


def sent_for(db, kind: str, record_id: int) -> list[tuple[str, str, Notification]]:  # type: ignore[no-untyped-def]
    """(recipient email, stage, notification) of every reminder about one record."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Notification, User.email)
        .join(User, User.id == Notification.user_id)
        .where(Notification.dedupe_key.like(f"reminder:{kind}:{record_id}:%"))
        .order_by(Notification.id)
    ).all()
    return [(email, n.dedupe_key.split(":")[-1].split("#")[0], n) for n, email in rows]


def stages_by_recipient(db, kind: str, record_id: int) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    result: dict[str, list[str]] = {}
    for email, stage, _ in sent_for(db, kind, record_id):
        result.setdefault(email, []).append(stage)
    return result


# --------------------------------------------------------------------------- each threshold


def test_each_threshold_reaches_the_right_people(demo_db, scenario):
    """One run, six certifications of Grace expiring 91, 90, 60, 30, 7 and 0 days later."""
    expected = {
        91: {},
        90: {GRACE: "90d"},
        60: {GRACE: "60d"},
        30: {GRACE: "30d", SAM: "30d"},  # the manager is added from 30 days (cfg)
        7: {GRACE: "7d", SAM: "7d"},
        0: {GRACE: "expired", SAM: "expired", HANNAH: "expired"},  # hr: the expired ones
    }
    as_of = date(2027, 1, 10)
    completions = {}
    for days in expected:
        course = Course(code=f"CERT-{days}", title=f"Certificate {days}", validity_months=12)
        demo_db.session.add(course)
        demo_db.session.flush()
        completion = Completion(
            employee_id=scenario.grace.id,
            course_id=course.id,
            completed_on=as_of - timedelta(days=300),
            expires_on=as_of + timedelta(days=days),
            verification="verified",
        )
        demo_db.session.add(completion)
        demo_db.session.flush()
        completions[days] = completion.id
    demo_db.session.commit()

    send_reminders(as_of)
    for days, recipients in expected.items():
        sent = sent_for(demo_db, "certification", completions[days])
        assert {email: stage for email, stage, _ in sent} == recipients, days
        assert len(sent) == len(recipients)  # one message each


def test_nothing_is_sent_before_the_first_threshold(demo_db, scenario):
    send_reminders(EXPIRY - timedelta(days=91))
    assert sent_for(demo_db, "certification", scenario.completion_id) == []


def test_a_reminder_names_the_item_the_expiry_the_next_session_and_the_plan(demo_db, scenario):
    send_reminders(EXPIRY - timedelta(days=30))
    by_email = {
        email: n for email, _, n in sent_for(demo_db, "certification", scenario.completion_id)
    }
    mine, managers = by_email[GRACE], by_email[SAM]
    assert mine.subject == (
        "Reminder: your First aid at work (FIRST-AID) certification expires on 2027-03-01 "
        "(in 30 days)"
    )
    assert "expires on 2027-03-01, in 30 days" in mine.body
    # the cancelled session (2027-01-20) is skipped; the next one starts 2027-02-09
    assert "Next session that renews it: 2027-02-09 to 2027-02-10, Training room 4." in mine.body
    assert mine.link == f"/employees/{scenario.grace.id}/plan"
    assert mine.kind == "reminder"
    assert managers.subject.startswith("Reminder: Grace Okafor's First aid at work (FIRST-AID)")
    assert "You get this as Grace Okafor's manager." in managers.body
    assert managers.link == f"/employees/{scenario.grace.id}/plan"


def test_a_booking_already_held_is_named_instead_of_a_seat_offer(demo_db, scenario):
    """A reminder does not offer a seat to someone who holds one: it names the booking, to the
    person and to their manager; a waitlisted place is said as such."""
    training_room = demo_db.session.scalar(
        select(CourseSession).where(
            CourseSession.course_id == scenario.course_id,
            CourseSession.location == "Training room 4",
        )
    )
    booking = Enrolment(
        employee_id=scenario.grace.id, session_id=training_room.id, status="waitlisted"
    )
    demo_db.session.add(booking)
    demo_db.session.commit()
    session = "the session of 2027-02-09 to 2027-02-10, Training room 4"

    send_reminders(EXPIRY - timedelta(days=60))
    ((_, _, waiting),) = sent_for(demo_db, "certification", scenario.completion_id)
    assert f"You are on the waitlist of {session}; a seat is given" in waiting.body
    assert "Book your seat" not in waiting.body

    booking.status = "enrolled"
    demo_db.session.commit()
    send_reminders(EXPIRY - timedelta(days=30))
    thirty = {
        email: n
        for email, stage, n in sent_for(demo_db, "certification", scenario.completion_id)
        if stage == "30d"
    }
    mine, managers = thirty[GRACE], thirty[SAM]
    assert f"You are booked on {session}. Attending renews it." in mine.body
    assert "Book your seat" not in mine.body and "Next session that renews it" not in mine.body
    assert f"Grace Okafor is booked on {session}. Attending renews it." in managers.body


def test_the_next_session_is_the_first_one_starting_on_or_after_the_run_date(demo_db, scenario):
    send_reminders(EXPIRY - timedelta(days=7))  # the 2027-02-09 session has started
    (_, _, note), *_ = sent_for(demo_db, "certification", scenario.completion_id)
    assert "Next session that renews it: 2027-03-31 to 2027-03-31, Online." in note.body


def test_without_a_scheduled_session_the_reminder_says_so(demo_db, scenario):
    for session in demo_db.session.scalars(
        select(CourseSession).where(CourseSession.course_id == scenario.course_id)
    ):
        session.cancelled = True
    demo_db.session.commit()
    send_reminders(EXPIRY - timedelta(days=60))
    (_, _, note), *_ = sent_for(demo_db, "certification", scenario.completion_id)
    assert "none is scheduled yet" in note.body


def test_the_expired_reminder_says_so_to_everyone(demo_db, scenario):
    send_reminders(EXPIRY + timedelta(days=3))
    by_email = {
        email: n for email, _, n in sent_for(demo_db, "certification", scenario.completion_id)
    }
    assert by_email[GRACE].subject == (
        "Expired: your First aid at work (FIRST-AID) certification expired on 2027-03-01"
    )
    assert "3 days ago" in by_email[GRACE].body
    assert by_email[HANNAH].subject == (
        "Expired: Grace Okafor's First aid at work (FIRST-AID) certification expired on 2027-03-01"
    )
    assert "You get this because you work in HR." in by_email[HANNAH].body


# --------------------------------------------------------------------------- idempotence


def test_running_twice_on_the_same_day_sends_nothing_new(demo_db, scenario):
    first = send_reminders(EXPIRY - timedelta(days=30))
    second = send_reminders(EXPIRY - timedelta(days=30))
    assert first.created >= 2
    assert second.created == 0
    assert second.already_sent == first.created
    assert len(sent_for(demo_db, "certification", scenario.completion_id)) == 2


def test_a_daily_run_sends_every_stage_exactly_once(demo_db, scenario):
    day = EXPIRY - timedelta(days=100)
    while day <= EXPIRY + timedelta(days=5):
        send_reminders(day, deliver=False)  # mail is covered elsewhere; this is about stages
        day += timedelta(days=1)
    assert stages_by_recipient(demo_db, "certification", scenario.completion_id) == {
        GRACE: ["90d", "60d", "30d", "7d", "expired"],
        SAM: ["30d", "7d", "expired"],
        HANNAH: ["expired"],
    }


def test_catching_up_after_missed_days_sends_the_most_urgent_crossed_stage_once(demo_db, scenario):
    """Missed runs: the crossed stage is never skipped, and stale stages are never sent late."""
    send_reminders(EXPIRY - timedelta(days=95))  # nothing due yet
    send_reminders(EXPIRY - timedelta(days=55))  # 90 and 60 crossed: the 60-day one goes out
    send_reminders(EXPIRY - timedelta(days=54))
    assert stages_by_recipient(demo_db, "certification", scenario.completion_id) == {GRACE: ["60d"]}
    send_reminders(EXPIRY - timedelta(days=3))  # 30 and 7 crossed while cron was down
    send_reminders(EXPIRY + timedelta(days=10))  # now expired
    send_reminders(EXPIRY + timedelta(days=40))
    assert stages_by_recipient(demo_db, "certification", scenario.completion_id) == {
        GRACE: ["60d", "7d", "expired"],
        SAM: ["7d", "expired"],
        HANNAH: ["expired"],
    }
    (_, _, seven_day), *_ = sent_for(demo_db, "certification", scenario.completion_id)[1:]
    assert "in 3 days" in seven_day.body  # says how many days are really left


def test_a_corrected_expiry_date_gets_its_own_reminders(demo_db, scenario):
    send_reminders(EXPIRY - timedelta(days=30))
    completion = demo_db.session.get(Completion, scenario.completion_id)
    completion.expires_on = EXPIRY + timedelta(days=10)  # hr fixed a typo in the dates
    demo_db.session.commit()
    send_reminders(EXPIRY - timedelta(days=20))
    stages = stages_by_recipient(demo_db, "certification", scenario.completion_id)
    assert stages[GRACE] == ["30d", "30d"]


# --------------------------------------------------------------------------- what counts


def test_an_expired_completion_superseded_by_a_verified_renewal_is_not_reminded(demo_db):
    maria = _employee(demo_db, MARIA)
    pci = demo_db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    expired = demo_db.session.scalar(
        select(Completion)
        .where(Completion.employee_id == maria.id, Completion.course_id == pci.id)
        .order_by(Completion.completed_on.desc())
    )
    assert expired.expires_on < TEST_TODAY  # the demo case: her PCI refresher expired
    demo_db.session.add(
        Completion(
            employee_id=maria.id,
            course_id=pci.id,
            completed_on=TEST_TODAY - timedelta(days=3),
            expires_on=date(2027, 11, 19),
            verification="verified",
        )
    )
    demo_db.session.commit()
    send_reminders(TEST_TODAY)
    assert sent_for(demo_db, "certification", expired.id) == []


def test_an_unverified_renewal_does_not_silence_the_reminder(demo_db):
    maria = _employee(demo_db, MARIA)
    pci = demo_db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    expired = demo_db.session.scalar(
        select(Completion)
        .where(Completion.employee_id == maria.id, Completion.course_id == pci.id)
        .order_by(Completion.completed_on.desc())
    )
    demo_db.session.add(
        Completion(
            employee_id=maria.id,
            course_id=pci.id,
            completed_on=TEST_TODAY - timedelta(days=3),
            expires_on=date(2027, 11, 19),
            verification="pending",
        )
    )
    demo_db.session.commit()
    send_reminders(TEST_TODAY)
    assert {email for email, _, _ in sent_for(demo_db, "certification", expired.id)} >= {
        MARIA,
        HANNAH,
    }


def test_terminated_employees_get_no_reminders(demo_db, scenario):
    grace = demo_db.session.get(Employee, scenario.grace.id)
    grace.status = "terminated"
    grace.termination_date = TEST_TODAY
    grace.termination_reason = "voluntary"
    demo_db.session.commit()
    send_reminders(EXPIRY)
    assert sent_for(demo_db, "certification", scenario.completion_id) == []


# --------------------------------------------------------------------------- routing


def test_the_manager_is_the_direct_managers_sign_in_only(demo_db):
    """Maria's PCI expired: her direct manager Daniel hears of it, Sam (his manager) does not."""
    create_user("daniel.kim@example.com", "a-long-password")
    maria = _employee(demo_db, MARIA)
    send_reminders(TEST_TODAY)
    pci = demo_db.session.scalar(
        select(Completion)
        .join(Course)
        .where(Completion.employee_id == maria.id, Course.code == "PCI-AWARE")
    )
    recipients = {email for email, _, _ in sent_for(demo_db, "certification", pci.id)}
    assert recipients == {MARIA, "daniel.kim@example.com", HANNAH}


def test_every_active_hr_user_gets_the_expired_ones_and_only_those(demo_db, scenario):
    create_user("owen.blake@example.com", "a-long-password", ["hr"])
    retired = create_user("ada.ng.hr@example.com", "a-long-password", ["hr"], name="Old HR")
    retired.active = False
    demo_db.session.commit()
    send_reminders(EXPIRY - timedelta(days=7))
    assert HANNAH not in stages_by_recipient(demo_db, "certification", scenario.completion_id)
    send_reminders(EXPIRY)
    stages = stages_by_recipient(demo_db, "certification", scenario.completion_id)
    assert stages[HANNAH] == ["expired"]
    assert stages["owen.blake@example.com"] == ["expired"]
    assert "ada.ng.hr@example.com" not in stages


def test_a_manager_who_is_also_hr_gets_one_message(demo_db, scenario):
    from app.models import UserRole

    sam = _user(demo_db, SAM)
    demo_db.session.add(UserRole(user_id=sam.id, role="hr"))
    demo_db.session.commit()
    send_reminders(EXPIRY)
    stages = stages_by_recipient(demo_db, "certification", scenario.completion_id)
    assert stages[SAM] == ["expired"]
    by_email = {e: n for e, _, n in sent_for(demo_db, "certification", scenario.completion_id)}
    assert "as Grace Okafor's manager" in by_email[SAM].body


# --------------------------------------------------------------------------- background checks


def _check(db, employee_id: int, code: str, completed: date, valid_until: date, status="clear"):  # type: ignore[no-untyped-def]
    check_type = db.session.scalar(select(CheckType).where(CheckType.code == code))
    check = BackgroundCheck(
        employee_id=employee_id,
        check_type_id=check_type.id,
        consent_signed_on=completed - timedelta(days=20),
        consent_form_version="FCRA-2024-1",
        requested_on=completed - timedelta(days=14),
        status=status,
        completed_on=completed,
        valid_until=valid_until,
    )
    db.session.add(check)
    db.session.commit()
    return check


def test_an_expiring_background_check_is_reminded_with_its_renewal(demo_db, scenario):
    check = _check(
        demo_db, scenario.grace.id, "CRIMINAL", TEST_TODAY - timedelta(days=5), date(2026, 12, 22)
    )
    send_reminders(TEST_TODAY)  # 30 days before valid_until
    by_email = {e: n for e, _, n in sent_for(demo_db, "check", check.id)}
    assert set(by_email) == {GRACE, SAM}
    mine = by_email[GRACE]
    assert mine.subject == (
        "Reminder: your Criminal record check (CRIMINAL) background check expires on "
        "2026-12-22 (in 30 days)"
    )
    assert "HR requests a new CRIMINAL check" in mine.body
    assert "typically takes 14 days" in mine.body
    assert mine.link == f"/employees/{scenario.grace.id}/plan"


def test_only_the_latest_check_of_a_type_counts(demo_db, scenario):
    old = _check(demo_db, scenario.grace.id, "CRIMINAL", date(2026, 9, 1), date(2026, 12, 1))
    _check(demo_db, scenario.grace.id, "CRIMINAL", date(2026, 11, 1), date(2029, 11, 1))
    send_reminders(TEST_TODAY)
    assert sent_for(demo_db, "check", old.id) == []


def test_a_check_that_did_not_clear_gets_no_expiry_reminder(demo_db, scenario):
    check = _check(
        demo_db,
        scenario.grace.id,
        "CRIMINAL",
        TEST_TODAY - timedelta(days=5),
        date(2026, 12, 22),
        status="not_cleared",
    )
    send_reminders(TEST_TODAY)
    assert sent_for(demo_db, "check", check.id) == []


# --------------------------------------------------------------------------- mail and cron


def test_reminders_arrive_at_the_smtp_server_once(demo_app, demo_db, scenario):
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        run = send_reminders(EXPIRY - timedelta(days=30))
        again = send_reminders(EXPIRY - timedelta(days=30))
        received = box.wait_for(run.delivery.sent)
    assert run.delivery.failed == 0 and again.delivery.sent == 0
    first_aid = [m for m in received if "First aid at work" in m.subject]
    assert sorted(m.rcpt_tos[0] for m in first_aid) == [GRACE, SAM]
    grace_mail = next(m for m in first_aid if m.rcpt_tos == [GRACE])
    plan = f"https://echelon.example.com/employees/{scenario.grace.id}/plan"
    for part in (grace_mail.text, grace_mail.html):
        assert "First aid at work (FIRST-AID)" in part
        assert "2027-03-01" in part
        assert "2027-02-09 to 2027-02-10" in part
        assert plan in part
    assert grace_mail.text.startswith("Hello Grace,")
    assert len(received) == run.delivery.sent  # nothing was sent twice


def test_cli_send_reminders_is_idempotent_and_reports_what_it_did(demo_app, demo_db, scenario):
    runner = demo_app.test_cli_runner()
    first = runner.invoke(args=["send-reminders", "--as-of", "2027-01-30"])
    assert first.exit_code == 0, first.output
    assert "Reminders as of 2027-01-30" in first.output
    assert "30-day reminder to manager (1): Grace Okafor, First aid at work" in first.output
    second = runner.invoke(args=["send-reminders", "--as-of", "2027-01-30"])
    assert second.exit_code == 0
    assert " 0 new notifications" in second.output
    assert "First aid" not in second.output


def test_cli_refuses_a_bad_date_and_changes_nothing(demo_app, demo_db, scenario):
    result = demo_app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "2027-13-45"])
    assert result.exit_code == 2
    assert "is not a date; write it as YYYY-MM-DD" in result.output
    assert demo_db.session.scalar(select(Notification.id)) is None


def test_cli_exits_non_zero_when_mail_fails_and_the_next_run_sends_it(demo_app, demo_db, scenario):
    demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens
    runner = demo_app.test_cli_runner()
    failed = runner.invoke(args=["send-reminders", "--as-of", "2027-01-30"])
    assert failed.exit_code == 1
    assert "stays queued" in failed.output
    assert len(sent_for(demo_db, "certification", scenario.completion_id)) == 2  # stored anyway
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        retry = runner.invoke(args=["send-reminders", "--as-of", "2027-01-30"])
        received = box.wait_for(2)
    assert retry.exit_code == 0, retry.output
    first_aid = sorted(m.rcpt_tos[0] for m in received if "First aid" in m.subject)
    assert first_aid == [GRACE, SAM]
