"""People: departments, employees, their role history, sign-ins and API tokens."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.base import (
    Audited,
    CodedMixin,
    EmployeeOwnedMixin,
    IdMixin,
    TimestampMixin,
    VersionedMixin,
    not_before,
    one_of,
)

if TYPE_CHECKING:
    from app.models.catalogue import JobRole

EMPLOYEE_STATUSES = ("active", "on_leave", "terminated")
TERMINATION_REASONS = ("voluntary", "involuntary")
APP_ROLES = ("employee", "hr", "finance", "admin")
ACCOUNT_TOKEN_PURPOSES = ("invitation", "reset")


class Department(IdMixin, CodedMixin, Audited, Model):
    __tablename__ = "departments"
    # names are joined when stored readiness is read, never stored in it
    __readiness__ = "none"

    name: Mapped[str] = mapped_column(String(120), unique=True)


class Employee(IdMixin, VersionedMixin, TimestampMixin, Audited, Model):
    __tablename__ = "employees"
    __readiness__ = "person"
    __table_args__ = (
        one_of("status", EMPLOYEE_STATUSES),
        CheckConstraint(
            "termination_reason IS NULL OR termination_reason IN ('voluntary', 'involuntary')",
            name="termination_reason",
        ),
        CheckConstraint(
            "status <> 'terminated' OR termination_date IS NOT NULL", name="terminated_has_date"
        ),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
    )

    employee_no: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)  # the People list's order
    hire_date: Mapped[date] = mapped_column(Date)
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"), index=True)
    role_since: Mapped[date | None] = mapped_column(Date)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    termination_date: Mapped[date | None] = mapped_column(Date)
    # Raised by every change to this person's readiness facts (app/services/readiness/stored.py):
    # stored readiness computed from an older version is stale.
    facts_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    termination_reason: Mapped[str | None] = mapped_column(String(20))

    job_role: Mapped[JobRole | None] = relationship("JobRole")
    department: Mapped[Department | None] = relationship("Department")
    manager: Mapped[Employee | None] = relationship(
        "Employee", remote_side="Employee.id", lazy="select"
    )
    user: Mapped[User | None] = relationship("User", back_populates="employee", uselist=False)

    def __repr__(self) -> str:
        return f"<Employee {self.employee_no} {self.name}>"


class RoleHistory(IdMixin, EmployeeOwnedMixin, Audited, Model):
    """A past or current job-role assignment: moves and promotions keep the old role."""

    __tablename__ = "role_history"
    # past roles; the current role and its start date are on the employee row
    __readiness__ = "none"
    __table_args__ = (not_before("ended_on", "started_on", "dates", optional=True),)

    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))

    job_role: Mapped[JobRole] = relationship("JobRole")


class User(IdMixin, TimestampMixin, Audited, Model):
    """A sign-in. It belongs to an employee; app roles are rows in user_roles."""

    __tablename__ = "users"
    # a sign-in: its app roles decide what a user may see, not anyone's readiness
    __readiness__ = "none"
    __audit_exclude__ = ("password_hash", "failed_logins", "locked_until", "last_login_at")

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)

    employee: Mapped[Employee] = relationship("Employee", back_populates="user")
    role_rows: Mapped[list[UserRole]] = relationship(
        "UserRole", cascade="all, delete-orphan", lazy="selectin", back_populates="user"
    )

    @property
    def app_roles(self) -> frozenset[str]:
        return frozenset({"employee"} | {r.role for r in self.role_rows})

    def has_role(self, *roles: str) -> bool:
        return bool(self.app_roles & set(roles))

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return bool(self.active) and (self.employee is None or self.employee.status != "terminated")

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"


class UserRole(IdMixin, Audited, Model):
    __tablename__ = "user_roles"
    # app permissions, not readiness facts
    __readiness__ = "none"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),
        one_of("role", APP_ROLES),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship("User", back_populates="role_rows")


class ApiToken(IdMixin, Audited, Model):
    """An API bearer token; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"
    # credentials, not readiness facts
    __readiness__ = "none"
    __audit_exclude__ = ("token_hash", "last_used_at")

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship("User")


class AccountToken(IdMixin, Audited, Model):
    """A one-time link to set a password: an invitation or a reset (only its SHA-256 is kept).

    docs/RULES.md "Invitations and password resets": usable once, until ``expires_at``; a newer
    link of the same purpose, or a password set by any link, ends the others (``used_at``).
    """

    __tablename__ = "account_tokens"
    # credentials, not readiness facts
    __readiness__ = "none"
    __audit_exclude__ = ("secret_hash",)
    __table_args__ = (one_of("purpose", ACCOUNT_TOKEN_PURPOSES),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship("User")
