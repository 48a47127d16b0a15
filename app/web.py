"""Template helpers and security headers (installed by app/registry.py)."""

from __future__ import annotations

from flask import Flask, Response, abort, g, request
from markupsafe import Markup, escape

from app import clock, policy
from app.kernel.fields import ID_MAX
from app.services import settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def install_id_bounds(app: Flask) -> None:
    """An id in a page's URL beyond 32 bits is no row: 404 before the view, instead of reaching
    a database that refuses to compare it (PostgreSQL: "integer out of range", a 500). The API
    answers the same in its own shape (app.blueprints.api)."""

    @app.before_request
    def refuse_ids_out_of_range() -> None:
        if request.blueprint == "api":
            return
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and not 0 <= value <= ID_MAX:
                abort(404)


def install_template_helpers(app: Flask) -> None:
    from app.navigation import group_navigation, navigation_for
    from app.policy import readiness as readiness_policy
    from app.readiness import vocabulary

    # Macros imported by templates see globals, not the request's context.
    app.jinja_env.globals["BAND_LABELS"] = vocabulary.BAND_LABELS
    from app.kernel.forms import date_attrs

    # every hand-written date input: <input ... {{ date_attrs()|safe }}> (YYYY-MM-DD, no picker)
    app.jinja_env.globals["date_attrs"] = date_attrs

    @app.context_processor
    def inject() -> dict:
        user = policy.acting_user()
        return {
            "acting_user": user,
            "can_view": lambda employee, aspect="profile": policy.can_view(user, employee, aspect),
            "can_edit": lambda employee, aspect: policy.can_edit(user, employee, aspect),
            "is_manager": (lambda: policy.is_manager(user)) if user else (lambda: False),
            "sees_organisation": lambda: readiness_policy.sees_organisation(user),
            "today": clock.today(),
            "navigation": (lambda: navigation_for(user)) if user else (lambda: []),
            "navigation_groups": (
                (lambda: group_navigation(navigation_for(user), request.endpoint))
                if user
                else (lambda: [])
            ),
            "organisation_name": app.config["ORGANISATION_NAME"],
            "cert_status": lambda expires_on: settings.certificate_status(
                expires_on, clock.today()
            ),
        }

    @app.template_filter("money")
    def money(value: object) -> str:
        if value is None:
            return "—"
        from decimal import Decimal

        return f"{Decimal(str(value)):,.2f}"

    from app.kernel.words import a_or_an, plural

    app.jinja_env.filters["plural"] = plural  # {{ n|plural('gate') }}: "1 gate", "2 gates"
    app.jinja_env.filters["a_or_an"] = a_or_an  # {{ name|a_or_an }}: "an Employment check"
    from app.services.uploads import human_size

    app.jinja_env.filters["filesize"] = human_size  # {{ 300|filesize }}: "300 bytes", "2 KB"

    @app.template_filter("email_breaks")
    def email_breaks(value: object) -> Markup:
        """An address that may wrap only after its @ and before a dot, never mid-word."""
        text = str(escape(value or ""))
        return Markup(text.replace("@", "@<wbr>").replace(".", "<wbr>."))

    @app.template_filter("date")
    def format_date(value: object) -> str:
        return value.isoformat() if value is not None else "—"  # type: ignore[attr-defined]


REQUEST_CACHES = (
    "_login_user",
    "_managed_ids",
    "_is_manager",
    "_settings",
    "api_user",
    "_catalogue_snapshot",
    "_navigation",
)


def install_security_headers(app: Flask) -> None:
    @app.before_request
    def fresh_request_state() -> None:
        # Each request normally gets its own app context; when a caller (a test, a CLI task)
        # already holds one, per-request caches on `g` must not leak into the next request.
        for key in REQUEST_CACHES:
            g.pop(key, None)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/api/") or g.get("no_store") or _personal(request.path):
            response.headers.setdefault("Cache-Control", "no-store")
        if response.status_code == 405 and "Allow" not in response.headers:
            _allow(response)
        return response


def _personal(path: str) -> bool:
    """A page for a signed-in user shows personal data (a name at least): never cached
    (issue 20, finding 10). Static files are the exception."""
    from flask_login import current_user

    return not path.startswith("/static/") and bool(current_user.is_authenticated)


def _allow(response: Response) -> None:
    """A 405 says which methods the URL takes (RFC 9110 15.5.6), pages and API alike."""
    from flask import current_app

    try:
        methods = current_app.url_map.bind_to_environ(request.environ).allowed_methods()
    except Exception:  # an odd path: the answer stays a 405 without the list
        return
    if methods:
        response.headers["Allow"] = ", ".join(sorted(methods))


def database_busy(error: BaseException) -> bool:
    """SQLite's "database is locked" after its busy timeout: the request may simply be retried
    (item 7 of issue 20), so it answers 503 with Retry-After, never 500."""
    from sqlalchemy.exc import OperationalError

    return isinstance(error, OperationalError) and "database is locked" in str(error).lower()


BUSY_MESSAGE = "The system is busy with another change. Nothing was saved; try again in a moment."
BUSY_RETRY_SECONDS = 5
