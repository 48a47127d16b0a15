"""Shared column types and mixins for the typed models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String
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
