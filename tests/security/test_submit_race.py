"""A late-submission rule that a concurrent edit cannot slip past (issue 20, finding 2).

Submit checks the request (its course has not started, unless HR allowed it) and then moves it
with a conditional UPDATE. If an edit of the draft lands between the check and the UPDATE
(here: the employee moves ``starts_on`` into the past, raising the cost), the submit must not
apply what it did not check: the transition checks the version it validated. Real threads, each
with its own app context, session and connection, ordered so the edit commits exactly in that
window. Run on SQLite and, with ``--db=postgresql``, on PostgreSQL.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import TuitionEvent, TuitionRequest, User
from app.services import tuition as svc
from app.services.tuition import workflow
from tests.integration.tuition_support import data, user, walk
from tests.security import figures

TIMEOUT = 20


def test_an_edit_landing_between_the_check_and_the_submit_is_not_submitted(demo_app, monkeypatch):
    with demo_app.app_context():
        req = walk(user("employee"), "draft")
        request_id, owner_id = req.id, user("employee").id
        db.session.remove()

    checked, edited = threading.Event(), threading.Event()
    original = workflow.lock_employee

    def after_the_checks(employee_id: int) -> None:  # the first write of the transition
        checked.set()
        assert edited.wait(TIMEOUT)
        original(employee_id)

    monkeypatch.setattr(workflow, "lock_employee", after_the_checks)
    results: dict[str, Any] = {}

    def submit() -> None:
        with demo_app.app_context():
            try:
                results["submit"] = svc.transition(request_id, "submit", _user(owner_id)).state
            except svc.TuitionError as error:
                results["submit"] = error
            finally:
                db.session.remove()

    def edit() -> None:
        with demo_app.app_context():
            try:
                assert checked.wait(TIMEOUT)
                changes = data(starts_on="2026-09-07", tuition="4812.00")
                results["edit"] = svc.update_request(request_id, changes, _user(owner_id)).state
            finally:
                edited.set()
                db.session.remove()

    threads = [threading.Thread(target=submit), threading.Thread(target=edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    assert results.get("edit") == "draft", results
    refused = results.get("submit")
    assert isinstance(refused, svc.StaleTransition), f"the submit applied: {refused!r}"
    with demo_app.app_context():
        stored = db.session.get(TuitionRequest, request_id)
        assert stored.state == "draft"
        assert str(stored.starts_on) == "2026-09-07"
        events = db.session.scalars(
            select(TuitionEvent.action).where(TuitionEvent.request_id == request_id)
        ).all()
        assert "submit" not in events
        # Submitted again, the late-submission rule sees the edited date.
        try:
            svc.transition(request_id, "submit", _user(owner_id))
        except svc.TuitionError as error:
            assert "pre-approval must be requested before the course starts" in error.message
        else:
            raise AssertionError("a late request was submitted")
    figures.add("submit and edit raced", 1)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)
