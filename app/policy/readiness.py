"""Who sees which readiness: the readiness pages, the reports, the dashboard and the API.

docs/RULES.md: hr sees everyone; a manager (derived, not an app role) sees everyone below them
in the reporting tree; an employee sees themselves; finance sees tuition. One person's plan or
report loads through ``policy.employee("readiness")`` (404 for anyone the caller may not see).
"""

from __future__ import annotations

from typing import Any

from app.policy import is_manager


def sees_organisation(user: Any) -> bool:
    """The readiness pages and reports cover the whole organisation (hr), not a team."""
    return user is not None and user.has_role("hr")


def sees_team_reports(user: Any) -> bool:
    """Team and compliance reports: hr for any department, a manager for their part."""
    return sees_organisation(user) or (user is not None and is_manager(user))


def sees_tuition_report(user: Any) -> bool:
    return user is not None and user.has_role("finance", "hr")


def sees_all_check_findings(user: Any) -> bool:
    """Background-check findings in the compliance report: hr only (data minimisation)."""
    return sees_organisation(user)


def sees_organisation_summary(user: Any) -> bool:
    """Head counts of the whole organisation on the first screen: hr and admin."""
    return user is not None and user.has_role("hr", "admin")


def works_finance_queue(user: Any) -> bool:
    """The tuition requests waiting for finance, on the first screen."""
    return user is not None and user.has_role("finance")
