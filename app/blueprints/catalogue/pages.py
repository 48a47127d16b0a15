"""What the catalogue's views share: sections, the list page, the entry form and its refusals."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import pagination
from app.blueprints.catalogue import bp
from app.kernel.forms import PAGE_STATUSES, apply_errors, refuse
from app.pagination import search_term, sort_args
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.services import catalogue
from app.services.catalogue.errors import CatalogueError

# URL section -> (catalogue kind, list endpoint, page endpoint of one entry)
SECTIONS: dict[str, tuple[str, str, str]] = {
    "competencies": ("competency", "catalogue.competencies", "catalogue.competency_edit"),
    "courses": ("course", "catalogue.courses", "catalogue.course_show"),
    "check-types": ("check_type", "catalogue.check_types", "catalogue.check_type_edit"),
    "instruments": ("instrument", "catalogue.instruments", "catalogue.instrument_edit"),
    "qualifications": (
        "qualification",
        "catalogue.qualifications",
        "catalogue.qualification_edit",
    ),
    "roles": ("role", "catalogue.roles", "catalogue.role_show"),
}
SECTIONS_ANY = "any(competencies, courses, 'check-types', instruments, qualifications, roles)"
BLANK_ROWS = 3

# A row of a list editor: ``requirements[2].min_level``, ``grants[0].competency``.
ROW_FIELD = re.compile(r"(\w+)\[(\d+)\]\.(\w+)")
ROW_LISTS = {"requirements": "rows"}  # the service's list name -> the form's
THRESHOLDS = ("min_level", "min_score", "min_months")


def _filters() -> dict[str, Any]:
    status = request.args.get("status", "active")
    return {
        "q": search_term(),
        "status": status if status in catalogue.STATUSES else "active",
    }


def category_filter() -> str | None:
    """The ``category`` of a list page: trimmed, at most 80 characters."""
    return request.args.get("category", "").strip()[:80] or None


def _listing(kind: str) -> str:
    """The endpoint of a kind's list (in SECTIONS)."""
    return next(endpoint for key, endpoint, _ in SECTIONS.values() if key == kind)


def list_page(kind: str, extra: dict[str, Any] | None = None, **context: Any) -> str:
    """A paginated, searchable, filterable, sortable list of one kind of entry, on the page
    named after its endpoint (``catalogue.check_types``: ``catalogue/check_types.html``)."""
    filters = _filters()
    extra = {k: v for k, v in (extra or {}).items() if v not in (None, "")}
    return pagination.list_page(
        f"catalogue/{_listing(kind).removeprefix(f'{bp.name}.')}.html",
        sort_args(catalogue.SORTS[kind], "level" if kind == "role" else "code"),
        lambda order: catalogue.list_query(kind, **filters, **extra, order=order),
        filters={**filters, **extra},
        **context,
    )


def show_page(kind: str, entry: Any, **context: Any) -> str:
    """One entry's own page (``catalogue/{kind}_show.html``), with where it is used."""
    return render_template(
        f"catalogue/{kind}_show.html",
        **{kind: entry},
        kind=catalogue.KINDS[kind],
        usage=catalogue.usage(kind, entry),
        **context,
    )


def form_page(
    form: Any, kind: str, entry: Any = None, status: int = 200, **context: Any
) -> tuple[str, int]:
    """The form of one entry (new or edit), with where the entry is used beside it."""
    spec = catalogue.KINDS[kind]
    section = next(s for s, (k, _l, _p) in SECTIONS.items() if k == kind)
    usage = catalogue.usage(kind, entry) if entry is not None else None
    return (
        render_template(
            "catalogue/entry_form.html",
            form=form,
            kind=spec,
            entry=entry,
            usage=usage,
            section=section,
            list_endpoint=SECTIONS[section][1],
            **context,
        ),
        status,
    )


def save_entry(
    form: Any,
    kind: str,
    save: Callable[[], Any],
    *,
    entry: Any = None,
    saved: Callable[[Any], str],
    then: Callable[[Any], str],
) -> ResponseReturnValue:
    """The create/edit skeleton of every entry form: on a valid POST call ``save``, then flash
    ``saved(entry)`` and go to ``then(entry)``; a refusal shows on the form with its status."""
    if form.validate_on_submit():
        try:
            result = save()
        except CatalogueError as error:
            status = refused(form, error)
            if entry is not None:  # reloaded after the rollback
                entry = catalogue.get_entry(kind, entry.code)
            return form_page(form, kind, entry, status=status)
        flash(saved(result), "success")
        return redirect(then(result))
    return form_page(form, kind, entry)


