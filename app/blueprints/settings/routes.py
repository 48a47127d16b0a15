"""The (cfg) settings of docs/RULES.md, edited by hr and admins (thin views over the service)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from app.kernel.forms import refuse
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.services import configuration, settings
from app.services.catalogue.errors import CatalogueError

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _settings_form(rows: list[configuration.SettingRow]) -> FlaskForm:
    """One text field per setting; the service parses and validates every value."""

    class SettingsForm(FlaskForm):
        pass

    for row in rows:
        field_class: Any = TextAreaField if row.multiline else StringField
        setattr(SettingsForm, row.spec.key, field_class(row.spec.label, default=row.text))
    return SettingsForm()


@bp.route("/", methods=["GET", "POST"])
@permission("hr_or_admin")
def index() -> ResponseReturnValue:
    rows = configuration.rows()
    form = _settings_form(rows)
    status = 200
    if form.validate_on_submit():
        values = {row.spec.key: form[row.spec.key].data or "" for row in rows}
        try:
            changed = configuration.update_settings(values)
        except CatalogueError as error:
            status = refuse(form, error)
        else:
            if changed:
                labels = ", ".join(settings.SPEC_BY_KEY[key].label for key in changed)
                flash(f"Saved: {labels}.", "success")
            else:
                flash("Nothing changed.", "info")
            return redirect(url_for("settings.index"))
    return render_template("settings/index.html", form=form, rows=rows), status


@bp.route("/<key>/reset", methods=["POST"])
@permission("hr_or_admin", catalogue_policy.setting())
def reset(spec: settings.SettingSpec) -> ResponseReturnValue:
    configuration.reset_setting(spec.key)
    flash(f"{spec.label} is back to its default.", "success")
    return redirect(url_for("settings.index"))
