"""Error pages (HTML), in one place; the API maps its own errors (app.blueprints.api).

A refusal of the services (``app.kernel.errors.DomainError``) that a view lets through answers
like ``abort(status)``: the page of its kind's status, so a view need not catch a NotFound to
answer 404. Anything else unhandled is a bug: 500, and the transaction is rolled back."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from app.kernel.errors import DomainError

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to open this page.",
    404: "There is nothing here, or you may not see it.",
    405: "That action is not allowed here.",
    409: "That change conflicts with the record's current state.",
    413: "The upload is too large.",
    422: "Some of the values are not valid.",
    500: "Something went wrong on our side. Nothing was changed.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def install(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        message = MESSAGES.get(code, error.description or error.name)
        if code == 400 and error.description and "CSRF" in error.description:
            message = "Your form expired or was sent from elsewhere. Reload the page and try again."
        if wants_json():
            return jsonify({"error": message, "errors": {}}), code
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(DomainError)
    def refused(error: DomainError) -> Any:
        from app.extensions import db

        db.session.rollback()
        message = MESSAGES.get(error.status, error.message)
        if wants_json():
            return jsonify({"error": message, "errors": {}}), error.status
        return render_template("errors/error.html", code=error.status, message=message), (
            error.status
        )

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> Any:
        from app.extensions import db
        from app.web import BUSY_MESSAGE, BUSY_RETRY_SECONDS, database_busy

        db.session.rollback()
        if database_busy(error):  # wait and retry, not a bug (issue 20, item 7)
            retry = {"Retry-After": str(BUSY_RETRY_SECONDS)}
            if wants_json():
                return jsonify({"error": BUSY_MESSAGE, "errors": {}}), 503, retry
            page = render_template("errors/error.html", code=503, message=BUSY_MESSAGE)
            return page, 503, retry
        app.logger.exception("Unhandled error: %s", error)
        if wants_json():
            return jsonify({"error": MESSAGES[500], "errors": {}}), 500
        return render_template("errors/error.html", code=500, message=MESSAGES[500]), 500
