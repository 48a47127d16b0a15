"""Facts and catalogue the readiness core reads (pure frozen dataclasses, no flask/sqlalchemy).

docs/RULES.md "Requirements of a role", "Competencies", "Training", "Background checks",
"Leadership assessments" and "Education and tuition reimbursement": the service layer loads
these facts in bulk and hands them to ``engine.evaluate``; nothing here reads a clock.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, TypeVar, cast

from app.readiness.vocabulary import (
    INSTRUMENT_KINDS,
    MAX_LEVEL,
    MIN_LEVEL,
    RATER_GROUPS,
    RATING_SOURCES,
    REQUIREMENT_KINDS,
)

if TYPE_CHECKING:
    from app.readiness.seatplan import Seat

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

MEMO_LIMIT: Final = 20_000
_NO_COURSES: Final[frozenset[str]] = frozenset()


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable mapping, so frozen configuration stays hashable."""

    __slots__ = ("_items", "_data")

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        data = dict(items.items() if isinstance(items, Mapping) else items)
        self._data: dict[K, V] = data
        self._items: tuple[tuple[K, V], ...] = tuple(data.items())

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._items))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def _default_min_group_responses() -> FrozenMap[str, int]:
    return FrozenMap({"manager": 1, "peer": 3, "direct_report": 3, "other": 1})


@dataclass(frozen=True)
class ReadinessConfig:
    """The (cfg) numbers of docs/RULES.md "Readiness", "Training" and "Leadership assessments".

    Defaults: expiring within 90 days; ready at score >= 90; 6 months per missing competency
    level; assessment scheduled within 30 days; education takes 12 months; no certification
    grace; bands at 6, 12 and 24 months; a course with no seat for the person starts 60 days
    out (unscheduled lead); a check under review waits 10 days for HR (adverse action);
    360 minimum responses manager 1, peer 3, direct_report 3,
    other 1 (self needs 1 to be shown). The last three fields cover facts the catalogue lacks
    (an unknown course or check type) and are not (cfg) numbers of docs/RULES.md.
    """

    expiring_window_days: int = 90
    ready_threshold: float = 90.0
    competency_months_per_level: int = 6
    assessment_lead_days: int = 30
    education_default_months: int = 12
    certification_grace_days: int = 0
    band_6m_months: int = 6
    band_1y_months: int = 12
    band_2y_months: int = 24
    unscheduled_lead_days: int = 60
    adverse_action_days: int = 10
    min_group_responses: Mapping[str, int] = field(default_factory=_default_min_group_responses)
    unknown_course_duration_days: int = 30
    unknown_check_turnaround_days: int = 14
    unknown_check_rescreen_months: int = 36

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_group_responses", FrozenMap(self.min_group_responses))
        for group, minimum in self.min_group_responses.items():
            if group not in RATER_GROUPS:
                raise ValueError(f"Unknown 360 rater group {group!r}; use one of {RATER_GROUPS}.")
            if minimum < 1:
                raise ValueError(f"The minimum responses for {group} must be at least 1.")
        for name in (
            "expiring_window_days",
            "competency_months_per_level",
            "assessment_lead_days",
            "education_default_months",
            "certification_grace_days",
            "unscheduled_lead_days",
            "adverse_action_days",
            "unknown_course_duration_days",
            "unknown_check_turnaround_days",
            "unknown_check_rescreen_months",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative.")
        if not 0 <= self.ready_threshold <= 100:
            raise ValueError("The ready threshold is a score from 0 to 100.")
        if not 0 <= self.band_6m_months <= self.band_1y_months <= self.band_2y_months:
            raise ValueError(
                "Band months must satisfy 0 <= band_6m_months <= band_1y_months <= band_2y_months."
            )


# --------------------------------------------------------------------------- roles


@dataclass(frozen=True)
class Requirement:
    """One requirement of a role: a gate when ``mandatory``, weighted in the score.

    docs/RULES.md "Requirements of a role": kinds competency (target, min_level 0-5), course
    (target), certification (target course with validity), background_check (target check
    type), assessment (target instrument, min_score), tenure (min_months), education (target
    qualification type).
    """

    id: int | None
    kind: str
    target: str | None = None
    min_level: int | None = None
    min_score: float | None = None
    min_months: int | None = None
    mandatory: bool = False
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in REQUIREMENT_KINDS:
            raise ValueError(
                f"Unknown requirement kind {self.kind!r}; use one of {REQUIREMENT_KINDS}."
            )
        if self.kind != "tenure" and not self.target:
            raise ValueError(f"A {self.kind} requirement needs a target code.")
        if self.kind == "competency" and (
            self.min_level is None or not MIN_LEVEL <= self.min_level <= MAX_LEVEL
        ):
            raise ValueError("A competency requirement needs a min_level from 0 to 5.")
        if self.kind == "tenure" and (self.min_months is None or self.min_months < 0):
            raise ValueError("A tenure requirement needs min_months of 0 or more.")
        if self.min_score is not None and not (
            math.isfinite(self.min_score) and self.min_score >= 0
        ):
            raise ValueError("min_score must be a finite number of 0 or more.")
        if not (math.isfinite(self.weight) and self.weight >= 0):
            raise ValueError("A requirement weight must be a finite number of 0 or more.")


@dataclass(frozen=True)
class Role:
    """A job role and its requirements (docs/RULES.md "People and roles": code, title, level)."""

    code: str
    title: str
    level: int
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class LadderEdge:
    """A step of the role ladder (docs/RULES.md "Role ladder": role -> role with typical_months)."""

    from_role: str
    to_role: str
    typical_months: int = 12


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Course:
    """A course (docs/RULES.md "Training": cost, validity_months, prerequisites, grants, duration).

    ``validity_months`` None means a completion never expires; ``grants`` holds
    (competency code, level) pairs a completion confers.
    """

    code: str
    title: str
    cost: Decimal = Decimal("0.00")
    validity_months: int | None = None
    default_duration_days: int = 30
    prerequisites: tuple[str, ...] = ()
    grants: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.cost, Decimal):
            raise TypeError("Course cost is money: pass a Decimal, never a float.")
        if self.cost < 0:
            raise ValueError("Course cost cannot be negative.")
        if self.validity_months is not None and self.validity_months <= 0:
            raise ValueError("validity_months must be positive, or None for no expiry.")
        if self.default_duration_days < 0:
            raise ValueError("default_duration_days cannot be negative.")
        for competency, level in self.grants:
            if not MIN_LEVEL <= level <= MAX_LEVEL:
                raise ValueError(
                    f"Course {self.code} grants {competency} at level {level}: use 0-5."
                )


