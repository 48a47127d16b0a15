"""Catalogue configuration: competencies, courses and sessions, check types, instruments,
qualification types, job roles with their requirements, and the role ladder.

DOMAIN.md "People and roles", "Requirements of a role", "Training", "Background checks",
"Leadership assessments". HR and admins create, edit and retire entries; the web pages and the
JSON API call these functions with plain values and get domain objects back.

Rules enforced here, once:
- a code is unique, upper-case letters, digits and single hyphens (input is upper-cased);
- a course never requires itself, directly or through other courses (no prerequisite cycles);
- the role ladder goes up one level at a time and never loops back;
- retiring keeps history: a retired entry stays readable and still resolves for past records,
  but new references to it are refused (a reference that already existed may stay);
- every refused write raises a ``CatalogueError`` with a message (and field messages) and
  changes nothing; every accepted write commits once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import (
    Assessment,
    BackgroundCheck,
    CheckType,
    Competency,
    CompetencyRating,
    Completion,
    Course,
    CourseGrant,
    CoursePrerequisite,
    CourseSession,
    EducationRecord,
    Employee,
    Instrument,
    JobRole,
    LadderEdge,
    QualificationType,
    Requirement,
)
from app.models.catalogue import INSTRUMENT_KINDS, REQUIREMENT_KINDS
from app.services import settings
from app.services.catalogue_errors import (
    CatalogueError,
    DuplicateEntry,
    InvalidEntry,
    StaleEntry,
    UnknownEntry,
)

__all__ = [
    "CatalogueError",
    "DuplicateEntry",
    "InvalidEntry",
    "StaleEntry",
    "UnknownEntry",
]

T = TypeVar("T")

CODE_PATTERN = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
CODE_MAX = 40
MONEY_MAX = Decimal("9999999999.99")  # Numeric(12, 2)
STATUSES = ("active", "retired", "all")


class _Unset:
    """Marks a keyword argument the caller left out of an update (keep the stored value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


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


# =============================================================================== input parsing


class Fields:
    """Collects field messages while values are parsed, then refuses them all at once."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(self.prefix + name, []).append(message)

    def merge(self, other: Fields) -> None:
        for name, messages in other.errors.items():
            self.errors.setdefault(name, []).extend(messages)

    def raise_if_any(self, message: str = "Some of the values are not valid.") -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            summary = first if len(self.errors) == 1 else message
            raise InvalidEntry(summary, self.errors)

    # ------------------------------------------------------------------ values

    def code(self, name: str, value: Any, label: str = "Code") -> str | None:
        text = "" if value is None else str(value).strip().upper()
        if not text:
            self.add(name, f"Enter a {label.lower()}, e.g. PCI-AWARE.")
            return None
        if len(text) > CODE_MAX:
            self.add(name, f"A code has at most {CODE_MAX} characters.")
            return None
        if not CODE_PATTERN.match(text):
            self.add(
                name,
                "Use upper-case letters, digits and single hyphens only, e.g. PCI-AWARE.",
            )
            return None
        return text

    def text(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        required: bool = True,
        max_length: int = 200,
        default: str | None = None,
        multiline: bool = False,
    ) -> str | None:
        if value is not None and not isinstance(value, str):
            self.add(name, f"{label} must be text.")
            return None
        text = (value or "").strip()
        if _CONTROL.search(text) or (not multiline and re.search(r"[\n\r\t]", text)):
            self.add(name, f"{label} contains characters that are not allowed (control codes).")
            return None
        if not text:
            if required and default is None:
                self.add(name, f"Enter a {label.lower()}.")
            return default
        if len(text) > max_length:
            self.add(name, f"{label} has at most {max_length} characters.")
            return None
        return text

    def integer(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = True,
    ) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(name, f"Enter {label.lower()}.")
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, Decimal | float):
            try:
                if value == int(value):
                    number = int(value)
            except (ValueError, OverflowError, InvalidOperation):
                number = None
        elif isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
            number = int(value.strip())
        if number is None:
            self.add(name, f"{label} must be a whole number.")
            return None
        if minimum is not None and number < minimum:
            self.add(name, _range_message(label, minimum, maximum))
            return None
        if maximum is not None and number > maximum:
            self.add(name, _range_message(label, minimum, maximum))
            return None
        return number

    def decimal(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        places: int = 2,
        required: bool = True,
        strictly_above: Decimal | None = None,
    ) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(name, f"Enter {label.lower()}.")
            return None
        if isinstance(value, bool):
            self.add(name, f"{label} must be a number.")
            return None
        try:
            text = str(value).strip().replace(",", "")
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            self.add(name, f"{label} must be a number, e.g. 12.50.")
            return None
        if not number.is_finite():
            self.add(name, f"{label} must be a number, e.g. 12.50.")
            return None
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places:
            self.add(name, f"{label} has at most {places} decimal place(s).")
            return None
        if strictly_above is not None and number <= strictly_above:
            self.add(name, f"{label} must be more than {strictly_above}.")
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.add(name, _range_message(label, minimum, maximum))
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def money(self, name: str, value: Any, label: str, *, required: bool = True) -> Decimal | None:
        return self.decimal(
            name, value, label, minimum=Decimal("0"), maximum=MONEY_MAX, required=required
        )

    def boolean(self, name: str, value: Any, label: str, *, default: bool) -> bool | None:
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
            return False
        self.add(name, f"{label} must be true or false.")
        return None

    def date(self, name: str, value: Any, label: str) -> date | None:
        if isinstance(value, date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            self.add(name, f"Enter {label.lower()} as YYYY-MM-DD.")
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.add(name, f"{label} must be a real date written YYYY-MM-DD, e.g. 2026-11-22.")
            return None

    def code_list(self, name: str, value: Any, label: str) -> list[str] | None:
        """A list of codes, upper-cased, without duplicates, order kept."""
        if value is None:
            return []
        if isinstance(value, str):
            value = [part for part in re.split(r"[\s,]+", value) if part]
        if not isinstance(value, list | tuple):
            self.add(name, f"{label} must be a list of codes.")
            return None
        codes: list[str] = []
        for item in value:
            code = str(item).strip().upper() if item is not None else ""
            if not code or len(code) > CODE_MAX or not CODE_PATTERN.match(code):
                self.add(name, f"{item!r} is not a code (upper-case letters, digits, hyphens).")
                return None
            if code not in codes:
                codes.append(code)
        return codes


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_search(value: Any, max_length: int = 100) -> str | None:
    """A search or filter term without control characters (PostgreSQL refuses NUL), or None."""
    if value is None:
        return None
    text = _CONTROL.sub("", str(value)).strip()[:max_length]
    return text or None


def _is_code(value: str) -> bool:
    return 0 < len(value) <= CODE_MAX and CODE_PATTERN.match(value) is not None


def _range_message(label: str, minimum: Any, maximum: Any) -> str:
    if minimum is not None and maximum is not None:
        return f"{label} must be from {minimum} to {maximum}."
    if minimum is not None:
        return f"{label} must be {minimum} or more."
    return f"{label} must be {maximum} or less."


# =============================================================================== transactions


def _write(fn: Callable[..., T]) -> Callable[..., T]:
    """One commit point per call; a refused write rolls back so nothing changes."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
        except CatalogueError:
            db.session.rollback()
            raise
        except StaleDataError as error:
            db.session.rollback()
            raise StaleEntry(
                "Someone else changed this entry at the same moment. Reload it and try again."
            ) from error
        except IntegrityError as error:
            db.session.rollback()
            raise DuplicateEntry(
                "Someone else saved a conflicting entry at the same moment. "
                "Reload the page and try again."
            ) from error
        return result

    return wrapper


# =============================================================================== lookups


def kind_of(kind: str) -> EntryKind:
    if kind not in KINDS:
        raise ValueError(f"unknown catalogue kind {kind!r}")
    return KINDS[kind]


def get_entry(kind: str, code: Any) -> Any:
    """The entry with ``code`` (retired ones too), or UnknownEntry naming the code."""
    spec = kind_of(kind)
    text = str(code or "").strip().upper()
    if not _is_code(text):
        shown = clean_search(text, CODE_MAX) or "(empty)"
        raise UnknownEntry(f"There is no {spec.label} with code {shown}.")
    entry = db.session.scalar(select(spec.model).where(spec.model.code == text))
    if entry is None:
        raise UnknownEntry(f"There is no {spec.label} with code {text}.")
    return entry


def get_competency(code: str) -> Competency:
    return get_entry("competency", code)


def get_course(code: str) -> Course:
    return get_entry("course", code)


def get_check_type(code: str) -> CheckType:
    return get_entry("check_type", code)


def get_instrument(code: str) -> Instrument:
    return get_entry("instrument", code)


def get_qualification(code: str) -> QualificationType:
    return get_entry("qualification", code)


def get_role(code: str) -> JobRole:
    return get_entry("role", code)


def get_session(session_id: int) -> CourseSession:
    session = db.session.get(CourseSession, session_id) if isinstance(session_id, int) else None
    if session is None:
        raise UnknownEntry(f"There is no course session {session_id}.")
    return session


def choices(kind: str, include: Iterable[str] = ()) -> list[Any]:
    """Entries for a picker: active ones, plus the retired ones named in ``include``.

    Retired entries are hidden from pickers for new records; a record that already points at
    one passes its code in ``include`` so its current value still shows (DOMAIN.md history).
    """
    spec = kind_of(kind)
    keep = [code for code in (str(c).strip().upper() for c in include if c) if _is_code(code)]
    condition = spec.model.retired.is_(False)
    if keep:
        condition = or_(condition, spec.model.code.in_(keep))
    order = (spec.model.level, spec.model.code) if kind == "role" else (spec.model.code,)
    return list(db.session.scalars(select(spec.model).where(condition).order_by(*order)))


def _codes_taken(model: Any, code: str) -> bool:
    count: int | None = db.session.scalar(
        select(func.count()).select_from(model).where(model.code == code)
    )
    return bool(count)


def _resolve(
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
    found = _load_codes(kind, codes)
    allowed = set(allow_retired)
    for code in codes:
        entry = found.get(code)
        if entry is None:
            shown = clean_search(code, CODE_MAX) or "(empty)"
            fields.add(name, f"There is no {spec.label} with code {shown}.")
        elif entry.retired and code not in allowed:
            fields.add(name, f"{code} is retired; pick an active {spec.label}.")
    return found


def _load_codes(kind: str, codes: Iterable[str]) -> dict[str, Any]:
    model = kind_of(kind).model
    wanted = sorted({code for code in codes if _is_code(code)})
    if not wanted:
        return {}
    return {e.code: e for e in db.session.scalars(select(model).where(model.code.in_(wanted)))}


def _check_unique_code(kind: str, code: str | None) -> None:
    spec = kind_of(kind)
    if code and _codes_taken(spec.model, code):
        raise DuplicateEntry(
            f"A {spec.label} with code {code} already exists. Pick another code, or edit it.",
            {"code": [f"{code} is already used by another {spec.label}."]},
        )


# =============================================================================== lists


SORTS: dict[str, dict[str, Any]] = {
    "competency": {
        "code": Competency.code,
        "name": Competency.name,
        "category": Competency.category,
    },
    "course": {
        "code": Course.code,
        "title": Course.title,
        "category": Course.category,
        "hours": Course.hours,
        "cost": Course.cost,
        "validity": Course.validity_months,
    },
    "check_type": {
        "code": CheckType.code,
        "name": CheckType.name,
        "rescreen": CheckType.rescreen_months,
        "turnaround": CheckType.turnaround_days,
    },
    "instrument": {
        "code": Instrument.code,
        "name": Instrument.name,
        "kind": Instrument.kind,
        "validity": Instrument.validity_months,
    },
    "qualification": {"code": QualificationType.code, "name": QualificationType.name},
    "role": {
        "code": JobRole.code,
        "title": JobRole.title,
        "level": JobRole.level,
        "limit": JobRole.financial_authority_limit,
    },
}


def list_query(
    kind: str,
    q: str | None = None,
    status: str | None = "active",
    category: str | None = None,
    instrument_kind: str | None = None,
    level: int | None = None,
    expires: str | None = None,
) -> Select:
    """Entries of one kind, searched by code or name and filtered; the caller orders and pages.

    ``status`` is active (the default: retired entries are hidden), retired or all.
    """
    spec = kind_of(kind)
    model = spec.model
    stmt = select(model)
    q, category = clean_search(q), clean_search(category, 80)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(model.code).like(like),
                func.lower(getattr(model, spec.name_attr)).like(like),
            )
        )
    if status == "active" or status is None:
        stmt = stmt.where(model.retired.is_(False))
    elif status == "retired":
        stmt = stmt.where(model.retired.is_(True))
    if category and hasattr(model, "category"):
        stmt = stmt.where(model.category == category)
    if instrument_kind and kind == "instrument":
        stmt = stmt.where(Instrument.kind == instrument_kind)
    if level is not None and kind == "role":
        stmt = stmt.where(JobRole.level == level)
    if kind == "course" and expires == "yes":
        stmt = stmt.where(Course.validity_months.is_not(None))
    elif kind == "course" and expires == "no":
        stmt = stmt.where(Course.validity_months.is_(None))
    return stmt


