"""Records endpoints (docs/API.md "Records"): training, ratings, checks, assessments, education.

Each collection is read by whoever may see that aspect of the person (app.policy: the person,
their managers, hr; finance and admin see none of it) and written by hr, except ratings: the
person's manager may post ``manager`` and the person ``self``. Someone who may not see the
person gets 404; someone who may see but not write gets 403. The writes are the same
app.services.records use cases as the pages (field messages, 409 on duplicates, one commit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify

from app import policy
from app.blueprints.api.people import route
from app.blueprints.api.spec import ApiError, created, json_body, page_of
from app.blueprints.api.spec import query_args as _query_args
from app.blueprints.records.forms import CHECK_FIELDS
from app.clock import today
from app.models import Assessment, BackgroundCheck, Completion, Employee
from app.policy import Load
from app.policy import talent as talent_may
from app.services import people, records, settings, tuition
from app.services.records import queries

TAG = "Records"
READ_WHO = "The person, their managers and hr; anyone else gets 404."
HR_WHO = "hr (others who may see the person get 403, the rest 404)."
# What every change to one background check declares.
CHECK_WRITES: dict[str, Any] = {
    "permission": "authenticated",
    "tag": TAG,
    "who": HR_WHO,
    "response": "BackgroundCheck",
    "conflict": True,
}


def _user() -> Any:
    return policy.acting_user()


def _refusing(check: Callable[[Any, Any], bool], status: int, message: str) -> Any:
    """A Load check that answers ``status`` with the API's own ``message`` when refused."""

    def refuse_unless(user: Any, found: Any) -> bool:
        if not check(user, found):
            raise ApiError(status, message)
        return True

    return refuse_unless


NO_SUCH_CHECK = "There is no such background check, or you may not see it."


def _background_check(check_id: int) -> BackgroundCheck:
    check = queries.record_of(BackgroundCheck, check_id)
    if check is None:
        raise ApiError(404, NO_SUCH_CHECK)
    return check


# A check whose person the caller may see (the status word at least), else 404.
CHECK = Load(
    "check_id",
    "check",
    _background_check,
    _refusing(
        lambda user, check: policy.can_view(user, check.employee_id, "check_status"),
        404,
        NO_SUCH_CHECK,
    ),
)
# Only hr records the adverse-action notices: refused before the body is read, so someone
# who may not act hears 403, not its rules.
NOTICE_WRITER = Load(
    "check",
    "check",
    lambda check: check,
    _refusing(
        lambda user, check: policy.can_edit(user, check.employee_id, "background_check"),
        403,
        "Only HR can record adverse-action notices.",
    ),
)


# --------------------------------------------------------------------------- serializers


def completions_to_dicts(rows: list[Completion]) -> list[dict[str, Any]]:
    settings.all_values()  # the expiry window, read once whatever the rows (a fixed count)
    on = today()
    return [records.completion_to_dict(c, on) for c in rows]


def checks_to_dicts(rows: list[BackgroundCheck], with_findings: bool) -> list[dict[str, Any]]:
    settings.all_values()  # the adverse-action wait, read once whatever the rows
    on = today()
    return [records.check_to_dict(c, with_findings=with_findings, on=on) for c in rows]


def assessments_to_dicts(rows: list[Assessment], employee: Employee) -> list[dict[str, Any]]:
    """Group results of every 360 on the page from one query of their responses; the self
    group only for the person and hr."""
    responses = queries.responses_of([a.id for a in rows if a.instrument.kind == "360"])
    sees_self = talent_may.sees_self_responses(_user(), employee)
    return [
        records.assessment_to_dict(a, responses.get(a.id, []), sees_self=sees_self) for a in rows
    ]


def assessment_of(assessment: Assessment) -> dict[str, Any]:
    """One assessment as its caller may read it (the self group for the person and hr)."""
    sees_self = talent_may.sees_self_responses(_user(), assessment.employee_id)
    return records.assessment_to_dict(assessment, sees_self=sees_self)


# --------------------------------------------------------------------------- everything


