"""What each user's first screen shows: own records, the team, the organisation, the queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models import Department, Employee, JobRole, TuitionRequest, User
from app.policy.readiness import sees_organisation_summary, works_finance_queue

FINANCE_QUEUE_STATES = ("hr_approved", "completed", "documents_missing")


@dataclass
class Home:
    user: User
    me: Employee
    team: list[Employee] = field(default_factory=list)
    team_total: int = 0
    organisation: dict[str, Any] | None = None
    finance_queue: list[TuitionRequest] | None = None


def home_for(user: User) -> Home:
    home = Home(user=user, me=user.employee)
    if policy.is_manager(user):
        team_stmt = (
            select(Employee)
            # a row shows the role's code: never its requirements
            .options(joinedload(Employee.job_role).lazyload(JobRole.requirements))
            .where(Employee.id.in_(policy.subtree_query(user.employee_id)))
            .where(Employee.status != "terminated")
            .order_by(Employee.name)
        )
        home.team = list(db.session.scalars(team_stmt.limit(25)))
        home.team_total = (
            db.session.scalar(select(func.count()).select_from(team_stmt.order_by(None).subquery()))
            or 0
        )
    if sees_organisation_summary(user):
        home.organisation = organisation_summary()
    if works_finance_queue(user):
        home.finance_queue = list(
            db.session.scalars(
                select(TuitionRequest)
                .options(joinedload(TuitionRequest.employee))  # a row names the person
                .where(TuitionRequest.state.in_(FINANCE_QUEUE_STATES))
                .order_by(TuitionRequest.updated_at)
                .limit(50)
            )
        )
    return home


def organisation_summary() -> dict[str, Any]:
    """Head counts by status, by department and by role: three grouped queries."""
    by_status = dict(
        db.session.execute(select(Employee.status, func.count()).group_by(Employee.status)).all()
    )
    by_department = db.session.execute(
        select(Department.name, func.count(Employee.id))
        .join(Employee, Employee.department_id == Department.id)
        .where(Employee.status != "terminated")
        .group_by(Department.name)
        .order_by(Department.name)
    ).all()
    by_role = db.session.execute(
        select(JobRole.code, JobRole.title, func.count(Employee.id))
        .join(Employee, Employee.job_role_id == JobRole.id)
        .where(Employee.status != "terminated")
        .group_by(JobRole.code, JobRole.title, JobRole.level)
        .order_by(JobRole.level)
    ).all()
    return {"by_status": by_status, "by_department": by_department, "by_role": by_role}