def categories(kind: str) -> list[str]:
    """The distinct categories in use, for a filter (competencies and courses)."""
    model = kind_of(kind).model
    return list(db.session.scalars(select(model.category).distinct().order_by(model.category)))


SESSION_SORTS: dict[str, Any] = {
    "starts_on": CourseSession.starts_on,
    "ends_on": CourseSession.ends_on,
    "course": Course.code,
    "seats": CourseSession.seats,
}


def session_query(
    q: str | None = None,
    course: str | None = None,
    when: str | None = "upcoming",
    on: date | None = None,
    include_cancelled: bool = False,
) -> Select:
    """Course sessions with their course, filtered; ``when`` is upcoming, past or all on ``on``."""
    stmt = select(CourseSession).join(Course, CourseSession.course_id == Course.id)
    q, course = clean_search(q), clean_search(course, CODE_MAX)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Course.code).like(like),
                func.lower(Course.title).like(like),
                func.lower(func.coalesce(CourseSession.location, "")).like(like),
            )
        )
    if course:
        stmt = stmt.where(Course.code == course.strip().upper())
    if on is not None and when == "upcoming":
        stmt = stmt.where(CourseSession.ends_on >= on)
    elif on is not None and when == "past":
        stmt = stmt.where(CourseSession.ends_on < on)
    if not include_cancelled:
        stmt = stmt.where(CourseSession.cancelled.is_(False))
    return stmt