@route(
    "/employees/<int:employee_id>/records",
    "GET",
    policy.employee("profile"),
    permission="authenticated",
    summary="Everything the caller may see about a person",
    tag=TAG,
    who="Anyone who may see the person (the person, managers, hr; finance sees profile and "
    "tuition, admin the profile); anyone else gets 404.",
    response="Records",
    description="Sections the caller may not see are left out; `visible` lists the aspects "
    "shown. Background checks carry findings only for hr and the person themselves.",
)
def show_records(employee: Employee) -> Any:
    user = _user()
    found = people.records_for(user, employee)
    visible = found.visible
    data: dict[str, Any] = {
        "employee": records.employee_to_dict(employee),
        "visible": sorted(visible),
        "role_history": [records.role_history_to_dict(r) for r in found.history],
    }
    if "training" in visible:
        data["training_records"] = completions_to_dicts(found.completions)
    if "ratings" in visible:
        data["competency_ratings"] = [records.rating_to_dict(r) for r in found.ratings]
    if "check_status" in visible:
        data["background_checks"] = checks_to_dicts(found.checks, "check_findings" in visible)
    if "assessments" in visible:
        data["assessments"] = assessments_to_dicts(found.assessments, employee)
        data["talent_reviews"] = [records.talent_review_to_dict(r) for r in found.talent_reviews]
    if "education" in visible:
        data["education"] = [records.education_to_dict(r) for r in found.education]
    if "tuition" in visible:
        data["tuition_requests"] = [tuition.request_to_dict(r) for r in found.tuition]
    return jsonify(data)


# --------------------------------------------------------------------------- collections


def _collection(
    path: str,
    aspect: str,
    schema: str,
    names: tuple[str, str],
    summaries: tuple[str, str],
    listed: Callable[[Employee], Any],
    to_dicts: Callable[[list[Any], Employee], list[dict[str, Any]]],
    record: Callable[..., Any],
    fields: tuple[str, ...],
    to_dict: Callable[[Any], dict[str, Any]],
    who: tuple[str, str] = (READ_WHO, HR_WHO),
    keywords: tuple[str, ...] = (),
    defaults: dict[str, Any] | None = None,
    **declaration: Any,
) -> None:
    """Register the two endpoints of one collection of a person's records: the newest-first
    page (``listed`` the query, ``to_dicts`` its rows) and the create, which passes the body's
    ``fields`` in order (then ``keywords`` by name; a missing one is None, or its ``defaults``
    value) to the ``record`` use case and answers 201 with ``to_dict`` of the new record."""

    def listing(employee: Employee) -> Any:
        args = _query_args()
        return jsonify(page_of(listed(employee), lambda rows: to_dicts(rows, employee), args))

    def creating(employee: Employee) -> Any:
        data = json_body()
        given = {name: data.get(name) or (defaults or {}).get(name) for name in defaults or ()}
        values = [given[name] if name in given else data.get(name) for name in fields]
        named = {name: data.get(name) for name in keywords}
        return created(to_dict(record(employee, *values, **named, actor=_user())))

    listing.__name__, creating.__name__ = names
    rule = f"/employees/<int:employee_id>/{path}"
    load = policy.employee(aspect)
    read = {"response": f"{schema}Page", "paged": True}
    write = {"body": f"{schema}Input", "response": schema, "status": 201, **declaration}
    for view, method, summary, whom, declared in (
        (listing, "GET", summaries[0], who[0], read),
        (creating, "POST", summaries[1], who[1], write),
    ):
        declared = {"permission": "authenticated", "tag": TAG, **declared}
        route(rule, method, load, summary=summary, who=whom, **declared)(view)


def _each(serialize: Callable[[Any], dict[str, Any]]) -> Callable[..., list[dict[str, Any]]]:
    return lambda rows, employee: [serialize(r) for r in rows]


def _checks_of(rows: list[BackgroundCheck], employee: Employee) -> list[dict[str, Any]]:
    return checks_to_dicts(rows, policy.can_view(_user(), employee, "check_findings"))


_collection(
    "training-records",
    "training",
    "TrainingRecord",
    ("list_training_records", "create_training_record"),
    ("A person's training completions, newest first", "Record a training completion (verified)"),
    queries.training_records,
    lambda rows, employee: completions_to_dicts(rows),
    records.record_completion,
    ("course", "completed_on", "score"),
    lambda completion: records.completion_to_dict(completion, today()),
    conflict=True,
    description="expires_on = completed_on + the course's validity_months (docs/RULES.md "
    "Training). The same course completed on the same date twice is 409.",
)
_collection(
    "competency-ratings",
    "ratings",
    "CompetencyRating",
    ("list_competency_ratings", "create_competency_rating"),
    ("A person's competency ratings, newest first", "Rate a competency (OPM 0-5)"),
    queries.competency_ratings,
    _each(records.rating_to_dict),
    records.record_rating,
    ("competency", "level", "rated_on", "source", "evidence"),
    records.rating_to_dict,
    who=(
        READ_WHO,
        "hr (manager or assessor source); the person's manager with source manager; the "
        "person with source self. Others who may see the person get 403, the rest 404.",
    ),
    description="Self-ratings are kept and shown but never count toward readiness.",
)
_collection(
    "background-checks",
    "check_status",
    "BackgroundCheck",
    ("list_background_checks", "create_background_check"),
    (
        "A person's background checks, newest first",
        "Request a background check (or record one done earlier)",
    ),
    queries.background_checks,
    _checks_of,
    records.record_check,
    CHECK_FIELDS,
    lambda check: records.check_to_dict(check, with_findings=True, on=today()),
    who=(
        "The person and hr (with findings), their managers (the status word only); anyone "
        "else, finance included, gets 404.",
        HR_WHO,
    ),
    defaults={"status": "requested"},
    conflict=True,
    description="No check without consent (FCRA): consent_signed_on and consent_form_version "
    "are required. valid_until = completed_on + the type's rescreen_months. A second open "
    "check of the same type is 409.",
)


