"""The personal data export: everything Echelon holds about one employee, as JSON.

Issue 8: the subject-access and portability duty under data-protection law. An employee
downloads their own data; hr downloads anyone's. It holds the profile, role history, sign-in,
records, ratings, background checks (findings included: the employee may see their own,
docs/RULES.md data minimisation), assessments with group results and tuition.

What it never holds (docs/RULES.md "360": rater identities are never shown or exported):
- rater identities: 360 results are exported as group results computed by the 360 rule, groups
  below their minimum hidden exactly as `aggregate_360` hides them (count only, no mean), and
  never the individual responses;
- any other person: no manager, rater, assessor, approver, verifier or reviewer is named, no
  user ids of other people, no direct reports, no notifications (a manager's notifications are
  about their reports);
- secrets: password and token hashes, sign-in counters.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import policy
from app.audit import plain, record_change
from app.clock import now, today
from app.extensions import db
from app.kernel.errors import NotFound
from app.kernel.uow import unit_of_work
from app.models import (
    ApiToken,
    Assessment,
    BackgroundCheck,
    CompetencyRating,
    Completion,
    EducationRecord,
    Employee,
    Repayment,
    RoleHistory,
    TalentReview,
    TuitionRequest,
    Upload,
    User,
)
from app.readiness.aggregate360 import aggregate_360
from app.services import settings
from app.services.configuration import floored_minimums
from app.services.records import queries
from app.services.shapes import attributes
from app.services.tuition.queries import REQUEST_PAGE

FORMAT = "echelon-personal-data"
FORMAT_VERSION = 1


class ExportNotFound(NotFound):
    """No such employee, or one the caller may not export (they look alike: 404)."""

    def __init__(self, message: str = "There is no such employee, or you may not export them."):
        super().__init__(message)


def may_export(user: User | None, employee: Employee) -> bool:
    """The employee themselves and hr: exactly who may see check findings (policy.py)."""
    return policy.can_view(user, employee, "check_findings")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _decimal(value: float | Decimal | None, places: int = 3) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))


def min_group_responses() -> dict[str, int]:
    """The 360 minimum responses per rater group (cfg); self is shown with one response."""
    return floored_minimums(settings.get("min_responses"))


def _profile(employee: Employee) -> dict[str, Any]:
    role = employee.job_role
    department = employee.department
    return {
        **attributes(employee, "employee_no", "name", "email", "hire_date"),
        "job_role": attributes(role, "code", "title", "level") if role else None,
        "role_since": employee.role_since,
        "department": attributes(department, "code", "name") if department else None,
        **attributes(employee, "jurisdiction", "status", "termination_date", "termination_reason"),
    }


def _account(employee_id: int) -> dict[str, Any] | None:
    user = db.session.scalar(select(User).where(User.employee_id == employee_id))
    if user is None:
        return None
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
    ).all()
    token_fields = ("name", "prefix", "created_at", "revoked_at", "last_used_at")
    return {
        "email": user.email,
        "app_roles": sorted(user.app_roles),
        **attributes(user, "active", "created_at", "last_login_at"),
        "api_tokens": [attributes(t, *token_fields) for t in tokens],
    }


def _assessment(a: Assessment, minimums: dict[str, int]) -> dict[str, Any]:
    instrument = a.instrument
    entry: dict[str, Any] = {
        "instrument": attributes(instrument, "code", "name", "kind"),
        "conducted_on": a.conducted_on,
        "overall": _decimal(a.overall),
    }
    if instrument.kind == "360":
        # the minimums kept with it apply, never below the floors
        kept = floored_minimums({**minimums, **(a.min_responses or {})})
        result = aggregate_360(((r.rater_group, r.scores) for r in a.responses), kept)
        groups = []
        for group in result.groups:
            shown = attributes(group, "group", "responses", "minimum", "shown")
            if group.shown:
                shown["mean"] = _decimal(group.mean)
                shown["dimension_means"] = {d: _decimal(m) for d, m in group.dimension_means}
            groups.append(shown)
        entry["overall"] = _decimal(result.overall) if result.overall is not None else None
        entry["groups"] = groups
        entry["note"] = (
            "Group results only: a group below its minimum number of responses is hidden. "
            "Individual responses and rater identities are never exported."
        )
    else:
        entry["scores"] = {str(k): plain(v) for k, v in (a.scores or {}).items()}
    return entry


def _rows(model: Any, employee_id: int, *order: Any, options: tuple = ()) -> list[Any]:
    """The employee's rows of one table with the catalogue entry each names, in ``order``
    (one query)."""
    stmt = select(model).where(model.employee_id == employee_id).order_by(*order)
    return list(db.session.scalars(stmt.options(*queries.with_entry(model), *options)).all())


def _header(employee: Employee, as_of: date) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generated_at": now(),
        "as_of": as_of,
        "employee_no": employee.employee_no,
        "excluded": [
            "rater, assessor, approver and manager identities (other people's data)",
            "individual 360 responses (only group results, small groups hidden)",
            "password and API token hashes",
            "the content of uploaded files (listed here; ask HR for copies)",
        ],
    }


def _role_history(eid: int) -> list[dict[str, Any]]:
    return [
        {
            "role": attributes(h.job_role, "code", "title"),
            **attributes(h, "started_on", "ended_on", "note"),
        }
        for h in _rows(
            RoleHistory,
            eid,
            RoleHistory.started_on,
            options=(joinedload(RoleHistory.job_role),),
        )
    ]


def _training(eid: int, as_of: date) -> list[dict[str, Any]]:
    return [
        {
            "course": attributes(c.course, "code", "title"),
            **attributes(c, "completed_on", "expires_on"),
            "status": settings.certificate_status(c.expires_on, as_of),
            "score": plain(c.score),
            **attributes(c, "verification", "evidence_upload_id"),
        }
        for c in _rows(Completion, eid, Completion.completed_on, Completion.id)
    ]


def _ratings(eid: int) -> list[dict[str, Any]]:
    return [
        {
            "competency": attributes(r.competency, "code", "name"),
            **attributes(r, "level", "rated_on", "source"),
            "counts_toward_readiness": r.source != "self",
            "evidence": r.evidence,
        }
        for r in _rows(CompetencyRating, eid, CompetencyRating.rated_on, CompetencyRating.id)
    ]


def _checks(eid: int, as_of: date) -> list[dict[str, Any]]:
    return [
        {
            "type": attributes(k.check_type, "code", "name"),
            **attributes(k, "consent_signed_on", "consent_form_version", "requested_on"),
            **attributes(k, "vendor", "status", "completed_on", "valid_until"),
            "expired": bool(k.valid_until and as_of >= k.valid_until),
            "findings": k.findings,
            "findings_erased_on": k.findings_purged_on,
            **attributes(k, "pre_adverse_notice_on", "final_notice_on"),
        }
        for k in _rows(BackgroundCheck, eid, BackgroundCheck.requested_on, BackgroundCheck.id)
    ]


def _assessments(eid: int) -> list[dict[str, Any]]:
    minimums = min_group_responses()
    rows = _rows(
        Assessment,
        eid,
        Assessment.conducted_on,
        Assessment.id,
        options=(selectinload(Assessment.responses),),
    )
    return [_assessment(a, minimums) for a in rows]


def _talent_reviews(eid: int) -> list[dict[str, Any]]:
    return [
        attributes(t, "period", "performance", "potential", "notes")
        for t in _rows(TalentReview, eid, TalentReview.period)
    ]


def _education(eid: int) -> list[dict[str, Any]]:
    return [
        {
            "qualification": attributes(e.qualification, "code", "name"),
            **attributes(e, "institution", "completed_on", "tuition_request_id"),
        }
        for e in _rows(EducationRecord, eid, EducationRecord.completed_on, EducationRecord.id)
    ]


def _tuition_request(r: TuitionRequest) -> dict[str, Any]:
    return {
        **attributes(r, "id", "title", "institution"),
        "qualification": r.qualification.code if r.qualification else None,
        **attributes(r, "starts_on", "ends_on"),
        "tuition": _money(r.tuition),
        "fees": _money(r.fees),
        "books": _money(r.books),
        "eligible_cost": _money(r.eligible_cost),
        **attributes(r, "job_related", "justification"),
        "target_role": r.target_role.code if r.target_role else None,
        **attributes(r, "pass_fail", "state", "submitted_on"),
        **attributes(r, "late_override_reason", "rejection_reason"),
        "reserved_amount": _money(r.reserved_amount),
        **attributes(r, "cap_year", "grade"),
        "reimbursed_amount": _money(r.reimbursed_amount),
        "paid_on": r.paid_on,
        "history": [
            {
                **attributes(ev, "action", "from_state", "to_state", "at", "reason"),
                "amount": _money(ev.amount),
            }
            for ev in r.events
        ],
    }


def _tuition(eid: int) -> dict[str, Any]:
    requests = _rows(
        TuitionRequest,
        eid,
        TuitionRequest.starts_on,
        TuitionRequest.id,
        options=(selectinload(TuitionRequest.events), *REQUEST_PAGE),
    )
    return {
        "requests": [_tuition_request(r) for r in requests],
        "repayments": [
            {
                "tuition_request_id": p.request_id,
                "termination_date": p.termination_date,
                "months_since_paid": p.months_since_paid,
                "share": plain(p.share),
                "amount_owed": _money(p.amount_owed),
                "settled_on": p.settled_on,
            }
            for p in _rows(Repayment, eid, Repayment.id)
        ],
    }


def _uploads(eid: int) -> list[dict[str, Any]]:
    return [
        {
            "id": u.id,
            "file_name": u.original_name,
            "content_type": u.content_type,
            "size": u.size,
            "sha256": u.sha256,
            "purpose": u.purpose,
            "uploaded_at": u.uploaded_at,
            "erased_on": u.purged_on,
        }
        for u in _rows(Upload, eid, Upload.uploaded_at, Upload.id)
    ]


def build_export(employee: Employee, as_of: date | None = None) -> dict[str, Any]:
    """The export document of one employee (plain JSON types); reads only, one query a table."""
    as_of = as_of or today()
    eid = employee.id
    document: dict[str, Any] = {
        "export": _header(employee, as_of),
        "profile": _profile(employee),
        "role_history": _role_history(eid),
        "account": _account(eid),
        "training": _training(eid, as_of),
        "competency_ratings": _ratings(eid),
        "background_checks": _checks(eid, as_of),
        "assessments": _assessments(eid),
        "talent_reviews": _talent_reviews(eid),
        "education": _education(eid),
        "tuition": _tuition(eid),
        "uploads": _uploads(eid),
    }
    return plain(document)


@unit_of_work
def export_for(user: User, employee: Employee) -> dict[str, Any]:
    """Build the export of ``employee`` for ``user`` and audit it; one commit.

    Raises ExportNotFound unless the user is that employee or hr (the route's Load has
    already answered 404 for anyone else; this keeps the rule for every caller).
    """
    if not may_export(user, employee):
        raise ExportNotFound()
    document = build_export(employee)
    record_change(
        db.session(),
        "employees",
        employee.id,
        "export",
        None,
        {
            "personal_data_export": FORMAT,
            "requested_by": "self" if policy.is_self(user, employee) else "hr",
        },
    )
    return document


def filename_for(document: dict[str, Any]) -> str:
    meta = document["export"]
    return f"echelon-personal-data-{meta['employee_no']}-{meta['as_of']}.json"
