"""Who may see or do what in tuition: the loads of the tuition routes and their predicates.

docs/RULES.md people: a tuition request is seen by its employee, their managers, hr and
finance; anyone else is told it does not exist (404). Who may act on a request at its current
stage is the service's question (app.services.tuition.approvers), since it depends on the
stage; these loads only decide who reaches the page.
"""

from __future__ import annotations

from typing import Any

from app import policy
from app.models import TuitionRequest, User
from app.services import tuition as svc


def _visible_request(request_id: Any) -> TuitionRequest | None:
    """The request, when the acting user may see it (else None: 404, existence is private)."""
    req = svc.find_request(request_id)
    if req is None or not svc.may_see(policy.acting_user(), req):
        return None
    return req


NOT_FOUND = "There is no such tuition request, or you may not see it."


def request(arg: str = "request_id", name: str = "req", missing: str = "") -> policy.Load:
    """Load a request the caller may see; 404 otherwise (saying ``missing``, in the API)."""
    return policy.Load(arg, name, svc.find_request, svc.may_see, missing=missing)


def own_request(arg: str = "request_id", name: str = "req") -> policy.Load:
    """Load a request the caller may see (else 404) and is theirs (else 403: they see it but
    may not edit it)."""
    return policy.Load(arg, name, _visible_request, is_owner, denied=403)


def repayment(arg: str = "repayment_id", name: str = "rep") -> policy.Load:
    """Load a repayment (the route's permission, finance, is the check); 404 when unknown."""
    return policy.Load(arg, name, svc.find_repayment, lambda user, rep: True)


def is_owner(user: User | None, req: TuitionRequest) -> bool:
    """Is the request the user's own?"""
    return user is not None and policy.is_self(user, req.employee_id)


def decides_for_team(user: User | None) -> bool:
    """Does the user have the team approval queue (the manager stage): do they manage anyone?"""
    return user is not None and policy.is_manager(user)


def decides_at_hr(user: User | None) -> bool:
    return user is not None and user.has_role("hr")


def decides_at_finance(user: User | None) -> bool:
    return user is not None and user.has_role("finance")


def sees_money(user: User | None) -> bool:
    """The summary and the repayments: finance and hr."""
    return user is not None and user.has_role("finance", "hr")


def records_leavers(user: User | None) -> bool:
    return decides_at_hr(user)


def settles_repayments(user: User | None) -> bool:
    return decides_at_finance(user)


PREDICATES = {
    "team_queue": decides_for_team,
    "hr_queue": decides_at_hr,
    "finance_queue": decides_at_finance,
    "money": sees_money,
    "leavers": records_leavers,
    "settle": settles_repayments,
}


def may(user: User | None, what: str) -> bool:
    """For templates: ``tuition_may('hr_queue')``, one of PREDICATES."""
    return PREDICATES[what](user)
