"""The records blueprint and the view helpers its sub-area modules share: the form page
skeleton every record kind uses (``record_page`` for new and edit, ``correction_page`` for
hr's versioned corrections), the delete-and-go-back one, and the list sorting."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from app import policy
from app.kernel.forms import current, options, refuse, show
from app.models import Employee
from app.pagination import newest_first, sort_args
from app.policy import Load, permission
from app.services import records
from app.services.records import RecordError, queries

bp = Blueprint("records", __name__, url_prefix="/records")

CHOOSE = ("", "Choose…")


def user() -> Any:
    return policy.acting_user()


def back(employee: Employee, anchor: str = "") -> str:
    """The person's page, at the section of ``anchor``."""
    return url_for("employees.show", employee_id=employee.id) + (f"#{anchor}" if anchor else "")


def text(value: Any) -> str | None:
    """A form's optional text: None when left empty."""
    return value if value not in (None, "") else None


def catalogue_choices(model: Any, label: str = "name", include: str | None = None) -> list:
    """Select choices of a catalogue (entries in use, and ``include`` even if retired)."""
    return options([CHOOSE, *queries.catalogue_options(model, label, include)])


def sorting(allowed: dict[str, Any], default: str) -> tuple[str, bool, Any]:
    """Like sort_args, but a list opened without a choice shows the newest first."""
    if default == "reported":
        return sort_args(allowed, default)
    return newest_first(allowed, default)


def render_form(
    form: FlaskForm,
    *,
    title: str,
    employee: Employee | None,
    fields: list[str],
    status: int = 200,
    intro: str | None = None,
    hints: dict[str, str] | None = None,
    multipart: bool = False,
    back_url: str | None = None,
    aside: str | None = None,
) -> Any:
    return (
        render_template(
            "records/form.html",
            form=form,
            title=title,
            employee=employee,
            fields=fields,
            intro=intro,
            hints=hints or {},
            multipart=multipart,
            back_url=back_url or (back(employee) if employee else url_for("dashboard.home")),
            aside=aside,
        ),
        status,
    )


def form_page(
    form: FlaskForm,
    *,
    save: Callable[[], tuple[str, ...]],
    initial: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    aliases: Mapping[str, str] | None = None,
    before_render: Callable[[], None] | None = None,
    **page: Any,
) -> Any:
    """The page of one record's form: a valid POST calls ``save`` (which answers the message
    to flash, where to go next and, unless "success", the message's category); a refusal
    shows the form again with its messages and status; a GET first shows ``initial`` (field
    name: value, or what a call answers) in the form. ``page`` is what ``render_form`` shows."""
    status = 200
    if form.validate_on_submit():
        try:
            message, target, *category = save()
        except RecordError as error:
            status = refuse(form, error, aliases)
        else:
            flash(message, category[0] if category else "success")
            return redirect(target)
    elif request.method == "GET" and initial is not None:
        show(form, initial() if callable(initial) else initial)
    if before_render is not None:
        before_render()
    return render_form(form, status=status, **page)


def submitted(form: FlaskForm, names: Iterable[str]) -> list[Any]:
    """The form's values of the fields ``names``, in order, a field left empty as None: the
    arguments the record kind's use case takes after the record (or its person)."""
    return [text(form[name].data) for name in names]


def record_page(
    form: FlaskForm,
    employee: Employee,
    *,
    write: Callable[[], object],
    done: str,
    anchor: str,
    **page: Any,
) -> Any:
    """The form page of one record of ``employee``, new or edited: a valid POST calls
    ``write``, flashes ``done`` and goes back to the person's ``anchor`` section; a refusal
    shows the form again. ``page`` is the rest of what ``form_page`` takes."""

    def save() -> tuple[str, str]:
        write()
        return done, back(employee, anchor)

    return form_page(form, save=save, employee=employee, **page)


def correction_page(
    record: Any,
    form: FlaskForm,
    correct: Callable[..., object],
    fields: list[str],
    *,
    done: str,
    anchor: str,
    title: Callable[[Employee], str],
) -> Any:
    """hr's correction of one ``record``: the form shows its ``fields`` and the version read,
    and a valid POST calls ``correct(record, *fields' values, actor, expected_version)``, so a
    save over someone else's change is refused. ``title`` words the page for the person."""
    employee = queries.employee_of(record)
    return record_page(
        form,
        employee,
        write=lambda: correct(
            record, *submitted(form, fields), actor=user(), expected_version=form.version.data
        ),
        done=done,
        anchor=anchor,
        initial=current(record, *fields, "version"),
        title=title(employee),
        fields=fields,
    )


@dataclass(frozen=True)
class Correction:
    """hr's correction page of one record kind: its URL ``rule`` and view ``endpoint``, what it
    loads, its form and use case, the ``fields`` it shows, what is flashed, the person's page
    section it goes back to, and its title (of the record and its person)."""

    rule: str
    load: Load
    endpoint: str
    form: Callable[[], FlaskForm]
    correct: Callable[..., object]
    fields: tuple[str, ...]
    done: str
    anchor: str
    title: Callable[[Any, Employee], str]


def correction_route(spec: Correction) -> None:
    """Register hr's correction page of one record kind (``correction_page`` for its record)."""

    def edit(**loaded: Any) -> Any:
        record = loaded[spec.load.name]
        return correction_page(
            record,
            spec.form(),
            spec.correct,
            list(spec.fields),
            done=spec.done,
            anchor=spec.anchor,
            title=lambda employee: spec.title(record, employee),
        )

    edit.__name__ = spec.endpoint
    edit.__doc__ = f"Correct the record at {spec.rule} (hr)."
    bp.route(spec.rule, methods=["GET", "POST"])(permission("hr", spec.load)(edit))


def act(do: Callable[[], Any], done: str | Callable[[], str], target: str) -> Any:
    """A bare button's action: flash the refusal's message or ``done``, then go to ``target``."""
    try:
        do()
    except RecordError as error:
        flash(error.message, "error")
    else:
        flash(done if isinstance(done, str) else done(), "success")
    return redirect(target)


def delete(row: Any, done: str, anchor: str) -> Any:
    """Delete a record, then back to its person's section."""
    employee = queries.employee_of(row)
    return act(lambda: records.delete_record(row, actor=user()), done, back(employee, anchor))


def delete_route(
    rule: str, load: Load, endpoint: str, done: str | Callable[[Any], str], anchor: str
) -> None:
    """hr's delete button of one record kind: a POST to ``rule`` (the view ``endpoint``) loads
    and checks the record through ``load``, deletes it and goes back to its person's ``anchor``
    section with ``done`` (or what ``done`` says of the record)."""

    def remove(**loaded: Any) -> Any:
        row = loaded[load.name]
        return delete(row, done if isinstance(done, str) else done(row), anchor)

    remove.__name__ = endpoint
    remove.__doc__ = f"Delete the record at {rule} (hr)."
    bp.route(rule, methods=["POST"])(permission("hr", load)(remove))
