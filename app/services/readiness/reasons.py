"""Why each listed candidate is in their band: the critical gap's reason, for one page of a list.

docs/RULES.md "Why this band": every result names the requirement whose close date decides
projected_ready_on. The bench and organisation pages list candidates from stored readiness
(``stored.Scope.candidates``); a row that carries no reason yet gets it here from one bulk
evaluation of just the people shown (a fixed number of queries for a page of 25, never the
population), with the same facts and date as the stored row.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.pagination import Page
from app.services.readiness.bench import Candidate
from app.services.readiness.catalogue import load_catalogue
from app.services.readiness.evaluation import evaluate_population


def with_reasons(page: Page, role_code: str, as_of: date) -> Page:
    """``page`` of ``bench.Candidate`` rows, each with the reason of its band (None when ready)."""
    missing = [c.employee_id for c in page.items if not c.ready and not c.reason]
    if not missing:
        return page
    results = evaluate_population(missing, role_code, as_of)
    items: list[Candidate] = []
    for candidate in page.items:
        result = results.get(candidate.employee_id)
        if result is not None and result.critical is not None and not candidate.reason:
            candidate = replace(candidate, reason=result.critical.reason)
        items.append(candidate)
    return Page(items=items, total=page.total, page=page.page, per_page=page.per_page)


def no_path_note(current_role: str | None, target_role: str) -> str | None:
    """docs/RULES.md "Who is a candidate": only people whose current role has a path up the
    ladder to the target. For anyone else, the sentence a plan page says instead; None for a
    candidate."""
    snapshot = load_catalogue()
    title = snapshot.role_titles.get(target_role, target_role)
    if current_role is None:
        return (
            f"No job role on record, so there is no path up the ladder to {title}: not a "
            "candidate, and in no bench or count."
        )
    if current_role in snapshot.candidate_codes(target_role):
        return None
    current = snapshot.role_titles.get(current_role, current_role)
    return (
        f"The ladder has no path up from {current} to {title}: not a candidate for it, and in "
        "no bench or count for it."
    )
