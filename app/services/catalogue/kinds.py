"""The kinds of catalogue entry, what a requirement of each kind points at, and the lookups.

A code is unique, upper-case letters, digits and single hyphens (input is upper-cased); a
retired entry still resolves by its code, but new references to it are refused.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.extensions import db
from app.kernel.fields import CODE_MAX, assign, clean_search, is_code
from app.models import (
    CheckType,
    Competency,
    Course,
    CourseGrant,
    CoursePrerequisite,
    CourseSession,
    Instrument,
    JobRole,
    QualificationType,
    Requirement,
)
from app.services.catalogue.errors import DuplicateEntry, UnknownEntry
from app.services.catalogue.parsing import Fields, edited

# What an entry's page, form, list row and JSON show beside its own columns, loaded with it in
# a fixed number of queries (docs/DESIGN.md "Bulk first"): a course's prerequisites and the
# levels it grants, a role's requirements and what each names. Entries reached through those
# load none of their own collections, which nothing shows.
BARE_COURSE = (lazyload(Course.prerequisite_links), lazyload(Course.grants))
BARE_ROLE = (lazyload(JobRole.requirements),)
TARGET_LOADING = (
    joinedload(Requirement.competency),
    joinedload(Requirement.course).options(*BARE_COURSE),
    joinedload(Requirement.check_type),
    joinedload(Requirement.instrument),
    joinedload(Requirement.qualification),
)
ENTRY_LOADING: dict[str, tuple[Any, ...]] = {
    "course": (
        selectinload(Course.prerequisite_links)
        .joinedload(CoursePrerequisite.prerequisite)
        .options(*BARE_COURSE),
        selectinload(Course.grants).joinedload(CourseGrant.competency),
    ),
    "role": (selectinload(JobRole.requirements).options(*TARGET_LOADING),),
}


def entry_loading(kind: str) -> tuple[Any, ...]:
    """The loader options of ``kind``'s entries (ENTRY_LOADING; none for a plain kind)."""
    return ENTRY_LOADING.get(kind, ())


STATUSES = ("active", "retired", "all")


@dataclass(frozen=True)
class EntryKind:
    """One kind of catalogue entry: its model, its words and the attribute holding its name."""

    key: str
    model: Any
    label: str
    plural: str
    name_attr: str


KINDS: dict[str, EntryKind] = {
    "competency": EntryKind("competency", Competency, "competency", "competencies", "name"),
    "course": EntryKind("course", Course, "course", "courses", "title"),
    "check_type": EntryKind("check_type", CheckType, "check type", "check types", "name"),
    "instrument": EntryKind("instrument", Instrument, "instrument", "instruments", "name"),
    "qualification": EntryKind(
        "qualification", QualificationType, "qualification type", "qualification types", "name"
    ),
    "role": EntryKind("role", JobRole, "job role", "job roles", "title"),
}

# Which catalogue kind a requirement of each kind points at (tenure points at nothing).
REQUIREMENT_TARGETS: dict[str, str | None] = {
    "competency": "competency",
    "course": "course",
    "certification": "course",
    "background_check": "check_type",
    "assessment": "instrument",
    "tenure": None,
    "education": "qualification",
}
REQUIREMENT_THRESHOLD: dict[str, str | None] = {
    "competency": "min_level",
    "assessment": "min_score",
    "tenure": "min_months",
    "course": None,
    "certification": None,
    "background_check": None,
    "education": None,
}
THRESHOLD_WORDS = {
    "min_level": "minimum level",
    "min_score": "minimum score",
    "min_months": "minimum months",
}
REQUIREMENT_FIELDS = frozenset(
    {"kind", "target", "min_level", "min_score", "min_months", "mandatory", "weight"}
)
MAX_REQUIREMENTS = 100


# =============================================================================== lookups


def kind_of(kind: str) -> EntryKind:
    if kind not in KINDS:
        raise ValueError(f"unknown catalogue kind {kind!r}")
    return KINDS[kind]


def get_entry(kind: str, code: Any) -> Any:
    """The entry with ``code`` (retired ones too), or UnknownEntry naming the code."""
    spec = kind_of(kind)
    text = str(code or "").strip().upper()
    if not is_code(text):
        shown = clean_search(text, CODE_MAX) or "(empty)"
        raise UnknownEntry(f"There is no {spec.label} with code {shown}.")
    entry = db.session.scalar(
        select(spec.model).options(*entry_loading(kind)).where(spec.model.code == text)
    )
    if entry is None:
        raise UnknownEntry(f"There is no {spec.label} with code {text}.")
    return entry


