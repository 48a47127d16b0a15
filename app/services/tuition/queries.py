"""Reading tuition requests: one request, its history, the lists and the approval queues.

Lists load with a fixed number of queries (docs/DESIGN.md "Bulk first"): the employee, their
department and the qualification are joined in (request_loading), and the role catalogue is
not loaded at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app import policy
from app.clock import today
from app.extensions import db
from app.models import (
    Competency,
    Department,
    Employee,
    JobRole,
    TuitionEvent,
    TuitionRequest,
    Upload,
    User,
)
from app.services.joins import contains_any
from app.services.tuition.approvers import hr_fallback_employees, manager_approvees
from app.services.tuition.errors import NotFound
from app.tuition import rules
from app.tuition.rules import DRAFT


def find_request(request_id: Any) -> TuitionRequest | None:
    """The request of ``request_id``, or None (an id that is not a whole number included);
    with what its page shows: the person, the qualification and the target role's title."""
    if not isinstance(request_id, int):
        return None
    return db.session.get(TuitionRequest, request_id, options=REQUEST_PAGE)


def may_see(actor: User | None, req: TuitionRequest) -> bool:
    """docs/RULES.md people: the employee, their managers, hr and finance see a request."""
    return actor is not None and policy.can_view(actor, req.employee_id, "tuition")


def load_request(request_id: int, actor: User | None) -> TuitionRequest:
    """A request the actor may see (docs/RULES.md people: self, managers, hr, finance) or
    NotFound."""
    req = find_request(request_id)
    if req is None or not may_see(actor, req):
        raise NotFound("There is no such tuition request, or you may not see it.")
    return req


def history(req: TuitionRequest) -> list[TuitionEvent]:
    """The request's events, oldest first, each with who made it (their sign-in and name)."""
    return list(
        db.session.scalars(
            select(TuitionEvent)
            .options(joinedload(TuitionEvent.actor).joinedload(User.employee))
            .where(TuitionEvent.request_id == req.id)
            .order_by(TuitionEvent.at, TuitionEvent.id)
        )
    )


def target_competency(req: TuitionRequest) -> Competency | None:
    """The competency gap the request says it closes, if any."""
    if not req.target_competency_id:
        return None
    return db.session.get(Competency, req.target_competency_id)


def documents(req: TuitionRequest) -> list[tuple[str, str, Upload]]:
    """The request's receipt and transcript that exist: (label, kind, upload)."""
    found = []
    for label, kind, upload_id in (
        ("Receipt", "receipt", req.receipt_upload_id),
        ("Transcript", "transcript", req.transcript_upload_id),
    ):
        if upload_id:
            upload = db.session.get(Upload, upload_id)
            if upload is not None:
                found.append((label, kind, upload))
    return found


def document(req: TuitionRequest, kind: str) -> Upload | None:
    """The request's receipt or transcript, unless it was purged or is someone else's."""
    upload_id = req.receipt_upload_id if kind == "receipt" else req.transcript_upload_id
    upload = db.session.get(Upload, upload_id) if upload_id else None
    if upload is None or upload.purged_on is not None or upload.employee_id != req.employee_id:
        return None
    return upload


def departments() -> list[Department]:
    """Every department, by name (the summary's filter)."""
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def request_loading() -> tuple[Any, ...]:
    """Loader options of requests as a list or a page shows them: the person with their
    department and the qualification joined in; the target role is the serializer's
    (requests_to_dicts loads a page's roles in one query) and its requirements nobody's."""
    return (
        joinedload(TuitionRequest.employee).joinedload(Employee.department),
        joinedload(TuitionRequest.qualification),
    )


REQUEST_PAGE = (
    *request_loading(),
    joinedload(TuitionRequest.target_role).lazyload(JobRole.requirements),
)

REQUEST_SORTS = {
    "updated": TuitionRequest.updated_at,
    "starts_on": TuitionRequest.starts_on,
    "title": TuitionRequest.title,
    "state": TuitionRequest.state,
    "employee": Employee.name,
    "cost": TuitionRequest.tuition + TuitionRequest.fees + TuitionRequest.books,
}


