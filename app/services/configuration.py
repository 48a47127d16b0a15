"""Editing the (cfg) settings of docs/RULES.md: parse, validate and store them, all or nothing.

The specs, defaults and readers live in ``app.services.settings``; this module is the write
side used by the settings page and the API. Values arrive either as the text a person typed
(``"90, 60, 30, 7"``, ``"A: 100"`` lines) or as structured JSON values, and are stored in one
canonical shape per kind, the same shape as the defaults in SPECS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import g, has_app_context
from sqlalchemy import select

from app.extensions import db
from app.kernel.fields import FieldErrors
from app.models import AppSetting
from app.services import settings
from app.services.catalogue.errors import InvalidEntry, UnknownEntry, write

# Inclusive bounds for whole-number settings; a careful default for any spec not listed.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "expiring_window_days": (0, 3650),
    "certification_grace_days": (0, 3650),
    "ready_threshold": (0, 100),
    "competency_months_per_level": (1, 120),
    "assessment_lead_days": (0, 3650),
    "education_default_months": (1, 240),
    "default_course_duration_days": (1, 3650),
    "unscheduled_lead_days": (0, 3650),
    "adverse_action_days": (0, 365),
    "band_6m_months": (0, 120),
    "band_1y_months": (0, 120),
    "band_2y_months": (0, 240),
    "adverse_action_wait_business_days": (1, 60),
    "manager_reminder_from_days": (0, 365),
    "check_retention_years": (1, 50),
    "upload_retention_years": (1, 50),
}
DEFAULT_INT_BOUNDS = (0, 100000)
DECIMAL_MAX = Decimal("1000000.00")
RATER_GROUPS_COUNTED = ("manager", "peer", "direct_report", "other")
# No 360 minimum below these (docs/RULES.md "Collecting 360 feedback"): a group of two peers
# or two direct reports could tell who said what.
MIN_RESPONSES_FLOORS = {"peer": 3, "direct_report": 3}


def floored_minimums(minimums: Mapping[str, Any] | None) -> dict[str, int]:
    """360 minimums as every 360 applies them: no peer or direct-report group below its floor
    (whatever was stored: by an older release, straight into the table, or kept with a 360)
    and the self group shown with one response (SECURITY.md finding 5)."""
    result = {str(k): int(v) for k, v in dict(minimums or {}).items()}
    for group, floor in MIN_RESPONSES_FLOORS.items():
        result[group] = max(result.get(group, floor), floor)
    result.setdefault("self", 1)
    return result


GRADE_PATTERN = re.compile(r"^[A-Z0-9+\-]{1,10}$")

# What the text box of each kind looks like, for the page's hints.
TEXT_HINTS: dict[str, str] = {
    "int_list": "Whole numbers separated by commas, e.g. 90, 60, 30, 7.",
    "dict_int": "One line per group: group: number, e.g. peer: 3.",
    "dict_decimal": "One line per grade: grade: percent paid, e.g. B: 75.",
    "schedule": (
        "One line per band: months since payment (upper bound, exclusive): percent repaid, "
        "e.g. 12: 75. From the last bound on, nothing is repaid."
    ),
    "decimal": "An amount with up to 2 decimals, e.g. 5250.00.",
    "bool": "yes or no.",
}


class _Refused(Exception):
    """One setting's value is not acceptable; the message says why."""


@dataclass(frozen=True)
class SettingRow:
    """One setting as the settings page shows it."""

    spec: settings.SettingSpec
    value: Any
    text: str
    default_text: str
    changed: bool
    multiline: bool
    hint: str


def _lines(raw: str) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = re.fullmatch(r"([^:=]+?)\s*[:=]\s*(.+)", line)
        if not match:
            raise _Refused(f"Line {number} ({line[:30]}) needs the form name: value.")
        pairs.append((match.group(1).strip(), match.group(2).strip()))
    return pairs


