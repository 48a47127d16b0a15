"""Required training: assignment rules (a role, some departments, a course, a due date), each
person's assignments with their history, and the log of reminders sent about them (issue 21).

Revision ID: 0006_assignments
Revises: 0005_sessions_and_enrolment
Create Date: 2026-12-02 15:15:04.191738

"""

from alembic import op
import sqlalchemy as sa


revision = "0006_assignments"
down_revision = "0005_sessions_and_enrolment"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assignment_rules",
        sa.Column("job_role_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("recertify_days", sa.Integer(), server_default="90", nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(due_days IS NULL) <> (due_on IS NULL)",
            name=op.f("ck_assignment_rules_due_days_or_date"),
        ),
        sa.CheckConstraint(
            "due_days IS NULL OR due_days >= 0",
            name=op.f("ck_assignment_rules_due_days_non_negative"),
        ),
        sa.CheckConstraint(
            "recertify_days >= 0", name=op.f("ck_assignment_rules_recertify_days_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_assignment_rules_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["job_role_id"],
            ["job_roles.id"],
            name=op.f("fk_assignment_rules_job_role_id_job_roles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rules")),
    )
    with op.batch_alter_table("assignment_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_rules_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_rules_job_role_id"), ["job_role_id"], unique=False
        )
        batch_op.create_index(
            "uq_assignment_rules_role_course",
            ["job_role_id", "course_id"],
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )

    op.create_table(
        "assignment_rule_departments",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_assignment_rule_departments_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["assignment_rules.id"],
            name=op.f("fk_assignment_rule_departments_rule_id_assignment_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rule_departments")),
    )
    with op.batch_alter_table("assignment_rule_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_rule_departments_rule_id"), ["rule_id"], unique=False
        )
        batch_op.create_index(
            "uq_assignment_rule_departments", ["rule_id", "department_id"], unique=True
        )

    op.create_table(
        "assignments",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_reason", sa.String(length=20), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_reason IN ('not_required')",
            name=op.f("ck_assignments_closed_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_assignments_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_assignments_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["assignment_rules.id"],
            name=op.f("fk_assignments_rule_id_assignment_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assignments_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index("ix_assignments_rule_open", ["rule_id", "closed_on"], unique=False)
        batch_op.create_index(
            "uq_assignments_open",
            ["employee_id", "rule_id"],
            unique=True,
            sqlite_where=sa.text("closed_on IS NULL"),
            postgresql_where=sa.text("closed_on IS NULL"),
        )

    op.create_table(
        "assignment_reminders",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_reminders_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_reminders")),
    )
    with op.batch_alter_table("assignment_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_reminders_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(
            "uq_assignment_reminders", ["assignment_id", "due_on", "stage"], unique=True
        )


def downgrade():
    with op.batch_alter_table("assignment_reminders", schema=None) as batch_op:
        batch_op.drop_index("uq_assignment_reminders")
        batch_op.drop_index(batch_op.f("ix_assignment_reminders_assignment_id"))

    op.drop_table("assignment_reminders")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignments_open",
            sqlite_where=sa.text("closed_on IS NULL"),
            postgresql_where=sa.text("closed_on IS NULL"),
        )
        batch_op.drop_index("ix_assignments_rule_open")
        batch_op.drop_index(batch_op.f("ix_assignments_employee_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_course_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("assignment_rule_departments", schema=None) as batch_op:
        batch_op.drop_index("uq_assignment_rule_departments")
        batch_op.drop_index(batch_op.f("ix_assignment_rule_departments_rule_id"))

    op.drop_table("assignment_rule_departments")
    with op.batch_alter_table("assignment_rules", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignment_rules_role_course",
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_assignment_rules_job_role_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_rules_course_id"))

    op.drop_table("assignment_rules")
