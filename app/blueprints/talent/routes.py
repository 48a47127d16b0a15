"""Every talent page, registered on ``bp`` (app/registry.py BLUEPRINTS)."""

from typing import Any

from app import policy
from app.blueprints.talent import bp
from app.blueprints.talent import feedback as feedback  # noqa: F401  (registers the routes)
from app.blueprints.talent import grid as grid  # noqa: F401
from app.models import Employee
from app.services.talent import card

__all__ = ["bp"]


@bp.app_template_global("talent_card_for")
def talent_card_for(employee: Employee) -> Any:
    """The talent card of ``employee`` for the person's page (talent/_card.html), or None
    when the caller may not see their readiness and assessments."""
    user = policy.acting_user()
    if not (
        policy.can_view(user, employee, "readiness")
        and policy.can_view(user, employee, "assessments")
    ):
        return None
    return card.talent_card(employee, user)


@bp.app_template_global("can_open_360")
def can_open_360(employee: Employee) -> bool:
    """Does the page's caller get the link to open a 360 round for ``employee``?"""
    from app.policy import talent as may

    return may.can_open_round(policy.acting_user(), employee)
