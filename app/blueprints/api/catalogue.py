"""Catalogue endpoints (docs/API.md "Catalogue"): read by any user, written by hr or admin.

Every write calls app.services.catalogue, the same functions as the catalogue pages: a code is
unique and upper-cased, references are by code (an unknown code is a 422 naming it), a
prerequisite cycle or a ladder loop is refused, a duplicate code is 409.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from flask import jsonify

from app.blueprints.api import bp
from app.blueprints.api.spec import Param, api_route, created, json_body, page_of, query_args
from app.clock import today
from app.services import catalogue as svc
from app.services import enrolment

TAG = "Catalogue"
READERS = "Any signed-in user (any valid token)."
WRITERS = "hr or admin."
READ: dict[str, Any] = {"permission": "authenticated", "tag": TAG, "who": READERS}
WRITE: dict[str, Any] = {"permission": "hr_or_admin", "tag": TAG, "who": WRITERS}

LIST_PARAMS = (
    Param("q", "string", "Search the code and the name or title."),
    Param(
        "status",
        "string",
        "active (default): in use; retired: kept for history; all: both.",
        enum=svc.STATUSES,
        default="active",
    ),
)


def _arguments(function: Callable[..., Any], data: dict[str, Any]) -> dict[str, Any]:
    """The body as keyword arguments: a required argument left out is passed as None, so the
    service answers it with its field message; an optional one keeps the service's default."""
    arguments = dict(data)
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.default is inspect.Parameter.empty and name not in arguments:
            arguments[name] = None
    return arguments


def _views(
    kind: str, create: Callable[..., Any], update: Callable[..., Any]
) -> tuple[Callable[..., Any], ...]:
    """The four views of one kind of catalogue entry: list, create, show, edit."""
    serialize = svc.SERIALIZERS[kind]

    def listing() -> Any:
        args = query_args()
        stmt = svc.serialized_list_query(kind, args["q"], args["status"])
        return jsonify(page_of(stmt, lambda rows: [serialize(r) for r in rows], args))

    def creating() -> Any:
        entry = create(**_arguments(create, json_body()))
        return created(serialize(entry), f"api.show_{kind}", code=entry.code)

    def showing(code: str) -> Any:
        return jsonify(serialize(svc.get_entry(kind, code)))

    def editing(code: str) -> Any:
        return jsonify(serialize(update(code, **json_body())))

    return listing, creating, showing, editing


def _kind(
    kind: str,
    path: str,
    schema: str,
    create: Callable[..., Any],
    update: Callable[..., Any],
    noun: str,
    plural: str,
) -> None:
    """Register the four endpoints of one kind of catalogue entry under their names."""
    listing, creating, showing, editing = _views(kind, create, update)
    listing.__name__ = f"list_{path.strip('/').replace('-', '_')}"
    creating.__name__ = f"create_{kind}"
    showing.__name__ = f"show_{kind}"
    editing.__name__ = f"update_{kind}"
    write = {**WRITE, "conflict": True}
    api_route(
        bp,
        path,
        "GET",
        summary=f"List {plural}",
        response=f"{schema}Page",
        paged=True,
        query=LIST_PARAMS,
        **READ,
    )(listing)
    api_route(
        bp,
        path,
        "POST",
        summary=f"Create a {noun}",
        body=f"{schema}Input",
        response=schema,
        status=201,
        **write,
    )(creating)
    # A catalogue code is no secret (every signed-in user reads the catalogue): the
    # permission is the check, and an unknown code is the service's 404 naming it.
    api_route(
        bp,
        f"{path}/<code>",
        "GET",
        summary=f"One {noun}, by code",
        response=schema,
        open_args=("code",),
        **READ,
    )(showing)
    api_route(
        bp,
        f"{path}/<code>",
        "PATCH",
        summary=f"Change a {noun} (only the fields sent)",
        body=f"{schema}Patch",
        response=schema,
        open_args=("code",),
        **write,
    )(editing)


