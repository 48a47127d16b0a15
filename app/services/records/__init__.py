"""Employee records: profile and reporting line, training, ratings, checks, assessments,
education and talent reviews (docs/RULES.md), written once here for the web pages, the JSON API,
the CSV import and the command line.

Every public function takes plain arguments (catalogue entries by their ``code``, dates as
``date`` or ``YYYY-MM-DD`` strings, money and scores as ``Decimal`` or strings) and the acting
``User`` (``actor=None`` means the system itself: the command line). It validates everything
first and raises a ``RecordError`` naming each bad field, so a rejected write changes nothing;
on success it commits once (the area's unit of work), unless it runs inside ``batch()``, where
the caller owns the transaction (the CSV import applies a whole file at once).

Workflow transitions (verifying a reported completion, a background check's status, the
adverse-action notices) are conditional UPDATEs checked by their row count, so a double click or
two people acting at once apply them exactly once; their audit rows go through
``app.audit.record_change``. Everything else is audited by the session events.

The sub-areas: ``profile`` (people), ``completions``, ``ratings``, ``checks``, ``assessments``,
``education``, ``talent_reviews``; ``serializers`` (the API's shapes); ``errors`` and ``common``.
"""

from app.kernel.uow import batch
from app.services import settings
from app.services.records.assessments import (
    add_360_response,
    assessment_view,
    record_assessment,
)
from app.services.records.checks import (
    CHECK_FILTER_STATUSES,
    CHECK_SORTS,
    change_check_status,
    check_display_status,
    check_list_query,
    earliest_final_notice,
    next_check_statuses,
    record_check,
    record_final_notice,
    record_pre_adverse_notice,
    update_check_details,
)
from app.services.records.common import delete_record
from app.services.records.completions import (
    COMPLETION_SORTS,
    COMPLETION_STATUSES,
    completion_list_query,
    completion_status,
    pending_completion_count,
    record_completion,
    reject_completion,
    report_completion,
    update_completion,
    verify_completion,
)
from app.services.records.education import record_education, update_education
from app.services.records.errors import (
    STALE_MESSAGE,
    RecordConflict,
    RecordError,
    RecordForbidden,
    StaleRecord,
)
from app.services.records.profile import (
    ProfileChange,
    create_employee,
    find_employee,
    update_employee,
)
from app.services.records.ratings import (
    allowed_rating_sources,
    record_rating,
    update_rating,
)
from app.services.records.serializers import (
    assessment_to_dict,
    check_to_dict,
    completion_to_dict,
    education_to_dict,
    employee_to_dict,
    rating_to_dict,
    role_history_to_dict,
    talent_review_to_dict,
)
from app.services.records.talent_reviews import (
    nine_box_name,
    record_talent_review,
    update_talent_review,
)

__all__ = [
    "CHECK_FILTER_STATUSES",
    "CHECK_SORTS",
    "COMPLETION_SORTS",
    "COMPLETION_STATUSES",
    "STALE_MESSAGE",
    "ProfileChange",
    "RecordConflict",
    "RecordError",
    "RecordForbidden",
    "StaleRecord",
    "add_360_response",
    "allowed_rating_sources",
    "assessment_to_dict",
    "assessment_view",
    "batch",
    "change_check_status",
    "check_display_status",
    "check_list_query",
    "check_to_dict",
    "completion_list_query",
    "completion_status",
    "completion_to_dict",
    "delete_record",
    "create_employee",
    "earliest_final_notice",
    "education_to_dict",
    "employee_to_dict",
    "find_employee",
    "next_check_statuses",
    "nine_box_name",
    "pending_completion_count",
    "rating_to_dict",
    "record_assessment",
    "record_check",
    "record_completion",
    "record_education",
    "record_final_notice",
    "record_pre_adverse_notice",
    "record_rating",
    "record_talent_review",
    "reject_completion",
    "report_completion",
    "role_history_to_dict",
    "settings",
    "talent_review_to_dict",
    "update_check_details",
    "update_completion",
    "update_education",
    "update_employee",
    "update_rating",
    "update_talent_review",
    "verify_completion",
]
