"""Catalogue configuration: competencies, courses and sessions, check types, instruments,
qualification types, job roles with their requirements, and the role ladder.

docs/RULES.md "People and roles", "Requirements of a role", "Training", "Background checks",
"Leadership assessments". HR and admins create, edit and retire entries; the web pages and the
JSON API call these functions with plain values and get domain objects back.

Rules enforced here, once:
- a code is unique, upper-case letters, digits and single hyphens (input is upper-cased);
- a course never requires itself, directly or through other courses (no prerequisite cycles);
- the role ladder goes up one level at a time and never loops back;
- retiring keeps history: a retired entry stays readable and still resolves for past records,
  but new references to it are refused (a reference that already existed may stay);
- every refused write raises a ``CatalogueError`` with a message (and field messages) and
  changes nothing; every accepted write commits once (``errors.write``, a unit of work).

Sub-areas: ``kinds`` (the kinds of entry and lookups by code), ``queries`` (lists, counts,
usage), one module per kind of entry, ``requirements`` (a role's requirement list),
``ladder``, ``graph`` (cycles), ``retirement`` and ``serializers`` (the JSON shapes).
"""

from app.services.catalogue.check_types import create_check_type, update_check_type
from app.services.catalogue.competencies import create_competency, update_competency
from app.services.catalogue.courses import create_course, update_course
from app.services.catalogue.errors import (
    CatalogueError,
    DuplicateEntry,
    InvalidEntry,
    StaleEntry,
    UnknownEntry,
)
from app.services.catalogue.graph import find_cycle
from app.services.catalogue.impact import Impact, band_changes, digest
from app.services.catalogue.instruments import create_instrument, update_instrument
from app.services.catalogue.kinds import (
    KINDS,
    REQUIREMENT_TARGETS,
    REQUIREMENT_THRESHOLD,
    STATUSES,
    choices,
    find_entry,
    find_session,
    get_competency,
    get_course,
    get_entry,
    get_role,
    get_session,
    kind_of,
)
from app.services.catalogue.ladder import (
    add_ladder_edge,
    get_ladder_edge,
    remove_ladder_edge,
    update_ladder_edge,
)
from app.services.catalogue.qualifications import create_qualification, update_qualification
from app.services.catalogue.queries import (
    LADDER_SORTS,
    SESSION_SORTS,
    SORTS,
    categories,
    ladder_count,
    ladder_query,
    ladder_steps,
    list_query,
    overview,
    session_query,
    upcoming_session_count,
    usage,
)
from app.services.catalogue.retirement import restore, retire
from app.services.catalogue.roles import create_role, replace_requirements, update_role
from app.services.catalogue.serializers import (
    SERIALIZERS,
    check_type_to_dict,
    competency_to_dict,
    course_to_dict,
    instrument_to_dict,
    ladder_edge_to_dict,
    plain_number,
    qualification_to_dict,
    requirement_threshold,
    requirement_to_dict,
    role_to_dict,
    serialized_ladder_query,
    serialized_list_query,
    session_to_dict,
)
from app.services.catalogue.sessions import (
    add_session,
    cancel_session,
    reinstate_session,
    trainer_choices,
    update_session,
)

__all__ = [
    "Impact",
    "band_changes",
    "digest",
    "KINDS",
    "LADDER_SORTS",
    "REQUIREMENT_TARGETS",
    "REQUIREMENT_THRESHOLD",
    "SERIALIZERS",
    "SESSION_SORTS",
    "SORTS",
    "STATUSES",
    "CatalogueError",
    "DuplicateEntry",
    "InvalidEntry",
    "StaleEntry",
    "UnknownEntry",
    "add_ladder_edge",
    "add_session",
    "cancel_session",
    "categories",
    "check_type_to_dict",
    "choices",
    "competency_to_dict",
    "course_to_dict",
    "create_check_type",
    "create_competency",
    "create_course",
    "create_instrument",
    "create_qualification",
    "create_role",
    "find_cycle",
    "find_entry",
    "find_session",
    "get_competency",
    "get_course",
    "get_entry",
    "get_ladder_edge",
    "get_role",
    "get_session",
    "instrument_to_dict",
    "kind_of",
    "ladder_count",
    "ladder_edge_to_dict",
    "ladder_query",
    "ladder_steps",
    "list_query",
    "overview",
    "plain_number",
    "qualification_to_dict",
    "reinstate_session",
    "remove_ladder_edge",
    "replace_requirements",
    "requirement_threshold",
    "requirement_to_dict",
    "restore",
    "retire",
    "role_to_dict",
    "serialized_ladder_query",
    "serialized_list_query",
    "session_query",
    "session_to_dict",
    "update_check_type",
    "update_competency",
    "update_course",
    "update_instrument",
    "update_ladder_edge",
    "update_qualification",
    "update_role",
    "trainer_choices",
    "update_session",
    "upcoming_session_count",
    "usage",
]