@route(
    "/background-checks/<int:check_id>",
    "GET",
    CHECK,
    permission="authenticated",
    summary="One background check",
    tag=TAG,
    who="The person and hr (with findings), their managers (the status word only); anyone "
    "else gets 404.",
    response="BackgroundCheck",
)
def show_background_check(check: BackgroundCheck) -> Any:
    findings = policy.can_view(_user(), check.employee_id, "check_findings")
    return jsonify(records.check_to_dict(check, with_findings=findings, on=today()))


@route(
    "/background-checks/<int:check_id>",
    "PATCH",
    CHECK,
    summary="Move a check along its lifecycle, or correct its findings and vendor",
    body="BackgroundCheckPatch",
    **CHECK_WRITES,
    description="A new status follows the lifecycle requested -> in_progress -> clear | "
    "review_required | not_cleared (review_required -> clear; -> not_cleared only through the "
    "adverse-action final notice); an illegal move is 409. A result needs completed_on. "
    "Without a new status, findings and vendor are corrected.",
)
def update_background_check(check: BackgroundCheck) -> Any:
    user = _user()
    data = json_body()
    status = data.get("status")
    if status is not None and status != check.status:
        check = records.change_check_status(
            check, status, data.get("completed_on"), data.get("findings"), actor=user
        )
    else:
        if data.get("completed_on") is not None:
            message = "completed_on changes only with a new status (the check's result)."
            raise ApiError(409, message, {"completed_on": [message]})
        check = records.update_check_details(
            check,
            data.get("vendor", check.vendor),
            data.get("findings", check.findings),
            actor=user,
        )
    check = queries.reloaded(check)
    return jsonify(records.check_to_dict(check, with_findings=True, on=today()))


@route(
    "/background-checks/<int:check_id>/adverse-action",
    "POST",
    CHECK,
    NOTICE_WRITER,
    summary="Record an adverse-action notice (pre-adverse, then final)",
    body="AdverseActionInput",
    **CHECK_WRITES,
    description="docs/RULES.md Adverse action: the final notice is refused until 5 business days "
    "(cfg) after the pre-adverse notice; it makes a check under review not_cleared.",
)
def record_adverse_action(check: BackgroundCheck) -> Any:
    data = json_body()
    notice = data.get("notice")
    if notice == "pre_adverse":
        check = records.record_pre_adverse_notice(check, data.get("notice_on"), actor=_user())  # type: ignore[arg-type]
    elif notice == "final":
        check = records.record_final_notice(check, data.get("notice_on"), actor=_user())  # type: ignore[arg-type]
    else:
        message = "notice must be pre_adverse or final."
        raise ApiError(422, message, {"notice": [message]})
    check = queries.reloaded(check)
    return jsonify(records.check_to_dict(check, with_findings=True, on=today()))


# --------------------------------------------------------------------------- assessments

_collection(
    "assessments",
    "assessments",
    "Assessment",
    ("list_assessments", "create_assessment"),
    (
        "A person's leadership assessments, newest first (360s as group results)",
        "Record a leadership assessment: a 360's responses, or a score per dimension",
    ),
    queries.assessments,
    assessments_to_dicts,
    records.record_assessment,
    ("instrument", "conducted_on"),
    assessment_of,
    keywords=("responses", "scores"),
    description="A 360 takes responses [{rater_group, scores}] (no rater identity is stored); "
    "a group below its minimum responses is hidden and excluded (docs/RULES.md). A test or "
    "assessment centre takes scores for every dimension; the overall is their mean.",
)

# --------------------------------------------------------------------------- education

_collection(
    "education",
    "education",
    "Education",
    ("list_education", "create_education"),
    ("A person's completed qualifications, newest first", "Record a completed qualification"),
    queries.education,
    _each(records.education_to_dict),
    records.record_education,
    ("qualification", "institution", "completed_on", "tuition_request_id"),
    records.education_to_dict,
    conflict=True,
)
