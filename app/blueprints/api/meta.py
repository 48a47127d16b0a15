"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the code.

It walks app.url_map for the API blueprint's routes and reads each view's declaration
(spec.OPERATIONS: permission, parameters, body and answer schemas), so a route cannot exist
without appearing here, and the parameters and bodies described are the ones the views check.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, jsonify

from app.blueprints.api import bp
from app.blueprints.api.schemas import COMPONENTS, base, ref
from app.blueprints.api.schemas.tighten import ID_MAX, tightened
from app.blueprints.api.spec import OPERATIONS, Operation, api_route

API_VERSION = "1.0.0"
ERROR_WORDS = {
    400: "Malformed JSON.",
    401: "No token, or a bad or revoked one.",
    403: "Not allowed.",
    404: "Not found, or not visible to the caller.",
    405: "The URL does not take this method; `Allow` lists the methods it does.",
    409: "A state conflict: an illegal transition, a duplicate, or someone else acted first.",
    422: "Validation failed: `errors` names each field.",
    503: "The database is busy, or stored readiness is being recomputed after a change: "
    "nothing was changed; retry after `Retry-After` seconds.",
}
ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": 'Always `Bearer realm="echelon"`.',
            "schema": {"type": "string"},
            "required": True,
        }
    },
    405: {
        "Allow": {
            "description": "The methods the URL takes, e.g. `GET, PATCH`.",
            "schema": {"type": "string"},
            "required": True,
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
            "required": True,
        }
    },
}
_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str, prefix: str) -> str:
    """/api/v1/employees/<int:employee_id> -> /employees/{employee_id}"""
    return _ARGUMENT.sub(r"{\2}", rule.removeprefix(prefix)) or "/"


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    params = []
    for converter, name in _ARGUMENT.findall(rule):
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 1, "maximum": ID_MAX}
            if converter == "int"
            else {k: v for k, v in base.CODE.items() if k != "description"}
        )
        description = "A catalogue code." if name == "code" else "A database id."
        params.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": schema,
                "description": description,
            }
        )
    return params


def _error(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": ERROR_WORDS[status],
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if status in ERROR_HEADERS:
        answer["headers"] = ERROR_HEADERS[status]
    return answer


def _multipart(body: str) -> dict[str, Any]:
    """The multipart form of a JSON body: the same fields as text parts, and the files."""
    body_schema = request_schema(body)
    return {
        "type": "object",
        "properties": {
            **body_schema["properties"],
            "receipt": {"type": "string", "format": "binary"},
            "transcript": {"type": "string", "format": "binary"},
        },
        "required": body_schema.get("required", []),
        "additionalProperties": False,
    }


def request_schema(name: str) -> dict[str, Any]:
    """A request body's component with the limits the server applies to every body declared
    (schemas/tighten.py); a PATCH's texts are filled like its input's required ones."""
    twin = (
        COMPONENTS.get(name.removesuffix("Patch") + "Input", {}) if name.endswith("Patch") else {}
    )
    return tightened(COMPONENTS[name], COMPONENTS.__getitem__, frozenset(twin.get("required", ())))


def _operation(op: Operation, rule: str) -> dict[str, Any]:
    description = f"**Who may call it:** {op.who}"
    if op.description:
        description += "\n\n" + op.description
    document: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "description": description,
        "tags": [op.tag],
        "x-permission": op.permission,
    }
    parameters = _path_parameters(rule) + [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": p.description,
            "schema": p.schema(),
        }
        for p in op.params
    ]
    if parameters:
        document["parameters"] = parameters
    if op.body:
        content: dict[str, Any] = {"application/json": {"schema": ref(op.body)}}
        if op.multipart:
            content["multipart/form-data"] = {"schema": _multipart(op.body)}
        document["requestBody"] = {"required": True, "content": content}
    success: dict[str, Any] = {"description": "Created." if op.status == 201 else "OK."}
    if op.response:
        success["content"] = {"application/json": {"schema": ref(op.response)}}
    responses: dict[str, Any] = {str(op.status): success}
    errors: set[int] = set()
    if op.permission != "public":
        errors.add(401)
    if op.permission not in ("public", "authenticated") or op.method != "GET":
        errors.add(403)
    if "<" in rule:
        errors.add(404)
    if op.body:
        errors.update({400, 422})
    if op.params:
        errors.add(422)
    if op.conflict:
        errors.add(409)
    if op.permission != "public":
        errors.add(503)
    for status in sorted(errors):
        responses[str(status)] = _error(status)
    document["responses"] = responses
    if op.permission == "public":
        document["security"] = []
    return document


