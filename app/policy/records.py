"""Who may reach the records pages and the records API: the loads of their URL arguments and
the predicates their templates ask (docs/RULES.md "People and roles", "Data minimisation").

A record's URL loads the record and then its person, who must be visible for the record's
aspect (404 otherwise: existence itself is private). A page that writes for a person the
caller may see but not write for answers 403, checked by a second Load on the loaded object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app import policy
from app.models import Employee, Upload
from app.policy import Load, _fetch_employee, can_edit, can_view
from app.services import records, uploads
from app.services.records import queries

sees_directory = policy.sees_people_list
"""Does the People page list people for ``user`` (everyone else is sent to their own page)?"""


def writes_records(user: Any) -> bool:
    """hr writes (and deletes) the records of the people it sees."""
    return user is not None and user.has_role("hr")


def rates(user: Any, employee: Employee) -> bool:
    """May ``user`` rate ``employee`` with some source (hr, a manager, the person)?"""
    return bool(records.allowed_rating_sources(user, employee))


def record(model: Any, aspect: str, *, arg: str, name: str) -> Load:
    """Load the row of ``model`` named by ``arg`` and then its person, whose ``aspect`` the
    caller must see; 404 otherwise. The person stays in the session for the view."""

    def check(user: Any, row: Any) -> bool:
        employee = _fetch_employee(row.employee_id)
        return employee is not None and can_view(user, employee, aspect)

    if aspect not in policy.ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}")
    return Load(arg, name, lambda record_id: queries.record_of(model, record_id), check)


def then(name: str, check: Callable[[Any, Any], bool], denied: int = 403) -> Load:
    """A further check on the object an earlier Load put under ``name`` (403 by default: the
    caller may see it but not do this)."""
    return Load(name, name, lambda found: found, check, denied)


def editing(aspect: str, name: str = "employee") -> Load:
    """The caller must write ``aspect`` for the loaded person (or the person of the loaded
    record): 403 otherwise."""

    def check(user: Any, found: Any) -> bool:
        return can_edit(user, found if isinstance(found, Employee) else found.employee_id, aspect)

    return then(name, check)


def person_page() -> Load:
    """A person's page: their profile and either their training or their tuition (404)."""

    def check(user: Any, employee: Any) -> bool:
        return can_view(user, employee, "profile") and (
            can_view(user, employee, "training") or can_view(user, employee, "tuition")
        )

    return Load("employee_id", "employee", _fetch_employee, check)


def known(arg: str, values: Any) -> Load:
    """A URL argument that must be one of ``values`` (404 otherwise); the view gets it as is."""
    return Load(arg, arg, lambda value: value if value in values else None, lambda u, v: True)


def upload() -> Load:
    """A stored document the caller may see the uploads of its person for (404 otherwise)."""
    return Load(
        "upload_id",
        "upload",
        lambda upload_id: queries.record_of(Upload, upload_id),
        lambda user, found: uploads.upload_for(user, found.id) is not None,
    )


def is_360(user: Any, assessment: Any) -> bool:
    """Responses are added to a 360 only (any other assessment has no such page: 404)."""
    return assessment.instrument.kind == "360"
