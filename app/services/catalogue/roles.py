"""Job roles with their requirements (docs/RULES.md People and roles, Requirements of a role)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.kernel.fields import assign
from app.models import JobRole, LadderEdge
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import add_entry, get_role
from app.services.catalogue.parsing import Fields, edited
from app.services.catalogue.requirements import build_requirements, requirement_rows

# What an edit of a role may change (its requirements are replaced as a whole instead).
ROLE_FIELDS = ("title", "level", "financial_authority_limit")


def _role_values(
    fields: Fields, title: Any, level: Any, financial_authority_limit: Any
) -> dict[str, Any]:
    return {
        "title": fields.text("title", title, "Title"),
        "level": fields.integer("level", level, "Level", minimum=1, maximum=20),
        "financial_authority_limit": fields.money(
            "financial_authority_limit",
            "0" if financial_authority_limit in (None, "") else financial_authority_limit,
            "Financial authority limit",
        ),
    }


@write
def create_role(
    code: Any,
    title: Any,
    level: Any,
    financial_authority_limit: Any = "0.00",
    requirements: Any = (),
) -> JobRole:
    """A job role with its requirements (docs/RULES.md People and roles, Requirements of a role)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _role_values(fields, title, level, financial_authority_limit)
    parsed = build_requirements(None, list(requirements or []), fields)
    fields.raise_if_any("Check the role's fields.")
    role = add_entry("role", clean_code, **values)
    role.requirements = requirement_rows(parsed)
    db.session.flush()
    return role


@write
def update_role(code: str, **changes: Any) -> JobRole:
    """Edit a role's title, level or financial authority limit (``changes``: any of
    ROLE_FIELDS). A level change that would turn a ladder edge downward or make it skip a
    level is refused."""
    role = get_role(code)
    fields = Fields()
    values = _role_values(fields, **edited(role, ROLE_FIELDS, changes))
    new_level = values["level"]
    if new_level is not None and new_level != role.level:
        edges = db.session.scalars(
            select(LadderEdge)
            .options(joinedload(LadderEdge.from_role), joinedload(LadderEdge.to_role))
            .where(or_(LadderEdge.from_role_id == role.id, LadderEdge.to_role_id == role.id))
        ).all()
        for edge in edges:
            low = new_level if edge.from_role_id == role.id else edge.from_role.level
            high = new_level if edge.to_role_id == role.id else edge.to_role.level
            if high <= low:
                fields.add(
                    "level",
                    f"The ladder edge {edge.from_role.code} → {edge.to_role.code} would no "
                    "longer lead upward. Change or remove that edge first.",
                )
    fields.raise_if_any("Check the role's fields.")
    return assign(role, values)


@write
def replace_requirements(role_code: str, requirements: Any) -> JobRole:
    """Replace a role's whole requirement list (docs/API.md PUT /roles/{code}/requirements)."""
    role = get_role(role_code)
    fields = Fields()
    if requirements is None:  # {} must not wipe the list: emptying it is an explicit []
        fields.add(
            "requirements",
            'Send the whole list as "requirements"; to remove every requirement, send '
            '"requirements": [].',
        )
        fields.raise_if_any("Check the requirements.")
    parsed = build_requirements(role, requirements, fields)
    fields.raise_if_any("Check the requirements.")
    role.requirements = requirement_rows(parsed)
    db.session.flush()
    return role
