"""JSON Schemas (OpenAPI 3.1 components) of the API's request bodies and answers.

The request schemas are enforced: spec.check_body refuses unknown fields and wrong JSON types
by them. The answer schemas are held to the serializers by the tests (every field a serializer
writes is declared, and every declared field is written).
"""

from __future__ import annotations

from typing import Any

from app.blueprints.api.schemas import (
    accounts,
    assignments,
    catalogue,
    enrolment,
    people,
    readiness,
    records,
    talent,
    tuition,
)
from app.blueprints.api.schemas.base import ERROR, ref

__all__ = ["COMPONENTS", "ref"]

# Every component of the OpenAPI document, in the order it lists them.
COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": ERROR,
    **catalogue.COMPONENTS,
    **enrolment.COMPONENTS,
    **assignments.COMPONENTS,
    **people.COMPONENTS,
    **records.COMPONENTS,
    **readiness.COMPONENTS,
    **talent.COMPONENTS,
    **tuition.COMPONENTS,
    **accounts.COMPONENTS,
}
