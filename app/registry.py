"""The one wiring module: what an Echelon app is made of, declared in one place.

create_app (app/__init__.py) calls ``wire(app)``: the session listeners, the sign-in loader, the
error pages, the blueprints, the template helpers and security headers, and every command of
the command line. The main navigation is declared here too (``NAVIGATION``): an entry shows
exactly when ``policy.admits(user, entry.endpoint)``, narrowed by its ``extra`` condition only
where documented below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from flask import Flask

from app import policy
from app.navigation import NavEntry

# One entry per blueprint package under app/blueprints; each `routes` module exposes `bp`.
BLUEPRINTS = (
    "auth",
    "dashboard",
    "employees",
    "notifications",
    "privacy",
    "catalogue",
    "settings",
    "tuition",
    "records",
    "readiness",
    "api",
    "profile",
    "reports",
    "sessions",
    "calendar",
    "assignments",  # required training (issue 21)
    "jobs",  # background jobs (issue 23)
    "talent",
    "accounts",  # sign-ins (issue 19)
)

# The blueprint packages whose `routes` module offers template helpers (`template_helpers()`,
# a dict of names every template sees); the app-wide ones are app/web.py's.
TEMPLATE_HELPERS = ("catalogue", "tuition", "records", "readiness", "sessions", "assignments")


def _listeners() -> tuple:
    """The session listeners, in the order they attach: the audit trail, stored readiness's
    staleness, uploaded files' clean-up, the notification outbox."""
    from app import audit
    from app.services import notify, uploads
    from app.services.assignments import sync as assignment_sync
    from app.services.jobs import periodic as jobs_periodic
    from app.services.readiness import staleness

    # The readiness warm-up's trigger attaches after stored readiness's own listeners.
    return (
        audit.install,
        staleness.install,
        uploads.install,
        notify.install,
        assignment_sync.install,
        jobs_periodic.install,
    )


# ----------------------------------------------------------------------------- navigation


def _completions_to_verify(user: Any) -> Any:
    """A SELECT of the number of reported completions waiting for hr to verify them."""
    from sqlalchemy import func, select

    from app.models import Completion

    return select(func.count(Completion.id)).where(Completion.verification == "pending")


def _checks_to_decide(user: Any) -> Any:
    """A SELECT of the number of background checks whose findings wait for hr's decision."""
    from sqlalchemy import func, select

    from app.models import BackgroundCheck

    return select(func.count(BackgroundCheck.id)).where(BackgroundCheck.status == "review_required")


def _unread_notifications(user: Any) -> Any:
    from app.services import notify

    return notify.unread_count_query(user)


def _queue(stage: str) -> Callable[[Any], Any]:
    def count(user: Any) -> Any:
        from app.services import tuition

        return tuition.queue_count_query(user, stage)

    return count


def _session_approvals(user: Any) -> Any:
    """A SELECT of the number of bookings waiting for the user's approval."""
    from sqlalchemy import func

    from app.models import Enrolment
    from app.services import enrolment

    query = enrolment.approvals_query(user)
    return query.with_only_columns(func.count(Enrolment.id)).order_by(None)


def _is_hr(user: Any) -> bool:
    return policy.exports_anyones_data(user)


def _is_not_hr(user: Any) -> bool:
    return not policy.exports_anyones_data(user)


# The main navigation, in menu order. ``extra`` narrows ``policy.admits`` only here:
# - People: the list sends those who may see nobody but themselves to their own records
#   (policy.sees_people_list); finance and admin see the list, so they get the entry.
# - Catalogue: readable by everyone (records link to its courses), but in the menus it is
#   configuration, offered to those who configure it (policy.can_manage_configuration).
# - My data / Data export: one page under two names; hr's exports anyone's data (Records menu).
NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("Home", "dashboard.home"),
    NavEntry("My records", "employees.me"),
    NavEntry("People", "employees.index", policy.sees_people_list),
    NavEntry("Catalogue", "catalogue.index", policy.can_manage_configuration),
    NavEntry("Settings", "settings.index"),
    NavEntry("My plan", "readiness.my_plan"),
    NavEntry("Bench strength", "readiness.bench_strength"),
    NavEntry("Organisation", "readiness.organisation"),
    NavEntry("Training needs", "readiness.training_needs"),
    NavEntry("Talent grid", "talent.grid", group="People"),  # talent (9-box): managers and hr
    NavEntry("Sessions", "sessions.index", group="My work"),
    NavEntry("My sessions", "sessions.mine", group="My work"),
    NavEntry(
        "Session approvals",
        "sessions.approvals",
        None,
        _session_approvals,
        group="People",
        count_label="to decide",
    ),
    NavEntry("Reports", "reports.index"),  # everyone has at least their own readiness report
    NavEntry("Notifications", "notifications.index", None, _unread_notifications, None, "unread"),
    NavEntry("My data", "privacy.index", _is_not_hr),
    NavEntry("Data export", "privacy.index", _is_hr, group="Records"),
    NavEntry("My tuition requests", "tuition.index"),
    NavEntry(
        "Team approvals",
        "tuition.queue_manager",
        None,
        _queue("manager"),
        count_label="to decide",
    ),
    NavEntry("HR tuition queue", "tuition.queue_hr", None, _queue("hr"), count_label="to decide"),
    NavEntry(
        "Finance queue",
        "tuition.queue_finance",
        None,
        _queue("finance"),
        count_label="to approve or pay",
    ),
    NavEntry("Tuition summary", "tuition.summary"),
    NavEntry("Repayments", "tuition.repayments"),
    NavEntry(
        "Training",
        "records.completions",
        None,
        _completions_to_verify,
        None,
        "to verify",
        "records.pending_completions",  # issue 16: "4 to verify" opens the four
    ),
    NavEntry(
        "Checks",
        "records.checks",
        None,
        _checks_to_decide,
        None,
        "to decide",
        "records.checks?status=review_required",  # issue 16: findings HR must decide on
    ),
    NavEntry("Required training", "assignments.index", group="Records"),  # issue 21
    NavEntry("Team required training", "assignments.team", group="People"),  # issue 21
    NavEntry("Import/export", "records.import_start"),
    NavEntry("Sign-ins", "accounts.index", group="People"),  # hr and admins (issue 19)
    NavEntry("Profile", "profile.index"),
    # ---- background jobs (issue 23)
    NavEntry("Background jobs", "jobs.index"),
)


# ----------------------------------------------------------------------------- wiring


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINTS:
        module = importlib.import_module(f"app.blueprints.{name}.routes")
        app.register_blueprint(module.bp)


def register_commands(app: Flask) -> None:
    """Every command of `flask --app app ...`: app/cli.py's, and the bench's own."""
    from app import cli
    from bench.cli import register as register_bench_cli

    for command in cli.COMMANDS:
        app.cli.add_command(command)
    register_bench_cli(app)  # bench-data


def wire(app: Flask) -> None:
    """Put the app together (called once by create_app)."""
    from app import (
        auth_loader,
        errors,
        models,  # noqa: F401  (registers the mappers)
        web,
    )

    for install in _listeners():
        install()
    auth_loader.install(app)
    errors.install(app)
    register_blueprints(app)
    web.install_template_helpers(app)
    for name in TEMPLATE_HELPERS:
        app.context_processor(
            importlib.import_module(f"app.blueprints.{name}.routes").template_helpers
        )
    web.install_security_headers(app)
    web.install_id_bounds(app)
    register_commands(app)