_FROM_ROLE = JobRole.__table__.alias("from_role")
_TO_ROLE = JobRole.__table__.alias("to_role")
LADDER_SORTS: dict[str, Any] = {
    "from": _FROM_ROLE.c.level,
    "to": _TO_ROLE.c.level,
    "months": LadderEdge.typical_months,
}


def ladder_query(q: str | None = None) -> Select:
    """Ladder edges joined to both roles (sortable by LADDER_SORTS), searched by either role."""
    stmt = (
        select(LadderEdge)
        .join(_FROM_ROLE, LadderEdge.from_role_id == _FROM_ROLE.c.id)
        .join(_TO_ROLE, LadderEdge.to_role_id == _TO_ROLE.c.id)
    )
    q = clean_search(q)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(_FROM_ROLE.c.code).like(like),
                func.lower(_FROM_ROLE.c.title).like(like),
                func.lower(_TO_ROLE.c.code).like(like),
                func.lower(_TO_ROLE.c.title).like(like),
            )
        )
    return stmt


@dataclass(frozen=True)
class KindCount:
    kind: EntryKind
    active: int
    retired: int


def overview() -> list[KindCount]:
    """How many active and retired entries each kind holds (one query per kind)."""
    result = []
    for spec in KINDS.values():
        counts: dict[bool, int] = dict(
            db.session.execute(
                select(spec.model.retired, func.count()).group_by(spec.model.retired)
            ).all()
        )
        result.append(KindCount(spec, counts.get(False, 0), counts.get(True, 0)))
    return result


def upcoming_session_count(on: date) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                CourseSession.ends_on >= on, CourseSession.cancelled.is_(False)
            )
        )
        or 0
    )


def ladder_steps(role: JobRole) -> tuple[list[LadderEdge], list[LadderEdge]]:
    """The ladder steps leading up from ``role`` and those reaching it."""
    edges = db.session.scalars(
        select(LadderEdge).where(
            or_(LadderEdge.from_role_id == role.id, LadderEdge.to_role_id == role.id)
        )
    ).all()
    up = sorted((e for e in edges if e.from_role_id == role.id), key=lambda e: e.to_role.code)
    down = sorted((e for e in edges if e.to_role_id == role.id), key=lambda e: e.from_role.code)
    return up, down


def ladder_count() -> int:
    return db.session.scalar(select(func.count()).select_from(LadderEdge)) or 0


# =============================================================================== retire / restore


@dataclass
class Usage:
    """Where a catalogue entry is referenced: roles requiring it and how many records use it."""

    required_by: list[str] = field(default_factory=list)
    prerequisite_of: list[str] = field(default_factory=list)
    granted_by: list[str] = field(default_factory=list)
    records: int = 0
    sessions: int = 0
    people_in_role: int = 0


def usage(kind: str, entry: Any) -> Usage:
    """The references to ``entry``, in a fixed handful of queries."""
    result = Usage()
    column = {
        "competency": Requirement.competency_id,
        "course": Requirement.course_id,
        "check_type": Requirement.check_type_id,
        "instrument": Requirement.instrument_id,
        "qualification": Requirement.qualification_id,
    }.get(kind)
    if column is not None:
        result.required_by = list(
            db.session.scalars(
                select(JobRole.code)
                .join(Requirement, Requirement.job_role_id == JobRole.id)
                .where(column == entry.id)
                .distinct()
                .order_by(JobRole.code)
            )
        )
    count = {
        "competency": (CompetencyRating, CompetencyRating.competency_id),
        "course": (Completion, Completion.course_id),
        "check_type": (BackgroundCheck, BackgroundCheck.check_type_id),
        "instrument": (Assessment, Assessment.instrument_id),
        "qualification": (EducationRecord, EducationRecord.qualification_id),
        "role": (Employee, Employee.job_role_id),
    }[kind]
    number = db.session.scalar(
        select(func.count()).select_from(count[0]).where(count[1] == entry.id)
    )
    if kind == "role":
        result.people_in_role = number or 0
    else:
        result.records = number or 0
    if kind == "course":
        prerequisite = Course.__table__.alias("dependent")
        result.prerequisite_of = list(
            db.session.scalars(
                select(prerequisite.c.code)
                .join(CoursePrerequisite, CoursePrerequisite.course_id == prerequisite.c.id)
                .where(CoursePrerequisite.prerequisite_id == entry.id)
                .order_by(prerequisite.c.code)
            )
        )
        result.sessions = (
            db.session.scalar(select(func.count()).where(CourseSession.course_id == entry.id)) or 0
        )
    if kind == "competency":
        result.granted_by = list(
            db.session.scalars(
                select(Course.code)
                .join(CourseGrant, CourseGrant.course_id == Course.id)
                .where(CourseGrant.competency_id == entry.id)
                .order_by(Course.code)
            )
        )
    return result


@_write
def retire(kind: str, code: str) -> Any:
    """Retire an entry: hidden from pickers for new records; past records keep resolving."""
    entry = get_entry(kind, code)
    if entry.retired:
        raise InvalidEntry(f"{entry.code} is already retired.")
    entry.retired = True
    return entry


@_write
def restore(kind: str, code: str) -> Any:
    """Bring a retired entry back into the pickers."""
    entry = get_entry(kind, code)
    if not entry.retired:
        raise InvalidEntry(f"{entry.code} is not retired.")
    entry.retired = False
    return entry


# =============================================================================== competencies


def _competency_fields(
    fields: Fields, name: Any, category: Any, description: Any
) -> tuple[str | None, str | None, str | None]:
    return (
        fields.text("name", name, "Name"),
        fields.text("category", category, "Category", max_length=80, default="general"),
        fields.text(
            "description",
            description,
            "Description",
            required=False,
            max_length=1000,
            multiline=True,
        ),
    )


@_write
def create_competency(
    code: Any, name: Any, category: Any = "general", description: Any = None
) -> Competency:
    """A competency rated on the OPM 0-5 scale (DOMAIN.md Competencies)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _competency_fields(fields, name, category, description)
    fields.raise_if_any("Check the competency's fields.")
    _check_unique_code("competency", clean_code)
    competency = Competency(
        code=clean_code, name=values[0], category=values[1], description=values[2], retired=False
    )
    db.session.add(competency)
    db.session.flush()
    return competency


@_write
def update_competency(
    code: str, *, name: Any = UNSET, category: Any = UNSET, description: Any = UNSET
) -> Competency:
    competency = get_competency(code)
    fields = Fields()
    values = _competency_fields(
        fields,
        competency.name if name is UNSET else name,
        competency.category if category is UNSET else category,
        competency.description if description is UNSET else description,
    )
    fields.raise_if_any("Check the competency's fields.")
    competency.name, competency.category, competency.description = values  # type: ignore[assignment]
    return competency


# =============================================================================== courses


def _grant_pairs(value: Any, fields: Fields) -> list[tuple[str, Any]] | None:
    """Grants as (competency code, level) pairs from tuples or API dicts."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        fields.add("grants", "Grants must be a list of {competency, level}.")
        return None
    pairs: list[tuple[str, Any]] = []
    for item in value:
        if isinstance(item, Mapping):
            pairs.append((str(item.get("competency") or "").strip().upper(), item.get("level")))
        elif isinstance(item, list | tuple) and len(item) == 2:
            pairs.append((str(item[0] or "").strip().upper(), item[1]))
        else:
            fields.add("grants", "Each grant needs a competency code and a level.")
            return None
    return pairs


