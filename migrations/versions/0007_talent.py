"""Talent: 360 rounds collected in the app (rounds, invitations, anonymous responses), 9-box
calibration moves, and each assessment's own 360 minimums (issue "Talent").

Existing assessments keep the minimums in force now, never lower than 3 for peers and direct
reports (docs/RULES.md "Collecting 360 feedback").

Revision ID: 0007_talent
Revises: 0005_sessions_and_enrolment
Create Date: 2026-12-02 15:13:38

"""

import json

import sqlalchemy as sa
from alembic import op

DEFAULT_MINIMUMS = {"manager": 1, "peer": 3, "direct_report": 3, "other": 1}
FLOORS = {"peer": 3, "direct_report": 3}


revision = "0007_talent"
down_revision = "0006_assignments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feedback_rounds",
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("min_responses", sa.JSON(), nullable=False),
        sa.Column("opened_by_user_id", sa.Integer(), nullable=True),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f("ck_feedback_rounds_state")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_feedback_rounds_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_feedback_rounds_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_feedback_rounds_instrument_id_instruments"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_user_id"],
            ["users.id"],
            name=op.f("fk_feedback_rounds_opened_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_rounds")),
    )
    with op.batch_alter_table("feedback_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_rounds_employee_id"), ["employee_id"], unique=False
        )

    op.create_table(
        "talent_calibrations",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("from_performance", sa.Integer(), nullable=False),
        sa.Column("from_potential", sa.Integer(), nullable=False),
        sa.Column("to_performance", sa.Integer(), nullable=False),
        sa.Column("to_potential", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("moved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "from_performance BETWEEN 1 AND 3 AND from_potential BETWEEN 1 AND 3 "
            "AND to_performance BETWEEN 1 AND 3 AND to_potential BETWEEN 1 AND 3",
            name=op.f("ck_talent_calibrations_boxes"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_talent_calibrations_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["moved_by_user_id"],
            ["users.id"],
            name=op.f("fk_talent_calibrations_moved_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["talent_reviews.id"],
            name=op.f("fk_talent_calibrations_review_id_talent_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_calibrations")),
    )
    with op.batch_alter_table("talent_calibrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_talent_calibrations_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_talent_calibrations_period"), ["period"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_talent_calibrations_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "feedback_invitations",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("rater_group", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("spent", sa.Boolean(), nullable=False),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "rater_group IN ('self', 'manager', 'peer', 'direct_report', 'other')",
            name=op.f("ck_feedback_invitations_rater_group"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["feedback_rounds.id"],
            name=op.f("fk_feedback_invitations_round_id_feedback_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feedback_invitations_token_hash")),
    )
    with op.batch_alter_table("feedback_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_invitations_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "feedback_responses",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("rater_group", sa.String(length=20), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "rater_group IN ('self', 'manager', 'peer', 'direct_report', 'other')",
            name=op.f("ck_feedback_responses_rater_group"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["feedback_rounds.id"],
            name=op.f("fk_feedback_responses_round_id_feedback_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_feedback_responses")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_responses_round_id"), ["round_id"], unique=False
        )

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_responses", sa.JSON(), nullable=True))

    _keep_minimums()


def _keep_minimums():
    """Every existing assessment keeps today's minimums (with the floors) from now on."""
    bind = op.get_bind()
    stored = bind.execute(
        sa.text("SELECT value FROM app_settings WHERE key = 'min_responses'")
    ).scalar()
    if isinstance(stored, str):
        stored = json.loads(stored)
    minimums = {**DEFAULT_MINIMUMS, **{k: int(v) for k, v in dict(stored or {}).items()}}
    for group, floor in FLOORS.items():
        minimums[group] = max(minimums.get(group, floor), floor)
    minimums.setdefault("self", 1)
    bind.execute(
        sa.text("UPDATE assessments SET min_responses = :value"),
        {"value": json.dumps(minimums)},
    )


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("min_responses")

    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_responses_round_id"))

    op.drop_table("feedback_responses")
    with op.batch_alter_table("feedback_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_invitations_round_id"))

    op.drop_table("feedback_invitations")
    with op.batch_alter_table("talent_calibrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talent_calibrations_review_id"))
        batch_op.drop_index(batch_op.f("ix_talent_calibrations_period"))
        batch_op.drop_index(batch_op.f("ix_talent_calibrations_employee_id"))

    op.drop_table("talent_calibrations")
    with op.batch_alter_table("feedback_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_rounds_employee_id"))

    op.drop_table("feedback_rounds")
