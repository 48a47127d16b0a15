"""Who sees and changes required training (docs/RULES.md "Assignments").

HR defines the rules and sees every assignment; a manager sees the assignments of the people
below them (the team page); everyone sees their own on their home and plan, as their training.
"""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AssignmentRule
from app.policy import Load, is_hr


def _standing(rule_id: Any) -> AssignmentRule | None:
    found = db.session.get(AssignmentRule, rule_id)
    return found if found is not None and found.ended_on is None else None


def rule(arg: str = "rule_id", name: str = "rule") -> Load:
    """Load a standing assignment rule; hr only (the route's permission), 404 otherwise."""
    return Load(arg, name, _standing, lambda user, found: is_hr(user), missing="No such rule.")


def sees_everyone(user: Any) -> bool:
    """Does ``user`` see everyone's assignments (hr), rather than their team's?"""
    return is_hr(user)