def find_cycle(graph: Mapping[Any, Iterable[Any]], start: Any, target: Any) -> list[Any] | None:
    """A path start -> ... -> target through ``graph`` (node -> next nodes), or None.

    Used to refuse prerequisite cycles and ladder loops: adding the edge target -> start closes
    a cycle exactly when such a path exists.
    """
    stack: list[tuple[Any, list[Any]]] = [(start, [start])]
    seen: set[Any] = set()
    while stack:
        node, path = stack.pop()
        if node == target:
            return path
        if node in seen:
            continue
        seen.add(node)
        for following in sorted(graph.get(node, ()), key=str, reverse=True):
            if following not in seen:
                stack.append((following, [*path, following]))
    return None


def _course_values(
    fields: Fields,
    course: Course | None,
    *,
    title: Any,
    category: Any,
    hours: Any,
    cost: Any,
    validity_months: Any,
    default_duration_days: Any,
) -> dict[str, Any]:
    values = {
        "title": fields.text("title", title, "Title"),
        "category": fields.text("category", category, "Category", max_length=80, default="general"),
        "hours": fields.decimal(
            "hours",
            "0" if hours in (None, "") else hours,
            "Hours",
            minimum=Decimal("0"),
            maximum=Decimal("99999.9"),
            places=1,
        ),
        "cost": fields.money("cost", "0" if cost in (None, "") else cost, "Cost"),
        "validity_months": fields.integer(
            "validity_months",
            validity_months,
            "Validity (months)",
            minimum=1,
            maximum=600,
            required=False,
        ),
        "default_duration_days": fields.integer(
            "default_duration_days",
            settings.get("default_course_duration_days")
            if default_duration_days in (None, "")
            else default_duration_days,
            "Default duration (days)",
            minimum=1,
            maximum=3650,
        ),
    }
    return values


def _course_links(
    fields: Fields,
    course: Course | None,
    code: str | None,
    prerequisites: Any,
    grants: Any,
) -> tuple[list[Course], list[tuple[Competency, int]]]:
    """Validate prerequisites (known, not itself, no cycle) and grants (known, level 1-5)."""
    prereq_codes = fields.code_list("prerequisites", prerequisites, "Prerequisites") or []
    kept_prereqs = (
        {link.prerequisite.code for link in course.prerequisite_links} if course else set()
    )
    kept_grants = {grant.competency.code for grant in course.grants} if course else set()
    if code and code in prereq_codes:
        fields.add("prerequisites", f"A course cannot be its own prerequisite ({code}).")
        prereq_codes = [c for c in prereq_codes if c != code]
    found = _resolve("course", prereq_codes, fields, "prerequisites", allow_retired=kept_prereqs)
    prereq_courses = [found[c] for c in prereq_codes if c in found]

    pairs = _grant_pairs(grants, fields) or []
    grant_codes: list[str] = []
    levels: list[int | None] = []
    for index, (comp_code, level) in enumerate(pairs):
        sub = Fields(f"grants[{index}].")
        if not comp_code:
            sub.add("competency", "Pick the competency this course grants.")
        elif comp_code in grant_codes:
            sub.add("competency", f"{comp_code} is granted twice; keep one level.")
        parsed = sub.integer("level", level, "Granted level", minimum=1, maximum=5)
        fields.merge(sub)
        if comp_code and comp_code not in grant_codes:
            grant_codes.append(comp_code)
            levels.append(parsed)
    competencies = _resolve("competency", grant_codes, fields, "grants", allow_retired=kept_grants)
    grant_list = [
        (competencies[c], lvl)
        for c, lvl in zip(grant_codes, levels, strict=True)
        if c in competencies and lvl is not None
    ]

    if course is not None and prereq_courses and not fields.errors:
        graph: dict[int, set[int]] = {}
        for course_id, prereq_id in db.session.execute(
            select(CoursePrerequisite.course_id, CoursePrerequisite.prerequisite_id)
        ):
            if course_id != course.id:
                graph.setdefault(course_id, set()).add(prereq_id)
        for prereq in prereq_courses:
            path = find_cycle(graph, prereq.id, course.id)
            if path is not None:
                names = dict(db.session.execute(select(Course.id, Course.code)).all())
                chain = [course.code, *(names[node] for node in path)]
                fields.add(
                    "prerequisites",
                    "That would make a prerequisite cycle: "
                    + " requires ".join(chain)
                    + f". Remove {prereq.code} from the prerequisites.",
                )
    return prereq_courses, grant_list


def _apply_links(
    course: Course, prereqs: list[Course], grants: list[tuple[Competency, int]]
) -> None:
    wanted = {p.id for p in prereqs}
    for link in list(course.prerequisite_links):
        if link.prerequisite_id not in wanted:
            course.prerequisite_links.remove(link)
    have = {link.prerequisite_id for link in course.prerequisite_links}
    for prereq in prereqs:
        if prereq.id not in have:
            course.prerequisite_links.append(
                CoursePrerequisite(prerequisite_id=prereq.id, prerequisite=prereq)
            )
    levels = {competency.id: level for competency, level in grants}
    for grant in list(course.grants):
        if grant.competency_id not in levels:
            course.grants.remove(grant)
        elif grant.level != levels[grant.competency_id]:
            grant.level = levels[grant.competency_id]
    have = {grant.competency_id for grant in course.grants}
    for competency, level in grants:
        if competency.id not in have:
            course.grants.append(
                CourseGrant(competency_id=competency.id, competency=competency, level=level)
            )


