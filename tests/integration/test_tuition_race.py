"""Two approvers at the same moment: each transition applies exactly once (real threads).

docs/RULES.md Who approves: "Each transition happens exactly once, even when two approvers click at
the same moment." DESIGN.md principle 5: a transition is a conditional UPDATE on the current
state. These tests run real threads, each with its own app context, session and database
connection, against SQLite and (with --db=postgresql) PostgreSQL. A barrier holds both threads
just before the conditional UPDATE, after both have read the request in the same state and
passed every check, so only the database decides who wins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, TuitionEvent, TuitionRequest, User
from app.services import tuition as svc
from app.services.tuition import workflow
from tests.integration.tuition_support import sign_in_for, user, walk

TIMEOUT = 20


def _race(
    app: Any,
    monkeypatch: pytest.MonkeyPatch,
    attempts: list[Callable[[], Any]],
    hold: str = "lock_employee",
) -> list[tuple[str, Any]]:
    """Run each attempt in its own thread and app context, all released together at the first
    write (``hold``: the employee lock every step takes first, or the conditional UPDATE);
    answer ("ok", (id, state)) or ("refused", error) per attempt."""
    barrier = threading.Barrier(len(attempts), timeout=TIMEOUT)
    original = getattr(workflow, hold)

    def held(*args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(workflow, hold, held)
    results: list[tuple[str, Any] | None] = [None] * len(attempts)

    def run(index: int) -> None:
        with app.app_context():
            try:
                req = attempts[index]()
                results[index] = ("ok", (req.id, req.state))
            except svc.TuitionError as error:
                results[index] = ("refused", error)
            except BaseException as error:  # report, never leave an unhandled thread error
                barrier.abort()
                results[index] = ("crashed", error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    monkeypatch.setattr(workflow, hold, original)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def _as(user_id: int, request_id: int, action: str, **kwargs: Any) -> Callable[[], Any]:
    def attempt() -> Any:
        actor = db.session.get(User, user_id)
        return svc.transition(request_id, action, actor, **kwargs)

    return attempt


def _outcome(results: list[tuple[str, Any]]) -> tuple[list[Any], list[Any]]:
    crashed = [r[1] for r in results if r[0] == "crashed"]
    assert not crashed, f"a thread failed instead of winning or losing cleanly: {crashed!r}"
    won = [r[1] for r in results if r[0] == "ok"]
    lost = [r[1] for r in results if r[0] == "refused"]
    return won, lost


def _events(request_id: int, action: str) -> int:
    return db.session.scalar(
        select(func.count(TuitionEvent.id)).where(
            TuitionEvent.request_id == request_id, TuitionEvent.action == action
        )
    )


def test_two_hr_approvers_at_the_same_moment_apply_the_approval_once(
    demo_app, monkeypatch, backend
):
    with demo_app.app_context():
        req = walk(user("employee"), "manager_approved")
        hannah = user("hr").id
        owen = sign_in_for("Owen Blake", ("hr",)).id
        request_id = req.id
        audits_before = db.session.scalar(select(func.count(AuditEntry.id)))
        db.session.remove()

    results = _race(
        demo_app,
        monkeypatch,
        [_as(hannah, request_id, "approve"), _as(owen, request_id, "approve")],
    )
    won, lost = _outcome(results)
    assert len(won) == 1 and len(lost) == 1, results
    assert won[0] == (request_id, "hr_approved")
    assert isinstance(lost[0], svc.StaleTransition) and lost[0].status == 409
    assert "already handled by someone else" in lost[0].message
    assert "waiting for finance" in lost[0].message

    with demo_app.app_context():
        assert db.session.get(TuitionRequest, request_id).state == "hr_approved"
        assert _events(request_id, "approve") == 2  # the manager's and exactly one HR approval
        audits = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "tuition_requests",
                AuditEntry.record_id == str(request_id),
                AuditEntry.id > 0,
            )
        ).all()
        assert [a.after.get("state") for a in audits if a.after].count("hr_approved") == 1
        assert db.session.scalar(select(func.count(AuditEntry.id))) > audits_before
        db.session.remove()


def test_a_double_click_on_approve_applies_it_once(demo_app, monkeypatch, backend):
    """The same manager submits the approve form twice at once (two tabs, a double click)."""
    with demo_app.app_context():
        req = walk(user("employee"), "submitted")
        sam = user("manager").id
        request_id = req.id
        db.session.remove()

    results = _race(
        demo_app,
        monkeypatch,
        [
            _as(sam, request_id, "approve", expected_state="submitted"),
            _as(sam, request_id, "approve", expected_state="submitted"),
        ],
    )
    won, lost = _outcome(results)
    assert len(won) == 1 and len(lost) == 1, results
    assert "waiting for HR" in lost[0].message
    with demo_app.app_context():
        assert db.session.get(TuitionRequest, request_id).state == "manager_approved"
        assert _events(request_id, "approve") == 1
        db.session.remove()


def test_approve_and_reject_at_the_same_moment_one_decision_stands(demo_app, monkeypatch, backend):
    with demo_app.app_context():
        req = walk(user("employee"), "hr_approved")
        felix = user("finance").id
        second = sign_in_for("Owen Blake", ("finance",)).id
        request_id = req.id
        db.session.remove()

    results = _race(
        demo_app,
        monkeypatch,
        [
            _as(felix, request_id, "approve"),
            _as(second, request_id, "reject", reason="Over budget"),
        ],
    )
    won, lost = _outcome(results)
    assert len(won) == 1 and len(lost) == 1, results
    with demo_app.app_context():
        final = db.session.get(TuitionRequest, request_id)
        assert final.state == won[0][1]
        assert final.state in ("finance_approved", "rejected")
        # The loser's side effects are absent: no reservation after a rejection, no
        # rejection reason after an approval.
        if final.state == "rejected":
            assert final.reserved_amount is None
        else:
            assert final.rejection_reason is None
        db.session.remove()


def test_two_finance_approvals_for_one_employee_cannot_exceed_the_cap_together(
    demo_app, monkeypatch, backend
):
    """docs/RULES.md Annual cap: two reservations racing for the same employee's cap: the second
    sees the first and is refused, never both (3,000 + 3,000 > 5,250)."""
    with demo_app.app_context():
        maria = user("employee")
        first = walk(maria, "hr_approved", tuition="3000.00", fees="0", books="0").id
        second = walk(maria, "hr_approved", tuition="3000.00", fees="0", books="0").id
        felix = user("finance").id
        other = sign_in_for("Owen Blake", ("finance",)).id
        db.session.remove()

    results = _race(
        demo_app,
        monkeypatch,
        [_as(felix, first, "approve"), _as(other, second, "approve")],
        hold="lock_employee",
    )
    won, lost = _outcome(results)
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], svc.CapExceeded)
    with demo_app.app_context():
        states = sorted(db.session.get(TuitionRequest, i).state for i in (first, second))
        assert states == ["finance_approved", "hr_approved"]
        assert svc.cap_status(db.session.get(TuitionRequest, first).employee_id, 2027).used == (
            svc.rules.to_cents(3000)
        )
        db.session.remove()