def form_values(form: Any, names: Sequence[str]) -> dict[str, Any]:
    """The submitted data of the form's fields ``names``, by name (the service's keywords)."""
    return {name: form[name].data for name in names}


def entry_forms(
    kind: str,
    path: str,
    noun: str,
    form_class: Any,
    fields: Sequence[str],
    create: Callable[..., Any],
    update: Callable[..., Any],
    defaults: dict[str, str] | None = None,
    listed: bool = False,
) -> None:
    """Register the new and edit pages of a kind whose form fields are its service's keyword
    arguments: ``{kind}_new`` at ``{path}/new`` and ``{kind}_edit`` at ``{path}/<code>/edit``;
    both go back to the kind's list (its endpoint in SECTIONS). ``listed``: that list too, at
    ``path``, for a kind whose list has no filters of its own."""
    listing = _listing(kind)
    if listed:

        def entries() -> ResponseReturnValue:
            return list_page(kind)

        entries.__name__ = entries.__qualname__ = listing.removeprefix(f"{bp.name}.")
        bp.route(path)(permission("authenticated")(entries))

    def new() -> ResponseReturnValue:
        form = form_class(data=defaults)
        return save_entry(
            form,
            kind,
            lambda: create(form.code.data, **form_values(form, fields)),
            saved=lambda entry: f"{noun} {entry.code} created.",
            then=lambda entry: url_for(listing),
        )

    def edit(entry: Any) -> ResponseReturnValue:
        form = form_class(obj=entry)
        return save_entry(
            form,
            kind,
            lambda: update(entry.code, **form_values(form, fields)),
            entry=entry,
            saved=lambda saved: f"{noun} {saved.code} saved.",
            then=lambda saved: url_for(listing),
        )

    for view, suffix in ((new, "new"), (edit, "edit")):
        view.__name__ = view.__qualname__ = f"{kind}_{suffix}"
    bp.route(f"{path}/new", methods=["GET", "POST"])(permission("hr_or_admin")(new))
    bp.route(f"{path}/<code>/edit", methods=["GET", "POST"])(
        permission("hr_or_admin", catalogue_policy.entry(kind))(edit)
    )


def refused(
    form: Any, error: CatalogueError, listing: str | None = None, positions: Sequence[int] = ()
) -> int:
    """Show a refusal on its form (the kernel's ``refuse``), placing the messages of list rows
    (``requirements[i].x``, ``grants[i].x``) on the form's rows; answers the page's status.

    ``positions`` maps the i-th item sent to ``listing`` back to the form row it came from.
    """
    rows = {name: ms for name, ms in error.errors.items() if ROW_FIELD.fullmatch(name)}
    if not rows:
        return refuse(form, error)
    form.form_errors = list(getattr(form, "form_errors", []) or [])
    for name, messages in rows.items():
        _place_row_messages(form, name, messages, listing, positions)
    apply_errors(form, {k: v for k, v in error.errors.items() if k not in rows})
    return error.status if error.status in PAGE_STATUSES else 422


def _place_row_messages(
    form: Any, name: str, messages: list[str], listing: str | None, positions: Sequence[int]
) -> None:
    """On the row's field, and above the form as 'Requirement 2: ...' / 'Grant 1: ...'."""
    match = ROW_FIELD.fullmatch(name)
    assert match is not None
    sent, index, sub = match.group(1), int(match.group(2)), match.group(3)
    if sent == listing and index < len(positions):
        index = positions[index]
    rows_name = ROW_LISTS.get(sent, sent)
    sub = "threshold" if sub in THRESHOLDS else sub
    entries = getattr(form, rows_name, None)
    if entries is not None and index < len(entries.entries):
        target = getattr(entries.entries[index].form, sub, None)
        if target is not None:
            target.errors = list(getattr(target, "errors", []) or []) + list(messages)
    label = "Requirement" if rows_name == "rows" else "Grant"
    form.form_errors.extend(f"{label} {index + 1}: {m}" for m in messages)


def blank_rows(listing: Any, blank: dict[str, Any]) -> None:
    """Keep a few empty rows at the end of a row editor for additions."""
    empty = 0
    for row in reversed(listing.entries):
        if any(str(v or "").strip() for k, v in row.form.data.items() if k in blank):
            break
        empty += 1
    for _ in range(BLANK_ROWS - empty):
        listing.append_entry(blank)
