"""What the required-training tests arrange, through the services themselves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, AssignmentRule, Course, Employee, JobRole
from app.services import assignments
from tests.factories import PERSONAS, user_of

COURSE = "CALL-SAFE"


def hr() -> Any:
    return user_of(PERSONAS["hr"])


def new_course(code: str = COURSE, validity_months: int | None = 12) -> Course:
    course = Course(
        code=code,
        title="Safe calls",
        category="compliance",
        validity_months=validity_months,
        default_duration_days=30,
    )
    db.session.add(course)
    db.session.commit()
    return course


def rule(role: str = "L1-CSR", course: str = COURSE, **extra: Any) -> AssignmentRule:
    data = {"role": role, "course": course, "due_days": 30, **extra}
    return assignments.create_rule(data, actor=hr())


def people_in(role: str) -> list[Employee]:
    return list(
        db.session.scalars(
            select(Employee)
            .join(JobRole, JobRole.id == Employee.job_role_id)
            .where(JobRole.code == role, Employee.status != "terminated")
            .order_by(Employee.name)
        )
    )


def counts() -> tuple[int, int]:
    """(rules, assignments) stored: what a refused change must leave as it was."""
    return (
        db.session.scalar(select(func.count(AssignmentRule.id))) or 0,
        db.session.scalar(select(func.count(Assignment.id))) or 0,
    )


def open_of(employee_id: int) -> list[Assignment]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.employee_id == employee_id, Assignment.closed_on.is_(None)
            )
        )
    )
