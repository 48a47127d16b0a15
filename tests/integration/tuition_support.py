"""Helpers for the tuition tests: the demo personas and requests walked to a given state.

Every request is built through the service (the same path the pages and the API take), so a
test that needs a `completed` request really submits, approves and completes it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.clock import now
from app.extensions import db
from app.models import TuitionEvent, TuitionRequest, User
from app.services import notify
from app.services import tuition as svc
from app.tuition import rules
from tests import factories
from tests.factories import PDF, image_bytes
from tests.factories import employee_named as employee
from tests.factories import persona_user as user

PNG = image_bytes("PNG")


def sign_in_for(name: str, roles: tuple[str, ...] = ()) -> User:
    """Give a demo employee without a sign-in one (e.g. Daniel Kim, a second hr user)."""
    person = employee(name)
    factories.sign_in_for(person, roles)
    db.session.expire_all()
    return user(person.email)


@contextlib.contextmanager
def travel(day: date | str) -> Iterator[None]:
    """Move the one clock (ECHELON_TODAY) to ``day`` for the block: time passes in a test."""
    before = current_app.config.get("ECHELON_TODAY")
    current_app.config["ECHELON_TODAY"] = str(day)
    try:
        yield
    finally:
        current_app.config["ECHELON_TODAY"] = before


def pdf(name: str = "receipt.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def data(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Certificate in Management, part 2",
        "institution": "Riverside Community College",
        "qualification": "CERT-MGMT",
        "starts_on": "2027-01-11",
        "ends_on": "2027-05-14",
        "tuition": "1800.00",
        "fees": "150.00",
        "books": "50.00",
        "job_related": True,
        "justification": "Management knowledge the supervisor role needs.",
    }
    values.update(overrides)
    return values


STEPS = [
    ("submit", "owner"),
    ("approve", "manager"),
    ("approve", "hr"),
    ("approve", "finance"),
    ("complete", "owner"),
    ("pay", "finance"),
]
ORDER = [
    "draft",
    "submitted",
    "manager_approved",
    "hr_approved",
    "finance_approved",
    "completed",
    "reimbursed",
]


def walk(
    owner: User,
    state: str,
    manager: User | None = None,
    grade: str = "B",
    paid_on: date | None = None,
    **fields: Any,
) -> TuitionRequest:
    """Create a request for ``owner`` and move it to ``state`` through the service.

    A course that already started gets HR's late-submission override first. ``manager`` is the
    manager-stage approver (default: Sam Rivera, who approves for Maria Lopez's line).
    """
    # Building the test's starting point needs no mail (tests/integration/test_mail.py
    # covers delivery); held mail stays in the outbox.
    with notify.hold_mail():
        return _walk(owner, state, manager, grade, paid_on, **fields)


def _walk(
    owner: User,
    state: str,
    manager: User | None,
    grade: str,
    paid_on: date | None,
    **fields: Any,
) -> TuitionRequest:
    actors = {
        "owner": owner,
        "manager": manager or user("manager"),
        "hr": user("hr"),
        "finance": user("finance"),
    }
    req = svc.create_request(owner.employee, data(**fields), owner)
    if svc.needs_override(req):
        svc.override_late(req.id, actors["hr"], "The manager agreed before the course started.")
    target = ORDER.index(state if state != "documents_missing" else "completed")
    # After the course: a course still in the future is completed and paid when it has ended.
    later = max(req.ends_on, date.fromisoformat(str(current_app.config["ECHELON_TODAY"])))
    for (action, who), _ in zip(STEPS, ORDER[1 : target + 1], strict=False):
        kwargs: dict[str, Any] = {}
        clock = contextlib.nullcontext()
        if action == "complete":
            kwargs = {"grade": grade, "receipt": pdf(), "transcript": pdf("transcript.pdf")}
            clock = travel(later) if paid_on is None else contextlib.nullcontext()
        if action == "pay":
            kwargs = {"paid_on": paid_on or later}
            clock = travel(later) if paid_on is None else contextlib.nullcontext()
        with clock:
            req = svc.transition(req.id, action, actors[who], **kwargs)
    if state == "documents_missing":
        req = svc.transition(req.id, "flag_documents", actors["finance"], reason="No receipt")
    db.session.expire_all()
    req = db.session.get(TuitionRequest, req.id)
    assert req.state == state
    return req


def make(
    owner: User, state: str, grade: str = "B", paid_on: date | None = None, **fields: Any
) -> TuitionRequest:
    """A request stored directly in ``state`` (a fast starting point for tests about what
    happens next; ``walk`` reaches the same states through the service)."""
    values = data(**fields)
    qualification = values.pop("qualification", None)
    req = TuitionRequest(
        employee_id=owner.employee_id,
        title=values["title"],
        institution=values["institution"],
        starts_on=date.fromisoformat(values["starts_on"]),
        ends_on=date.fromisoformat(values["ends_on"]),
        tuition=Decimal(str(values["tuition"])),
        fees=Decimal(str(values["fees"])),
        books=Decimal(str(values["books"])),
        job_related=bool(values["job_related"]),
        justification=values["justification"],
        pass_fail=bool(values.get("pass_fail", False)),
        state=state,
    )
    if qualification:
        from app.models import QualificationType

        req.qualification_id = db.session.scalar(
            select(QualificationType.id).where(QualificationType.code == qualification)
        )
    reached = ORDER.index(state) if state in ORDER else ORDER.index("completed")
    if state in ("rejected", "cancelled"):
        reached = 1
    if reached >= 1:
        req.submitted_on = date(2026, 11, 20)
    if reached >= ORDER.index("finance_approved"):
        req.reserved_amount = req.eligible_cost
        req.cap_year = req.starts_on.year
    if reached >= ORDER.index("completed"):
        req.grade = grade
    if state == "reimbursed":
        req.paid_on = paid_on or req.ends_on
        req.cap_year = req.paid_on.year
        req.reimbursed_amount = rules.reimbursement_amount(
            req.eligible_cost, grade, Decimal("1000000")
        )
    if state == "rejected":
        req.rejection_reason = "Not this year"
    db.session.add(req)
    db.session.flush()
    db.session.add(
        TuitionEvent(
            request_id=req.id, action="create", from_state="draft", to_state="draft", at=now()
        )
    )
    db.session.commit()
    return req
