"""Indexes for the hot queries at organisation scale (issue 10, BENCHMARKS.md).

- employees.name: the People list is ordered by name, page by page;
- background_checks.status: the checks list filtered by status (review_required, in progress);
- notifications (user_id, read_at): the unread count in the navigation, on every page.

Not (verification, completed_on) on completions for HR's verification queue: without planner
statistics SQLite then prefers it to the employee_id index for "verified" (97% of the rows) in
the bulk readiness queries of a manager's subtree, scanning every completion (BENCHMARKS.md).

Revision ID: 0002_performance_indexes
Revises: 0001_initial
Create Date: 2026-11-22 23:55:00

"""
from alembic import op


revision = "0002_performance_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employees_name"), ["name"], unique=False)
    with op.batch_alter_table("background_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_background_checks_status"), ["status"], unique=False
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_user_id_read_at", ["user_id", "read_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_read_at")
    with op.batch_alter_table("background_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_background_checks_status"))
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employees_name"))
