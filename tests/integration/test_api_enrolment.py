"""The enrolment endpoints (docs/API.md "Sessions and enrolment") on the demo organisation:
booking a session, a person's bookings, the steps of a booking, and what a session's list shows.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Course, CourseSession, Enrolment
from app.services import catalogue, enrolment
from tests.integration.api_support import Api, employee_named, user_for
from tests.integration.enrolment_support import csrs, new_session


@pytest.fixture
def api(demo_app, demo_db):  # type: ignore[no-untyped-def]
    return Api(demo_app)


@pytest.fixture
def maria(demo_db):  # type: ignore[no-untyped-def]
    return employee_named("Maria Lopez").id


def _state() -> tuple[int, list[tuple[int, int]]]:
    """Every booking and every session's seat counter: what a refused write must leave alone."""
    bookings = db.session.scalar(select(func.count(Enrolment.id))) or 0
    counters = db.session.execute(
        select(CourseSession.id, CourseSession.enrolled_count).order_by(CourseSession.id)
    ).all()
    return int(bookings), [tuple(row) for row in counters]


def _book(api: Api, session_id: int, employee_id: Any, who: str = "hr", **extra: Any) -> Any:
    return api.post(
        f"/sessions/{session_id}/enrolments", {"employee_id": employee_id, **extra}, who
    )


def _step(api: Api, enrolment_id: int, who: str = "hr", **body: Any) -> Any:
    return api.post(f"/enrolments/{enrolment_id}/transitions", body, who)


# --------------------------------------------------------------------------- the session list


def test_a_course_lists_its_sessions_with_seats_enrolled_waitlist_and_status(api):
    session = new_session(seats=1, starts_in=300)
    first, second = csrs(2)
    assert _book(api, session.id, first.id).get_json()["status"] == "enrolled"
    assert _book(api, session.id, second.id).get_json()["status"] == "waitlisted"
    page = api.get("/courses/PCI-AWARE/sessions?per_page=100", "employee").get_json()
    row = next(item for item in page["items"] if item["id"] == session.id)
    assert row["seats"] == 1 and row["enrolled"] == 1 and row["seats_left"] == 0
    assert row["waitlisted"] == 1 and row["status"] == "scheduled"
    assert {"items", "total", "page", "per_page"} <= set(page)


# --------------------------------------------------------------------------- booking


def test_booking_takes_a_seat_then_waitlists_with_a_position(api):
    session = new_session(seats=1)
    first, second, third = csrs(3)
    one = _book(api, session.id, first.id)
    assert one.status_code == 201
    assert one.get_json()["status"] == "enrolled" and one.get_json()["position"] is None
    two, three = _book(api, session.id, second.id), _book(api, session.id, third.id)
    assert two.status_code == three.status_code == 201
    assert [two.get_json()["position"], three.get_json()["position"]] == [1, 2]
    assert {two.get_json()["status"], three.get_json()["status"]} == {"waitlisted"}
    assert db.session.get(CourseSession, session.id).enrolled_count == 1


