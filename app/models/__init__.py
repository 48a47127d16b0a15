"""Typed SQLAlchemy 2.0 models, a module per area. Invariants only: no workflows, no commits."""

from app.models.catalogue import (
    CheckType,
    Competency,
    Course,
    CourseGrant,
    CoursePrerequisite,
    CourseSession,
    Instrument,
    JobRole,
    LadderEdge,
    QualificationType,
    Requirement,
)
from app.models.people import ApiToken, Department, Employee, RoleHistory, User, UserRole
from app.models.records import (
    Assessment,
    AssessmentResponse,
    BackgroundCheck,
    CompetencyRating,
    Completion,
    EducationRecord,
    TalentReview,
    Upload,
)
from app.models.system import AppSetting, AuditEntry, Notification, SignInFailure
from app.models.tuition import Repayment, TuitionEvent, TuitionRequest

__all__ = [
    "ApiToken",
    "AppSetting",
    "Assessment",
    "AssessmentResponse",
    "AuditEntry",
    "BackgroundCheck",
    "CheckType",
    "Competency",
    "CompetencyRating",
    "Completion",
    "Course",
    "CourseGrant",
    "CoursePrerequisite",
    "CourseSession",
    "Department",
    "EducationRecord",
    "Employee",
    "Instrument",
    "JobRole",
    "LadderEdge",
    "Notification",
    "QualificationType",
    "Repayment",
    "Requirement",
    "RoleHistory",
    "SignInFailure",
    "TalentReview",
    "TuitionEvent",
    "TuitionRequest",
    "Upload",
    "User",
    "UserRole",
]
