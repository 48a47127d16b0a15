"""What each user's first screen shows: what needs them now (their certificates that expired or
expire soon with the next session that renews them, their open tuition requests and where each
stands), then their team, the organisation and the finance queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app import clock, policy
from app.extensions import db
from app.models import (
    Completion,
    Course,
    CourseSession,
    Department,
    Employee,
    JobRole,
    TuitionRequest,
    User,
)
from app.policy.readiness import sees_organisation_summary, works_finance_queue
from app.services import settings
from app.tuition.rules import FINAL_STATES

FINANCE_QUEUE_STATES = ("hr_approved", "completed", "documents_missing")
RENEWALS_SHOWN = 10

# A tuition request's way from submission to payment, as the home page draws it: each step's
# words, and for each open state the step it waits at (docs/RULES.md Tuition).
TUITION_STEPS = ("Submitted", "Manager", "HR", "Finance", "Completed", "Paid")
WAITING_AT = {
    "draft": 0,
    "submitted": 1,
    "manager_approved": 2,
    "hr_approved": 3,
    "finance_approved": 4,
    "documents_missing": 4,
    "completed": 5,
}
WAITING_FOR = {
    "draft": "You: submit it when it is ready.",
    "submitted": "Your manager's approval.",
    "manager_approved": "HR's approval.",
    "hr_approved": "Finance's approval.",
    "finance_approved": "You: report the completion and grade once the course ends on {ends}.",
    "documents_missing": "You: send the missing documents.",
    "completed": "Finance: the payment.",
}


@dataclass(frozen=True)
class Renewal:
    """A certificate of the person that expired, or expires within the expiring window, and
    the next session of its course (None: nothing scheduled yet)."""

    course: Course
    expires_on: date
    status: str  # "expired" or "expiring"
    next_session: CourseSession | None
    reported: bool  # a newer completion the person reported waits for HR's verification


@dataclass(frozen=True)
class TuitionProgress:
    """An open tuition request and the step it waits at (an index of ``TUITION_STEPS``)."""

    request: TuitionRequest
    at: int
    waiting_for: str

    @property
    def steps(self) -> list[tuple[str, str]]:
        """(words, "done" / "current" / "todo") of each step."""
        return [
            (words, "done" if i < self.at else "current" if i == self.at else "todo")
            for i, words in enumerate(TUITION_STEPS)
        ]


@dataclass
class Home:
    user: User
    me: Employee
    team: list[Employee] = field(default_factory=list)
    team_total: int = 0
    organisation: dict[str, Any] | None = None
    finance_queue: list[TuitionRequest] | None = None
    renewals: list[Renewal] = field(default_factory=list)
    tuition: list[TuitionProgress] = field(default_factory=list)
    team_lapsing: int = 0  # people of the team with a certificate expired or expiring
    window_days: int = 90  # the expiring window (a setting)

    @property
    def needs_action(self) -> bool:
        return bool(self.renewals or self.tuition or self.team_lapsing)


def home_for(user: User) -> Home:
    home = Home(user=user, me=user.employee, window_days=int(settings.get("expiring_window_days")))
    home.renewals = renewals_of(user.employee_id)
    home.tuition = open_tuition(user.employee_id)
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
        team = select(Employee.id).where(
            Employee.id.in_(policy.subtree_query(user.employee_id)),
            Employee.status != "terminated",
        )
        home.team_lapsing = len({eid for eid, _, _ in _lapsing(team, _horizon())})
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


# ----------------------------------------------------------------------------- what needs you


def _horizon() -> date:
    return clock.today() + timedelta(days=int(settings.get("expiring_window_days")))


def _lapsing(people: Select, horizon: date) -> list[tuple[int, int, date]]:
    """(employee, course, expires_on) of each latest verified completion of a course that
    expires, when it has expired or expires by ``horizon``: one query."""
    latest = (
        select(
            Completion.employee_id,
            Completion.course_id,
            func.max(Completion.completed_on).label("completed_on"),
        )
        .where(Completion.employee_id.in_(people), Completion.verification == "verified")
        .group_by(Completion.employee_id, Completion.course_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Completion.employee_id, Completion.course_id, func.max(Completion.expires_on))
        .join(
            latest,
            (latest.c.employee_id == Completion.employee_id)
            & (latest.c.course_id == Completion.course_id)
            & (latest.c.completed_on == Completion.completed_on),
        )
        .join(Course, Course.id == Completion.course_id)
        .where(Completion.verification == "verified", Completion.expires_on.is_not(None))
        .where(Course.retired.is_(False))
        .group_by(Completion.employee_id, Completion.course_id)
        .having(func.max(Completion.expires_on) <= horizon)
    ).all()
    return [(eid, cid, expires) for eid, cid, expires in rows if expires is not None]


def renewals_of(employee_id: int) -> list[Renewal]:
    """The person's certificates that expired or expire within the expiring window, soonest
    first, each with the next session that renews it: a fixed number of queries."""
    today = clock.today()
    found = _lapsing(select(Employee.id).where(Employee.id == employee_id), _horizon())
    if not found:
        return []
    found.sort(key=lambda row: row[2])
    found = found[:RENEWALS_SHOWN]
    course_ids = [cid for _, cid, _ in found]
    courses = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_(course_ids)))}
    upcoming: dict[int, CourseSession] = {}
    for session in db.session.scalars(
        select(CourseSession)
        .where(
            CourseSession.course_id.in_(course_ids),
            CourseSession.cancelled.is_(False),
            CourseSession.starts_on > today,
        )
        .order_by(CourseSession.starts_on, CourseSession.id)
    ):
        upcoming.setdefault(session.course_id, session)
    pending = select(Completion.course_id).where(Completion.verification == "pending")
    mine = pending.where(Completion.employee_id == employee_id)
    reported = set(db.session.scalars(mine.where(Completion.course_id.in_(course_ids))))
    return [
        Renewal(
            course=courses[cid],
            expires_on=expires,
            status=settings.certificate_status(expires, today),
            next_session=upcoming.get(cid),
            reported=cid in reported,
        )
        for _, cid, expires in found
    ]


def open_tuition(employee_id: int) -> list[TuitionProgress]:
    """The person's tuition requests that are not over yet, with the step each waits at."""
    requests = db.session.scalars(
        select(TuitionRequest)
        .where(
            TuitionRequest.employee_id == employee_id,
            TuitionRequest.state.not_in(sorted(FINAL_STATES)),
        )
        .order_by(TuitionRequest.starts_on, TuitionRequest.id)
    )
    return [
        TuitionProgress(
            request=req,
            at=WAITING_AT.get(req.state, 0),
            waiting_for=WAITING_FOR.get(req.state, "").format(ends=req.ends_on.isoformat()),
        )
        for req in requests
    ]
