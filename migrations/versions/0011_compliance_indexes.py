"""Composite indexes for the compliance page at organisation scale (issue 21, BENCHMARKS.md).

- completions (employee_id, course_id, completed_on): each open assignment's latest verified
  completion is one index seek (was: every completion of the person, then a sort), and the
  lapsing certifications are grouped per person and course in index order;
- background_checks (employee_id, check_type_id, status): the lapsing clear checks per person
  and type, and whether a later check of the same type supersedes one waiting for a decision.

Revision ID: 0011_compliance_indexes
Revises: 0010_account_tokens
Create Date: 2026-12-04 01:45:00

"""

from alembic import op

revision = "0011_compliance_indexes"
down_revision = "0010_account_tokens"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_completions_employee_course_done",
            ["employee_id", "course_id", "completed_on"],
            unique=False,
        )
    with op.batch_alter_table("background_checks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_background_checks_employee_type_status",
            ["employee_id", "check_type_id", "status"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("background_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_background_checks_employee_type_status")
    with op.batch_alter_table("completions", schema=None) as batch_op:
        batch_op.drop_index("ix_completions_employee_course_done")
