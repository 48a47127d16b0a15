"""The catalogue HR configures: thin views over ``app.services.catalogue``.

Any signed-in user may read the catalogue; hr and admins create, edit and retire entries
(``app.policy.catalogue``). The views live in a module per kind of entry, all on one ``bp``.
"""

from __future__ import annotations

from typing import Any

from app.blueprints.catalogue import (  # noqa: F401  (each module adds its routes to bp)
    bp,
    check_types,
    competencies,
    courses,
    instruments,
    ladder,
    overview,
    qualifications,
    roles,
    sessions,
)
from app.policy import catalogue as catalogue_policy
from app.services import catalogue

__all__ = ["bp"]


def template_helpers() -> dict[str, Any]:
    return {
        "can_configure": catalogue_policy.configures,
        "requirement_threshold": catalogue.requirement_threshold,
    }


@bp.app_template_filter("plain_number")
def plain_number_filter(value: Any) -> str:
    """3.50 -> 3.5, 16.0 -> 16: scores, hours and weights without noise."""
    number = catalogue.plain_number(value)
    return "—" if number is None else str(number)
