"""Enrolment endpoints (docs/API.md "Sessions and enrolment"): booking sessions and the steps
of a booking.

Every rule lives in app.services.enrolment, the same functions as the session pages: who may
book for whom (the person, their manager, hr; anyone else is told the person does not exist),
seats taken by a conditional UPDATE (a full session waitlists, numbered), approval, prerequisites
(a missing one is 422 naming the course), no double booking (409).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app import policy
from app.blueprints.api import bp
from app.blueprints.api.spec import (
    Param,
    api_route,
    created,
    invalid,
    json_body,
    page_of_list,
    query_args,
)
from app.clock import today
from app.models import Employee
from app.policy import catalogue as catalogue_policy
from app.policy import enrolment as enrolment_policy
from app.services import enrolment as svc
from app.services.readiness import capacity as seat_plans

TAG = "Enrolment"
SIGNED_IN: dict[str, Any] = {"permission": "authenticated", "tag": TAG}
TRANSITIONS = (*svc.ACTIONS, "move")


def _employee(value: Any) -> Employee:
    """The employee of the body's ``employee_id`` whom the caller may book; 404 otherwise."""
    if value is None:
        raise invalid("employee_id", "Give the employee's id.")
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("employee_id", "employee_id must be an integer.")
    employee = svc.find_employee(value)
    if employee is None or not enrolment_policy.can_book(policy.acting_user(), employee):
        raise svc.BookingNotFound("No such employee.")
    return employee


@api_route(
    bp,
    "/sessions/<int:session_id>/enrolments",
    "POST",
    **SIGNED_IN,
    summary="Book a person on a session",
    who="The employee for themselves, their manager, or hr; anyone else is told the person "
    "does not exist (404).",
    body="EnrolmentInput",
    response="Enrolment",
    status=201,
    conflict=True,
    description="The answer's status is enrolled (a seat was free), waitlisted (the session is "
    "full; position is the place in the queue) or requested (the course needs the manager's "
    "approval first). 409: the session is cancelled or has started, or the person already "
    "holds a booking on it. 422: a prerequisite course is missing (the message names it).",
    loads=(catalogue_policy.course_session(),),
)
def create_enrolment(session: Any) -> Any:
    data = json_body()
    employee = _employee(data.get("employee_id"))
    enrolment = svc.book(session, employee, actor=policy.acting_user())
    return created(svc.enrolment_to_dict(enrolment))


@api_route(
    bp,
    "/employees/<int:employee_id>/enrolments",
    "GET",
    **SIGNED_IN,
    summary="A person's bookings: coming sessions first, then past ones",
    who="Whoever may see the person's training (the person, their managers, hr); anyone else "
    "gets 404.",
    response="EnrolmentPage",
    paged=True,
    loads=(policy.employee("training"),),
)
def list_employee_enrolments(employee: Employee) -> Any:
    args = query_args()
    bookings = svc.enrolments_of(employee.id)
    positions = svc.waitlist_positions(bookings)
    rows = [svc.enrolment_to_dict(e, positions) for e in bookings]
    return jsonify(page_of_list(rows, args))


@api_route(
    bp,
    "/enrolments/<int:enrolment_id>/transitions",
    "POST",
    **SIGNED_IN,
    summary="A step of a booking: approve, decline, cancel, attend, no_show, move",
    who="approve, decline: a manager above the person or hr (never the person). cancel, move: "
    "the person, their manager or hr. attend, no_show: hr. Someone who may see the booking but "
    "not take this step gets 403; someone who may not see it, 404.",
    body="EnrolmentTransition",
    response="Enrolment",
    conflict=True,
    description="move takes session_id, another session of the same course: the booking keeps "
    "its id and takes a seat there (409 when it is full or not open). Cancelling an enrolled "
    "booking gives its seat to the first on the waitlist. A step the booking's status does "
    "not allow is 409.",
    loads=(enrolment_policy.enrolment(),),
)
def transition_enrolment(enrolment: Any) -> Any:
    data = json_body()
    action = data.get("action")
    user = policy.acting_user()
    if action == "move":
        target_id = data.get("session_id")
        if isinstance(target_id, bool) or not isinstance(target_id, int):
            raise invalid("session_id", "Give the id of the session to move to.")
        from app.services.catalogue import find_session

        target = find_session(target_id)
        if target is None:
            raise invalid("session_id", "No such session.")
        enrolment = svc.move(enrolment, target, actor=user)
    else:
        if "session_id" in data:
            raise invalid("session_id", "Only a move takes a session_id.")
        enrolment = svc.transition(enrolment, str(action or ""), actor=user)
    return jsonify(svc.enrolment_to_dict(enrolment))


@api_route(
    bp,
    "/sessions/<int:session_id>/seat-plan",
    "GET",
    permission="hr",
    tag=TAG,
    summary="The seat plan of a session: booked, waitlist, planned, and who does not fit",
    who="hr; anyone else gets 403.",
    response="SeatPlan",
    query=(Param("as_of", "date", "The date D of the plan (YYYY-MM-DD). Default: today."),),
    description='docs/RULES.md "The seat plan": bookings keep their seats, then the '
    "waitlist in order, then the people who need the course for their next role (higher score, "
    "then earlier role_since, then employee_no), at most one planned seat per person and "
    "course. not_fitting: the waitlist beyond the seats, and those who need the course and "
    "take a later session (planned_session_id) or none (null). Advisory: it books nothing.",
    loads=(catalogue_policy.course_session(),),
)
def session_seat_plan(session: Any) -> Any:
    args = query_args()
    plan = seat_plans.session_seat_plan(session, args["as_of"] or today())
    return jsonify(seat_plans.seat_plan_to_dict(plan))
