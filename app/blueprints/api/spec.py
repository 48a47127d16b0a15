"""How an API view is declared, and the helpers that read its input by that declaration.

Every view is registered through ``api_route``: its path and method, the permission it needs
(app.policy), its query parameters, the schema of its request body and of its answer. The same
declaration then drives the input checks (``query_args``, ``json_body``: unknown fields, wrong
JSON types, bad parameters are 422 naming the field) and the OpenAPI document (openapi.py walks
app.url_map and reads the declarations), so the document cannot drift from the code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask import jsonify, request, url_for

from app import policy
from app.blueprints.api.schemas import COMPONENTS
from app.blueprints.api.schemas.tighten import (
    ID_MAX,
    QUERY_FILLED_PATTERN,
    QUERY_TEXT_MAX,
    QUERY_TEXT_PATTERN,
    year_pattern,
)
from app.kernel.errors import DomainError
from app.kernel.words import plural
from app.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from app.pagination import page_of as page_of  # the API modules read it from here

# --------------------------------------------------------------------------- errors


class ApiError(DomainError):
    """An API refusal with its status, a message and per-field messages (docs/API.md errors)."""

    def __init__(
        self, status: int, message: str, errors: Mapping[str, list[str]] | None = None
    ) -> None:
        super().__init__(message, errors)
        self.status = status


def created(payload: dict[str, Any], endpoint: str | None = None, **values: Any) -> Any:
    """201 with ``payload``; with ``endpoint``, its URL (built from ``values``) as Location."""
    response = jsonify(payload)
    if endpoint is not None:
        response.headers["Location"] = url_for(endpoint, **values)
    return response, 201


def invalid(field_name: str, message: str) -> ApiError:
    """422 naming one field."""
    return ApiError(422, message, {field_name: [message]})


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Param:
    """A query parameter: its JSON type, limits and meaning."""

    name: str
    kind: str  # integer, string, date, boolean
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None

    def __post_init__(self) -> None:
        # An id is 32-bit like the request bodies' ids (schemas.tighten): a larger one names no
        # row, and PostgreSQL refuses to compare an integer column with it.
        if self.kind == "integer" and self.name.endswith("_id") and self.maximum is None:
            object.__setattr__(self, "maximum", ID_MAX)

    def schema(self) -> dict[str, Any]:
        """The parameter's schema: what ``_parse_param`` accepts. An empty value is absent, so
        an optional parameter also takes ""."""
        schema: dict[str, Any] = {"type": "string" if self.kind == "date" else self.kind}
        if self.kind == "date":
            schema.update(format="date", pattern=year_pattern(*DATE_RANGE))
        elif self.kind == "string" and not self.enum:
            schema["pattern"] = QUERY_FILLED_PATTERN if self.required else QUERY_TEXT_PATTERN
            schema["maxLength"] = QUERY_TEXT_MAX
        elif self.kind == "integer":  # at most 12 digits (_INTEGER)
            schema["minimum"] = -(10**12 - 1) if self.minimum is None else self.minimum
            schema["maximum"] = 10**12 - 1 if self.maximum is None else self.maximum
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.default is not None:
            schema["default"] = self.default
        if not self.required and (self.kind != "string" or self.enum):
            return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
        return schema


PAGE_PARAMS = (
    Param("page", "integer", "Page number, from 1.", minimum=1, maximum=MAX_PAGE, default=1),
    Param(
        "per_page",
        "integer",
        f"Items per page, 1 to {MAX_PER_PAGE}. More than {MAX_PER_PAGE} is refused with 422 "
        "(not silently clamped), so a client never mistakes a partial list for the whole.",
        minimum=1,
        maximum=MAX_PER_PAGE,
        default=DEFAULT_PER_PAGE,
    ),
)


@dataclass(frozen=True)
class Operation:
    """One API operation (one view function, one method)."""

    endpoint: str
    method: str
    summary: str
    permission: str
    tag: str
    who: str
    body: str | None = None
    response: str | None = None
    status: int = 200
    paged: bool = False
    query: tuple[Param, ...] = ()
    conflict: bool = False
    multipart: bool = False
    description: str = ""

    @property
    def params(self) -> tuple[Param, ...]:
        return self.query + (PAGE_PARAMS if self.paged else ())


OPERATIONS: dict[str, Operation] = {}


def api_route(
    bp: Any,
    rule: str,
    method: str,
    *,
    query: Iterable[Param] = (),
    loads: Iterable[policy.Load] = (),
    open_args: Iterable[str] = (),
    **described: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view under the API blueprint with its permission and its schemas.

    ``described`` are the ``Operation``'s fields, declared there once: permission, summary,
    tag and who (required), body, response, status, paged, conflict, multipart, description.
    ``loads`` and ``open_args`` go to ``policy.permission``: every URL argument is loaded and
    checked by a Load, or named open (the permission itself is the check)."""
    declared = Operation(endpoint="", method=method, query=tuple(query), **described)
    if declared.body is not None and declared.body not in COMPONENTS:
        raise ValueError(f"unknown request schema {declared.body!r}")
    if declared.response is not None and declared.response not in COMPONENTS:
        raise ValueError(f"unknown response schema {declared.response!r}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        endpoint = view.__name__
        if endpoint in OPERATIONS:
            raise ValueError(f"duplicate API endpoint {endpoint!r}")
        OPERATIONS[endpoint] = replace(declared, endpoint=endpoint)
        guarded = policy.permission(declared.permission, *loads, open_args=open_args)(view)
        bp.add_url_rule(rule, endpoint=endpoint, view_func=guarded, methods=[method])
        return guarded

    return decorate


def current_operation() -> Operation:
    endpoint = (request.endpoint or "").split(".", 1)[-1]
    return OPERATIONS[endpoint]


# --------------------------------------------------------------------------- query parameters

_INTEGER = re.compile(r"^[+-]?\d{1,12}$")
DATE_RANGE = (1900, 2200)  # readiness projects years ahead: dates near year 9999 overflow
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _parse_integer(param: Param, raw: str, text: str) -> int:
    if not _INTEGER.match(text):
        raise invalid(param.name, f"{param.name} must be a whole number, not {raw[:40]!r}.")
    value = int(text)
    low, high = param.minimum, param.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            bounds = f"{low} or more"
        elif low is None:
            bounds = f"{high} or less"
        else:
            bounds = f"from {low} to {high}"
        raise invalid(param.name, f"{param.name} must be {bounds}; {value} is outside.")
    return value


def _parse_date(param: Param, raw: str, text: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise invalid(
            param.name,
            f"{param.name} must be a real date written YYYY-MM-DD, e.g. 2026-11-22; "
            f"{raw[:40]!r} is not.",
        ) from None
    if not DATE_RANGE[0] <= day.year <= DATE_RANGE[1]:
        raise invalid(
            param.name,
            f"{param.name} must be a date from {DATE_RANGE[0]} to {DATE_RANGE[1]}.",
        )
    return day


def _parse_boolean(param: Param, raw: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise invalid(param.name, f"{param.name} must be true or false.")


def _parse_text(param: Param, raw: str, text: str) -> str:
    if _CONTROL.search(raw):  # before stripping: "abc\x0c" is refused like "a\x0cbc"
        raise invalid(param.name, f"{param.name} contains control characters.")
    if len(text) > QUERY_TEXT_MAX:
        raise invalid(
            param.name, f"{param.name} is too long ({QUERY_TEXT_MAX} characters at most)."
        )
    if param.enum and text not in param.enum:
        raise invalid(param.name, f"{param.name} must be one of: {', '.join(param.enum)}.")
    return text


_PARSERS: dict[str, Callable[[Param, str, str], Any]] = {
    "integer": _parse_integer,
    "date": _parse_date,
    "boolean": _parse_boolean,
}


def _parse_param(param: Param, raw: str) -> Any:
    return _PARSERS.get(param.kind, _parse_text)(param, raw, raw.strip())


def query_args() -> dict[str, Any]:
    """The declared query parameters of the current operation, checked (422 naming each).

    An empty value counts as absent. Undeclared parameters are ignored.
    """
    operation = current_operation()
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for param in operation.params:
        raw = request.args.get(param.name)
        if raw is None or raw.strip() == "":
            if param.required:
                errors[param.name] = [f"Give {param.name}: {param.description}"]
            values[param.name] = param.default
            continue
        try:
            values[param.name] = _parse_param(param, raw)
        except ApiError as error:
            for key, messages in error.errors.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApiError(422, first, errors)
    return values


# --------------------------------------------------------------------------- request bodies


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _json_types(value: Any) -> set[str]:
    if value is None:
        return {"null"}
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer", "number"}
    if isinstance(value, Decimal | float):
        kinds = {"number"}
        if isinstance(value, Decimal) and value == value.to_integral_value():
            kinds.add("integer")
        return kinds
    if isinstance(value, str):
        return {"string"}
    if isinstance(value, list):
        return {"array"}
    if isinstance(value, dict):
        return {"object"}
    return set()


NUMBER_LIMIT = 10**15  # beyond any id, amount or score; JSON numbers are exact below 2**53


def _too_large(value: Any) -> bool:
    """A number (at any depth) no field of the API can hold: refused before the services."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | Decimal):
        return abs(Decimal(value)) >= NUMBER_LIMIT
    if isinstance(value, list):
        return any(_too_large(item) for item in value)
    if isinstance(value, dict):
        return any(_too_large(item) for item in value.values())
    return False


_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control_characters(value: Any) -> bool:
    """Text (at any depth, keys too) with control characters other than tab and newlines."""
    if isinstance(value, str):
        return _CONTROL_IN_TEXT.search(value) is not None
    if isinstance(value, list):
        return any(_has_control_characters(item) for item in value)
    if isinstance(value, dict):
        return any(
            _has_control_characters(k) or _has_control_characters(v) for k, v in value.items()
        )
    return False


def _type_words(types: list[str]) -> str:
    words = {
        "string": "text",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "array": "a list",
        "object": "an object",
        "null": "null",
    }
    return " or ".join(words.get(t, t) for t in types)


def _resolved(spec: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` followed to the component."""
    while "$ref" in spec:
        spec = COMPONENTS[spec["$ref"].rsplit("/", 1)[-1]]
    return spec


def _unknown_fields(
    value: Any, spec: dict[str, Any], where: str, errors: dict[str, list[str]]
) -> None:
    """File every field that a closed object of ``spec`` does not declare, at any depth
    (``responses[0].rater_email``): bodies are closed all the way down (docs/API.md)."""
    spec = _resolved(spec)
    if isinstance(value, list) and isinstance(spec.get("items"), dict):
        for index, item in enumerate(value):
            _unknown_fields(item, spec["items"], f"{where}[{index}]", errors)
        return
    if not isinstance(value, dict) or spec.get("additionalProperties") is not False:
        return
    properties: dict[str, Any] = spec.get("properties", {})
    for key, item in value.items():
        name = f"{where}.{key}" if where else str(key)
        if key not in properties:
            known = ", ".join(sorted(properties))
            errors.setdefault(name, []).append(f"Unknown field {key!r}; the fields are: {known}.")
        else:
            _unknown_fields(item, properties[key], name, errors)


def _check_items(
    key: str, value: list[Any], spec: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    """Each item of a list of plain values (codes, names) of its JSON type: [0] is not a list
    of codes (the fuzzer found it taken as the code "0")."""
    items = _resolved(spec.get("items") or {})
    if "type" not in items or items.get("type") == "object":
        return
    allowed = items["type"] if isinstance(items["type"], list) else [items["type"]]
    for index, item in enumerate(value):
        if not _json_types(item) & set(allowed):
            errors.setdefault(f"{key}[{index}]", []).append(
                f"{key}[{index}] must be {_type_words(allowed)}."
            )


def check_body(data: Any, schema_name: str) -> dict[str, Any]:
    """Check a decoded body against its declared schema: an object, no unknown fields at any
    depth, each top-level field of its JSON type. Values, and the fields the schema lists as
    required, are checked by the services with their own messages (a test holds the schema's
    ``required`` lists to what the services refuse). Every write of the API parses its body
    here (``json_body`` and ``form_body``)."""
    schema = COMPONENTS[schema_name]
    if not isinstance(data, dict):
        raise ApiError(
            422, "The request body must be a JSON object.", {"body": ["Send a JSON object."]}
        )
    properties: dict[str, Any] = schema.get("properties", {})
    errors: dict[str, list[str]] = {}
    _unknown_fields(data, {**schema, "additionalProperties": False}, "", errors)
    for key, value in data.items():
        if _too_large(value):
            errors.setdefault(key, []).append(
                f"{key} holds a number too large: numbers are below {NUMBER_LIMIT:,}."
            )
            continue
        if _has_control_characters(value):
            errors.setdefault(key, []).append(
                f"{key} contains control characters (such as NUL); remove them."
            )
            continue
        spec = properties.get(key)
        if not spec or "type" not in spec:
            continue
        allowed = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
        if not _json_types(value) & set(allowed):
            errors.setdefault(key, []).append(f"{key} must be {_type_words(allowed)}.")
        elif isinstance(value, list):
            _check_items(key, value, spec, errors)
        elif isinstance(value, Decimal) and "integer" in allowed and "number" not in allowed:
            data[key] = int(value)  # 3.0 is the integer 3 in JSON Schema: the services see 3
    if errors:
        first = next(iter(errors.values()))[0]
        count = sum(len(v) for v in errors.values())
        message = first if count == 1 else f"{first} (and {plural(count - 1, 'more problem')})"
        raise ApiError(422, message, errors)
    return data


def json_body() -> dict[str, Any]:
    """The current operation's JSON body: malformed JSON is 400, a wrong shape 422."""
    operation = current_operation()
    raw = request.get_data(cache=True)
    if not raw or not raw.strip():
        raise ApiError(400, "The request body is empty; send a JSON object.")
    try:
        text = raw.decode("utf-8")
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise ApiError(400, f"The request body is not valid JSON: {error}.") from None
    except RecursionError:
        raise ApiError(400, TOO_DEEP) from None
    refuse_crafted(data)
    assert operation.body is not None
    return check_body(data, operation.body)


MAX_DEPTH = 20
TOO_DEEP = f"The request body nests deeper than {MAX_DEPTH} levels; no operation takes that."
SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_crafted(data: Any) -> None:
    """Crafted JSON (issue 20, finding 9): nesting past MAX_DEPTH is 400, and a text with a
    lone surrogate (not a character, so it cannot be stored) is 422 naming its field."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, name, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ApiError(400, TOO_DEEP)
        if isinstance(value, str) and SURROGATE.search(value):
            field = name or "body"
            raise invalid(field, f"{field} holds a character that is not valid text.")
        if isinstance(value, dict):
            for key, item in value.items():
                if SURROGATE.search(key):
                    raise invalid("body", "A field name holds a character that is not valid text.")
                stack.append((item, f"{name}.{key}" if name else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{name}[{i}]", depth + 1) for i, item in enumerate(value))


def form_body() -> dict[str, Any]:
    """A multipart/form-data body (operations that take files): its fields, checked like JSON."""
    operation = current_operation()
    assert operation.body is not None
    if any(not key for key in (*request.form, *request.files)):
        raise ApiError(400, "A part of the multipart body has no name; name every part.")
    data: dict[str, Any] = {key: request.form.get(key) for key in request.form}
    refuse_crafted(data)
    return check_body(data, operation.body)


def is_multipart() -> bool:
    return (request.mimetype or "") == "multipart/form-data"


# --------------------------------------------------------------------------- lists


def page_of_list(items: list[Any], args: Mapping[str, Any]) -> dict[str, Any]:
    """The same shape over a list already in memory (results computed in bulk)."""
    page, per_page = args["page"], args["per_page"]
    start = (page - 1) * per_page
    return {
        "items": items[start : start + per_page],
        "total": len(items),
        "page": page,
        "per_page": per_page,
    }
