"""Reading people and their records, limited to what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app import policy
from app.extensions import db
from app.models import (
    Assessment,
    BackgroundCheck,
    CompetencyRating,
    Completion,
    Department,
    EducationRecord,
    Employee,
    JobRole,
    RoleHistory,
    TalentReview,
    TuitionRequest,
    User,
)
from app.services.joins import contains_any
from app.services.records import queries
from app.services.tuition.queries import request_loading

EMPLOYEE_SORTS = {
    "name": Employee.name,
    "employee_no": Employee.employee_no,
    "hire_date": Employee.hire_date,
    "role_since": Employee.role_since,
    "status": Employee.status,
}


def employee_list_query(
    user: User,
    q: str | None = None,
    role: str | None = None,
    department: str | None = None,
    manager_id: int | None = None,
    status: str | None = None,
) -> Select:
    """Employees the user may see, filtered; the caller adds ordering and pagination.

    Each row comes with its job role and department from the joins the filters use (what a
    directory row shows), never the role's requirements."""
    stmt = (
        select(Employee)
        .outerjoin(JobRole, Employee.job_role_id == JobRole.id)
        .outerjoin(Department, Employee.department_id == Department.id)
        .options(
            contains_eager(Employee.job_role).lazyload(JobRole.requirements),
            contains_eager(Employee.department),
        )
    )
    visible = policy.visible_employee_filter(user)
    if visible is not None:
        stmt = stmt.where(visible)
    if q:
        stmt = stmt.where(
            contains_any(q.strip().lower(), Employee.name, Employee.email, Employee.employee_no)
        )
    if role:
        stmt = stmt.where(JobRole.code == role)
    if department:
        stmt = stmt.where(or_(Department.code == department, Department.name == department))
    if manager_id:
        stmt = stmt.where(Employee.manager_id == manager_id)
    if status:
        stmt = stmt.where(Employee.status == status)
    return stmt


@dataclass
class EmployeeRecords:
    employee: Employee
    visible: set[str]
    history: list[RoleHistory] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)
    ratings: list[CompetencyRating] = field(default_factory=list)
    checks: list[BackgroundCheck] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    talent_reviews: list[TalentReview] = field(default_factory=list)
    education: list[EducationRecord] = field(default_factory=list)
    tuition: list[TuitionRequest] = field(default_factory=list)
    reports: list[Employee] = field(default_factory=list)


def _rows(model: Any, order: Any, employee_id: int, *options: Any) -> list[Any]:
    """One record table's rows of one employee, newest first, with the catalogue entry each
    names: one query."""
    stmt = select(model).where(model.employee_id == employee_id).order_by(order.desc())
    return list(db.session.scalars(stmt.options(*queries.with_entry(model), *options)))


def records_for(user: User, employee: Employee) -> EmployeeRecords:
    """Everything about ``employee`` that ``user`` may see, one query per record table."""
    visible = {aspect for aspect in policy.ASPECTS if policy.can_view(user, employee, aspect)}
    result = EmployeeRecords(employee=employee, visible=visible)
    eid = employee.id
    result.history = _rows(
        RoleHistory, RoleHistory.started_on, eid, joinedload(RoleHistory.job_role)
    )
    if "training" in visible:
        result.completions = _rows(Completion, Completion.completed_on, eid)
    if "ratings" in visible:
        result.ratings = _rows(CompetencyRating, CompetencyRating.rated_on, eid)
    if "check_status" in visible:
        result.checks = _rows(BackgroundCheck, BackgroundCheck.requested_on, eid)
    if "assessments" in visible:
        result.assessments = _rows(
            Assessment, Assessment.conducted_on, eid, selectinload(Assessment.responses)
        )
        result.talent_reviews = _rows(TalentReview, TalentReview.period, eid)
    if "education" in visible:
        result.education = _rows(EducationRecord, EducationRecord.completed_on, eid)
    if "tuition" in visible:
        result.tuition = _rows(TuitionRequest, TuitionRequest.starts_on, eid, *request_loading())
    result.reports = list(
        db.session.scalars(
            select(Employee).where(Employee.manager_id == eid).order_by(Employee.name)
        )
    )
    return result
