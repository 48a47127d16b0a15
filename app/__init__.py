"""Echelon: workforce-development and promotion-readiness tracker."""

from __future__ import annotations

import contextlib
import gc
import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import DEFAULTS, from_environment, instance_secret_key, normalise_database_url
from app.extensions import csrf, db, login_manager, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: defaults -> instance/config.py -> environment -> test_config."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(from_environment())
    if test_config:
        app.config.from_mapping(test_config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "app.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    app.config.setdefault("UPLOAD_FOLDER", os.path.join(app.instance_path, "uploads"))

    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:  # the client's address and scheme come from the proxy's headers
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)

    from app import registry

    registry.wire(app)
    if not app.testing:
        tune_collector_for_serving(app.config)
    return app


def tune_collector_for_serving(config: Any) -> None:
    """The app is built for serving: keep the cyclic collector off the start-up objects.

    A served process holds a couple of hundred thousand long-lived objects (modules, the
    mappers, the app); every full collection walks them all, 80 to 140 ms in the middle of
    whichever request triggers it (BENCHMARKS.md "Required training (issue 21)"). With
    GC_FREEZE_AFTER_STARTUP they are frozen (gc.freeze): never walked, never collected (they
    live as long as the process anyway). The mappers are configured now rather than on the
    first query so they are among them, and the start-up garbage is collected first so none of
    it is kept. Objects made later, by requests and jobs, are collected as before; the first
    generation is collected every GC_GEN0_THRESHOLD allocations instead of Python's 700
    (fewer collections in a request, the full ones rarer). Under gunicorn --preload this runs
    in the parent before it forks, which also keeps the frozen pages shared (copy-on-write).
    """
    threshold = config.get("GC_GEN0_THRESHOLD")
    if threshold:
        _, second, third = gc.get_threshold()
        gc.set_threshold(int(threshold), second, third)
    if config.get("GC_FREEZE_AFTER_STARTUP"):
        from sqlalchemy.orm import configure_mappers

        configure_mappers()
        gc.collect()
        gc.freeze()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys and use WAL so readers never block the writer."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    with contextlib.suppress(Exception):  # in-memory databases refuse WAL
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