def _answer_of(operation: dict[str, Any], status: str) -> str | None:
    schema = operation["responses"].get(status, {}).get("content", {})
    found = schema.get("application/json", {}).get("schema", {}).get("$ref")
    return found.rsplit("/", 1)[-1] if found else None


def _link(paths: dict[str, dict[str, Any]]) -> None:
    """OpenAPI links from each 201 to the operations on the record it made: the path whose
    GET answers the same schema, with its one parameter taken from the answer (id or code),
    and the paths below it. Clients (and Schemathesis's stateful phase) follow them."""
    homes: dict[str, tuple[str, str]] = {}  # answer schema -> (path, its parameter)
    for path, methods in paths.items():
        names = _ARGUMENT_IN_PATH.findall(path)
        answer = _answer_of(methods["get"], "200") if "get" in methods else None
        if answer and len(names) == 1 and path.endswith("}"):
            homes.setdefault(answer, (path, names[0]))
    for methods in paths.values():
        for operation in methods.values():
            made = _answer_of(operation, "201")
            home, name = LINK_HOMES.get(operation["operationId"]) or homes.get(made or "", ("", ""))
            if not home:
                continue
            key = "code" if name == "code" else "id"
            links: dict[str, Any] = {}
            for path, targets in paths.items():
                if path != home and not path.startswith(home + "/"):
                    continue
                for target in targets.values():
                    if len(_ARGUMENT_IN_PATH.findall(path)) != 1:
                        continue
                    links[target["operationId"]] = {
                        "operationId": target["operationId"],
                        "parameters": {name: f"$response.body#/{key}"},
                    }
            if links:
                operation["responses"]["201"]["links"] = links


_ARGUMENT_IN_PATH = re.compile(r"{(\w+)}")
# Records with no GET of their own: the paths under which their id is used.
LINK_HOMES = {
    "create_course_session": ("/sessions/{session_id}", "session_id"),
    "create_enrolment": ("/enrolments/{enrolment_id}", "enrolment_id"),
    "create_user": ("/users/{user_id}", "user_id"),
}


def _components() -> dict[str, Any]:
    bodies = {op.body for op in OPERATIONS.values() if op.body}
    return {
        name: request_schema(name) if name in bodies else schema
        for name, schema in COMPONENTS.items()
    }


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every route of the API blueprint registered on ``app``."""
    prefix = bp.url_prefix or ""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        op = OPERATIONS.get(rule.endpoint.split(".", 1)[1])
        if op is None:
            raise LookupError(f"API route {rule.rule} was not declared with api_route")
        path = openapi_path(rule.rule, prefix)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, rule.rule)
    _link(paths)
    tags = sorted({op.tag for op in OPERATIONS.values()})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Echelon API",
            "version": API_VERSION,
            "description": (
                "JSON in and out. Dates are YYYY-MM-DD; money is a decimal string such as "
                '"1500.00". Records point to catalogue entries by their code. Lists take '
                "?page=&per_page= (default 50, at most 500; more is refused with 422) and "
                "answer {items, total, page, per_page}. Errors are {error, errors: {field: "
                "[messages]}}: 400 malformed JSON, 401 no or bad token, 403 not allowed, 404 "
                "not found or not visible, 405 a method the URL does not take (with `Allow`), "
                "409 a state conflict or duplicate, 422 validation, 503 the database busy or "
                "readiness being recomputed (with `Retry-After`). "
                "A rejected request changes nothing. Request bodies are closed: an unknown "
                "field is refused (422), so a misspelt field never goes unnoticed. "
                "Readiness is advisory: a person decides every promotion."
            ),
        },
        "servers": [{"url": prefix}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from your profile page or `flask --app app "
                    "create-token EMAIL`; it acts with exactly your permissions.",
                }
            },
            "schemas": _components(),
            "responses": {"MethodNotAllowed": _error(405)},
        },
    }


@api_route(
    bp,
    "/openapi.json",
    "GET",
    permission="public",
    summary="This OpenAPI document",
    tag="Meta",
    who="Anyone, without a token: it describes the API and holds no data.",
)
def openapi() -> Any:
    return jsonify(build_document(current_app._get_current_object()))  # type: ignore[attr-defined]
