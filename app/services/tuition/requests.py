"""Create and edit a tuition request (a draft), checking every field at once.

docs/RULES.md "TuitionRequest": the title, institution and justification, the course dates,
the costs (tuition, fees and books: exact money, not all 0.00), whether the course is
job-related (it decides the tax treatment) or graded pass/fail, and optionally the
qualification, target role and competency gap of the employee's development plan it serves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app import policy
from app.extensions import db
from app.kernel.fields import FieldErrors
from app.models import Competency, Employee, JobRole, QualificationType, TuitionRequest, User
from app.services.tuition.errors import Conflict, IllegalTransition, NotAllowed, NotFound
from app.services.tuition.parsing import parse_bool, parse_date, parse_money, refuse_if_any, text
from app.services.tuition.plan import plan_options
from app.services.tuition.queries import load_request
from app.services.tuition.store import actor_context, add_event, tuition_work, work
from app.tuition.rules import DRAFT

COSTS = ("tuition", "fees", "books")
edit_work = work(
    "This request changed while you were editing it (it may have been submitted). "
    "Nothing was saved; reload it and try again."
)


def _given(value: Any) -> bool:
    return value not in (None, "")


def _course(errors: FieldErrors, data: Mapping[str, Any]) -> dict[str, Any]:
    """The texts, the dates and the costs."""
    values: dict[str, Any] = {
        "title": text(errors, "title", data.get("title"), "programme or course title", True),
        "institution": text(errors, "institution", data.get("institution"), "institution", True),
        "justification": text(
            errors, "justification", data.get("justification"), "justification", True
        ),
    }
    starts = parse_date(errors, "starts_on", data.get("starts_on"), "start date")
    ends = parse_date(errors, "ends_on", data.get("ends_on"), "end date")
    if starts and ends and ends < starts:
        errors.add(
            "ends_on",
            f"The course cannot end ({ends.isoformat()}) before it starts ({starts.isoformat()}).",
        )
    values["starts_on"], values["ends_on"] = starts, ends
    for key in COSTS:
        values[key] = parse_money(errors, key, data.get(key), key)
    costs = [values[k] for k in COSTS]
    if all(c is not None for c in costs) and sum(costs) <= 0:
        errors.add("tuition", "Enter the costs: tuition, fees and books cannot all be 0.00.")
    return values


def _flags(errors: FieldErrors, data: Mapping[str, Any], values: dict[str, Any]) -> None:
    """Job-related (required: it decides the tax treatment) and pass/fail (default no)."""
    if not _given(data.get("job_related")):
        errors.add(
            "job_related", "Say whether the course is job-related: it decides the tax treatment."
        )
    else:
        values["job_related"] = parse_bool(
            errors, "job_related", data.get("job_related"), "the course is job-related"
        )
    values["pass_fail"] = (
        parse_bool(errors, "pass_fail", data.get("pass_fail"), "the course is graded pass/fail")
        if _given(data.get("pass_fail"))
        else False
    )


def _qualification(
    errors: FieldErrors, data: Mapping[str, Any], existing: TuitionRequest | None
) -> int | None:
    """The qualification it leads to, by code (a retired one only if the request has it)."""
    qualification = data.get("qualification")
    if not _given(qualification):
        return None
    qual = db.session.scalar(
        select(QualificationType).where(QualificationType.code == str(qualification).strip())
    )
    if qual is None or (
        qual.retired and (existing is None or existing.qualification_id != qual.id)
    ):
        errors.add(
            "qualification", f"Unknown qualification {qualification!r}: pick one from the list."
        )
        return None
    return qual.id


def _targets(
    errors: FieldErrors,
    data: Mapping[str, Any],
    employee: Employee,
    existing: TuitionRequest | None,
) -> dict[str, int | None]:
    """The target role and the competency gap, each named by code: they must be in the
    development plan (the one the request already names stays allowed); one that is not is
    None after a message on its field."""
    plan = plan_options(employee)
    roles = ", ".join(r.code for r in plan.roles) or "none (no role above yours)"
    targets: dict[str, tuple[Any, list[Any], str]] = {
        "target_role": (
            JobRole,
            plan.roles,
            f"is not a role in your development plan: pick one of {roles}.",
        ),
        "target_competency": (
            Competency,
            plan.competencies,
            "is not a competency gap in your development plan: pick one from the list, "
            "or leave it empty.",
        ),
    }
    chosen: dict[str, int | None] = {}
    for key, (model, in_plan, refusal) in targets.items():
        chosen[f"{key}_id"] = None
        code = data.get(key)
        if not _given(code):
            continue
        allowed = {entry.id for entry in in_plan}
        current = getattr(existing, f"{key}_id") if existing is not None else None
        found = db.session.scalar(select(model).where(model.code == str(code).strip()))
        if found is None or (found.id not in allowed and found.id != current):
            errors.add(key, f"{code!r} {refusal}")
        else:
            chosen[f"{key}_id"] = found.id
    return chosen


def validate_request_data(
    employee: Employee, data: Mapping[str, Any], existing: TuitionRequest | None = None
) -> dict[str, Any]:
    """Check a request's fields; answer model values or raise ValidationFailed (all errors)."""
    errors = FieldErrors()
    values = _course(errors, data)
    _flags(errors, data, values)
    values["qualification_id"] = _qualification(errors, data, existing)
    values.update(_targets(errors, data, employee, existing))
    refuse_if_any(errors)
    return values


def create_request(employee: Employee, data: Mapping[str, Any], actor: User) -> TuitionRequest:
    """Create a draft request for ``employee`` (only the employee, for themselves)."""
    if actor is None or not policy.can_view(actor, employee, "tuition"):
        raise NotFound("There is no such employee, or you may not see them.")
    if not policy.can_edit(actor, employee, "tuition_request"):
        raise NotAllowed("Only the employee can request tuition reimbursement for themselves.")
    if employee.status == "terminated":
        raise Conflict(f"{employee.name} has left: no new tuition requests.")
    with actor_context(actor):  # around the commit: the audit rows name the actor
        return _create(employee, data, actor)


@tuition_work
def _create(employee: Employee, data: Mapping[str, Any], actor: User) -> TuitionRequest:
    values = validate_request_data(employee, data)
    req = TuitionRequest(employee_id=employee.id, state=DRAFT, **values)
    db.session.add(req)
    db.session.flush()
    add_event(req, "create", DRAFT, DRAFT, actor, amount=req.eligible_cost)
    return req


def update_request(request_id: int, data: Mapping[str, Any], actor: User) -> TuitionRequest:
    """Edit a draft (only its employee). A submitted request is no longer editable."""
    req = load_request(request_id, actor)
    if actor.employee_id != req.employee_id:
        raise NotAllowed(f"Only {req.employee.name} can edit their own request.")
    if req.state != DRAFT:
        raise IllegalTransition(
            f"A request that is {req.state} cannot be edited: only a draft can. "
            "Cancel it and create a new one if the details changed."
        )
    with actor_context(actor):
        return _update(req, data, actor)


@edit_work
def _update(req: TuitionRequest, data: Mapping[str, Any], actor: User) -> TuitionRequest:
    values = validate_request_data(req.employee, data, existing=req)
    for key, value in values.items():
        setattr(req, key, value)
    db.session.flush()
    return req
