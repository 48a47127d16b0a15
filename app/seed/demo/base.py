"""The seeder's state: the anchor date, the one random stream, the rows made so far by code."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.models import (
    CheckType,
    Competency,
    Course,
    Department,
    Instrument,
    JobRole,
    QualificationType,
)


class SeederBase:
    def __init__(self, anchor: date) -> None:
        self.t = anchor
        self.rng = random.Random(2026)
        self.comp: dict[str, Competency] = {}
        self.course: dict[str, Course] = {}
        self.check: dict[str, CheckType] = {}
        self.instr: dict[str, Instrument] = {}
        self.qual: dict[str, QualificationType] = {}
        self.role: dict[str, JobRole] = {}
        self.dept: dict[str, Department] = {}
        self.counter = 0

    def d(self, days: int) -> date:
        return self.t + timedelta(days=days)