@_write
def create_course(
    code: Any,
    title: Any,
    category: Any = "general",
    hours: Any = 0,
    cost: Any = "0.00",
    validity_months: Any = None,
    default_duration_days: Any = None,
    prerequisites: Any = (),
    grants: Any = (),
) -> Course:
    """A course (DOMAIN.md Training). validity_months empty means it never expires;
    default_duration_days defaults to the (cfg) setting (30)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _course_values(
        fields,
        None,
        title=title,
        category=category,
        hours=hours,
        cost=cost,
        validity_months=validity_months,
        default_duration_days=default_duration_days,
    )
    prereqs, grant_list = _course_links(
        fields, None, clean_code, list(prerequisites or []), list(grants or [])
    )
    fields.raise_if_any("Check the course's fields.")
    _check_unique_code("course", clean_code)
    course = Course(code=clean_code, retired=False, **values)
    db.session.add(course)
    db.session.flush()
    _apply_links(course, prereqs, grant_list)
    db.session.flush()
    return course


@_write
def update_course(
    code: str,
    *,
    title: Any = UNSET,
    category: Any = UNSET,
    hours: Any = UNSET,
    cost: Any = UNSET,
    validity_months: Any = UNSET,
    default_duration_days: Any = UNSET,
    prerequisites: Any = UNSET,
    grants: Any = UNSET,
    expected_version: int | None = None,
) -> Course:
    """Edit a course; a changed validity applies to completions recorded from now on.

    ``expected_version`` (the version the editor read) refuses a save over someone else's.
    """
    course = get_course(code)
    if expected_version is not None and course.version != expected_version:
        raise StaleEntry(
            f"Someone else changed {course.code} since you opened it. "
            "Reload the page to see their change, then edit again."
        )

    def keep(value: Any, current: Any) -> Any:
        return current if value is UNSET else value

    fields = Fields()
    values = _course_values(
        fields,
        course,
        title=keep(title, course.title),
        category=keep(category, course.category),
        hours=keep(hours, course.hours),
        cost=keep(cost, course.cost),
        validity_months=keep(validity_months, course.validity_months),
        default_duration_days=keep(default_duration_days, course.default_duration_days),
    )
    current_prereqs = [link.prerequisite.code for link in course.prerequisite_links]
    current_grants = [(grant.competency.code, grant.level) for grant in course.grants]
    prereqs, grant_list = _course_links(
        fields,
        course,
        course.code,
        keep(prerequisites, current_prereqs),
        keep(grants, current_grants),
    )
    if "validity_months" not in fields.errors:
        _check_requirement_kinds_still_fit(course, values["validity_months"], fields)
    fields.raise_if_any("Check the course's fields.")
    for key, value in values.items():
        setattr(course, key, value)
    _apply_links(course, prereqs, grant_list)
    db.session.flush()
    return course


def _check_requirement_kinds_still_fit(
    course: Course, validity: int | None, fields: Fields
) -> None:
    """A role requiring this course as a `course` needs it never to expire, and as a
    `certification` needs it to expire (DOMAIN.md requirement kinds)."""
    wrong_kind = "course" if validity is not None else "certification"
    roles = list(
        db.session.scalars(
            select(JobRole.code)
            .join(Requirement, Requirement.job_role_id == JobRole.id)
            .where(Requirement.course_id == course.id, Requirement.kind == wrong_kind)
            .order_by(JobRole.code)
        )
    )
    if roles:
        if validity is not None:
            message = (
                f"{', '.join(roles)} require {course.code} as a course that never expires. "
                "Change those requirements to certifications first."
            )
        else:
            message = (
                f"{', '.join(roles)} require {course.code} as a certification, which needs a "
                "validity. Change those requirements to courses first."
            )
        fields.add("validity_months", message)


# =============================================================================== sessions


def _session_values(
    fields: Fields, starts_on: Any, ends_on: Any, seats: Any, location: Any
) -> dict[str, Any]:
    start = fields.date("starts_on", starts_on, "Start date")
    end = fields.date("ends_on", ends_on, "End date")
    if start and end and end < start:
        fields.add("ends_on", "The end date cannot be before the start date.")
    if start and end and (end - start).days > 730:
        fields.add("ends_on", "A session lasts at most two years; check the end date.")
    return {
        "starts_on": start,
        "ends_on": end,
        "seats": fields.integer("seats", seats, "Seats", minimum=1, maximum=10000),
        "location": fields.text("location", location, "Location", required=False, max_length=120),
    }


@_write
def add_session(
    course_code: str, starts_on: Any, ends_on: Any, seats: Any, location: Any = None
) -> CourseSession:
    """Schedule a run of a course (DOMAIN.md CourseSession: start and end dates, seats)."""
    course = get_course(course_code)
    fields = Fields()
    values = _session_values(fields, starts_on, ends_on, seats, location)
    if course.retired:
        raise InvalidEntry(f"{course.code} is retired; restore it before scheduling sessions.")
    fields.raise_if_any("Check the session's fields.")
    session = CourseSession(course_id=course.id, cancelled=False, **values)
    db.session.add(session)
    db.session.flush()
    return session


@_write
def update_session(
    session_id: int,
    *,
    starts_on: Any = UNSET,
    ends_on: Any = UNSET,
    seats: Any = UNSET,
    location: Any = UNSET,
) -> CourseSession:
    session = get_session(session_id)
    fields = Fields()
    values = _session_values(
        fields,
        session.starts_on if starts_on is UNSET else starts_on,
        session.ends_on if ends_on is UNSET else ends_on,
        session.seats if seats is UNSET else seats,
        session.location if location is UNSET else location,
    )
    fields.raise_if_any("Check the session's fields.")
    for key, value in values.items():
        setattr(session, key, value)
    return session


@_write
def cancel_session(session_id: int) -> CourseSession:
    """Cancel a session: it stays listed for history but no longer counts as scheduled."""
    session = get_session(session_id)
    if session.cancelled:
        raise InvalidEntry("That session is already cancelled.")
    session.cancelled = True
    return session


@_write
def reinstate_session(session_id: int) -> CourseSession:
    session = get_session(session_id)
    if not session.cancelled:
        raise InvalidEntry("That session is not cancelled.")
    if session.course.retired:
        raise InvalidEntry(f"{session.course.code} is retired; restore it first.")
    session.cancelled = False
    return session


# =============================================================================== check types


def _check_type_values(
    fields: Fields, name: Any, rescreen_months: Any, turnaround_days: Any
) -> dict[str, Any]:
    return {
        "name": fields.text("name", name, "Name"),
        "rescreen_months": fields.integer(
            "rescreen_months", rescreen_months, "Rescreen (months)", minimum=1, maximum=240
        ),
        "turnaround_days": fields.integer(
            "turnaround_days", turnaround_days, "Turnaround (days)", minimum=0, maximum=365
        ),
    }


@_write
def create_check_type(
    code: Any, name: Any, rescreen_months: Any = 36, turnaround_days: Any = 14
) -> CheckType:
    """A background-check type (DOMAIN.md: rescreen default 36 months, turnaround 14 days)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _check_type_values(fields, name, rescreen_months, turnaround_days)
    fields.raise_if_any("Check the check type's fields.")
    _check_unique_code("check_type", clean_code)
    check_type = CheckType(code=clean_code, retired=False, **values)
    db.session.add(check_type)
    db.session.flush()
    return check_type


@_write
def update_check_type(
    code: str, *, name: Any = UNSET, rescreen_months: Any = UNSET, turnaround_days: Any = UNSET
) -> CheckType:
    """Edit a check type; a new rescreen period applies to checks completed from now on."""
    check_type = get_check_type(code)
    fields = Fields()
    values = _check_type_values(
        fields,
        check_type.name if name is UNSET else name,
        check_type.rescreen_months if rescreen_months is UNSET else rescreen_months,
        check_type.turnaround_days if turnaround_days is UNSET else turnaround_days,
    )
    fields.raise_if_any("Check the check type's fields.")
    for key, value in values.items():
        setattr(check_type, key, value)
    return check_type


# =============================================================================== instruments


def _dimensions(fields: Fields, value: Any) -> list[str] | None:
    if isinstance(value, str):
        value = [line for line in value.splitlines()]
    if not isinstance(value, list | tuple):
        fields.add("dimensions", "Dimensions must be a list of names.")
        return None
    names: list[str] = []
    for item in value:
        if not isinstance(item, str):
            fields.add("dimensions", "Each dimension is a name (text).")
            return None
        name = " ".join(item.split())
        if not name:
            continue
        if _CONTROL.search(name):
            fields.add("dimensions", "A dimension name contains control characters.")
            return None
        if len(name) > 80:
            fields.add("dimensions", f"A dimension name has at most 80 characters: {name[:20]}…")
            return None
        if name.lower() in (n.lower() for n in names):
            fields.add("dimensions", f"{name} is listed twice.")
            return None
        names.append(name)
    if not names:
        fields.add("dimensions", "List at least one dimension, one per line.")
        return None
    if len(names) > 30:
        fields.add("dimensions", "An instrument has at most 30 dimensions.")
        return None
    return names