@dataclass(frozen=True)
class CourseSession:
    """A scheduled run of a course; ``seats_left`` None is unknown/unlimited, 0 is full."""

    id: int | None
    course: str
    starts_on: date
    ends_on: date
    seats_left: int | None = None

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError(f"Session {self.id} of {self.course} ends before it starts.")

    @property
    def has_seats(self) -> bool:
        """True unless the session is known to be full."""
        return self.seats_left is None or self.seats_left > 0


@dataclass(frozen=True)
class CheckType:
    """A background-check type (docs/RULES.md: rescreen_months default 36, turnaround 14 days)."""

    code: str
    name: str
    rescreen_months: int = 36
    turnaround_days: int = 14


@dataclass(frozen=True)
class Instrument:
    """A leadership assessment instrument (docs/RULES.md: kind, scale 1-5, validity 24 months)."""

    code: str
    name: str
    kind: str = "360"
    validity_months: int = 24
    scale_min: float = 1
    scale_max: float = 5

    def __post_init__(self) -> None:
        if self.kind not in INSTRUMENT_KINDS:
            raise ValueError(
                f"Unknown instrument kind {self.kind!r}; use one of {INSTRUMENT_KINDS}."
            )
        if self.scale_max <= self.scale_min:
            raise ValueError("An instrument's scale_max must be above its scale_min.")


