"""Bookable sessions: enrolments, seat counts, trainers, approval, calendar feeds and the
invitations notifications carry (issue "Training sessions that people book").

Revision ID: 0005_sessions_and_enrolment
Revises: 0004_stored_readiness
Create Date: 2026-12-02 11:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sessions_and_enrolment"
down_revision = "0004_stored_readiness"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('requested', 'enrolled', 'waitlisted')"


def upgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval", sa.String(length=10), server_default="none", nullable=False)
        )
        batch_op.create_check_constraint("approval", "approval IN ('none', 'manager')")
    with op.batch_alter_table("course_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trainer_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("enrolled_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_course_sessions_trainer_id_employees"),
            "employees",
            ["trainer_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "seats_held", "enrolled_count >= 0 AND enrolled_count <= seats"
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment", sa.Text(), nullable=True))
    op.create_table(
        "enrolments",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("booked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("completion_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'enrolled', 'waitlisted', 'cancelled', 'attended', 'no_show')",
            name=op.f("ck_enrolments_status"),
        ),
        sa.ForeignKeyConstraint(
            ["booked_by_user_id"], ["users.id"], name=op.f("fk_enrolments_booked_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["completion_id"],
            ["completions.id"],
            name=op.f("fk_enrolments_completion_id_completions"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["users.id"],
            name=op.f("fk_enrolments_decided_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_enrolments_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["course_sessions.id"], name=op.f("fk_enrolments_session_id_course_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrolments_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            "ix_enrolments_session_status", ["session_id", "status", "id"], unique=False
        )
        batch_op.create_index(
            "uq_enrolments_active_booking",
            ["session_id", "employee_id"],
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )


def downgrade():
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index("uq_enrolments_active_booking")
        batch_op.drop_index("ix_enrolments_session_status")
        batch_op.drop_index(batch_op.f("ix_enrolments_employee_id"))
    op.drop_table("enrolments")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("attachment")
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_name")
    with op.batch_alter_table("course_sessions", schema=None) as batch_op:
        batch_op.drop_constraint("seats_held", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_course_sessions_trainer_id_employees"), type_="foreignkey"
        )
        batch_op.drop_column("enrolled_count")
        batch_op.drop_column("trainer_id")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_constraint("approval", type_="check")
        batch_op.drop_column("approval")