def _instrument_values(
    fields: Fields,
    name: Any,
    kind: Any,
    scale_min: Any,
    scale_max: Any,
    dimensions: Any,
    validity_months: Any,
) -> dict[str, Any]:
    clean_kind = str(kind or "").strip()
    if clean_kind not in INSTRUMENT_KINDS:
        fields.add("kind", "Pick a kind: 360, test or assessment_centre.")
        clean_kind = ""
    low = fields.decimal(
        "scale_min", scale_min, "Scale minimum", minimum=Decimal("-999.99"), maximum=Decimal("999")
    )
    high = fields.decimal(
        "scale_max", scale_max, "Scale maximum", minimum=Decimal("-999"), maximum=Decimal("999.99")
    )
    if low is not None and high is not None and high <= low:
        fields.add("scale_max", "The scale maximum must be above the minimum.")
    return {
        "name": fields.text("name", name, "Name"),
        "kind": clean_kind or None,
        "scale_min": low,
        "scale_max": high,
        "dimensions": _dimensions(fields, dimensions),
        "validity_months": fields.integer(
            "validity_months", validity_months, "Validity (months)", minimum=1, maximum=240
        ),
    }


@_write
def create_instrument(
    code: Any,
    name: Any,
    kind: Any,
    scale_min: Any = 1,
    scale_max: Any = 5,
    dimensions: Any = (),
    validity_months: Any = 24,
) -> Instrument:
    """An assessment instrument (DOMAIN.md: 360, test or assessment centre; scale 1-5;
    dimensions; valid 24 months)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _instrument_values(
        fields, name, kind, scale_min, scale_max, list(dimensions or []), validity_months
    )
    fields.raise_if_any("Check the instrument's fields.")
    _check_unique_code("instrument", clean_code)
    instrument = Instrument(code=clean_code, retired=False, **values)
    db.session.add(instrument)
    db.session.flush()
    return instrument


@_write
def update_instrument(
    code: str,
    *,
    name: Any = UNSET,
    kind: Any = UNSET,
    scale_min: Any = UNSET,
    scale_max: Any = UNSET,
    dimensions: Any = UNSET,
    validity_months: Any = UNSET,
) -> Instrument:
    """Edit an instrument. Once assessments use it, its kind and scale stay fixed so past
    results keep their meaning; retire it and create a new one instead."""
    instrument = get_instrument(code)

    def keep(value: Any, current: Any) -> Any:
        return current if value is UNSET else value

    fields = Fields()
    values = _instrument_values(
        fields,
        keep(name, instrument.name),
        keep(kind, instrument.kind),
        keep(scale_min, instrument.scale_min),
        keep(scale_max, instrument.scale_max),
        keep(dimensions, list(instrument.dimensions or [])),
        keep(validity_months, instrument.validity_months),
    )
    used = db.session.scalar(
        select(func.count())
        .select_from(Assessment)
        .where(Assessment.instrument_id == instrument.id)
    )
    if used:
        if values["kind"] and values["kind"] != instrument.kind:
            fields.add(
                "kind",
                f"{used} assessment(s) use {instrument.code}, so its kind cannot change. "
                "Retire it and create a new instrument.",
            )
        for key in ("scale_min", "scale_max"):
            if values[key] is not None and values[key] != getattr(instrument, key):
                fields.add(
                    key,
                    f"{used} assessment(s) use {instrument.code}, so its scale cannot change. "
                    "Retire it and create a new instrument.",
                )
    low, high = values["scale_min"], values["scale_max"]
    if low is not None and high is not None:
        outside = list(
            db.session.scalars(
                select(JobRole.code)
                .join(Requirement, Requirement.job_role_id == JobRole.id)
                .where(
                    Requirement.instrument_id == instrument.id,
                    or_(Requirement.min_score < low, Requirement.min_score > high),
                )
                .order_by(JobRole.code)
            )
        )
        if outside:
            fields.add(
                "scale_max",
                f"{', '.join(outside)} require a minimum score outside {low}–{high}. "
                "Change those requirements first.",
            )
    fields.raise_if_any("Check the instrument's fields.")
    for key, value in values.items():
        setattr(instrument, key, value)
    return instrument


# =============================================================================== qualifications


@_write
def create_qualification(code: Any, name: Any) -> QualificationType:
    """An education qualification type, e.g. CERT-MGMT or BBA (DOMAIN.md EducationRecord)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    clean_name = fields.text("name", name, "Name")
    fields.raise_if_any("Check the qualification's fields.")
    _check_unique_code("qualification", clean_code)
    qualification = QualificationType(code=clean_code, name=clean_name, retired=False)
    db.session.add(qualification)
    db.session.flush()
    return qualification


@_write
def update_qualification(code: str, *, name: Any = UNSET) -> QualificationType:
    qualification = get_qualification(code)
    fields = Fields()
    clean_name = fields.text("name", qualification.name if name is UNSET else name, "Name")
    fields.raise_if_any("Check the qualification's fields.")
    qualification.name = clean_name  # type: ignore[assignment]  # refused above when None
    return qualification


# =============================================================================== job roles


def _role_values(
    fields: Fields, title: Any, level: Any, financial_authority_limit: Any
) -> dict[str, Any]:
    return {
        "title": fields.text("title", title, "Title"),
        "level": fields.integer("level", level, "Level", minimum=1, maximum=20),
        "financial_authority_limit": fields.money(
            "financial_authority_limit",
            "0" if financial_authority_limit in (None, "") else financial_authority_limit,
            "Financial authority limit",
        ),
    }


