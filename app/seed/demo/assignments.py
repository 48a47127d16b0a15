"""The demo's required training (docs/RULES.md "Assignments"): PCI awareness for every CSR
within 30 days of hire. Maria Lopez, whose PCI refresher expired, is overdue; Noah Brooks, a
CSR who joined Contact Centre South 23 days ago, has it due next week."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.kernel.uow import batch
from app.models import Employee, JobRole
from app.seed.demo.organisation import Seeder
from app.services import assignments

NEW_JOINER = "Noah Brooks"
JOINED_DAYS_AGO = 23


def required_training(seeder: Seeder) -> None:
    """Add the new joiner, then the rule (which assigns PCI awareness to every CSR)."""
    supervisor = db.session.scalar(
        select(Employee)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(JobRole.code == "L2-CSS", Employee.department_id == seeder.dept["CS-SOUTH"].id)
        .order_by(Employee.id)
        .limit(1)
    )
    joiner = seeder.person(NEW_JOINER, "L1-CSR", "CS-SOUTH", supervisor, 0, months_employed=0)
    joiner.hire_date = joiner.role_since = seeder.d(-JOINED_DAYS_AGO)
    db.session.flush()
    with batch():
        assignments.create_rule(
            {"role": "L1-CSR", "course": "PCI-AWARE", "due_days": 30}, actor=None
        )
