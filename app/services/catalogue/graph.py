"""Cycles in the catalogue's graphs: course prerequisites and the role ladder.

A course never requires itself, directly or through other courses; the role ladder never loops
back. Both refuse a new edge exactly when it would close a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Course, CoursePrerequisite, JobRole, LadderEdge


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


def prerequisite_cycles(course: Course, prerequisites: list[Course]) -> list[str]:
    """For each prerequisite that would close a cycle back to ``course``, the message naming
    the chain ("A requires B requires A") and what to remove."""
    graph: dict[int, set[int]] = {}
    for course_id, prereq_id in db.session.execute(
        select(CoursePrerequisite.course_id, CoursePrerequisite.prerequisite_id)
    ):
        if course_id != course.id:
            graph.setdefault(course_id, set()).add(prereq_id)
    messages = []
    for prereq in prerequisites:
        path = find_cycle(graph, prereq.id, course.id)
        if path is not None:
            names = dict(db.session.execute(select(Course.id, Course.code)).all())
            chain = [course.code, *(names[node] for node in path)]
            messages.append(
                "That would make a prerequisite cycle: "
                + " requires ".join(chain)
                + f". Remove {prereq.code} from the prerequisites."
            )
    return messages


def ladder_loop(source: JobRole, target: JobRole) -> str | None:
    """The loop a new step source -> target would close ("A → B → A"), or None."""
    graph: dict[int, set[int]] = {}
    for from_id, to_id in db.session.execute(
        select(LadderEdge.from_role_id, LadderEdge.to_role_id)
    ):
        graph.setdefault(from_id, set()).add(to_id)
    path = find_cycle(graph, target.id, source.id)
    if path is None:
        return None
    names = dict(db.session.execute(select(JobRole.id, JobRole.code)).all())
    return " → ".join([source.code, *(names[node] for node in path)])