def _build_requirements(role: JobRole | None, items: Any, fields: Fields) -> list[dict[str, Any]]:
    """Validate a whole requirement list (API.md requirement shape) into column values.

    Field names are ``requirements[i].field``. A requirement may keep pointing at a retired
    entry the role already required; a new one may not.
    """
    if items is None:
        items = []
    if not isinstance(items, list | tuple):
        fields.add("requirements", "Requirements must be a list.")
        return []
    if len(items) > MAX_REQUIREMENTS:
        fields.add("requirements", f"A role has at most {MAX_REQUIREMENTS} requirements.")
        return []
    already: set[tuple[str, str | None]] = set()
    if role is not None:
        already = {(req.kind, req.target_code) for req in role.requirements}
    parsed: list[dict[str, Any]] = []
    wanted: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        sub = Fields(f"requirements[{index}].")
        if not isinstance(item, Mapping):
            sub.add("kind", "Each requirement is an object with kind, target and thresholds.")
            fields.merge(sub)
            continue
        unknown = sorted(set(item) - REQUIREMENT_FIELDS)
        for key in unknown:
            sub.add(
                key,
                f"Unknown field {key}; a requirement has kind, target, "
                "min_level|min_score|min_months, mandatory and weight.",
            )
        kind = str(item.get("kind") or "").strip()
        if kind not in REQUIREMENT_KINDS:
            sub.add("kind", f"Pick a kind: {', '.join(REQUIREMENT_KINDS)}.")
            fields.merge(sub)
            continue
        target_kind = REQUIREMENT_TARGETS[kind]
        target_raw = item.get("target")
        target: str | None = None
        if target_kind is None:
            if target_raw not in (None, ""):
                sub.add("target", "A tenure requirement has no target.")
        else:
            target = str(target_raw or "").strip().upper() or None
            if target is None:
                sub.add("target", f"Pick the {KINDS[target_kind].label} this requires.")
            elif len(target) > CODE_MAX or not CODE_PATTERN.match(target):
                sub.add("target", f"{target[:CODE_MAX]} is not a code.")
                target = None
            else:
                wanted.setdefault(target_kind, []).append(target)
        threshold_key = REQUIREMENT_THRESHOLD[kind]
        for key, words in THRESHOLD_WORDS.items():
            if key != threshold_key and item.get(key) not in (None, ""):
                sub.add(key, f"A {kind.replace('_', ' ')} requirement takes no {words}.")
        values: dict[str, Any] = {
            "kind": kind,
            "target": target,
            "target_kind": target_kind,
            "index": index,
            "min_level": None,
            "min_score": None,
            "min_months": None,
        }
        if threshold_key == "min_level":
            values["min_level"] = sub.integer(
                "min_level", item.get("min_level"), "Minimum level", minimum=0, maximum=5
            )
        elif threshold_key == "min_months":
            values["min_months"] = sub.integer(
                "min_months", item.get("min_months"), "Minimum months", minimum=0, maximum=600
            )
        elif threshold_key == "min_score":
            values["min_score"] = sub.decimal(
                "min_score",
                item.get("min_score"),
                "Minimum score",
                minimum=Decimal("0"),
                maximum=Decimal("999.99"),
            )
        values["mandatory"] = sub.boolean(
            "mandatory", item.get("mandatory"), "Mandatory", default=True
        )
        values["weight"] = sub.decimal(
            "weight",
            1 if item.get("weight") in (None, "") else item.get("weight"),
            "Weight",
            maximum=Decimal("1000"),
            strictly_above=Decimal("0"),
        )
        if (kind, target) in {(v["kind"], v["target"]) for v in parsed}:
            what = target or "tenure"
            sub.add("target" if target else "kind", f"{what} is already required as {kind} above.")
        fields.merge(sub)
        parsed.append(values)

    resolved: dict[str, dict[str, Any]] = {}
    for target_kind, codes in wanted.items():
        allow = {t for (k, t) in already if t and REQUIREMENT_TARGETS.get(k) == target_kind}
        resolved[target_kind] = _load_codes(target_kind, codes)
        for values in parsed:
            code = values["target"]
            if values["target_kind"] != target_kind or code is None:
                continue
            entry = resolved[target_kind].get(code)
            name = f"requirements[{values['index']}].target"
            if entry is None:
                fields.add(name, f"There is no {KINDS[target_kind].label} with code {code}.")
            elif entry.retired and code not in allow:
                fields.add(name, f"{code} is retired; pick an active {KINDS[target_kind].label}.")
    for values in parsed:
        code = values["target"]
        entry = resolved.get(values["target_kind"] or "", {}).get(code) if code else None
        values["entry"] = entry
        name = f"requirements[{values['index']}]."
        if entry is None:
            continue
        if values["kind"] == "course" and entry.validity_months is not None:
            fields.add(
                name + "kind",
                f"{code} expires after {entry.validity_months} months: require it as a "
                "certification.",
            )
        if values["kind"] == "certification" and entry.validity_months is None:
            fields.add(
                name + "kind",
                f"{code} never expires: require it as a course, or give it a validity.",
            )
        score = values["min_score"]
        if (
            values["kind"] == "assessment"
            and score is not None
            and not (entry.scale_min <= score <= entry.scale_max)
        ):
            fields.add(
                name + "min_score",
                f"{code} scores from {plain_number(entry.scale_min)} to "
                f"{plain_number(entry.scale_max)}; pick a minimum score in that range.",
            )
    return parsed


def _requirement_rows(parsed: list[dict[str, Any]]) -> list[Requirement]:
    rows = []
    for position, values in enumerate(parsed):
        entry = values["entry"]
        row = Requirement(
            kind=values["kind"],
            min_level=values["min_level"],
            min_score=values["min_score"],
            min_months=values["min_months"],
            mandatory=values["mandatory"],
            weight=values["weight"],
            position=position,
        )
        column = {
            "competency": "competency",
            "course": "course",
            "check_type": "check_type",
            "instrument": "instrument",
            "qualification": "qualification",
        }.get(values["target_kind"] or "")
        if column and entry is not None:
            setattr(row, f"{column}_id", entry.id)
            setattr(row, column, entry)
        rows.append(row)
    return rows


@_write
def create_role(
    code: Any,
    title: Any,
    level: Any,
    financial_authority_limit: Any = "0.00",
    requirements: Any = (),
) -> JobRole:
    """A job role with its requirements (DOMAIN.md People and roles, Requirements of a role)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _role_values(fields, title, level, financial_authority_limit)
    parsed = _build_requirements(None, list(requirements or []), fields)
    fields.raise_if_any("Check the role's fields.")
    _check_unique_code("role", clean_code)
    role = JobRole(code=clean_code, retired=False, **values)
    db.session.add(role)
    db.session.flush()
    role.requirements = _requirement_rows(parsed)
    db.session.flush()
    return role


@_write
def update_role(
    code: str,
    *,
    title: Any = UNSET,
    level: Any = UNSET,
    financial_authority_limit: Any = UNSET,
) -> JobRole:
    """Edit a role's title, level or financial authority limit. A level change that would
    turn a ladder edge downward or make it skip a level is refused."""
    role = get_role(code)
    fields = Fields()
    values = _role_values(
        fields,
        role.title if title is UNSET else title,
        role.level if level is UNSET else level,
        role.financial_authority_limit
        if financial_authority_limit is UNSET
        else financial_authority_limit,
    )
    new_level = values["level"]
    if new_level is not None and new_level != role.level:
        edges = db.session.scalars(
            select(LadderEdge).where(
                or_(LadderEdge.from_role_id == role.id, LadderEdge.to_role_id == role.id)
            )
        ).all()
        for edge in edges:
            low = new_level if edge.from_role_id == role.id else edge.from_role.level
            high = new_level if edge.to_role_id == role.id else edge.to_role.level
            if high <= low:
                fields.add(
                    "level",
                    f"The ladder edge {edge.from_role.code} → {edge.to_role.code} would no "
                    "longer lead upward. Change or remove that edge first.",
                )
    fields.raise_if_any("Check the role's fields.")
    for key, value in values.items():
        setattr(role, key, value)
    return role


@_write
def replace_requirements(role_code: str, requirements: Any) -> JobRole:
    """Replace a role's whole requirement list (API.md PUT /roles/{code}/requirements)."""
    role = get_role(role_code)
    fields = Fields()
    parsed = _build_requirements(role, requirements, fields)
    fields.raise_if_any("Check the requirements.")
    role.requirements = _requirement_rows(parsed)
    db.session.flush()
    return role


# =============================================================================== role ladder


def get_ladder_edge(from_role: str, to_role: str) -> LadderEdge:
    source = get_role(from_role)
    target = get_role(to_role)
    edge = db.session.scalar(
        select(LadderEdge).where(
            LadderEdge.from_role_id == source.id, LadderEdge.to_role_id == target.id
        )
    )
    if edge is None:
        raise UnknownEntry(f"The ladder has no step from {source.code} to {target.code}.")
    return edge


