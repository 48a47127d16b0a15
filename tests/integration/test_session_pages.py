"""The session pages (docs/RULES.md "Sessions and enrolment"): the list and month calendar, a
session's roster, booking for yourself and for a team, cancelling, moving, approvals and the
attendance form, for each persona. Bad input gives a clear message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Completion, Course, CourseSession, Enrolment
from app.policy import manages
from app.services import enrolment
from tests.integration.enrolment_support import csrs, new_session, persona


def _bookings(session_id: int, status: str | None = None) -> int:
    stmt = select(func.count(Enrolment.id)).where(Enrolment.session_id == session_id)
    if status:
        stmt = stmt.where(Enrolment.status == status)
    return int(db.session.scalar(stmt) or 0)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_the_list_shows_seats_and_waitlist_and_filters(demo_db, login_as):
    hr = persona("hr")
    full = new_session(seats=1, starts_in=15, location="Harbour room")
    open_one = new_session(seats=5, starts_in=16, location="Hill room")
    a, b = csrs(2)
    enrolment.book(full, a, actor=hr)
    enrolment.book(full, b, actor=hr)
    client = login_as("employee")
    page = _text(client.get("/sessions?course=PCI-AWARE"))
    assert "Harbour room" in page and "Hill room" in page
    assert f"/sessions/{full.id}" in page and "full" in page
    with_seats = _text(client.get("/sessions?course=PCI-AWARE&has_seats=1"))
    assert f'/sessions/{open_one.id}"' in with_seats
    assert f'/sessions/{full.id}"' not in with_seats
    by_place = _text(client.get("/sessions?location=Harbour+room"))
    assert f'/sessions/{full.id}"' in by_place and f'/sessions/{open_one.id}"' not in by_place


def test_the_month_view_is_a_grid_with_previous_and_next_months(demo_db, login_as):
    session = new_session(seats=3, starts_in=10, days=2)
    client = login_as("employee")
    month = session.starts_on.strftime("%Y-%m")
    response = client.get(f"/sessions?view=month&month={month}")
    assert response.status_code == 200
    page = _text(response)
    assert "<table" in page and 'rel="prev"' in page and 'rel="next"' in page
    assert page.count(f'/sessions/{session.id}"') >= 1
    assert session.starts_on.strftime("%B %Y") in page


def test_a_bad_month_is_refused_with_a_clear_message(demo_db, login_as):
    response = login_as("employee").get("/sessions?view=month&month=2026-13")
    assert response.status_code == 422
    assert "is not a month; use YYYY-MM" in _text(response)


def test_an_employee_books_themselves_and_sees_their_place(demo_db, login_as):
    session = new_session(seats=1)
    hr = persona("hr")
    enrolment.book(session, csrs(1)[0], actor=hr)
    client = login_as("employee")
    response = client.post(f"/sessions/{session.id}/book", follow_redirects=True)
    page = _text(response)
    assert "waitlisted, number 1" in page
    me = persona("employee").employee
    assert (
        db.session.scalar(
            select(Enrolment.status).where(
                Enrolment.session_id == session.id, Enrolment.employee_id == me.id
            )
        )
        == "waitlisted"
    )
    again = _text(client.post(f"/sessions/{session.id}/book", follow_redirects=True))
    assert "already" in again
    assert _bookings(session.id) == 2


def test_an_employee_cannot_book_someone_else(demo_db, login_as):
    session = new_session(seats=4)
    other = csrs(1)[0]
    client = login_as("employee")
    page = _text(
        client.post(
            f"/sessions/{session.id}/book",
            data={"for": "others", "employee_id": [str(other.id)]},
            follow_redirects=True,
        )
    )
    assert "No such employee" in page
    assert _bookings(session.id) == 0


def test_a_manager_books_many_of_their_team_at_once_and_is_told_per_person(demo_db, login_as):
    manager = persona("manager")
    team = [p for p in csrs(12) if manages(manager, p)][:2]
    outsider = next(p for p in csrs(12) if not manages(manager, p))
    session = new_session(seats=1)
    client = login_as("manager")
    ids = [str(p.id) for p in team] + [str(outsider.id)]
    page = _text(
        client.post(
            "/sessions/book",
            data={"session_id": str(session.id), "employee_id": ids, "next": "/sessions/mine"},
            follow_redirects=True,
        )
    )
    assert f"{team[0].name}: booked" in page
    assert f"{team[1].name}: waitlisted, number 1" in page
    assert f"{outsider.name}: No such employee" in page
    assert _bookings(session.id, "enrolled") == 1 and _bookings(session.id, "waitlisted") == 1
    assert _bookings(session.id) == 2


def test_bulk_booking_without_people_or_session_changes_nothing(demo_db, login_as):
    session = new_session(seats=3)
    client = login_as("manager")
    page = _text(
        client.post("/sessions/book", data={"session_id": str(session.id)}, follow_redirects=True)
    )
    assert "Choose at least one person" in page
    page = _text(
        client.post(
            "/sessions/book", data={"session_id": "x", "employee_id": "1"}, follow_redirects=True
        )
    )
    assert "Choose a session" in page
    page = _text(
        client.post(
            f"/sessions/{session.id}/book",
            data={"for": "others", "employee_id": "abc"},
            follow_redirects=True,
        )
    )
    assert "Choose people from the list" in page
    assert _bookings(session.id) == 0
    assert (
        login_as("employee")
        .post("/sessions/book", data={"session_id": str(session.id)})
        .status_code
        == 403
    )


def test_hr_sees_every_name_and_an_employee_only_counts_and_their_own(demo_db, login_as):
    hr = persona("hr")
    session = new_session(seats=5)
    others = csrs(2)
    for person in others:
        enrolment.book(session, person, actor=hr)
    me = persona("employee").employee
    enrolment.book(session, me, actor=hr)
    hr_page = _text(login_as("hr").get(f"/sessions/{session.id}"))
    assert all(p.name in hr_page for p in others) and me.name in hr_page
    own = _text(login_as("employee").get(f"/sessions/{session.id}"))
    assert me.name in own and "Your booking:" in own
    assert not any(p.name in own for p in others if p.id != me.id)
    assert "<dt>Enrolled</dt><dd>3</dd>" in own


def test_someone_elses_booking_answers_404_and_stays(demo_db, login_as):
    hr = persona("hr")
    session = new_session(seats=3)
    other = next(p for p in csrs(12) if p.id != persona("employee").employee_id)
    booking = enrolment.book(session, other, actor=hr)
    client = login_as("employee")
    assert client.post(f"/sessions/enrolments/{booking.id}/cancel").status_code == 404
    assert (
        client.post(f"/sessions/enrolments/{booking.id}/move", data={"target": "1"}).status_code
        == 404
    )
    assert client.post("/sessions/enrolments/999999/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Enrolment, booking.id).status == "enrolled"


def test_cancel_and_move_from_my_sessions(demo_db, login_as):
    first = new_session(seats=2, starts_in=20)
    second = new_session(seats=2, starts_in=40)
    client = login_as("employee")
    client.post(f"/sessions/{first.id}/book")
    me = persona("employee").employee
    booking = db.session.scalar(
        select(Enrolment).where(Enrolment.employee_id == me.id, Enrolment.session_id == first.id)
    )
    page = _text(client.get(f"/sessions/{first.id}"))
    assert f'<option value="{second.id}">' in page
    bad = _text(
        client.post(
            f"/sessions/enrolments/{booking.id}/move",
            data={"target": "nope"},
            follow_redirects=True,
        )
    )
    assert "Choose the session to move" in bad
    moved = _text(
        client.post(
            f"/sessions/enrolments/{booking.id}/move",
            data={"target": str(second.id)},
            follow_redirects=True,
        )
    )
    assert "Moved to the session starting" in moved
    db.session.expire_all()
    assert db.session.get(Enrolment, booking.id).session_id == second.id
    mine = _text(client.get("/sessions/mine"))
    assert "PCI-AWARE" in mine and "Cancel booking" in mine
    done = _text(
        client.post(
            f"/sessions/enrolments/{booking.id}/cancel",
            data={"next": "/sessions/mine"},
            follow_redirects=True,
        )
    )
    assert "is cancelled" in done
    db.session.expire_all()
    assert db.session.get(Enrolment, booking.id).status == "cancelled"


def test_a_manager_approves_a_request_from_the_approvals_page(demo_db, login_as):
    course = db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    course.approval = "manager"
    db.session.commit()
    session = new_session(seats=2)
    client = login_as("employee")
    client.post(f"/sessions/{session.id}/book")
    me = persona("employee").employee
    booking = db.session.scalar(
        select(Enrolment).where(Enrolment.employee_id == me.id, Enrolment.session_id == session.id)
    )
    assert booking.status == "requested"
    assert (
        client.post(
            f"/sessions/enrolments/{booking.id}/decide", data={"action": "approve"}
        ).status_code
        == 403
    )
    manager = login_as("manager")
    queue = _text(manager.get("/sessions/approvals"))
    assert me.name in queue
    odd = _text(
        manager.post(
            f"/sessions/enrolments/{booking.id}/decide",
            data={"action": "maybe"},
            follow_redirects=True,
        )
    )
    assert "Choose approve or decline" in odd
    done = _text(
        manager.post(
            f"/sessions/enrolments/{booking.id}/decide",
            data={"action": "approve"},
            follow_redirects=True,
        )
    )
    assert f"The booking of {me.name} is enrolled" in done
    db.session.expire_all()
    assert db.session.get(Enrolment, booking.id).status == "enrolled"


def test_attendance_is_refused_before_the_end_then_records_completions(demo_db, login_as, demo_app):
    hr = persona("hr")
    session = new_session(seats=3, starts_in=3, days=2)
    came, missed = csrs(2)
    a = enrolment.book(session, came, actor=hr)
    b = enrolment.book(session, missed, actor=hr)
    client = login_as("hr")
    marks = {f"mark-{a.id}": "attended", f"mark-{b.id}": "no_show"}
    early = _text(
        client.post(f"/sessions/{session.id}/attendance", data=marks, follow_redirects=True)
    )
    assert "once the session ends" in early
    assert _bookings(session.id, "enrolled") == 2
    assert (
        login_as("employee").post(f"/sessions/{session.id}/attendance", data=marks).status_code
        == 403
    )
    demo_app.config["ECHELON_TODAY"] = (session.ends_on + timedelta(days=1)).isoformat()
    form = _text(client.get(f"/sessions/{session.id}"))
    assert "Record attendance" in form and f'name="mark-{a.id}"' in form
    wrong = _text(
        client.post(
            f"/sessions/{session.id}/attendance",
            data={f"mark-{a.id}": "maybe"},
            follow_redirects=True,
        )
    )
    assert "Mark each person attended or no show" in wrong
    done = _text(
        client.post(f"/sessions/{session.id}/attendance", data=marks, follow_redirects=True)
    )
    assert "Attendance recorded for 2 people" in done
    assert (
        db.session.scalar(
            select(func.count(Completion.id)).where(Completion.session_id == session.id)
        )
        == 1
    )
    assert db.session.get(CourseSession, session.id) is not None


def test_every_persona_opens_the_session_pages(demo_db, login_as):
    session = new_session(seats=2)
    for who in ("employee", "manager", "hr", "finance", "admin"):
        client = login_as(who)
        for url in (
            "/sessions",
            "/sessions?view=month",
            f"/sessions/{session.id}",
            "/sessions/mine",
        ):
            assert client.get(url).status_code == 200, (who, url)
        expected = 200 if who in ("manager", "hr") else 403
        assert client.get("/sessions/approvals").status_code == expected, who
    assert login_as("hr").get("/sessions/999999").status_code == 404


def _first_enrol_form(page: str) -> tuple[str, str]:
    """The action and the employee of the first "Enrol" form of a plan page."""
    import re

    found = re.search(
        r'<form method="post" action="(/sessions/\d+/book)" class="inline">.*?'
        r'name="employee_id" value="(\d+)"',
        page,
        re.S,
    )
    assert found, "the plan offers no Enrol button"
    return found.group(1), found.group(2)


def test_enrol_from_the_plan_books_and_then_shows_the_booking(demo_db, login_as):
    client = login_as("employee")
    plan = client.get("/readiness/plan", follow_redirects=True)
    page = _text(plan)
    action, employee_id = _first_enrol_form(page)
    assert employee_id == str(persona("employee").employee_id)
    back = _text(
        client.post(
            action,
            data={"for": "others", "employee_id": employee_id, "next": plan.request.path},
            follow_redirects=True,
        )
    )
    assert "booked" in back or "waitlisted" in back or "requested" in back
    assert "Booked" in back or "Waitlisted" in back or "Requested" in back
    session_id = int(action.split("/")[2])
    assert _bookings(session_id) == 1


def _form(page: str, form_id: str) -> tuple[list[str], str]:
    """The people offered and the first session of a booking form of a page."""
    import re

    found = re.search(rf'id="{form_id}">(.*?)</form>', page, re.S)
    assert found, f"no form {form_id}"
    options = re.findall(r'<option value="(\d+)">', found.group(1))
    return re.findall(r'name="employee_id" value="(\d+)"', found.group(1)), options[0]


def test_a_manager_books_people_from_the_training_needs_page(demo_db, login_as):
    session = new_session("SUP-101", seats=1, starts_in=12)
    client = login_as("manager")
    needs = _text(client.get("/readiness/training-needs"))
    people, session_id = _form(needs, "book-sup-101")
    assert session_id == str(session.id) and len(people) >= 2
    back = "/readiness/training-needs"
    page = _text(
        client.post(
            "/sessions/book",
            data={"session_id": session_id, "employee_id": people[:2], "next": back},
            follow_redirects=True,
        )
    )
    assert "Training needs" in page and ": booked" in page and ": waitlisted, number 1" in page
    assert _bookings(session.id, "enrolled") == 1 and _bookings(session.id, "waitlisted") == 1


def test_a_manager_books_lapsing_people_on_a_renewal_session(demo_db, login_as):
    import re

    session = new_session("PCI-AWARE", seats=4, starts_in=9)
    client = login_as("manager")
    lapses = _text(client.get("/readiness/lapses"))
    ticked = re.findall(r'name="employee_id" value="(\d+)" form="book-lapses"', lapses)
    assert ticked and f'<option value="{session.id}">' in lapses
    page = _text(
        client.post(
            "/sessions/book",
            data={
                "session_id": str(session.id),
                "employee_id": ticked,
                "next": "/readiness/lapses",
            },
            follow_redirects=True,
        )
    )
    assert "Lapsing in the next 90 days" in page and ": booked" in page
    assert _bookings(session.id, "enrolled") == len(set(ticked))


def test_hr_sets_a_course_s_approval_and_a_session_s_trainer(demo_db, login_as):
    from app.services import catalogue

    client = login_as("hr")
    edit = _text(client.get("/catalogue/courses/PCI-AWARE/edit"))
    assert 'name="approval"' in edit and "Manager approval" in edit
    course = catalogue.get_course("PCI-AWARE")
    data = {
        "code": "PCI-AWARE",
        "title": course.title,
        "category": course.category,
        "hours": str(catalogue.plain_number(course.hours)),
        "cost": f"{course.cost:.2f}",
        "validity_months": str(course.validity_months or ""),
        "default_duration_days": str(course.default_duration_days),
        "approval": "sometimes",
    }
    refused = client.post("/catalogue/courses/PCI-AWARE/edit", data=data)
    assert refused.status_code == 422 and "must be one of none, manager" in _text(refused)
    db.session.expire_all()
    assert catalogue.get_course("PCI-AWARE").approval == "none"
    data["approval"] = "manager"
    assert client.post("/catalogue/courses/PCI-AWARE/edit", data=data).status_code == 302
    db.session.expire_all()
    assert catalogue.get_course("PCI-AWARE").approval == "manager"

    trainer = persona("manager").employee
    form = _text(client.get("/catalogue/courses/PCI-AWARE/sessions/new"))
    assert 'name="trainer_id"' in form and trainer.name in form
    start = (today_plus(30)).isoformat()
    bad = client.post(
        "/catalogue/courses/PCI-AWARE/sessions/new",
        data={"starts_on": start, "ends_on": start, "seats": "5", "trainer_id": "999999"},
    )
    assert bad.status_code == 422 and "Choose the trainer" in _text(bad)
    made = client.post(
        "/catalogue/courses/PCI-AWARE/sessions/new",
        data={"starts_on": start, "ends_on": start, "seats": "5", "trainer_id": str(trainer.id)},
    )
    assert made.status_code == 302
    session = db.session.scalar(select(CourseSession).where(CourseSession.trainer_id == trainer.id))
    assert session is not None
    assert trainer.name in _text(client.get(f"/sessions/{session.id}"))
    edit_form = _text(client.get(f"/catalogue/sessions/{session.id}/edit"))
    assert f'<option selected value="{trainer.id}">' in edit_form or (
        f'value="{trainer.id}" selected' in edit_form
    )


def today_plus(days: int):  # type: ignore[no-untyped-def]
    from app.clock import today

    return today() + timedelta(days=days)


def test_team_approvals_links_to_the_bookings_waiting(demo_db, login_as):
    course = db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    course.approval = "manager"
    db.session.commit()
    session = new_session(seats=2)
    login_as("employee").post(f"/sessions/{session.id}/book")
    queue = _text(login_as("manager").get("/tuition/queue/manager"))
    assert "1 session booking waiting for your approval" in queue
    assert 'href="/sessions/approvals"' in queue


def test_ids_that_are_not_ids_are_refused_without_an_error(demo_db, login_as):
    session = new_session(seats=2)
    hr = login_as("hr")
    huge = "9" * 40
    for url, data in (
        ("/sessions/book", {"session_id": huge, "employee_id": "1"}),
        ("/sessions/book", {"session_id": str(session.id), "employee_id": huge}),
        (f"/sessions/{session.id}/book", {"for": "others", "employee_id": "١"}),
        (f"/sessions/{session.id}/attendance", {f"mark-{huge}": "attended"}),
    ):
        response = hr.post(url, data=data)
        assert response.status_code == 302, (url, data)
    assert _bookings(session.id) == 0
