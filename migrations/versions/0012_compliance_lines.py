"""Stored compliance lines for the compliance page at organisation scale (issue 21, BENCHMARKS.md).

``compliance_lines`` keeps, per person, the dates that decide their lapsing certifications and
checks and their owed assignments on any date; ``compliance_people`` the versions they were
computed at (the person's facts version, the catalogue counter, their assignments version).

Revision ID: 0012_compliance_lines
Revises: 0011_compliance_indexes
Create Date: 2026-12-04 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_compliance_lines"
down_revision = "0011_compliance_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "compliance_lines",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("owed_from", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_compliance_lines_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("employee_id", "kind", "item_id", name=op.f("pk_compliance_lines")),
    )
    with op.batch_alter_table("compliance_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_compliance_lines_kind_expires", ["kind", "expires_on"], unique=False
        )
        batch_op.create_index("ix_compliance_lines_kind_owed", ["kind", "owed_from"], unique=False)
        batch_op.create_index("ix_compliance_lines_valid_from", ["valid_from"], unique=False)
    op.create_table(
        "compliance_people",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("facts_version", sa.Integer(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("assignments_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("computed_assignments", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_compliance_people_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_compliance_people")),
    )


def downgrade():
    op.drop_table("compliance_people")
    with op.batch_alter_table("compliance_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_lines_valid_from")
        batch_op.drop_index("ix_compliance_lines_kind_owed")
        batch_op.drop_index("ix_compliance_lines_kind_expires")
    op.drop_table("compliance_lines")
