"""Assessment instruments: the list, and the new and edit forms."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import InstrumentForm
from app.blueprints.catalogue.pages import form_values, list_page, save_entry
from app.models import Instrument
from app.pagination import choice_arg
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.readiness.vocabulary import INSTRUMENT_KINDS
from app.services import catalogue


@bp.route("/instruments")
@permission("authenticated")
def instruments() -> ResponseReturnValue:
    return list_page(
        "instrument",
        {"instrument_kind": choice_arg("kind", INSTRUMENT_KINDS)},
        instrument_kinds=INSTRUMENT_KINDS,
    )


def _instrument_form(entry: Instrument | None) -> InstrumentForm:
    if entry is None:
        return InstrumentForm(data={"scale_min": "1", "scale_max": "5", "validity_months": "24"})
    form = InstrumentForm(obj=entry)
    if not form.is_submitted():
        form.dimensions.data = "\n".join(entry.dimensions or [])
        form.scale_min.data = str(catalogue.plain_number(entry.scale_min))
        form.scale_max.data = str(catalogue.plain_number(entry.scale_max))
    return form


def _submitted(form: InstrumentForm) -> dict[str, Any]:
    """The form's fields as the service's keywords (dimensions one a line)."""
    fields = ("name", "kind", "scale_min", "scale_max", "validity_months")
    return {**form_values(form, fields), "dimensions": (form.dimensions.data or "").splitlines()}


@bp.route("/instruments/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def instrument_new() -> ResponseReturnValue:
    form = _instrument_form(None)
    return save_entry(
        form,
        "instrument",
        lambda: catalogue.create_instrument(form.code.data, **_submitted(form)),
        saved=lambda entry: f"Instrument {entry.code} created.",
        then=lambda entry: url_for("catalogue.instruments"),
    )


@bp.route("/instruments/<code>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("instrument"))
def instrument_edit(entry: Instrument) -> ResponseReturnValue:
    form = _instrument_form(entry)
    return save_entry(
        form,
        "instrument",
        lambda: catalogue.update_instrument(entry.code, **_submitted(form)),
        entry=entry,
        saved=lambda saved: f"Instrument {saved.code} saved.",
        then=lambda saved: url_for("catalogue.instruments"),
    )
