"""The JSON API, version 1 (docs/API.md): bearer tokens, JSON errors, one module per area.

- Every call needs ``Authorization: Bearer <token>`` (except the OpenAPI document); the token
  acts as its user (``g.api_user``, which policy.acting_user() and the audit trail read). A
  session cookie never authenticates an API call, and CSRF does not apply: a bearer token is
  not sent by a browser on its own.
- Errors are ``{"error": message, "errors": {field: [messages]}}`` with the codes of docs/API.md.
  Refusals of the services are ``app.kernel.errors.DomainError``s: their kind gives the status
  (422, 409, 403, 404), and they carry the message and the field messages.
- Views are thin: parse, call the same service as the web pages, serialize.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from app.errors import MESSAGES
from app.extensions import csrf
from app.kernel.errors import DomainError
from app.kernel.fields import ID_MAX
from app.kernel.uow import discard

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


def error_response(
    status: int, message: str, errors: dict[str, list[str]] | None = None
) -> tuple[Response, int]:
    response = jsonify({"error": message, "errors": errors or {}})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="echelon"'
    return response, status


@bp.before_request
def authenticate_bearer_token() -> Any:
    """401 unless the request carries a valid, unrevoked token of an active user."""
    g.pop("api_user", None)
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    from app.services import tokens

    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return error_response(
            401,
            "Send an API token: 'Authorization: Bearer <token>'. Create one on your profile "
            "page or with `flask --app app create-token EMAIL`.",
        )
    user = tokens.authenticate(secret.strip())
    if user is None:
        return error_response(
            401, "That API token is not valid: it is unknown, revoked, or its sign-in is disabled."
        )
    g.api_user = user
    return None


@bp.before_request
def refuse_ids_out_of_range() -> Any:
    """An id no row can have (beyond a 32-bit integer) is simply not found, never a crash."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 < value <= ID_MAX:
            return error_response(404, MESSAGES[404])
    return None


@bp.errorhandler(DomainError)
def domain_error(error: DomainError) -> Any:
    """Refusals of the services (and ApiError): their status, message and field messages."""
    discard()
    message = error.message or MESSAGES.get(error.status, "")
    return error_response(error.status, message, error.errors)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    code = error.code or 500
    return error_response(code, MESSAGES.get(code, error.description or error.name))


@bp.errorhandler(Exception)
def server_error(error: Exception) -> Any:
    discard()
    from app.web import BUSY_MESSAGE, BUSY_RETRY_SECONDS, database_busy

    if database_busy(error):  # SQLite busy past its timeout: retry later (issue 20, item 7)
        response, status = error_response(503, BUSY_MESSAGE)
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response, status
    current_app.logger.exception("Unhandled error in the API: %s", error)
    return error_response(500, MESSAGES[500])


# The area modules register their views on import (and the OpenAPI document reads them).
from app.blueprints.api import (  # noqa: E402
    assignments,  # noqa: F401
    catalogue,  # noqa: F401
    enrolment,  # noqa: F401
    meta,  # noqa: F401
    people,  # noqa: F401
    readiness,  # noqa: F401
    records,  # noqa: F401
    talent,  # noqa: F401
    tuition,  # noqa: F401
    users,  # noqa: F401
)
