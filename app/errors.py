"""Error pages (HTML) and JSON errors for the API, in one place."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

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
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        message = MESSAGES.get(code, error.description or error.name)
        if code == 400 and error.description and "CSRF" in error.description:
            message = "Your form expired or was sent from elsewhere. Reload the page and try again."
        if wants_json():
            return jsonify({"error": message, "errors": {}}), code
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def server_error(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("Unhandled error: %s", error)
        from app.extensions import db

        db.session.rollback()
        if wants_json():
            return jsonify({"error": MESSAGES[500], "errors": {}}), 500
        return render_template("errors/error.html", code=500, message=MESSAGES[500]), 500
