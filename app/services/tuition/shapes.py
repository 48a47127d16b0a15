"""Tuition requests in the docs/API.md shape: dates ISO, money "1500.00", catalogue refs by code."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from app.extensions import db
from app.models import Competency, JobRole, TuitionRequest
from app.services.tuition.approvers import is_late
from app.services.tuition.queries import history, target_competency
from app.tuition import rules
from app.tuition.rules import REIMBURSED, RESERVING_STATES


def money(value: Decimal | None) -> str | None:
    """Money as a decimal string to the cent, or None."""
    return None if value is None else f"{rules.to_cents(value):.2f}"


def moneys(row: Any, *names: str) -> dict[str, str | None]:
    """The amounts ``names`` of ``row`` as money strings (``money``), by name."""
    return {name: money(getattr(row, name)) for name in names}


def request_to_dict(req: TuitionRequest, include_history: bool = False) -> dict[str, Any]:
    """A request in the docs/API.md shape: dates ISO, money "1500.00", catalogue refs by code."""
    competency = target_competency(req)
    amount = req.reimbursed_amount if req.state == REIMBURSED else None
    if amount is None and req.state in RESERVING_STATES:
        amount = req.reserved_amount
    if amount is None:
        amount = req.eligible_cost
    data: dict[str, Any] = {
        "id": req.id,
        "employee_id": req.employee_id,
        "employee_name": req.employee.name if req.employee else None,
        "title": req.title,
        "institution": req.institution,
        "qualification": req.qualification.code if req.qualification else None,
        "starts_on": req.starts_on.isoformat(),
        "ends_on": req.ends_on.isoformat(),
        "tuition": money(req.tuition),
        "fees": money(req.fees),
        "books": money(req.books),
        "eligible_cost": money(req.eligible_cost),
        "job_related": bool(req.job_related),
        "justification": req.justification,
        "target_role": req.target_role.code if req.target_role else None,
        "target_competency": competency.code if competency else None,
        "pass_fail": bool(req.pass_fail),
        "state": req.state,
        "submitted_on": req.submitted_on.isoformat() if req.submitted_on else None,
        "late": is_late(req),
        "late_override_reason": req.late_override_reason,
        "rejection_reason": req.rejection_reason,
        "reserved_amount": money(req.reserved_amount),
        "cap_year": req.cap_year,
        "grade": req.grade,
        "receipt_upload_id": req.receipt_upload_id,
        "transcript_upload_id": req.transcript_upload_id,
        "reimbursed_amount": money(req.reimbursed_amount),
        "paid_on": req.paid_on.isoformat() if req.paid_on else None,
        "amount": money(amount),
    }
    if include_history:
        data["history"] = _history(req)
    return data


def timestamp(moment: datetime) -> str:
    """An RFC 3339 date-time with its offset: stored times are UTC, and SQLite hands them
    back without a zone (docs/API.md Conventions; issue 20, finding 11)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.isoformat()


def _history(req: TuitionRequest) -> list[dict[str, Any]]:
    return [
        {
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "at": timestamp(e.at),
            "by": e.actor.email if e.actor else None,
            "reason": e.reason,
            "amount": money(e.amount),
        }
        for e in history(req)
    ]


def requests_to_dicts(rows: list[TuitionRequest]) -> list[dict[str, Any]]:
    """Serialize a page; its target competencies and roles load in one query each (into the
    session's identity map, where the serializer finds them), not one query per request."""
    # Always both queries, so a page costs the same whatever its rows refer to; the results
    # are held in a local: the identity map keeps objects only while something refers to them.
    competencies = {r.target_competency_id for r in rows if r.target_competency_id}
    roles = {r.target_role_id for r in rows if r.target_role_id}
    loaded: list[Any] = list(
        db.session.scalars(select(Competency).where(Competency.id.in_(competencies)))
    )
    loaded += db.session.scalars(
        select(JobRole).options(lazyload(JobRole.requirements)).where(JobRole.id.in_(roles))
    )
    answer = [request_to_dict(r) for r in rows]
    del loaded
    return answer


def request_fields(req: TuitionRequest) -> dict[str, Any]:
    """The request's editable fields in the input shape (a PATCH starts from these)."""
    competency = target_competency(req)
    return {
        "title": req.title,
        "institution": req.institution,
        "qualification": req.qualification.code if req.qualification else None,
        "starts_on": req.starts_on,
        "ends_on": req.ends_on,
        "tuition": req.tuition,
        "fees": req.fees,
        "books": req.books,
        "job_related": req.job_related,
        "justification": req.justification,
        "target_role": req.target_role.code if req.target_role else None,
        "target_competency": competency.code if competency else None,
        "pass_fail": req.pass_fail,
    }
