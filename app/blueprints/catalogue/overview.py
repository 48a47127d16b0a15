"""The catalogue's overview, and retiring or restoring an entry of any kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app import clock
from app.blueprints.catalogue import bp
from app.blueprints.catalogue.pages import SECTIONS, SECTIONS_ANY
from app.policy import permission
from app.services import catalogue
from app.services.catalogue.errors import CatalogueError, UnknownEntry


@bp.route("/")
@permission("authenticated")
def index() -> ResponseReturnValue:
    return render_template(
        "catalogue/index.html",
        counts=catalogue.overview(),
        sections={kind: (section, endpoint) for section, (kind, endpoint, _p) in SECTIONS.items()},
        upcoming_sessions=catalogue.upcoming_session_count(clock.today()),
        ladder_steps=catalogue.ladder_count(),
    )


def _retired_message(kind: str, entry: Any) -> str:
    """What retiring changed, and the references that still point at the entry."""
    used = catalogue.usage(kind, entry)
    message = f"{entry.code} is retired. New records cannot pick it; past records keep showing it."
    if used.required_by:
        message += (
            f" It is still a requirement of {', '.join(used.required_by)}: "
            "edit those roles to replace it."
        )
    if kind == "role" and used.people_in_role:
        message += f" {used.people_in_role} people still hold this role."
    return message


@bp.route(f"/<{SECTIONS_ANY}:section>/<code>/retire", methods=["POST"])
@permission("hr_or_admin", open_args=("section", "code"))
def retire(section: str, code: str) -> ResponseReturnValue:
    return _change_status(section, code, catalogue.retire, _retired_message)


@bp.route(f"/<{SECTIONS_ANY}:section>/<code>/restore", methods=["POST"])
@permission("hr_or_admin", open_args=("section", "code"))
def restore(section: str, code: str) -> ResponseReturnValue:
    return _change_status(
        section,
        code,
        catalogue.restore,
        lambda kind, entry: f"{entry.code} is active again and can be picked for new records.",
    )


def _change_status(
    section: str,
    code: str,
    action: Callable[[str, str], Any],
    message: Callable[[str, Any], str],
) -> ResponseReturnValue:
    """Retire or restore the entry ``code`` of ``section``, then back to its page."""
    kind, _list_endpoint, page_endpoint = SECTIONS[section]
    try:
        entry = action(kind, code)
    except UnknownEntry:
        abort(404)
    except CatalogueError as error:
        flash(error.message, "error")
        return redirect(url_for(page_endpoint, code=code.upper()))
    flash(message(kind, entry), "success")
    return redirect(url_for(page_endpoint, code=entry.code))
