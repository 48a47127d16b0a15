"""Bench strength for the reports (app/reports/sources.py and team.py read it from here).

The code is ``app.services.readiness.bench``; callers outside the readiness area import these
names from this module until they read them from the readiness package.
"""

from app.services.readiness.bench import (
    BenchStrength,
    Candidate,
    GapSummary,
    Lapse,
    bench_overview,
    population_for,
    training_needs,
)

__all__ = [
    "BenchStrength",
    "Candidate",
    "GapSummary",
    "Lapse",
    "bench_overview",
    "population_for",
    "training_needs",
]