def _search(stmt: Select, q: str | None) -> Select:
    if q:
        stmt = stmt.where(
            contains_any(
                q.strip().lower()[:100],
                TuitionRequest.title,
                TuitionRequest.institution,
                Employee.name,
                Employee.employee_no,
            )
        )
    return stmt


def own_requests_query(employee_id: int, q: str | None = None, state: str | None = None) -> Select:
    """The employee's own requests (with their events), optionally searched and by state."""
    stmt = (
        select(TuitionRequest)
        .join(Employee, Employee.id == TuitionRequest.employee_id)
        .options(
            selectinload(TuitionRequest.events)
            .joinedload(TuitionEvent.actor)
            .joinedload(User.employee),
            *request_loading(),
        )
        .where(TuitionRequest.employee_id == employee_id)
    )
    if state in rules.STATES:
        stmt = stmt.where(TuitionRequest.state == state)
    return _search(stmt, q)


def visible_requests_query(
    user: User, q: str | None = None, state: str | None = None, department: str | None = None
) -> Select:
    """Every request the user may see: their own, their reports' (managers), all (hr, finance)."""
    stmt = (
        select(TuitionRequest)
        .join(Employee, Employee.id == TuitionRequest.employee_id)
        .options(*request_loading())
    )
    if not (policy.is_hr(user) or policy.is_finance(user)):
        stmt = stmt.where(
            or_(
                TuitionRequest.employee_id == user.employee_id,
                TuitionRequest.employee_id.in_(policy.subtree_query(user.employee_id)),
            )
        )
    if state in rules.STATES:
        stmt = stmt.where(TuitionRequest.state == state)
    if department:
        stmt = stmt.join(Department, Department.id == Employee.department_id).where(
            Department.code == department
        )
    return _search(stmt, q)


def queue_query(user: User, stage: str, q: str | None = None, view: str | None = None) -> Select:
    """Requests waiting for ``user`` at ``stage`` (manager, hr or finance).

    finance ``view``: "approve" (hr_approved), "pay" (completed) or "waiting" (documents_missing
    waiting for the employee); default both approve and pay. hr ``view`` "late": drafts whose
    course has started, waiting for a late-submission override.
    """
    stmt = (
        select(TuitionRequest)
        .join(Employee, Employee.id == TuitionRequest.employee_id)
        .options(*request_loading())
    )
    mine = TuitionRequest.employee_id != user.employee_id
    if stage == "manager":
        stmt = stmt.where(
            TuitionRequest.state == "submitted",
            TuitionRequest.employee_id.in_(manager_approvees(user.employee_id)),
        )
    elif stage == "hr":
        if view == "late":
            stmt = stmt.where(
                TuitionRequest.state == DRAFT,
                TuitionRequest.starts_on <= today(),
                TuitionRequest.late_override_reason.is_(None),
                Employee.status != "terminated",
            )
        else:
            fallback = hr_fallback_employees(
                select(TuitionRequest.employee_id).where(TuitionRequest.state == "submitted")
            )
            stmt = stmt.where(
                or_(
                    TuitionRequest.state == "manager_approved",
                    and_(
                        TuitionRequest.state == "submitted",
                        TuitionRequest.employee_id.in_(fallback),
                    ),
                )
            )
    elif stage == "finance":
        states = {
            "approve": ["hr_approved"],
            "pay": ["completed"],
            "waiting": ["documents_missing"],
        }.get(view or "", ["hr_approved", "completed"])
        stmt = stmt.where(TuitionRequest.state.in_(states))
    else:
        raise ValueError(f"unknown queue {stage!r}")
    return _search(stmt.where(mine), q)


def queue_count_query(user: User, stage: str, view: str | None = None) -> Select:
    """SELECT of one number: how many requests wait in the user's queue (navigation counts)."""
    stmt = queue_query(user, stage, view=view).order_by(None)
    return select(func.count()).select_from(stmt.subquery())


def queue_count(user: User, stage: str, view: str | None = None) -> int:
    """How many requests wait in the user's queue."""
    return db.session.scalar(queue_count_query(user, stage, view)) or 0
