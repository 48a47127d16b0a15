"""Who may open, answer and read 360 rounds, and who sees and calibrates the 9-box grid
(docs/RULES.md "Collecting 360 feedback", "Talent review grid (9-box)").

A round is opened by hr or by the person's manager, never by the person (nobody rates
themselves into a round); hr closes it early. Its page is seen by those who see the person's
assessments; the self responses only by the person and hr. A rater needs no sign-in: their
link's secret is the credential. The grid shows managers the people below them and hr anyone;
only hr calibrates, never their own placement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from app.models import Employee, FeedbackRound
from app.policy import Load, is_hr, is_manager, is_self, manages, record_of


class _Grouped(Protocol):
    @property
    def group(self) -> str: ...


T = TypeVar("T", bound=_Grouped)


def can_open_round(user: Any, employee: Employee | int) -> bool:
    """May ``user`` open a 360 round for ``employee``? hr or a manager above them, not the
    person themselves."""
    if user is None or is_self(user, employee):
        return False
    return is_hr(user) or manages(user, employee)


def can_close_round(user: Any, employee: Employee | int) -> bool:
    """May ``user`` close ``employee``'s round before its close date? hr, not for themselves."""
    return user is not None and is_hr(user) and not is_self(user, employee)


def sees_self_responses(user: Any, employee: Employee | int) -> bool:
    """Does ``user`` see ``employee``'s self responses? The person and hr only."""
    return user is not None and (is_hr(user) or is_self(user, employee))


def shown_rater_groups(user: Any, employee: Employee | int, groups: Iterable[T]) -> tuple[T, ...]:
    """The rater groups of ``employee``'s 360 that ``user`` sees: the self group only for the
    person and hr, never for their manager (each item has a ``group`` name)."""
    sees_self = sees_self_responses(user, employee)
    return tuple(g for g in groups if sees_self or g.group != "self")


def sees_grid(user: Any) -> bool:
    """Does ``user`` have a 9-box grid to look at? hr (anyone) and managers (their people)."""
    return user is not None and (is_hr(user) or is_manager(user))


def calibrates(user: Any, employee: Employee | int | None = None) -> bool:
    """May ``user`` move a person to another box? hr, never for their own placement."""
    if user is None or not is_hr(user):
        return False
    return employee is None or not is_self(user, employee)


def feedback_round(arg: str = "round_id", name: str = "feedback_round") -> Load:
    """Load a 360 round of a person whose assessments the caller may see; 404 otherwise."""
    return record_of(FeedbackRound, "assessments", arg=arg, name=name, missing="No such 360 round.")


def placement(arg: str = "review_id", name: str = "review") -> Load:
    """Load a 9-box placement (a talent review) of a person whose assessments the caller may
    see; 404 otherwise."""
    from app.models import TalentReview

    return record_of(
        TalentReview, "assessments", arg=arg, name=name, missing="No such placement on the grid."
    )
