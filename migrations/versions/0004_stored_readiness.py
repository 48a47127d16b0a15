"""Stored readiness for the organisation-wide pages (issue 10, BENCHMARKS.md).

``stored_readiness`` keeps each candidate's readiness per role and date, shared by every
worker; ``employees.facts_version`` and the ``catalogue`` counter tell which rows are stale.

Revision ID: 0004_stored_readiness
Revises: 0003_security_sign_in_failures
Create Date: 2026-11-23 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_stored_readiness"
down_revision = "0003_security_sign_in_failures"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("facts_version", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "cache_counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_counters")),
    )
    op.create_table(
        "stored_readiness",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("role_code", sa.String(length=40), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("facts_version", sa.Integer(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("gates_met", sa.Boolean(), nullable=False),
        sa.Column("projected_ready_on", sa.Date(), nullable=True),
        sa.Column("blocking_gates", sa.JSON(), nullable=False),
        sa.Column("unmet", sa.JSON(), nullable=False),
        sa.Column("lapses", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_stored_readiness_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "employee_id", "role_code", "as_of", name=op.f("pk_stored_readiness")
        ),
    )
    with op.batch_alter_table("stored_readiness", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stored_readiness_as_of_role", ["as_of", "role_code", "band"], unique=False
        )
        batch_op.create_index(
            "ix_stored_readiness_as_of_score", ["as_of", "role_code", "score"], unique=False
        )


def downgrade():
    with op.batch_alter_table("stored_readiness", schema=None) as batch_op:
        batch_op.drop_index("ix_stored_readiness_as_of_score")
        batch_op.drop_index("ix_stored_readiness_as_of_role")
    op.drop_table("stored_readiness")
    op.drop_table("cache_counters")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_column("facts_version")