def test_a_course_that_needs_approval_makes_a_request_when_people_book_themselves(api, maria):
    course = db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    course.approval = "manager"
    db.session.commit()
    session = new_session()
    response = _book(api, session.id, maria, "employee")
    assert response.status_code == 201 and response.get_json()["status"] == "requested"
    assert db.session.get(CourseSession, session.id).enrolled_count == 0
    approved = _step(api, response.get_json()["id"], "manager", action="approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "enrolled"


def test_a_manager_books_the_people_below_them(api, maria):
    session = new_session()
    response = _book(api, session.id, maria, "manager")
    assert response.status_code == 201 and response.get_json()["employee_id"] == maria


def test_an_unknown_session_or_a_person_the_caller_may_not_book_is_404(api, maria):
    session = new_session()
    before = _state()
    assert _book(api, 999999, maria).status_code == 404
    assert _book(api, session.id, 999999).status_code == 404
    other = next(p for p in csrs(5) if p.id != maria and p.manager_id != maria)
    refused = _book(api, session.id, other.id, "employee")
    assert refused.status_code == 404
    assert _book(api, session.id, maria, "finance").status_code == 404
    assert _state() == before


def test_a_cancelled_or_started_session_and_a_double_booking_are_409(api, maria):
    cancelled = new_session(starts_in=30)
    catalogue.cancel_session(cancelled.id)
    started = new_session(starts_in=-1, days=3)
    session = new_session()
    assert _book(api, session.id, maria).status_code == 201
    before = _state()
    double = _book(api, session.id, maria)
    assert double.status_code == 409
    assert _book(api, cancelled.id, maria).status_code == 409
    assert _book(api, started.id, maria).status_code == 409
    assert _state() == before


def test_a_missing_prerequisite_is_422_naming_the_course(api):
    session = new_session("MGMT-ANALYTICS", seats=5)
    person = next(p for p in csrs(10) if enrolment.missing_prerequisites(session, p.id))
    before = _state()
    response = _book(api, session.id, person.id)
    assert response.status_code == 422
    assert "SUP-101" in response.get_json()["error"]
    assert response.get_json()["errors"]["employee_id"]
    assert _state() == before


@pytest.mark.parametrize(
    "body",
    [{}, {"employee_id": "seven"}, {"employee_id": None}, {"employee_id": 1, "seats": 3}],
    ids=["missing", "a string", "null", "an unknown field"],
)
def test_a_bad_booking_body_is_422_and_changes_nothing(api, body):
    session = new_session()
    before = _state()
    response = api.post(f"/sessions/{session.id}/enrolments", body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]
    assert _state() == before


# --------------------------------------------------------------------------- a person's bookings


def test_a_persons_bookings_are_listed_for_those_who_may_see_their_training(api, maria):
    session = new_session()
    booked = _book(api, session.id, maria).get_json()
    page = api.get(f"/employees/{maria}/enrolments", "employee").get_json()
    assert booked["id"] in [item["id"] for item in page["items"]]
    assert page["total"] >= 1
    assert api.get(f"/employees/{maria}/enrolments", "finance").status_code == 404
    assert api.get("/employees/999999/enrolments").status_code == 404


# --------------------------------------------------------------------------- steps


def test_cancelling_a_seat_gives_it_to_the_first_on_the_waitlist(api):
    session = new_session(seats=1)
    first, second = csrs(2)
    held = _book(api, session.id, first.id).get_json()
    waiting = _book(api, session.id, second.id).get_json()
    response = _step(api, held["id"], action="cancel")
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    mine = api.get(f"/employees/{second.id}/enrolments").get_json()["items"]
    assert [e["status"] for e in mine if e["id"] == waiting["id"]] == ["enrolled"]
    assert _step(api, held["id"], action="cancel").status_code == 409


def test_a_booking_moves_to_another_session_of_the_course(api, maria):
    here, there = new_session(starts_in=20), new_session(starts_in=60)
    booked = _book(api, here.id, maria).get_json()
    moved = _step(api, booked["id"], "employee", action="move", session_id=there.id)
    assert moved.status_code == 200
    assert moved.get_json()["session_id"] == there.id and moved.get_json()["id"] == booked["id"]
    assert db.session.get(CourseSession, here.id).enrolled_count == 0
    assert db.session.get(CourseSession, there.id).enrolled_count == 1


def test_a_move_to_a_full_session_or_another_course_is_refused_and_changes_nothing(api, maria):
    here, full = new_session(starts_in=20), new_session(starts_in=60, seats=1)
    other_course = new_session("HARASS-REF", starts_in=80)
    booked = _book(api, here.id, maria).get_json()
    _book(api, full.id, next(p.id for p in csrs(2) if p.id != maria))
    before = _state()
    assert _step(api, booked["id"], action="move", session_id=full.id).status_code == 409
    assert _step(api, booked["id"], action="move", session_id=other_course.id).status_code == 409
    assert _step(api, booked["id"], action="move").status_code == 422
    assert _step(api, booked["id"], action="move", session_id=999999).status_code == 422
    assert _state() == before


def test_the_steps_a_caller_may_not_take_or_the_status_does_not_allow(api, maria):
    session = new_session()
    booked = _book(api, session.id, maria).get_json()
    before = _state()
    assert _step(api, booked["id"], "employee", action="attend").status_code == 403
    assert _step(api, booked["id"], action="attend").status_code == 409  # not ended yet
    assert _step(api, booked["id"], action="approve").status_code == 409  # not a request
    assert _step(api, booked["id"], action="fly").status_code == 422
    assert _step(api, booked["id"], action="cancel", session_id=session.id).status_code == 422
    assert _step(api, booked["id"], action="cancel", colour="red").status_code == 422
    assert _step(api, booked["id"], "finance", action="cancel").status_code == 404
    assert _step(api, 999999, action="cancel").status_code == 404
    assert _state() == before


def test_a_request_is_declined_by_the_manager(api, maria):
    course = db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    course.approval = "manager"
    db.session.commit()
    session = new_session()
    requested = _book(api, session.id, maria, "employee").get_json()
    assert _step(api, requested["id"], "employee", action="approve").status_code == 403
    declined = _step(api, requested["id"], "manager", action="decline")
    assert declined.status_code == 200 and declined.get_json()["status"] == "cancelled"
    assert user_for("manager") is not None


def test_a_course_says_whether_bookings_need_the_managers_approval(api):
    made = api.post("/courses", {"code": "APPR-1", "title": "Approved", "approval": "manager"})
    assert made.status_code == 201 and made.get_json()["approval"] == "manager"
    assert api.get("/courses/PCI-AWARE").get_json()["approval"] == "none"
    patched = api.patch("/courses/APPR-1", {"approval": "none"})
    assert patched.status_code == 200 and patched.get_json()["approval"] == "none"
    wrong = api.patch("/courses/APPR-1", {"approval": "director"})
    assert wrong.status_code == 422 and wrong.get_json()["errors"]["approval"]
    assert api.get("/courses/APPR-1").get_json()["approval"] == "none"


def test_a_session_scheduled_through_the_api_names_its_trainer(api, maria):
    body = {"starts_on": "2027-06-01", "ends_on": "2027-06-01", "seats": 8}
    made = api.post("/courses/PCI-AWARE/sessions", {**body, "trainer_id": maria})
    assert made.status_code == 201 and made.get_json()["trainer_id"] == maria
    before = _state()
    wrong = api.post("/courses/PCI-AWARE/sessions", {**body, "trainer_id": 999999})
    assert wrong.status_code == 422 and wrong.get_json()["errors"]["trainer_id"]
    assert _state() == before
