"""The role ladder: its steps, and adding, editing and removing a step."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import LadderForm
from app.blueprints.catalogue.pages import refused, search_term
from app.kernel.forms import options
from app.pagination import list_page, sort_args
from app.policy import permission
from app.services import catalogue
from app.services.catalogue.errors import CatalogueError, UnknownEntry

# The two roles of a step are the route's arguments; the hr/admin permission is the check.
STEP_ARGS = ("from_role", "to_role")


@bp.route("/ladder")
@permission("authenticated")
def ladder() -> ResponseReturnValue:
    q = search_term()
    return list_page(
        "catalogue/ladder.html",
        sort_args(catalogue.LADDER_SORTS, "from"),
        lambda order: catalogue.ladder_query(q, order=order),
        filters={"q": q},
    )


def _ladder_form(edge: Any = None) -> LadderForm:
    form = LadderForm(
        data={
            "typical_months": str(edge.typical_months) if edge else "24",
            "from_role": edge.from_role.code if edge else "",
            "to_role": edge.to_role.code if edge else "",
        }
    )
    roles = options(
        [("", "Choose a role")]
        + [(r.code, f"{r.code} · {r.title} (level {r.level})") for r in catalogue.choices("role")]
    )
    form.from_role.choices = roles
    form.to_role.choices = roles
    return form


@bp.route("/ladder/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def ladder_new() -> ResponseReturnValue:
    form = _ladder_form()
    status = 200
    if form.validate_on_submit():
        try:
            edge = catalogue.add_ladder_edge(
                form.from_role.data, form.to_role.data, form.typical_months.data
            )
        except CatalogueError as error:
            status = refused(form, error)
        else:
            flash(f"Ladder step {edge.from_role.code} → {edge.to_role.code} added.", "success")
            return redirect(url_for("catalogue.ladder"))
    return render_template("catalogue/ladder_form.html", form=form, edge=None), status


@bp.route("/ladder/<from_role>/<to_role>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", open_args=STEP_ARGS)
def ladder_edit(from_role: str, to_role: str) -> ResponseReturnValue:
    try:
        edge = catalogue.get_ladder_edge(from_role, to_role)
    except UnknownEntry:
        abort(404)
    form = _ladder_form(edge)
    status = 200
    if form.validate_on_submit():
        try:
            catalogue.update_ladder_edge(from_role, to_role, form.typical_months.data)
        except CatalogueError as error:
            status = refused(form, error)
            edge = catalogue.get_ladder_edge(from_role, to_role)
        else:
            flash(f"Ladder step {edge.from_role.code} → {edge.to_role.code} saved.", "success")
            return redirect(url_for("catalogue.ladder"))
    return render_template("catalogue/ladder_form.html", form=form, edge=edge), status


@bp.route("/ladder/<from_role>/<to_role>/remove", methods=["POST"])
@permission("hr_or_admin", open_args=STEP_ARGS)
def ladder_remove(from_role: str, to_role: str) -> ResponseReturnValue:
    try:
        catalogue.remove_ladder_edge(from_role, to_role)
    except UnknownEntry:
        abort(404)
    flash(f"Ladder step {from_role.upper()} → {to_role.upper()} removed.", "success")
    return redirect(url_for("catalogue.ladder"))
