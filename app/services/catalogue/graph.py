"""Cycles in the catalogue's graphs: course prerequisites and the role ladder.

A course never requires itself, directly or through other courses; the role ladder never loops
back. Both refuse a new edge exactly when it would close a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


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
