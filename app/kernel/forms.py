"""The glue between the services and WTForms, written once for every area's pages.

- ``options(pairs)``: select choices from (value, label) pairs, optionally in an optgroup;
- ``apply_errors(form, errors, aliases)``: put a refusal's field messages on the form's fields
  (``aliases`` maps a service field name to the form's), the rest above the form;
- ``refuse(form, error, aliases)``: the same for a ``DomainError``, answering the status the page
  is rendered with (422 for invalid input, 409 for a conflict, 403 when not allowed);
- ``show(form, values)``: put values in a form's fields as it shows them (``current(row, ...)``
  gives an edit form the row's own);
- ``DATE_INPUT``: the attributes of every date field, written the way labels and messages say
  (YYYY-MM-DD). A browser's own date input shows the reader's locale (mm/dd/yyyy), so no page
  uses ``type="date"``; ``date_attrs`` is the same as HTML attributes for hand-written inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from wtforms.fields.choices import SelectChoice

from app.kernel.errors import DomainError

PAGE_STATUSES = (403, 409, 422)
DATE_FORMAT = "YYYY-MM-DD"
DATE_INPUT = {
    "type": "text",
    "placeholder": DATE_FORMAT,
    "maxlength": "10",
    "autocomplete": "off",
    "spellcheck": "false",
    "class": "date-input",
}


def date_attrs() -> str:
    """``DATE_INPUT`` as HTML attributes, for an input a template writes itself."""
    return " ".join(f'{name}="{value}"' for name, value in DATE_INPUT.items())


SKIPPED_FIELDS = ("csrf_token", "submit")


def options(pairs: Iterable[tuple[Any, str]], optgroup: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices, optionally inside an optgroup."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


def apply_errors(
    form: Any, errors: Mapping[str, list[str]], aliases: Mapping[str, str] | None = None
) -> list[str]:
    """Put field messages on the matching form fields; the others go above the form.

    Answers the messages that matched no field (they are in ``form.form_errors`` as well).
    """
    aliases = aliases or {}
    form.form_errors = list(getattr(form, "form_errors", []) or [])
    fields = getattr(form, "_fields", {})
    leftover: list[str] = []
    for key, messages in errors.items():
        name = aliases.get(key, key)
        if name in fields and name not in SKIPPED_FIELDS:
            field = fields[name]
            field.errors = [*list(field.errors or []), *messages]
        else:
            leftover.extend(messages)
    form.form_errors.extend(leftover)
    return leftover


def refuse(form: Any, error: DomainError, aliases: Mapping[str, str] | None = None) -> int:
    """Show a refusal on its form; answer the status to render the form again with."""
    apply_errors(form, error.errors, aliases)
    if not error.errors and error.message not in form.form_errors:
        form.form_errors.append(error.message)
    return error.status if error.status in PAGE_STATUSES else 422


def current(row: Any, *names: str) -> dict[str, Any]:
    """An edit form's values: the row's own, field by field."""
    return {name: getattr(row, name) for name in names}


def show(form: Any, values: Mapping[str, Any]) -> None:
    """Put ``values`` (field name: value) in the form as it shows them: a date as YYYY-MM-DD,
    nothing as empty, anything else as its text."""
    for name, value in values.items():
        if value is None:
            value = ""
        form[name].data = value.isoformat() if isinstance(value, date) else str(value)
