"""The role ladder: steps from role to role (docs/RULES.md Role ladder).

The ladder goes up one level at a time and never loops back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import JobRole, LadderEdge
from app.services.catalogue.errors import DuplicateEntry, UnknownEntry, write
from app.services.catalogue.graph import ladder_loop
from app.services.catalogue.kinds import get_role, resolve
from app.services.catalogue.parsing import Fields


def get_ladder_edge(from_role: str, to_role: str) -> LadderEdge:
    source = get_role(from_role)
    target = get_role(to_role)
    edge = db.session.scalar(
        select(LadderEdge).where(
            LadderEdge.from_role_id == source.id, LadderEdge.to_role_id == target.id
        )
    )
    if edge is None:
        raise UnknownEntry(f"The ladder has no step from {source.code} to {target.code}.")
    return edge


@write
def add_ladder_edge(from_role: Any, to_role: Any, typical_months: Any = 24) -> LadderEdge:
    """Add a step to the role ladder (docs/RULES.md Role ladder: role -> role, typical_months).

    Refused: a role leading to itself, a duplicate step, a loop back down the ladder, a step
    that does not go up, and a step that skips a level while a role exists in between.
    """
    fields = Fields()
    source_code = fields.code("from_role", from_role, "From role")
    target_code = fields.code("to_role", to_role, "To role")
    months = fields.integer(
        "typical_months", typical_months, "Typical months", minimum=0, maximum=600
    )
    found: dict[str, Any] = {}
    if source_code:
        found.update(resolve("role", [source_code], fields, "from_role"))
    if target_code:
        found.update(resolve("role", [target_code], fields, "to_role"))
    if source_code and source_code == target_code:
        fields.add("to_role", "A role cannot lead to itself.")
    fields.raise_if_any("Check the ladder step.")
    source, target = found[source_code], found[target_code]  # type: ignore[index]
    exists = db.session.scalar(
        select(LadderEdge).where(
            LadderEdge.from_role_id == source.id, LadderEdge.to_role_id == target.id
        )
    )
    if exists is not None:
        raise DuplicateEntry(
            f"The ladder already has a step from {source.code} to {target.code}.",
            {"to_role": [f"{source.code} already leads to {target.code}."]},
        )
    _check_ladder_step(source, target, fields)
    fields.raise_if_any("Check the ladder step.")
    edge = LadderEdge(from_role_id=source.id, to_role_id=target.id, typical_months=months)
    db.session.add(edge)
    db.session.flush()
    return edge


def _check_ladder_step(source: JobRole, target: JobRole, fields: Fields) -> None:
    """A step goes up, never loops back, and skips a level only where no role is in between."""
    chain = ladder_loop(source, target)
    if chain is not None:
        fields.add("to_role", f"That would make the ladder loop: {chain}.")
        return
    if target.level <= source.level:
        fields.add(
            "to_role",
            f"The ladder leads upward: {target.code} is level {target.level}, not above "
            f"{source.code} (level {source.level}).",
        )
        return
    between = list(
        db.session.scalars(
            select(JobRole.code)
            .where(
                JobRole.level > source.level,
                JobRole.level < target.level,
                JobRole.retired.is_(False),
            )
            .order_by(JobRole.level, JobRole.code)
        )
    )
    if between:
        fields.add(
            "to_role",
            f"{source.code} → {target.code} skips level {source.level + 1}; a path skips "
            f"levels only through the roles in between ({', '.join(between)}).",
        )


@write
def update_ladder_edge(from_role: str, to_role: str, typical_months: Any) -> LadderEdge:
    edge = get_ladder_edge(from_role, to_role)
    fields = Fields()
    months = fields.integer(
        "typical_months", typical_months, "Typical months", minimum=0, maximum=600
    )
    fields.raise_if_any("Check the ladder step.")
    edge.typical_months = months  # type: ignore[assignment]
    return edge


@write
def remove_ladder_edge(from_role: str, to_role: str) -> None:
    """Take a step off the ladder (configuration, not history: the audit trail keeps it)."""
    edge = get_ladder_edge(from_role, to_role)
    db.session.delete(edge)
