"""The catalogue's JSON shapes (docs/API.md "Catalogue"), shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from app import models
from app.services.catalogue.kinds import BARE_ROLE, REQUIREMENT_THRESHOLD, kind_of
from app.services.catalogue.queries import LADDER_SORTS, ladder_query, list_query
from app.services.shapes import attributes


def serialized_list_query(kind: str, q: str | None, status: str | None) -> Select:
    """Entries of one kind by code, with what their serializer reads (list_query loads it, so
    a page's query count does not depend on its rows: docs/API.md lists)."""
    return list_query(kind, q=q, status=status).order_by(kind_of(kind).model.code)


def serialized_ladder_query(q: str | None) -> Select:
    """Ladder steps from the lowest roles up, each with both roles but not their requirements."""
    return ladder_query(q, order=(LADDER_SORTS["from"], LADDER_SORTS["to"])).options(
        joinedload(models.LadderEdge.from_role).options(*BARE_ROLE),
        joinedload(models.LadderEdge.to_role).options(*BARE_ROLE),
    )


def plain_number(value: Decimal | None) -> int | float | None:
    """A JSON number for a non-money decimal (hours, scores, weights): 3.5, 16, 1."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def entry_fields(entry: Any, *names: str, **shaped: Any) -> dict[str, Any]:
    """Every catalogue entry's JSON: its code, its plain fields ``names``, the ``shaped`` ones
    (numbers, money, codes of what it links to) and whether it is retired."""
    return {**attributes(entry, "code", *names), **shaped, "retired": bool(entry.retired)}


def competency_to_dict(competency: models.Competency) -> dict[str, Any]:
    return entry_fields(competency, "name", "category", "description")


def course_to_dict(course: models.Course) -> dict[str, Any]:
    grants = ({"competency": g.competency.code, "level": g.level} for g in course.grants)
    return entry_fields(
        course,
        "title",
        "category",
        "validity_months",
        "default_duration_days",
        "approval",
        hours=plain_number(course.hours),
        cost=_money(course.cost),
        prerequisites=sorted(link.prerequisite.code for link in course.prerequisite_links),
        grants=sorted(grants, key=lambda grant: str(grant["competency"])),
    )


def session_to_dict(session: models.CourseSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "course": session.course.code,
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "seats": session.seats,
        "location": session.location,
        "cancelled": bool(session.cancelled),
    }


def check_type_to_dict(check_type: models.CheckType) -> dict[str, Any]:
    return entry_fields(check_type, "name", "rescreen_months", "turnaround_days")


def instrument_to_dict(instrument: models.Instrument) -> dict[str, Any]:
    return entry_fields(
        instrument,
        "name",
        "kind",
        "validity_months",
        scale_min=plain_number(instrument.scale_min),
        scale_max=plain_number(instrument.scale_max),
        dimensions=list(instrument.dimensions or []),
    )


def qualification_to_dict(qualification: models.QualificationType) -> dict[str, Any]:
    return entry_fields(qualification, "name")


def requirement_to_dict(requirement: models.Requirement) -> dict[str, Any]:
    """docs/API.md: {kind, target, min_level|min_score|min_months, mandatory, weight}."""
    data: dict[str, Any] = {"kind": requirement.kind, "target": requirement.target_code}
    threshold = REQUIREMENT_THRESHOLD.get(requirement.kind)
    if threshold == "min_score":
        data["min_score"] = plain_number(requirement.min_score)
    elif threshold:
        data[threshold] = getattr(requirement, threshold)
    data["mandatory"] = bool(requirement.mandatory)
    data["weight"] = plain_number(requirement.weight)
    return data


def role_to_dict(role: models.JobRole) -> dict[str, Any]:
    return entry_fields(
        role,
        "title",
        "level",
        financial_authority_limit=_money(role.financial_authority_limit),
        requirements=[requirement_to_dict(r) for r in role.requirements],
    )


def ladder_edge_to_dict(edge: models.LadderEdge) -> dict[str, Any]:
    return {
        "from_role": edge.from_role.code,
        "to_role": edge.to_role.code,
        "typical_months": edge.typical_months,
    }


SERIALIZERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "competency": competency_to_dict,
    "course": course_to_dict,
    "check_type": check_type_to_dict,
    "instrument": instrument_to_dict,
    "qualification": qualification_to_dict,
    "role": role_to_dict,
}


def requirement_threshold(requirement: models.Requirement) -> Any:
    """The one threshold a requirement carries, for display (level, score or months)."""
    key = REQUIREMENT_THRESHOLD.get(requirement.kind)
    if key == "min_score":
        return plain_number(requirement.min_score)
    return getattr(requirement, key) if key else None
