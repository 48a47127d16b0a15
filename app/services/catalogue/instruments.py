"""Assessment instruments: 360, test or assessment centre (docs/RULES.md Leadership assessments)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from app.extensions import db
from app.kernel.fields import CONTROL, assign
from app.kernel.words import plural
from app.models import Assessment, Instrument, JobRole, Requirement
from app.readiness.vocabulary import INSTRUMENT_KINDS
from app.services.catalogue.errors import write
from app.services.catalogue.kinds import add_entry, get_entry
from app.services.catalogue.parsing import Fields, edited

# What an edit of an instrument may change.
INSTRUMENT_FIELDS = ("name", "kind", "scale_min", "scale_max", "dimensions", "validity_months")


def _dimensions(fields: Fields, value: Any) -> list[str] | None:
    if isinstance(value, str):
        value = [line for line in value.splitlines()]
    if not isinstance(value, list | tuple):
        fields.add("dimensions", "Dimensions must be a list of names.")
        return None
    names: list[str] = []
    for item in value:
        if not isinstance(item, str):
            fields.add("dimensions", "Each dimension is a name (text).")
            return None
        name = " ".join(item.split())
        if not name:
            continue
        if CONTROL.search(name):
            fields.add("dimensions", "A dimension name contains control characters.")
            return None
        if len(name) > 80:
            fields.add("dimensions", f"A dimension name has at most 80 characters: {name[:20]}…")
            return None
        if name.lower() in (n.lower() for n in names):
            fields.add("dimensions", f"{name} is listed twice.")
            return None
        names.append(name)
    if not names:
        fields.add("dimensions", "List at least one dimension, one per line.")
        return None
    if len(names) > 30:
        fields.add("dimensions", "An instrument has at most 30 dimensions.")
        return None
    return names


def _instrument_values(
    fields: Fields,
    name: Any,
    kind: Any,
    scale_min: Any,
    scale_max: Any,
    dimensions: Any,
    validity_months: Any,
) -> dict[str, Any]:
    clean_kind = str(kind or "").strip()
    if clean_kind not in INSTRUMENT_KINDS:
        fields.add("kind", "Pick a kind: 360, test or assessment_centre.")
        clean_kind = ""
    low = fields.decimal(
        "scale_min", scale_min, "Scale minimum", minimum=Decimal("-999.99"), maximum=Decimal("999")
    )
    high = fields.decimal(
        "scale_max", scale_max, "Scale maximum", minimum=Decimal("-999"), maximum=Decimal("999.99")
    )
    if low is not None and high is not None and high <= low:
        fields.add("scale_max", "The scale maximum must be above the minimum.")
    return {
        "name": fields.text("name", name, "Name"),
        "kind": clean_kind or None,
        "scale_min": low,
        "scale_max": high,
        "dimensions": _dimensions(fields, dimensions),
        "validity_months": fields.integer(
            "validity_months", validity_months, "Validity (months)", minimum=1, maximum=240
        ),
    }


@write
def create_instrument(
    code: Any,
    name: Any,
    kind: Any,
    scale_min: Any = 1,
    scale_max: Any = 5,
    dimensions: Any = (),
    validity_months: Any = 24,
) -> Instrument:
    """An assessment instrument (docs/RULES.md: 360, test or assessment centre; scale 1-5;
    dimensions; valid 24 months)."""
    fields = Fields()
    clean_code = fields.code("code", code)
    values = _instrument_values(
        fields, name, kind, scale_min, scale_max, list(dimensions or []), validity_months
    )
    fields.raise_if_any("Check the instrument's fields.")
    return add_entry("instrument", clean_code, **values)


@write
def update_instrument(code: str, **changes: Any) -> Instrument:
    """Edit an instrument (``changes``: any of INSTRUMENT_FIELDS). Once assessments use it,
    its kind and scale stay fixed so past results keep their meaning; retire it and create a
    new one instead."""
    instrument: Instrument = get_entry("instrument", code)
    fields = Fields()
    values = _instrument_values(fields, **edited(instrument, INSTRUMENT_FIELDS, changes))
    _check_used_scale_kept(instrument, values, fields)
    _check_requirements_on_scale(instrument, values, fields)
    fields.raise_if_any("Check the instrument's fields.")
    return assign(instrument, values)


def _check_used_scale_kept(instrument: Instrument, values: dict[str, Any], fields: Fields) -> None:
    """Once assessments use an instrument, its kind and scale stay fixed."""
    used = db.session.scalar(
        select(func.count())
        .select_from(Assessment)
        .where(Assessment.instrument_id == instrument.id)
    )
    if used:
        if values["kind"] and values["kind"] != instrument.kind:
            fields.add(
                "kind",
                f"{plural(used, 'assessment')} {'uses' if used == 1 else 'use'} "
                f"{instrument.code}, so its kind cannot change. "
                "Retire it and create a new instrument.",
            )
        for key in ("scale_min", "scale_max"):
            if values[key] is not None and values[key] != getattr(instrument, key):
                fields.add(
                    key,
                    f"{plural(used, 'assessment')} {'uses' if used == 1 else 'use'} "
                    f"{instrument.code}, so its scale cannot change. "
                    "Retire it and create a new instrument.",
                )


def _check_requirements_on_scale(
    instrument: Instrument, values: dict[str, Any], fields: Fields
) -> None:
    """Every role's minimum score for the instrument stays on its (new) scale."""
    low, high = values["scale_min"], values["scale_max"]
    if low is not None and high is not None:
        outside = list(
            db.session.scalars(
                select(JobRole.code)
                .join(Requirement, Requirement.job_role_id == JobRole.id)
                .where(
                    Requirement.instrument_id == instrument.id,
                    or_(Requirement.min_score < low, Requirement.min_score > high),
                )
                .order_by(JobRole.code)
            )
        )
        if outside:
            fields.add(
                "scale_max",
                f"{', '.join(outside)} require a minimum score outside {low}–{high}. "
                "Change those requirements first.",
            )
