"""Shared column types and mixins for the typed models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now

Money = Numeric(12, 2, asdecimal=True)
"""Money is exact decimal with cents (DOMAIN.md: never float)."""


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)
