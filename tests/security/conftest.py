"""Security suite: print the figures of the run (for SECURITY.md) at the end."""

from __future__ import annotations

import pytest

from tests.security.figures import FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("security figures")
    for name, count in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name}: {count}")
