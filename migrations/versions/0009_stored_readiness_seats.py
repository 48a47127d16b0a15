"""Stored readiness keeps a digest of the seats it was computed with (issue 18).

Revision ID: 0009_stored_readiness_seats
Revises: 0008_jobs
Create Date: 2026-12-03 14:00:00

Stored rows are derived data: the ones already there were computed without a digest, so they
are dropped and computed again on the next read.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_stored_readiness_seats"
down_revision = "0008_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM stored_readiness")
    with op.batch_alter_table("stored_readiness") as batch:
        batch.add_column(sa.Column("seats_key", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("stored_readiness") as batch:
        batch.drop_column("seats_key")
