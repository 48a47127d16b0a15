"""One collector of field messages, with the parsers of every kind of input.

Every area parses its input (a form, a JSON body, a CSV row, a command line) through a
``FieldErrors``: each parser answers the value, or None after recording a message on its field
that says what to fix. Once everything is parsed, ``raise_if_any()`` refuses the whole input at
once, so a caller hears about every problem together and a refused write changes nothing.

Dates are ``YYYY-MM-DD`` only, money and numbers use ASCII digits only (docs/API.md
conventions). Each parser takes the field's ``name`` (the key the error is filed under), the
``value`` as received, and a ``label`` used in the messages ("hire date"). ``missing`` and
``message`` replace the default wording where an area words a refusal its own way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar

from app.kernel.errors import Conflict, DomainError, Invalid
from app.kernel.words import plural

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")
ASCII_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\n\r\t]")
CODE_PATTERN = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
CODE_MAX = 40
ID_MAX = 2**31 - 1
"""Ids are 32-bit integers: a larger number names no row (and PostgreSQL refuses to compare it)."""
MONEY_MAX = Decimal("1000000.00")
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off"})


def blank(value: Any) -> bool:
    """Nothing was given: None or an empty (or all-space) string."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def clean_search(value: Any, max_length: int = 100) -> str | None:
    """A search or filter term without control characters (PostgreSQL refuses NUL), or None."""
    if value is None:
        return None
    text = CONTROL.sub("", str(value)).strip()[:max_length]
    return text or None


def is_code(value: str) -> bool:
    """Is ``value`` a catalogue code: upper-case letters, digits and single hyphens?"""
    return 0 < len(value) <= CODE_MAX and CODE_PATTERN.match(value) is not None


def range_message(label: str, minimum: Any, maximum: Any) -> str:
    """'<Label> must be from 1 to 5.' (or 'or more' / 'or less' for an open range)."""
    label = capitalised(label)
    if minimum is not None and maximum is not None:
        return f"{label} must be from {minimum} to {maximum}."
    if minimum is not None:
        return f"{label} must be {minimum} or more."
    return f"{label} must be {maximum} or less."


_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?"
EMAIL = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@({_LABEL}(?:\.{_LABEL})+)")
EMAIL_HINT = "an email address like name@example.com"


def email_address(value: Any) -> str | None:
    """The address lower-cased, or None when ``value`` is not an email address.

    Only the form is checked (local part @ a domain of two labels or more), never where the
    domain lives: intranet domains such as ``corp.local``, ``contact.internal`` and
    ``example.test`` are addresses like any other. The one check of an address, used by the
    API, the forms and the command line alike.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = EMAIL.fullmatch(text)
    if match is None or len(text) > 254 or len(match.group(1)) > 64:
        return None
    return text.lower()


Row = TypeVar("Row")


def assign(row: Row, values: Mapping[str, Any]) -> Row:
    """Set each checked value on ``row`` (a model: its columns and the entries it names), the
    last step of every edit once its parsers accepted the input; answers the row."""
    for key, value in values.items():
        setattr(row, key, value)
    return row


def capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def to_date(value: Any) -> date | None:
    """A ``date`` from a date, a datetime or a strict ``YYYY-MM-DD`` string; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a number or an ASCII-digit string (commas as thousands); or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None
    text = str(value).strip().replace(",", "")
    if not ASCII_DECIMAL.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


