"""What a tuition request may say it closes: the employee's development plan.

docs/RULES.md "Education and tuition reimbursement": a request may name a target role up the
ladder from the employee's role, and a competency gap of those roles.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import (
    Competency,
    CompetencyRating,
    Completion,
    CourseGrant,
    Employee,
    JobRole,
    LadderEdge,
    QualificationType,
    Requirement,
)


@dataclass(frozen=True)
class PlanOptions:
    """What a request may say it closes: roles up the ladder and competency gaps for them."""

    roles: list[JobRole]
    competencies: list[Competency]


def _current_levels(employee_id: int, on: date) -> dict[int, int]:
    """docs/RULES.md Competencies: the larger of the latest non-self rating and course grants."""
    levels: dict[int, int] = {}
    latest: dict[int, tuple[date, int]] = {}
    for comp_id, level, rated_on in db.session.execute(
        select(CompetencyRating.competency_id, CompetencyRating.level, CompetencyRating.rated_on)
        .where(
            CompetencyRating.employee_id == employee_id,
            CompetencyRating.source != "self",
            CompetencyRating.rated_on <= on,
        )
        .order_by(CompetencyRating.rated_on, CompetencyRating.id)
    ):
        latest[comp_id] = (rated_on, level)
    for comp_id, (_, level) in latest.items():
        levels[comp_id] = level
    for comp_id, level in db.session.execute(
        select(CourseGrant.competency_id, CourseGrant.level)
        .join(Completion, Completion.course_id == CourseGrant.course_id)
        .where(Completion.employee_id == employee_id, Completion.completed_on <= on)
    ):
        levels[comp_id] = max(levels.get(comp_id, 0), level)
    return levels


def plan_options(employee: Employee) -> PlanOptions:
    """The employee's development plan: the roles up the ladder from theirs, and the competency
    requirements of those roles that their current level does not meet yet."""
    roles = list(
        db.session.scalars(
            select(JobRole).where(JobRole.retired.is_(False)).order_by(JobRole.level)
        )
    )
    if employee.job_role_id is None:
        targets = roles
    else:
        reachable = _roles_above(employee.job_role_id)
        targets = [r for r in roles if r.id in reachable]
    gaps = _competency_gaps(employee, targets) if targets else set()
    competencies = (
        list(
            db.session.scalars(
                select(Competency).where(Competency.id.in_(gaps)).order_by(Competency.name)
            )
        )
        if gaps
        else []
    )
    return PlanOptions(roles=targets, competencies=competencies)


def _roles_above(role_id: int) -> set[int]:
    """The roles reachable up the career ladder from ``role_id`` (not itself)."""
    edges: dict[int, list[int]] = defaultdict(list)
    for src, dst in db.session.execute(select(LadderEdge.from_role_id, LadderEdge.to_role_id)):
        edges[src].append(dst)
    reachable: set[int] = set()
    frontier = [role_id]
    while frontier:
        for nxt in edges.get(frontier.pop(), []):
            if nxt not in reachable and nxt != role_id:
                reachable.add(nxt)
                frontier.append(nxt)
    return reachable


def _competency_gaps(employee: Employee, targets: list[JobRole]) -> set[int]:
    """Competencies the target roles require above the employee's current level."""
    gaps: set[int] = set()
    levels = _current_levels(employee.id, today())
    for comp_id, min_level in db.session.execute(
        select(Requirement.competency_id, Requirement.min_level).where(
            Requirement.job_role_id.in_([r.id for r in targets]),
            Requirement.kind == "competency",
            Requirement.competency_id.is_not(None),
        )
    ):
        if comp_id is not None and levels.get(comp_id, 0) < (min_level or 0):
            gaps.add(comp_id)
    return gaps


def qualification_options() -> list[QualificationType]:
    """Qualifications a request may lead to (not retired), by name."""
    return list(
        db.session.scalars(
            select(QualificationType)
            .where(QualificationType.retired.is_(False))
            .order_by(QualificationType.name)
        )
    )