def _int(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _Refused(f"{what} must be a whole number.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        number = int(value)
    else:
        raise _Refused(f"{what} must be a whole number.")
    if not low <= number <= high:
        raise _Refused(f"{what} must be from {low} to {high}.")
    return number


def _decimal(value: Any, what: str, low: Decimal, high: Decimal, places: int = 2) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise _Refused(f"{what} must be a number.")
    try:
        number = Decimal(str(value).strip().replace(",", "").rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise _Refused(f"{what} must be a number, e.g. 75.") from None
    if not number.is_finite():
        raise _Refused(f"{what} must be a number, e.g. 75.")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise _Refused(f"{what} has at most {places} decimal places.")
    if not low <= number <= high:
        raise _Refused(f"{what} must be from {low} to {high}.")
    return number


def _plain(number: Decimal) -> str:
    """75 -> "75", 12.5 -> "12.5": percentages stored without trailing zeros."""
    return format(number.normalize(), "f")


def parse(spec: settings.SettingSpec, raw: Any) -> Any:
    """The canonical stored value for ``raw`` (text or structured), or _Refused."""
    parser = PARSERS.get(spec.kind)
    if parser is None:
        raise _Refused(f"Settings of kind {spec.kind} cannot be edited here.")
    return parser(spec.key, raw)


def _parse_int(key: str, raw: Any) -> int:
    low, high = INT_BOUNDS.get(key, DEFAULT_INT_BOUNDS)
    if isinstance(raw, str) and not raw.strip():
        raise _Refused("Enter a whole number.")
    return _int(raw, "The value", low, high)


def _parse_decimal(key: str, raw: Any) -> str:
    if isinstance(raw, str) and not raw.strip():
        raise _Refused("Enter an amount, e.g. 5250.00.")
    return f"{_decimal(raw, 'The amount', Decimal('0'), DECIMAL_MAX):.2f}"


def _parse_bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("yes", "true", "on", "1"):
        return True
    if text in ("no", "false", "off", "0"):
        return False
    raise _Refused("Enter yes or no.")


def _parse_str(key: str, raw: Any) -> str:
    text = str(raw if raw is not None else "").strip()
    if key == "currency":
        text = text.upper()
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise _Refused("Enter a three-letter ISO 4217 currency code, e.g. USD.")
        return text
    if not text or len(text) > 200 or re.search(r"[\x00-\x1f\x7f]", text):
        raise _Refused("Enter a value of at most 200 characters, without control codes.")
    return text


def _parse_int_list(key: str, raw: Any) -> list[int]:
    items = [p for p in re.split(r"[\s,;]+", raw) if p] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not items:
        raise _Refused("List at least one number of days, e.g. 90, 60, 30, 7.")
    numbers = [_int(item, f"{item}", 1, 365) for item in items]
    if len(set(numbers)) != len(numbers):
        raise _Refused("Each number may appear once.")
    if len(numbers) > 10:
        raise _Refused("List at most 10 numbers.")
    return sorted(numbers, reverse=True)


def _parse_dict_int(key: str, raw: Any) -> dict[str, int]:
    pairs = _lines(raw) if isinstance(raw, str) else _pairs(raw)
    result: dict[str, int] = {}
    for name, value in pairs:
        group = name.strip().lower().replace(" ", "_").replace("-", "_")
        if key == "min_responses" and group not in RATER_GROUPS_COUNTED:
            raise _Refused(f"{name} is not a rater group; use {', '.join(RATER_GROUPS_COUNTED)}.")
        if group in result:
            raise _Refused(f"{name} is listed twice.")
        low = MIN_RESPONSES_FLOORS.get(group, 1) if key == "min_responses" else 1
        result[group] = _int(value, f"The minimum for {group}", low, 50)
    if key == "min_responses":
        missing = [g for g in RATER_GROUPS_COUNTED if g not in result]
        if missing:
            raise _Refused(f"Give a minimum for every group; missing: {', '.join(missing)}.")
        return {group: result[group] for group in RATER_GROUPS_COUNTED}
    if not result:
        raise _Refused("Enter at least one line.")
    return result


def _parse_dict_decimal(key: str, raw: Any) -> dict[str, str]:
    pairs = _lines(raw) if isinstance(raw, str) else _pairs(raw)
    grades: dict[str, str] = {}
    for name, value in pairs:
        grade = name.strip().upper()
        if not GRADE_PATTERN.match(grade):
            raise _Refused(f"{name} is not a grade (letters, digits, + or -).")
        if grade in grades:
            raise _Refused(f"Grade {grade} is listed twice.")
        percent = _decimal(value, f"The percentage for {grade}", Decimal(0), Decimal(100))
        grades[grade] = _plain(percent)
    if not grades:
        raise _Refused("List at least one grade, e.g. A: 100.")
    if len(grades) > 20:
        raise _Refused("List at most 20 grades.")
    return grades


def _schedule_rows(raw: Any) -> list[tuple[int, Decimal]]:
    """The bands as (months bound, share): from "12: 75" lines or [12, "0.75"] pairs."""
    if isinstance(raw, str):
        return [
            (
                _int(months, f"The months bound {months}", 1, 600),
                _decimal(share, f"The percentage for {months}", Decimal(0), Decimal(100))
                / Decimal(100),
            )
            for months, share in _lines(raw)
        ]
    if not isinstance(raw, list | tuple):
        raise _Refused("Enter one band per line, e.g. 12: 75.")
    rows = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise _Refused('Each band is [months, share], e.g. [12, "0.75"].')
        rows.append(
            (
                _int(item[0], "A months bound", 1, 600),
                _decimal(item[1], "A share", Decimal(0), Decimal(1), places=4),
            )
        )
    return rows


def _parse_schedule(key: str, raw: Any) -> list[list[Any]]:
    rows = _schedule_rows(raw)
    if not rows:
        raise _Refused("Enter at least one band, e.g. 6: 100.")
    previous_months, previous_share = 0, Decimal(1)
    for months, share in rows:
        if months <= previous_months:
            raise _Refused("Months bounds must go up from line to line.")
        if share > previous_share:
            raise _Refused("A later band cannot repay a larger share than an earlier one.")
        previous_months, previous_share = months, share
    return [[months, f"{share:.2f}"] for months, share in rows]


# One parser per kind of setting: (key, raw) -> the canonical stored value, or _Refused.
PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "int": _parse_int,
    "decimal": _parse_decimal,
    "bool": _parse_bool,
    "str": _parse_str,
    "int_list": _parse_int_list,
    "dict_int": _parse_dict_int,
    "dict_decimal": _parse_dict_decimal,
    "schedule": _parse_schedule,
}


def _pairs(raw: Any) -> list[tuple[str, Any]]:
    if not isinstance(raw, Mapping):
        raise _Refused("Enter name: value pairs.")
    return [(str(k), v) for k, v in raw.items()]


def to_text(spec: settings.SettingSpec, value: Any) -> str:
    """The text a person edits for ``value`` (the inverse of ``parse`` on text)."""
    kind = spec.kind
    if kind == "int_list":
        return ", ".join(str(v) for v in value)
    if kind in ("dict_int", "dict_decimal"):
        return "\n".join(f"{k}: {v}" for k, v in dict(value).items())
    if kind == "schedule":
        return "\n".join(
            f"{months}: {_plain(Decimal(str(share)) * 100)}" for months, share in value
        )
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)


def rows() -> list[SettingRow]:
    """Every setting with its current value, its default and whether HR changed it."""
    values = settings.all_values()
    result = []
    for spec in settings.SPECS:
        value = values[spec.key]
        result.append(
            SettingRow(
                spec=spec,
                value=value,
                text=to_text(spec, value),
                default_text=to_text(spec, spec.default),
                changed=_canonical(spec, value) != _canonical(spec, spec.default),
                multiline=spec.kind in ("dict_int", "dict_decimal", "schedule"),
                hint=TEXT_HINTS.get(spec.kind, ""),
            )
        )
    return result


def _canonical(spec: settings.SettingSpec, value: Any) -> Any:
    try:
        return parse(spec, value)
    except _Refused:
        return value


@write
def update_settings(values: Mapping[str, Any]) -> list[str]:
    """Validate every value, then store the changed ones in one commit; refuse all on any error.

    A value equal to its default removes the override, so the setting follows the default.
    Answers the keys that changed.
    """
    problems = FieldErrors()
    parsed: dict[str, Any] = {}
    for key, raw in values.items():
        spec = settings.SPEC_BY_KEY.get(key)
        if spec is None:
            problems.add(key, f"There is no setting called {key}.")
            continue
        try:
            parsed[key] = parse(spec, raw)
        except _Refused as refused:
            problems.add(key, str(refused))
    if problems:
        raise InvalidEntry(_refusal(problems.errors), problems.errors)
    current = settings.all_values()
    changed = []
    for key, value in parsed.items():
        spec = settings.SPEC_BY_KEY[key]
        if value == _canonical(spec, current[key]):
            continue
        if value == _canonical(spec, spec.default):
            _remove_override(key)
        else:
            settings.set_value(key, value)
        changed.append(key)
    _forget_cache()
    return changed


def _refusal(errors: dict[str, list[str]]) -> str:
    """The headline: one setting's label and message, or that several are not valid."""
    first = next(iter(errors.values()))[0]
    spec = settings.SPEC_BY_KEY.get(next(iter(errors)))
    label = spec.label if spec is not None and len(errors) == 1 else ""
    return f"{label}: {first}" if label else "Some settings are not valid; nothing changed."


@write
def reset_setting(key: str) -> None:
    """Go back to the default of docs/RULES.md for ``key``."""
    if key not in settings.SPEC_BY_KEY:
        raise UnknownEntry(f"There is no setting called {key}.")
    _remove_override(key)
    _forget_cache()


def _remove_override(key: str) -> None:
    row = db.session.scalar(select(AppSetting).where(AppSetting.key == key))
    if row is not None:
        db.session.delete(row)  # the audit trail keeps the old value
        db.session.flush()
    _forget_cache()


def _forget_cache() -> None:
    if has_app_context():
        g.pop("_settings", None)


__all__ = ["SettingRow", "parse", "reset_setting", "rows", "to_text", "update_settings"]
