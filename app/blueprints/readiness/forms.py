"""Query-string forms of the readiness screens (GET forms: they change nothing, so no CSRF).

Each reader is lenient: a bad value falls back to its default and leaves a message for the
field, so the page still answers and shows what to fix. The plan's own fields are read by
``app.services.readiness.plan.parse_request`` (the API reads the same fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

from app.readiness.vocabulary import BAND_LABELS, BANDS
from app.services.readiness.plan import read_date as read_date_text

CANDIDATE_SORTS = ("score", "name", "band", "projected", "department", "current_role")


@dataclass(frozen=True)
class BenchFilters:
    """Filters of the bench, organisation, lapses and training-needs pages."""

    as_of: date
    role: str | None
    band: str | None
    q: str | None
    department: str | None
    sort: str
    descending: bool


def read_date(
    args: MultiDict, name: str, label: str, default: date, errors: dict[str, list[str]]
) -> date:
    value, message = read_date_text((args.get(name) or "").strip()[:40], label)
    if message:
        errors[name] = [message]
    return value or default


def read_bench_filters(
    args: MultiDict,
    today: date,
    roles: list[str],
    departments: list[str] | None = None,
) -> tuple[BenchFilters, dict[str, list[str]]]:
    """Read as_of, role, band, q, department, sort and dir; unknown values become errors."""
    errors: dict[str, list[str]] = {}
    as_of = read_date(args, "as_of", "As of", today, errors)
    role = (args.get("role") or "").strip() or None
    if role is not None and role not in roles:
        errors["role"] = ["Target role: pick one of the roles in the list."]
        role = None
    band = (args.get("band") or "").strip() or None
    if band is not None and band not in BANDS:
        words = [BAND_LABELS[b].lower() for b in BANDS]
        errors["band"] = [f"Band: pick {', '.join(words[:-1])} or {words[-1]}."]
        band = None
    department = (args.get("department") or "").strip() or None
    if department is not None and (departments is None or department not in departments):
        if departments is not None:
            errors["department"] = ["Department: pick a department from the list."]
        department = None
    sort = args.get("sort") or "score"
    if sort not in CANDIDATE_SORTS:
        sort = "score"
    direction = args.get("dir")
    descending = direction == "desc" if direction in ("asc", "desc") else sort == "score"
    q = (args.get("q") or "").strip()[:100] or None
    return BenchFilters(as_of, role, band, q, department, sort, descending), errors