def get_competency(code: str) -> Competency:
    return get_entry("competency", code)


def get_course(code: str) -> Course:
    return get_entry("course", code)


def get_role(code: str) -> JobRole:
    return get_entry("role", code)


def get_session(session_id: int) -> CourseSession:
    session = (
        db.session.get(CourseSession, session_id, options=[joinedload(CourseSession.course)])
        if isinstance(session_id, int)
        else None
    )
    if session is None:
        raise UnknownEntry(f"There is no course session {session_id}.")
    return session


def choices(kind: str, include: Iterable[str] = ()) -> list[Any]:
    """Entries for a picker: active ones, plus the retired ones named in ``include``.

    Retired entries are hidden from pickers for new records; a record that already points at
    one passes its code in ``include`` so its current value still shows (docs/RULES.md history).
    """
    spec = kind_of(kind)
    keep = [code for code in (str(c).strip().upper() for c in include if c) if is_code(code)]
    condition = spec.model.retired.is_(False)
    if keep:
        condition = or_(condition, spec.model.code.in_(keep))
    order = (spec.model.level, spec.model.code) if kind == "role" else (spec.model.code,)
    return list(db.session.scalars(select(spec.model).where(condition).order_by(*order)))


def codes_taken(model: Any, code: str) -> bool:
    count: int | None = db.session.scalar(
        select(func.count()).select_from(model).where(model.code == code)
    )
    return bool(count)


def resolve(
    kind: str,
    codes: Sequence[str],
    fields: Fields,
    name: str,
    *,
    allow_retired: Iterable[str] = (),
) -> dict[str, Any]:
    """Load the entries for ``codes`` in one query; unknown or newly-used retired codes are
    field errors that name the code."""
    spec = kind_of(kind)
    if not codes:
        return {}
    found = load_codes(kind, codes)
    allowed = set(allow_retired)
    for code in codes:
        entry = found.get(code)
        if entry is None:
            shown = clean_search(code, CODE_MAX) or "(empty)"
            fields.add(name, f"There is no {spec.label} with code {shown}.")
        elif entry.retired and code not in allowed:
            fields.add(name, f"{code} is retired; pick an active {spec.label}.")
    return found


def load_codes(kind: str, codes: Iterable[str]) -> dict[str, Any]:
    model = kind_of(kind).model
    wanted = sorted({code for code in codes if is_code(code)})
    if not wanted:
        return {}
    return {e.code: e for e in db.session.scalars(select(model).where(model.code.in_(wanted)))}


def check_unique_code(kind: str, code: str | None) -> None:
    spec = kind_of(kind)
    if code and codes_taken(spec.model, code):
        raise DuplicateEntry(
            f"A {spec.label} with code {code} already exists. Pick another code, or edit it.",
            {"code": [f"{code} is already used by another {spec.label}."]},
        )


def find_entry(kind: str, code: Any) -> Any | None:
    """The entry with ``code`` (retired ones too), or None: the access pipeline answers 404."""
    try:
        return get_entry(kind, code)
    except UnknownEntry:
        return None


def find_session(session_id: Any) -> CourseSession | None:
    """The course session ``session_id``, or None."""
    try:
        return get_session(session_id)
    except UnknownEntry:
        return None


def add_entry(kind: str, code: str | None, /, **values: Any) -> Any:
    """A new, active entry of ``kind`` (flushed), with a code no other entry uses."""
    check_unique_code(kind, code)
    entry = kind_of(kind).model(code=code, retired=False, **values)
    db.session.add(entry)
    db.session.flush()
    return entry


def create_checked(
    kind: str, code: Any, subject: str, check: Callable[..., dict[str, Any]], *given: Any
) -> Any:
    """A new entry of ``kind`` from what ``check`` accepts of ``given``, flushed."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = check(fields, *given)
    fields.raise_if_any(f"Check the {subject}'s fields.")
    return add_entry(kind, clean_code, **values)


def update_checked(
    entry: Any, subject: str, check: Callable[..., dict[str, Any]], changes: dict[str, Any]
) -> Any:
    """``entry`` with ``check``'s values: the fields an edit may change are the checker's
    parameters after ``fields``, each one ``changes`` leaves out keeping its stored value."""
    editable = tuple(inspect.signature(check).parameters)[1:]
    fields = Fields()
    values = check(fields, **edited(entry, editable, changes))
    fields.raise_if_any(f"Check the {subject}'s fields.")
    return assign(entry, values)
