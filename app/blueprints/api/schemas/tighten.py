"""The limits every request body has, written into its schema for the OpenAPI document.

spec.check_body and the services refuse the same things in every body, at any depth: text
with control characters (other than tab and newlines) or a lone surrogate, a number of
NUMBER_LIMIT or more, a date outside EARLIEST_YEAR..LATEST_YEAR, an id no row can have, and a
required text left blank. ``tightened`` copies a request schema with those limits declared,
so a client (or a fuzzer) reads from the document what the server refuses with 422.
"""

from __future__ import annotations

import copy
from typing import Any

from app.kernel.fields import EARLIEST_YEAR, ID_MAX, LATEST_YEAR

NUMBER_LIMIT = 10**15  # spec.NUMBER_LIMIT: numbers at any depth are below it

# Lone surrogates are refused too (422), but a portable regex cannot say so.
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f"
TEXT_PATTERN = f"^[^{_CONTROL}]*$"  # no control characters (tab, newlines allowed)
FILLED_PATTERN = f"^[^{_CONTROL}]*[^{_CONTROL}\\s][^{_CONTROL}]*$"  # and not blank
QUERY_TEXT_PATTERN = "^[^\\x00-\\x1f\\x7f]*$"  # query text: no control characters at all
QUERY_FILLED_PATTERN = "^[^\\x00-\\x1f\\x7f]*[^\\x00-\\x1f\\x7f\\s][^\\x00-\\x1f\\x7f]*$"
QUERY_TEXT_MAX = 200  # spec._parse_text


def year_pattern(first: int, last: int) -> str:
    """A YYYY-MM-DD pattern whose year is from ``first`` to ``last`` (both in 1000-9999)."""
    years: list[str] = []
    year = first
    while year <= last:
        if year % 100 == 0 and year + 99 <= last:
            years.append(f"{year // 100}[0-9]{{2}}")
            year += 100
        elif year % 10 == 0 and year + 9 <= last:
            years.append(f"{year // 10}[0-9]")
            year += 10
        else:
            years.append(str(year))
            year += 1
    return f"^({'|'.join(years)})-[0-9]{{2}}-[0-9]{{2}}$"


BODY_DATE_PATTERN = year_pattern(EARLIEST_YEAR, LATEST_YEAR)


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if kind is None:
        return set()
    return set(kind) if isinstance(kind, list) else {kind}


def _string(schema: dict[str, Any], *, filled: bool) -> None:
    if "enum" in schema:
        return
    if schema.get("format") == "date":
        schema.setdefault("pattern", BODY_DATE_PATTERN)
        if "null" in _types(schema):  # a blank optional date is taken as none
            day = {"type": "string", "format": "date", "pattern": schema.pop("pattern")}
            del schema["type"], schema["format"]
            schema["anyOf"] = [day, {"type": "string", "maxLength": 0}, {"type": "null"}]
        return
    if "format" in schema:  # an email: its format has no blank and no control character
        return
    if "pattern" in schema:  # codes and money: their own patterns hold no control character
        if filled:
            schema.setdefault("minLength", 1)
        return
    if filled:
        schema["pattern"] = FILLED_PATTERN
        schema["minLength"] = 1
    else:
        schema["pattern"] = TEXT_PATTERN


def _number(schema: dict[str, Any], name: str) -> None:
    types = _types(schema)
    if name.endswith("_id") and "integer" in types:
        schema.setdefault("minimum", 1)
        schema.setdefault("maximum", ID_MAX)
        return
    schema.setdefault("exclusiveMinimum", -NUMBER_LIMIT)
    schema.setdefault("exclusiveMaximum", NUMBER_LIMIT)


def _tighten(schema: dict[str, Any], name: str = "", filled: bool = False) -> None:
    """Declare the limits on ``schema`` in place (it is a copy)."""
    types = _types(schema)
    if "string" in types:
        _string(schema, filled=filled)
    if types & {"integer", "number"}:
        _number(schema, name)
    if "array" in types and isinstance(schema.get("items"), dict):
        _tighten(schema["items"], name)
    if "object" in types:
        required = set(schema.get("required", ()))
        for key, value in schema.get("properties", {}).items():
            _tighten(value, key, filled=key in required)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            schema["propertyNames"] = {"pattern": TEXT_PATTERN}
            _tighten(extra)


def tightened(
    schema: dict[str, Any], resolve: Any, filled_fields: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A copy of request schema ``schema`` with the server's limits declared; ``$ref``s are
    followed through ``resolve`` (name -> schema) and inlined. ``filled_fields`` are
    top-level texts that must not be blank although not required (a PATCH's required ones)."""
    copied = _inline(copy.deepcopy(schema), resolve)
    _tighten(copied)
    for key in filled_fields:
        prop = copied.get("properties", {}).get(key)
        if isinstance(prop, dict) and "string" in _types(prop) and "enum" not in prop:
            if prop.get("pattern") == TEXT_PATTERN:
                prop["pattern"] = FILLED_PATTERN
            if "format" not in prop:
                prop["minLength"] = 1
    return copied


def _inline(schema: Any, resolve: Any) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(copy.deepcopy(resolve(schema["$ref"].rsplit("/", 1)[-1])), resolve)
        return {key: _inline(value, resolve) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(item, resolve) for item in schema]
    return schema
