"""Assessment instruments: the list, and the new and edit forms."""

from __future__ import annotations

from flask import request, url_for
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import InstrumentForm
from app.blueprints.catalogue.pages import list_page, save_entry
from app.models import Instrument
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.readiness.vocabulary import INSTRUMENT_KINDS
from app.services import catalogue


@bp.route("/instruments")
@permission("authenticated")
def instruments() -> ResponseReturnValue:
    kind = request.args.get("kind")
    return list_page(
        "instrument",
        "catalogue/instruments.html",
        {"instrument_kind": kind if kind in INSTRUMENT_KINDS else None},
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


@bp.route("/instruments/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def instrument_new() -> ResponseReturnValue:
    form = _instrument_form(None)
    return save_entry(
        form,
        "instrument",
        lambda: catalogue.create_instrument(
            form.code.data,
            form.name.data,
            form.kind.data,
            form.scale_min.data,
            form.scale_max.data,
            (form.dimensions.data or "").splitlines(),
            form.validity_months.data,
        ),
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
        lambda: catalogue.update_instrument(
            entry.code,
            name=form.name.data,
            kind=form.kind.data,
            scale_min=form.scale_min.data,
            scale_max=form.scale_max.data,
            dimensions=(form.dimensions.data or "").splitlines(),
            validity_months=form.validity_months.data,
        ),
        entry=entry,
        saved=lambda saved: f"Instrument {saved.code} saved.",
        then=lambda saved: url_for("catalogue.instruments"),
    )