@_write
def add_ladder_edge(from_role: Any, to_role: Any, typical_months: Any = 24) -> LadderEdge:
    """Add a step to the role ladder (DOMAIN.md Role ladder: role -> role, typical_months).

    Refused: a role leading to itself, a duplicate step, a loop back down the ladder, a step
    that does not go up, and a step that skips a level while a role exists in between.
    """
    fields = Fields()
    source_code = fields.code("from_role", from_role, "From role")
    target_code = fields.code("to_role", to_role, "To role")
    months = fields.integer(
        "typical_months", typical_months, "Typical months", minimum=0, maximum=600
    )
    found: dict[str, Any] = {}
    if source_code:
        found.update(_resolve("role", [source_code], fields, "from_role"))
    if target_code:
        found.update(_resolve("role", [target_code], fields, "to_role"))
    if source_code and source_code == target_code:
        fields.add("to_role", "A role cannot lead to itself.")
    fields.raise_if_any("Check the ladder step.")
    source, target = found[source_code], found[target_code]  # type: ignore[index]
    exists = db.session.scalar(
        select(LadderEdge).where(
            LadderEdge.from_role_id == source.id, LadderEdge.to_role_id == target.id
        )
    )
    if exists is not None:
        raise DuplicateEntry(
            f"The ladder already has a step from {source.code} to {target.code}.",
            {"to_role": [f"{source.code} already leads to {target.code}."]},
        )
    _check_ladder_step(source, target, fields)
    fields.raise_if_any("Check the ladder step.")
    edge = LadderEdge(from_role_id=source.id, to_role_id=target.id, typical_months=months)
    db.session.add(edge)
    db.session.flush()
    return edge


def _check_ladder_step(source: JobRole, target: JobRole, fields: Fields) -> None:
    graph: dict[int, set[int]] = {}
    for from_id, to_id in db.session.execute(
        select(LadderEdge.from_role_id, LadderEdge.to_role_id)
    ):
        graph.setdefault(from_id, set()).add(to_id)
    path = find_cycle(graph, target.id, source.id)
    if path is not None:
        names = dict(db.session.execute(select(JobRole.id, JobRole.code)).all())
        chain = " → ".join([source.code, *(names[node] for node in path)])
        fields.add("to_role", f"That would make the ladder loop: {chain}.")
        return
    if target.level <= source.level:
        fields.add(
            "to_role",
            f"The ladder leads upward: {target.code} is level {target.level}, not above "
            f"{source.code} (level {source.level}).",
        )
        return
    between = list(
        db.session.scalars(
            select(JobRole.code)
            .where(
                JobRole.level > source.level,
                JobRole.level < target.level,
                JobRole.retired.is_(False),
            )
            .order_by(JobRole.level, JobRole.code)
        )
    )
    if between:
        fields.add(
            "to_role",
            f"{source.code} → {target.code} skips level {source.level + 1}; a path skips "
            f"levels only through the roles in between ({', '.join(between)}).",
        )


@_write
def update_ladder_edge(from_role: str, to_role: str, typical_months: Any) -> LadderEdge:
    edge = get_ladder_edge(from_role, to_role)
    fields = Fields()
    months = fields.integer(
        "typical_months", typical_months, "Typical months", minimum=0, maximum=600
    )
    fields.raise_if_any("Check the ladder step.")
    edge.typical_months = months  # type: ignore[assignment]
    return edge


@_write
def remove_ladder_edge(from_role: str, to_role: str) -> None:
    """Take a step off the ladder (configuration, not history: the audit trail keeps it)."""
    edge = get_ladder_edge(from_role, to_role)
    db.session.delete(edge)


# =============================================================================== serializers


def plain_number(value: Decimal | None) -> int | float | None:
    """A JSON number for a non-money decimal (hours, scores, weights): 3.5, 16, 1."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def competency_to_dict(competency: Competency) -> dict[str, Any]:
    return {
        "code": competency.code,
        "name": competency.name,
        "category": competency.category,
        "description": competency.description,
        "retired": bool(competency.retired),
    }


def course_to_dict(course: Course) -> dict[str, Any]:
    return {
        "code": course.code,
        "title": course.title,
        "category": course.category,
        "hours": plain_number(course.hours),
        "cost": _money(course.cost),
        "validity_months": course.validity_months,
        "default_duration_days": course.default_duration_days,
        "prerequisites": sorted(link.prerequisite.code for link in course.prerequisite_links),
        "grants": sorted(
            ({"competency": g.competency.code, "level": g.level} for g in course.grants),
            key=lambda grant: str(grant["competency"]),
        ),
        "retired": bool(course.retired),
    }


def session_to_dict(session: CourseSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "course": session.course.code,
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "seats": session.seats,
        "location": session.location,
        "cancelled": bool(session.cancelled),
    }


def check_type_to_dict(check_type: CheckType) -> dict[str, Any]:
    return {
        "code": check_type.code,
        "name": check_type.name,
        "rescreen_months": check_type.rescreen_months,
        "turnaround_days": check_type.turnaround_days,
        "retired": bool(check_type.retired),
    }


def instrument_to_dict(instrument: Instrument) -> dict[str, Any]:
    return {
        "code": instrument.code,
        "name": instrument.name,
        "kind": instrument.kind,
        "scale_min": plain_number(instrument.scale_min),
        "scale_max": plain_number(instrument.scale_max),
        "dimensions": list(instrument.dimensions or []),
        "validity_months": instrument.validity_months,
        "retired": bool(instrument.retired),
    }


def qualification_to_dict(qualification: QualificationType) -> dict[str, Any]:
    return {
        "code": qualification.code,
        "name": qualification.name,
        "retired": bool(qualification.retired),
    }


def requirement_to_dict(requirement: Requirement) -> dict[str, Any]:
    """API.md: {kind, target, min_level|min_score|min_months, mandatory, weight}."""
    data: dict[str, Any] = {"kind": requirement.kind, "target": requirement.target_code}
    threshold = REQUIREMENT_THRESHOLD.get(requirement.kind)
    if threshold == "min_score":
        data["min_score"] = plain_number(requirement.min_score)
    elif threshold:
        data[threshold] = getattr(requirement, threshold)
    data["mandatory"] = bool(requirement.mandatory)
    data["weight"] = plain_number(requirement.weight)
    return data


def role_to_dict(role: JobRole) -> dict[str, Any]:
    return {
        "code": role.code,
        "title": role.title,
        "level": role.level,
        "financial_authority_limit": _money(role.financial_authority_limit),
        "requirements": [requirement_to_dict(r) for r in role.requirements],
        "retired": bool(role.retired),
    }


def ladder_edge_to_dict(edge: LadderEdge) -> dict[str, Any]:
    return {
        "from_role": edge.from_role.code,
        "to_role": edge.to_role.code,
        "typical_months": edge.typical_months,
    }


SERIALIZERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "competency": competency_to_dict,
    "course": course_to_dict,
    "check_type": check_type_to_dict,
    "instrument": instrument_to_dict,
    "qualification": qualification_to_dict,
    "role": role_to_dict,
}


def requirement_threshold(requirement: Requirement) -> Any:
    """The one threshold a requirement carries, for display (level, score or months)."""
    key = REQUIREMENT_THRESHOLD.get(requirement.kind)
    if key == "min_score":
        return plain_number(requirement.min_score)
    return getattr(requirement, key) if key else None