_kind(
    "competency",
    "/competencies",
    "Competency",
    svc.create_competency,
    svc.update_competency,
    "competency",
    "competencies",
)
_kind("course", "/courses", "Course", svc.create_course, svc.update_course, "course", "courses")
_kind(
    "check_type",
    "/check-types",
    "CheckType",
    svc.create_check_type,
    svc.update_check_type,
    "check type",
    "check types",
)
_kind(
    "instrument",
    "/instruments",
    "Instrument",
    svc.create_instrument,
    svc.update_instrument,
    "instrument",
    "instruments",
)
_kind(
    "qualification",
    "/qualifications",
    "Qualification",
    svc.create_qualification,
    svc.update_qualification,
    "qualification type",
    "qualification types",
)
_kind("role", "/roles", "Role", svc.create_role, svc.update_role, "job role", "roles")


# --------------------------------------------------------------------------- sessions


def _session(session: Any, waitlisted: int | None = None) -> dict[str, Any]:
    """A session with its seats, enrolled, waitlisted and status (docs/API.md)."""
    return {**svc.session_to_dict(session), **enrolment.session_summary(session, waitlisted)}


def _sessions(rows: list[Any]) -> list[dict[str, Any]]:
    """A page of sessions, their waitlists counted in one query."""
    waiting = enrolment.waitlist_lengths([s.id for s in rows])
    return [_session(s, waiting.get(s.id, 0)) for s in rows]


@api_route(
    bp,
    "/courses/<code>/sessions",
    "GET",
    open_args=("code",),
    summary="Scheduled sessions of a course",
    response="CourseSessionPage",
    paged=True,
    query=(
        Param(
            "when",
            "string",
            "upcoming (default): not yet ended today; past; all.",
            enum=("upcoming", "past", "all"),
            default="upcoming",
        ),
        Param("include_cancelled", "boolean", "Also list cancelled sessions.", default=False),
    ),
    **READ,
)
def list_course_sessions(code: str) -> Any:
    course = svc.get_course(code)
    args = query_args()
    stmt = svc.session_query(
        course=course.code,
        when=args["when"],
        on=today(),
        include_cancelled=args["include_cancelled"],
        order=svc.SESSION_SORTS["starts_on"],
    )
    return jsonify(page_of(stmt, _sessions, args))


@api_route(
    bp,
    "/courses/<code>/sessions",
    "POST",
    open_args=("code",),
    summary="Schedule a session of a course",
    body="CourseSessionInput",
    response="CourseSession",
    status=201,
    **WRITE,
)
def create_course_session(code: str) -> Any:
    data = json_body()
    session = svc.add_session(
        code,
        data.get("starts_on"),
        data.get("ends_on"),
        data.get("seats"),
        data.get("location"),
        data.get("trainer_id"),
    )
    return created(_session(session))


# --------------------------------------------------------------------------- requirements


@api_route(
    bp,
    "/roles/<code>/requirements",
    "GET",
    open_args=("code",),
    summary="The requirements of a role",
    response="RequirementList",
    **READ,
)
def list_role_requirements(code: str) -> Any:
    role = svc.get_role(code)
    return jsonify({"requirements": [svc.requirement_to_dict(r) for r in role.requirements]})


@api_route(
    bp,
    "/roles/<code>/requirements",
    "PUT",
    open_args=("code",),
    summary="Replace the whole requirement list of a role",
    body="RequirementList",
    response="Role",
    description="The list sent replaces the role's requirements entirely; an empty list "
    "removes them all. Field messages are named requirements[i].field.",
    **WRITE,
)
def replace_role_requirements(code: str) -> Any:
    data = json_body()
    role = svc.replace_requirements(code, data.get("requirements"))
    return jsonify(svc.role_to_dict(role))


# --------------------------------------------------------------------------- ladder


@api_route(
    bp,
    "/ladder",
    "GET",
    summary="The role ladder: steps from role to role",
    response="LadderEdgePage",
    paged=True,
    query=(Param("q", "string", "Search either role's code or title."),),
    **READ,
)
def list_ladder() -> Any:
    args = query_args()
    stmt = svc.serialized_ladder_query(args["q"])
    return jsonify(page_of(stmt, lambda rows: [svc.ladder_edge_to_dict(e) for e in rows], args))


@api_route(
    bp,
    "/ladder",
    "POST",
    summary="Add a step to the role ladder",
    body="LadderEdgeInput",
    response="LadderEdge",
    status=201,
    conflict=True,
    **WRITE,
)
def create_ladder_edge() -> Any:
    data = json_body()
    edge = svc.add_ladder_edge(
        data.get("from_role"), data.get("to_role"), data.get("typical_months", 24)
    )
    return created(svc.ladder_edge_to_dict(edge))