class FieldErrors:
    """Collects field messages while values are parsed, then refuses them all at once.

    ``prefix`` is put before every field name, for the rows of a list (``requirements[2].``).
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.errors: dict[str, list[str]] = {}
        self.duplicates: dict[str, int] = {}

    # ------------------------------------------------------------------ collecting

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(self.prefix + name, []).append(message)

    def duplicate(self, name: str, message: str) -> None:
        """File a clash with existing data (docs/API.md: a duplicate is 409, not 422)."""
        self.add(name, message)
        key = self.prefix + name
        self.duplicates[key] = self.duplicates.get(key, 0) + 1

    def merge(self, other: FieldErrors | dict[str, list[str]]) -> None:
        errors = other.errors if isinstance(other, FieldErrors) else other
        for name, messages in errors.items():
            self.errors.setdefault(name, []).extend(messages)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __contains__(self, name: str) -> bool:
        return self.prefix + name in self.errors

    def summary(self, many: str | None = None) -> str:
        """The refusal's headline: the only message, or the first and how many more."""
        messages = [m for ms in self.errors.values() for m in ms]
        if len(messages) == 1 or (many is not None and len(self.errors) == 1):
            return messages[0]
        if many is not None:
            return many
        return f"{messages[0]} (and {plural(len(messages) - 1, 'more problem')})"

    invalid_kind: ClassVar[type[DomainError]] = Invalid
    """What an area's collector refuses with (422); an area's subclass names its own kind."""
    conflict_kind: ClassVar[type[DomainError]] = Conflict
    """What it refuses with when every message is a duplicate (409)."""
    money_max: ClassVar[Decimal] = MONEY_MAX
    """The largest amount ``money`` takes; an area whose columns hold more names its own."""

    def raise_if_any(
        self,
        many: str | None = None,
        kind: type[DomainError] | None = None,
        conflict: type[DomainError] | None = None,
    ) -> None:
        """Refuse with every collected message; ``many`` is the headline for several fields.

        When every message is a duplicate (``duplicate``), the refusal is ``conflict`` (409);
        otherwise ``kind`` (422), with the duplicates among the messages. Either defaults to
        the collector's ``conflict_kind`` / ``invalid_kind``."""
        if not self.errors:
            return
        only_duplicates = all(
            self.duplicates.get(name) == len(messages) for name, messages in self.errors.items()
        )
        if only_duplicates:
            raise (conflict or self.conflict_kind)(self.summary(many), self.errors)
        raise (kind or self.invalid_kind)(self.summary(many), self.errors)

    # ------------------------------------------------------------------ values

    def email(self, name: str, value: Any, label: str = "email") -> str | None:
        """An email address, lower-cased (``email_address``); None after filing a message."""
        text = self.text(name, value, label, max_length=254)
        if text is None:
            return None
        address = email_address(text)
        if address is None:
            self.add(name, f"{text!r} is not {EMAIL_HINT}.")
        return address

    def _missing(self, name: str, label: str, required: bool, missing: str | None) -> None:
        if required:
            self.add(name, missing or f"Enter the {label}.")

    def text(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        required: bool = True,
        max_length: int = 200,
        default: str | None = None,
        multiline: bool = False,
        missing: str | None = None,
    ) -> str | None:
        """Trimmed text without control characters (and, unless multiline, on one line)."""
        if (
            value is not None
            and not isinstance(value, str | int | Decimal)
            or isinstance(value, bool)
        ):
            self.add(name, f"{capitalised(label)} must be text.")
            return None
        text = "" if value is None else str(value).strip()
        if CONTROL.search(text) or (not multiline and LINE_BREAKS.search(text)):
            self.add(
                name,
                f"{capitalised(label)} contains characters that are not allowed (control codes).",
            )
            return None
        if not text:
            if default is None:
                self._missing(name, label, required, missing)
            return default
        if len(text) > max_length:
            self.add(
                name,
                f"{capitalised(label)} is {len(text)} characters long; keep it to {max_length}.",
            )
            return None
        return text

    def code(
        self, name: str, value: Any, label: str = "code", *, required: bool = True
    ) -> str | None:
        """A catalogue code, upper-cased: letters, digits and single hyphens."""
        text = "" if value is None else str(value).strip().upper()
        if not text:
            if required:
                self.add(name, f"Enter a {label.lower()}, e.g. PCI-AWARE.")
            return None
        if len(text) > CODE_MAX:
            self.add(name, f"A code has at most {CODE_MAX} characters.")
            return None
        if not CODE_PATTERN.match(text):
            self.add(
                name, "Use upper-case letters, digits and single hyphens only, e.g. PCI-AWARE."
            )
            return None
        return text

    def code_list(self, name: str, value: Any, label: str) -> list[str] | None:
        """A list of codes (or one string of them), upper-cased, without duplicates, in order."""
        if value is None:
            return []
        if isinstance(value, str):
            value = [part for part in re.split(r"[\s,]+", value) if part]
        if not isinstance(value, list | tuple):
            self.add(name, f"{capitalised(label)} must be a list of codes.")
            return None
        codes: list[str] = []
        for item in value:
            code = str(item).strip().upper() if item is not None else ""
            if not is_code(code):
                self.add(name, f"{item!r} is not a code (upper-case letters, digits, hyphens).")
                return None
            if code not in codes:
                codes.append(code)
        return codes

    def integer(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = True,
        missing: str | None = None,
        message: str | None = None,
    ) -> int | None:
        """A whole number written with ASCII digits, within [minimum, maximum]."""
        if blank(value):
            self._missing(name, label, required, missing)
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, Decimal | float):
            decimal = to_decimal(value)
            if decimal is not None and decimal == decimal.to_integral_value():
                number = int(decimal)
        elif (
            isinstance(value, str)
            and ASCII_INTEGER.fullmatch(value.strip())
            and len(value.strip()) <= 18
        ):
            number = int(value.strip())
        if number is None:
            self.add(name, message or f"{capitalised(label)} must be a whole number.")
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.add(name, message or range_message(label, minimum, maximum))
            return None
        return number

    def decimal(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        places: int | None = 2,
        required: bool = True,
        strictly_above: Decimal | None = None,
        missing: str | None = None,
        message: str | None = None,
    ) -> Decimal | None:
        """An exact Decimal written with ASCII digits, at most ``places`` decimals, in range."""
        if blank(value):
            self._missing(name, label, required, missing)
            return None
        number = to_decimal(value)
        if number is None:
            self.add(name, message or f"{capitalised(label)} must be a number, e.g. 12.50.")
            return None
        # The range before the places: a huge number would overflow the quantize's precision.
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.add(name, message or range_message(label, minimum, maximum))
            return None
        if strictly_above is not None and number <= strictly_above:
            self.add(name, message or f"{capitalised(label)} must be more than {strictly_above}.")
            return None
        if places is None:
            return number
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places:
            self.add(name, f"{capitalised(label)} has at most {plural(places, 'decimal place')}.")
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def money(self, name: str, value: Any, label: str) -> Decimal | None:
        """Money: an exact Decimal from 0 to ``money_max`` with at most two decimals (cents)."""
        return self.decimal(name, value, label, minimum=Decimal("0"), maximum=self.money_max)

    def boolean(
        self, name: str, value: Any, label: str, *, default: bool | None = None
    ) -> bool | None:
        """true/false, yes/no, on/off, 1/0; blank is ``default`` (None: required)."""
        if isinstance(value, bool):
            return value
        if blank(value):
            if default is None:
                self.add(name, f"Say whether {label}: yes or no.")
            return default
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.add(name, f"{capitalised(label)} must be true or false.")
        return None

    def date(
        self,
        name: str,
        value: Any,
        label: str,
        *,
        required: bool = True,
        latest: date | None = None,
        latest_reason: str | None = None,
        missing: str | None = None,
        message: str | None = None,
    ) -> date | None:
        """A real date written YYYY-MM-DD, between 1900 and 2100 and not after ``latest``.

        ``latest_reason`` says why a later date is refused ("cannot be in the future").
        """
        if blank(value):
            self._missing(name, label, required, missing)
            return None
        parsed = to_date(value)
        if parsed is None:
            self.add(
                name,
                message or f"Enter the {label} as a real date written YYYY-MM-DD, e.g. 2026-01-31.",
            )
            return None
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            self.add(
                name,
                f"The {label} {parsed.isoformat()} is out of range: use a year from "
                f"{EARLIEST_YEAR} to {LATEST_YEAR}.",
            )
            return None
        if latest is not None and parsed > latest:
            self.add(
                name,
                latest_reason or f"The {label} cannot be after {latest.isoformat()}.",
            )
            return None
        return parsed

    def choice(
        self, name: str, value: Any, label: str, allowed: Iterable[str], *, required: bool = True
    ) -> str | None:
        """One of ``allowed`` (case as given), or a message listing them."""
        options = list(allowed)
        if blank(value):
            if required:
                self.add(name, f"Choose the {label}: one of {', '.join(options)}.")
            return None
        text = str(value).strip()
        if text not in options:
            self.add(name, f"The {label} must be one of {', '.join(options)}, not {text[:40]!r}.")
            return None
        return text
