"""Failed sign-ins by client address, for the per-address throttle (issue 9, SECURITY.md).

Every worker process counts the same failures, so password spraying from one address is
slowed down however many gunicorn workers serve the sign-in page.

Revision ID: 0003_security_sign_in_failures
Revises: 0002_performance_indexes
Create Date: 2026-11-23 00:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_security_sign_in_failures"
down_revision = "0002_performance_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_failures",
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failures_at"), ["at"], unique=False)
        batch_op.create_index("ix_sign_in_failures_ip_at", ["ip", "at"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_failures_ip_at")
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_at"))
    op.drop_table("sign_in_failures")