def _frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Courses, sessions, check types and instruments, indexed once for cheap bulk evaluation.

    Sessions are grouped by course and sorted by ``starts_on`` so the next session on or after a
    date is a binary search; course grants are indexed by competency.
    """

    courses: Mapping[str, Course] = field(default_factory=dict)
    sessions: tuple[CourseSession, ...] = ()
    check_types: Mapping[str, CheckType] = field(default_factory=dict)
    instruments: Mapping[str, Instrument] = field(default_factory=dict)
    _sessions_by_course: Mapping[str, tuple[CourseSession, ...]] = field(
        init=False, repr=False, default_factory=dict
    )
    _session_starts: Mapping[str, tuple[date, ...]] = field(
        init=False, repr=False, default_factory=dict
    )
    _grants_by_competency: Mapping[str, tuple[tuple[int, str], ...]] = field(
        init=False, repr=False, default_factory=dict
    )
    _closures: Mapping[str, frozenset[str]] = field(init=False, repr=False, default_factory=dict)
    _memo: dict[Hashable, object] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "courses", _frozen(self.courses))
        object.__setattr__(self, "check_types", _frozen(self.check_types))
        object.__setattr__(self, "instruments", _frozen(self.instruments))
        object.__setattr__(self, "sessions", tuple(self.sessions))
        by_course: dict[str, list[CourseSession]] = {}
        for session in self.sessions:
            by_course.setdefault(session.course, []).append(session)
        ordered = {
            code: tuple(sorted(runs, key=lambda s: (s.starts_on, s.ends_on, s.id or 0)))
            for code, runs in by_course.items()
        }
        object.__setattr__(self, "_sessions_by_course", MappingProxyType(ordered))
        starts = {code: tuple(s.starts_on for s in runs) for code, runs in ordered.items()}
        object.__setattr__(self, "_session_starts", MappingProxyType(starts))
        grants: dict[str, list[tuple[int, str]]] = {}
        for course in self.courses.values():
            for competency, level in course.grants:
                grants.setdefault(competency, []).append((level, course.code))
        object.__setattr__(
            self,
            "_grants_by_competency",
            MappingProxyType({c: tuple(sorted(g, reverse=True)) for c, g in grants.items()}),
        )
        closures = {code: self._closure(code) for code in self.courses}
        object.__setattr__(self, "_closures", MappingProxyType(closures))

    @classmethod
    def build(
        cls,
        courses: Iterable[Course] = (),
        sessions: Iterable[CourseSession] = (),
        check_types: Iterable[CheckType] = (),
        instruments: Iterable[Instrument] = (),
    ) -> Catalogue:
        """Build a catalogue from plain iterables, keyed by each item's code."""
        return cls(
            courses={c.code: c for c in courses},
            sessions=tuple(sessions),
            check_types={t.code: t for t in check_types},
            instruments={i.code: i for i in instruments},
        )

    def sessions_of(self, course: str) -> tuple[CourseSession, ...]:
        """The sessions of ``course`` sorted by start date."""
        return self._sessions_by_course.get(course, ())

    def next_session(self, course: str, earliest_start: date) -> CourseSession | None:
        """The first session of ``course`` starting on or after ``earliest_start`` with seats.

        docs/RULES.md readiness projection: "the end of the next session that starts on or after D";
        a full session (seats_left 0) is skipped.
        """
        starts = self._session_starts.get(course)
        if not starts:
            return None
        runs = self._sessions_by_course[course]
        for index in range(bisect.bisect_left(starts, earliest_start), len(runs)):
            if runs[index].has_seats:
                return runs[index]
        return None

    def last_session_end(self, course: str) -> date | None:
        """The latest end of a session of ``course`` (None: it has no session)."""
        return max((s.ends_on for s in self.sessions_of(course)), default=None)

    def courses_granting(self, competency: str, min_level: int) -> tuple[str, ...]:
        """Codes of the courses whose completion grants ``competency`` at ``min_level`` or more."""
        return tuple(
            code
            for level, code in self._grants_by_competency.get(competency, ())
            if level >= min_level
        )

    def prerequisite_closure(self, course: str) -> frozenset[str]:
        """Every course ``course`` needs first, directly or through other prerequisites."""
        return self._closures.get(course, _NO_COURSES)

    def _closure(self, course: str) -> frozenset[str]:
        found: set[str] = set()
        stack = [course]
        while stack:
            current = self.courses.get(stack.pop())
            for prerequisite in current.prerequisites if current else ():
                if prerequisite not in found:
                    found.add(prerequisite)
                    stack.append(prerequisite)
        return frozenset(found)

    def memoized(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A value derived from this immutable catalogue only, computed once per key.

        Bulk evaluation asks for the same course plan from the same date for thousands of
        employees; the cache is bounded and invisible to callers.
        """
        try:
            return cast(T, self._memo[key])
        except KeyError:
            pass
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        value = compute()
        self._memo[key] = value
        return value


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Completion:
    """A verified course completion (docs/RULES.md "Training": expires_on = completed_on +
    validity)."""

    course: str
    completed_on: date
    expires_on: date | None = None


@dataclass(frozen=True)
class Rating:
    """A competency rating 0-5 from self, manager, assessor or course (self never counts)."""

    competency: str
    level: int
    rated_on: date
    source: str = "manager"

    def __post_init__(self) -> None:
        if self.source not in RATING_SOURCES:
            raise ValueError(f"Unknown rating source {self.source!r}; use one of {RATING_SOURCES}.")
        if not MIN_LEVEL <= self.level <= MAX_LEVEL:
            raise ValueError(f"A competency level is 0 to 5, not {self.level}.")


@dataclass(frozen=True)
class Check:
    """A background check as the readiness core sees it: the status word and its dates."""

    type: str
    status: str
    completed_on: date | None = None
    valid_until: date | None = None
    requested_on: date | None = None


@dataclass(frozen=True)
class Assessment:
    """A leadership assessment result; ``overall`` None means not scored yet."""

    instrument: str
    conducted_on: date
    overall: float | None = None


@dataclass(frozen=True)
class Education:
    """A completed qualification (docs/RULES.md "EducationRecord")."""

    qualification: str
    completed_on: date


@dataclass(frozen=True)
class FundedStudy:
    """A tuition request for a qualification; ``approved`` once finance_approved or later.

    ``cost`` (optional, default 0) is the pre-approved amount, used as the estimated cost of the
    study in a promotion path.
    """

    qualification: str
    ends_on: date
    approved: bool = False
    cost: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class EmployeeFacts:
    """Everything the core knows about one employee; facts dated after ``as_of`` are ignored."""

    employee_id: int
    role: str | None = None
    role_since: date | None = None
    completions: tuple[Completion, ...] = ()
    ratings: tuple[Rating, ...] = ()
    checks: tuple[Check, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    education: tuple[Education, ...] = ()
    funded_studies: tuple[FundedStudy, ...] = ()
    #: The person's seats in the seat plan of D, one per course (docs/RULES.md "The seat
    #: plan"); None when no plan was made: each course then takes its next session with a
    #: seat left, as if the person were planned alone.
    seats: tuple[Seat, ...] | None = None
