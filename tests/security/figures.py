"""The figures SECURITY.md reports, collected while the security tests run.

Each test adds what it checked (``add``); the terminal summary of a run lists the totals
(tests/security/conftest.py), so `pytest tests/security` prints the numbers to copy.
"""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()


def add(name: str, count: int) -> None:
    FIGURES[name] += count
