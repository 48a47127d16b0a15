"""Shared column types and mixins for the typed models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.clock import now
from app.extensions import Base

Money = Numeric(12, 2, asdecimal=True)
"""Money is exact decimal with cents (docs/RULES.md: never float)."""


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)


class VersionedMixin:
    """Optimistic locking: ``version`` is the mapper's version counter (stale writes fail)."""

    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class CodedMixin:
    """A catalogue entry's unique code, e.g. ``PCI-AWARE``."""

    code: Mapped[str] = mapped_column(String(40), unique=True)


class NamedMixin:
    """A catalogue entry's display name."""

    name: Mapped[str] = mapped_column(String(200))


class RetirableMixin:
    """A catalogue entry HR can retire: kept for history, offered for nothing new."""

    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class EmployeeOwnedMixin:
    """A row about one employee (a record, a request, a repayment), indexed by the employee."""

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)


class Audited:
    """A table whose every change is audited by the session events of app/audit.py (who,
    when, what, before and after); a model leaves out what it must not record in
    ``__audit_exclude__``."""

    __audited__ = True


class CatalogueEntry(IdMixin, CodedMixin, RetirableMixin, Audited):
    """An entry HR configures in the catalogue: known by its unique code, audited, retired
    rather than deleted so history keeps its meaning."""


class EmployeeFact(IdMixin, EmployeeOwnedMixin, TimestampMixin, Audited):
    """One piece of a person's evidence (a completion, a rating, a check, an assessment, an
    education record, a review, a tuition request): audited and timestamped."""


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """The database's own check that ``column`` holds one of ``values`` (the vocabulary's
    tuple, so the words are written once), named ``name`` (by default the column's)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or column)


def between(column: str, low: int, high: int) -> CheckConstraint:
    """The database's own check that ``column`` lies from ``low`` to ``high`` (a scale)."""
    return CheckConstraint(f"{column} BETWEEN {low} AND {high}", name=f"{column}_range")


def non_negative(*columns: str, name: str | None = None, optional: bool = False) -> CheckConstraint:
    """The database's own check that amounts or counts are never below zero (``optional``: or
    empty), named ``name`` (by default ``<column>_non_negative``)."""
    rule = " AND ".join(f"{column} >= 0" for column in columns)
    if optional:
        rule = f"{columns[0]} IS NULL OR {rule}"
    return CheckConstraint(rule, name=name or f"{columns[0]}_non_negative")


def not_before(
    later: str, earlier: str, name: str, *, strict: bool = False, optional: bool = False
) -> CheckConstraint:
    """The database's own check that ``later`` (an end date, a scale's top) does not come
    before ``earlier`` (``strict``: comes after it); ``optional``: or ``later`` is empty."""
    rule = f"{later} {'>' if strict else '>='} {earlier}"
    return CheckConstraint(f"{later} IS NULL OR {rule}" if optional else rule, name=name)


def positive(column: str, name: str, *, optional: bool = False) -> CheckConstraint:
    """The database's own check that a period or a weight is above zero (``optional``: or
    empty)."""
    rule = f"{column} > 0"
    return CheckConstraint(f"{column} IS NULL OR {rule}" if optional else rule, name=name)


def distinct_pair(column: str, other: str, unique: str) -> tuple[UniqueConstraint, CheckConstraint]:
    """The database's own checks of a link between two rows of one table (a prerequisite, a
    ladder step): each pair at most once (the unique constraint ``unique``), never a row
    linked to itself."""
    return (
        UniqueConstraint(column, other, name=unique),
        CheckConstraint(f"{column} <> {other}", name="not_self"),
    )


READINESS_KINDS = ("facts", "catalogue", "person", "none")
"""What a model's rows mean to stored readiness, declared on each model as ``__readiness__``:

- ``"facts"``: a person's readiness facts (the row has ``employee_id``): a change makes that
  person's stored readiness stale;
- ``"catalogue"``: the catalogue or the settings: a change makes every stored result stale;
- ``"person"``: the person's own row (role, manager, department, status): a change makes that
  person's stored readiness stale;
- ``"none"``: irrelevant to readiness, with a comment on the model saying why.
"""


def readiness_models(kind: str) -> tuple[type, ...]:
    """Every mapped model declaring ``__readiness__ = kind``, by table name (the mapper
    registry of the app's models: a new model declares itself, no list to keep by hand)."""
    if kind not in READINESS_KINDS:
        raise ValueError(f"unknown readiness kind {kind!r}")

    found = [
        mapper.class_
        for mapper in Base.registry.mappers
        if getattr(mapper.class_, "__readiness__", None) == kind
    ]
    return tuple(sorted(found, key=lambda model: model.__tablename__))
