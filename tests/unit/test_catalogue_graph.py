"""The cycle finder behind "prerequisite cycles are refused" and the ladder's no-loop rule."""

from __future__ import annotations

import pytest

from app.services.catalogue import find_cycle


@pytest.mark.parametrize(
    ("graph", "start", "target", "expected"),
    [
        ({}, "A", "B", None),
        ({"A": ["B"]}, "A", "B", ["A", "B"]),
        ({"A": ["B"], "B": ["C"]}, "A", "C", ["A", "B", "C"]),
        ({"A": ["B"], "B": ["C"]}, "C", "A", None),  # edges have a direction
        ({"A": ["B", "C"], "C": ["D"]}, "A", "D", ["A", "C", "D"]),
        ({"A": ["B"], "B": ["A"]}, "A", "Z", None),  # an existing loop does not hang it
        ({"A": []}, "A", "A", ["A"]),
    ],
)
def test_find_cycle_returns_the_path_that_a_new_edge_would_close(graph, start, target, expected):
    assert find_cycle(graph, start, target) == expected


def test_find_cycle_handles_a_long_chain_without_recursion_limits():
    graph = {n: [n + 1] for n in range(5000)}
    path = find_cycle(graph, 0, 5000)
    assert path is not None and path[0] == 0 and path[-1] == 5000 and len(path) == 5001
