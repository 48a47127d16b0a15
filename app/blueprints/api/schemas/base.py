"""The building blocks of the API's JSON schemas, and the error body every refusal has."""

from __future__ import annotations

from typing import Any

from app.kernel.fields import CODE_MAX

S: dict[str, Any] = {"type": "string"}
S_NULL: dict[str, Any] = {"type": ["string", "null"]}
INT: dict[str, Any] = {"type": "integer"}
INT_NULL: dict[str, Any] = {"type": ["integer", "null"]}
B: dict[str, Any] = {"type": "boolean"}
NUM: dict[str, Any] = {"type": "number"}
NUM_NULL: dict[str, Any] = {"type": ["number", "null"]}
DATE: dict[str, Any] = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
DATE_NULL: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
DATE_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
DATE_TIME_NULL: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
EMAIL: dict[str, Any] = {"type": "string", "format": "email"}
MONEY: dict[str, Any] = {
    "type": "string",
    "pattern": r"^-?\d+\.\d{2}$",
    "description": 'Money as a decimal string, e.g. "1500.00".',
}
MONEY_NULL: dict[str, Any] = {**MONEY, "type": ["string", "null"]}
MONEY_IN: dict[str, Any] = {
    "type": ["string", "number"],
    "description": 'A decimal string such as "1500.00" (preferred), or a JSON number with at '
    "most two decimals; more decimals are refused, never rounded.",
}
CODE: dict[str, Any] = {
    "type": "string",
    "pattern": r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",
    "maxLength": CODE_MAX,
    "description": "A catalogue code (upper-cased on input), at most 40 characters.",
}
CODES: dict[str, Any] = {"type": "array", "items": CODE}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(
    properties: dict[str, Any], required: list[str] | None = None, *, closed: bool = True
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


def enum(values: tuple[str, ...] | list[str], nullable: bool = False) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "enum": list(values)}


def page(item: str, **extra: Any) -> dict[str, Any]:
    """docs/API.md list shape {items, total, page, per_page}."""
    return obj(
        {
            "items": {"type": "array", "items": ref(item)},
            "total": INT,
            "page": INT,
            "per_page": INT,
            **extra,
        },
        ["items", "total", "page", "per_page"],
    )


def partial(schema: dict[str, Any], drop: tuple[str, ...] = ("code",)) -> dict[str, Any]:
    """The PATCH form of an input schema: the same fields (minus the key), none required."""
    return obj({k: v for k, v in schema["properties"].items() if k not in drop})


ERROR = obj(
    {
        "error": S,
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": S},
            "description": "field -> messages saying what to fix",
        },
    },
    ["error", "errors"],
)
