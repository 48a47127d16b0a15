"""Fixtures: app, db, client, login_as(persona), factories, and the database backends.

The suite runs on SQLite by default. `pytest --db=postgresql` runs it against a throwaway
PostgreSQL cluster that this setup starts on a loopback port and removes afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from tests import postgres
from tests.factories import DEMO_PASSWORD, PERSONAS, signed_in_client

TEST_TODAY = date(2026, 11, 22)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default="sqlite",
        choices=["sqlite", "postgresql"],
        help="database backend for integration tests",
    )


def base_config(database_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-only-" + uuid.uuid4().hex,
        "WTF_CSRF_ENABLED": False,
        "ECHELON_TODAY": TEST_TODAY.isoformat(),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": _null_pool()},
        # The task queue (issue 23): its own SQLite file and result folder per test; no
        # warm-up asked after every catalogue change (tests/integration/test_jobs.py asks).
        "JOBS_QUEUE_FILE": str(instance / "queue.db"),
        "JOBS_FOLDER": str(instance / "jobs"),
        "JOBS_WARMUP": False,
    }


def _null_pool():  # type: ignore[no-untyped-def]
    from sqlalchemy.pool import NullPool

    return NullPool


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def pg_cluster(backend: str) -> Iterator[postgres.Cluster | None]:
    if backend != "postgresql":
        yield None
        return
    if postgres.server_bin_dir() is None:
        if os.environ.get("ECHELON_REQUIRE_POSTGRES"):
            pytest.fail("ECHELON_REQUIRE_POSTGRES is set but PostgreSQL is not installed")
        pytest.skip("PostgreSQL server binaries are not installed")
    cluster = postgres.start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


class DatabaseFactory:
    """Makes a fresh database per test: a copied SQLite file or a PostgreSQL template clone."""

    def __init__(self, backend: str, cluster: postgres.Cluster | None, workdir: Path) -> None:
        self.backend = backend
        self.cluster = cluster
        self.workdir = workdir
        self.templates: dict[str, str] = {}

    def _admin(self):  # type: ignore[no-untyped-def]
        assert self.cluster is not None
        return create_engine(
            self.cluster.url(), isolation_level="AUTOCOMMIT", poolclass=_null_pool()
        )

    def template(self, name: str, build) -> str:  # type: ignore[no-untyped-def]
        """Build a template database once (schema, optionally demo data)."""
        if name in self.templates:
            return self.templates[name]
        if self.backend == "sqlite":
            path = self.workdir / f"template-{name}.db"
            path.touch()
            url = f"sqlite:///{path}"
        else:
            db_name = f"tpl_{name}"
            engine = self._admin()
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}"'))
                conn.execute(text(f'CREATE DATABASE "{db_name}"'))
            engine.dispose()
            url = self.cluster.url(db_name)  # type: ignore[union-attr]
        build(url)
        self.templates[name] = url
        return url

    def clone(self, name: str) -> str:
        source = self.templates[name]
        if self.backend == "sqlite":
            target = self.workdir / f"test-{uuid.uuid4().hex}.db"
            shutil.copyfile(source.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}"
        db_name = f"t_{uuid.uuid4().hex[:16]}"
        engine = self._admin()
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}" TEMPLATE "tpl_{name}"'))
        engine.dispose()
        return self.cluster.url(db_name)  # type: ignore[union-attr]

    def drop(self, url: str) -> None:
        if self.backend == "sqlite":
            path = url.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
            return
        db_name = url.rsplit("/", 1)[1]
        engine = self._admin()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def databases(backend: str, pg_cluster) -> Iterator[DatabaseFactory]:  # type: ignore[no-untyped-def]
    workdir = Path(tempfile.mkdtemp(prefix="echelon-tests-"))
    factory = DatabaseFactory(backend, pg_cluster, workdir)
    yield factory
    shutil.rmtree(workdir, ignore_errors=True)


def _build_schema(url: str, seed_demo: bool) -> None:
    from app import create_app
    from app.extensions import db

    instance = Path(tempfile.mkdtemp(prefix="echelon-build-"))
    app = create_app(base_config(url, instance))
    with app.app_context():
        db.create_all()
        if seed_demo:
            from app.audit import acting_as
            from app.seed import demo

            with acting_as("test:seed"):
                demo.seed()
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)


def _make_app(databases: DatabaseFactory, template: str, tmp_path: Path, seed_demo: bool):  # type: ignore[no-untyped-def]
    from app import create_app
    from app.extensions import db

    databases.template(template, lambda url: _build_schema(url, seed_demo))
    url = databases.clone(template)
    app = create_app(base_config(url, tmp_path))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


@pytest.fixture
def app(databases: DatabaseFactory, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An app on an empty, migrated-equivalent schema (no data)."""
    yield from _make_app(databases, "empty", tmp_path, seed_demo=False)


@pytest.fixture
def demo_app(databases: DatabaseFactory, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An app on a copy of the demo organisation (anchored on TEST_TODAY)."""
    yield from _make_app(databases, "demo", tmp_path, seed_demo=True)


@pytest.fixture
def db(app):  # type: ignore[no-untyped-def]
    from app.extensions import db as database

    with app.app_context():
        yield database


@pytest.fixture
def demo_db(demo_app):  # type: ignore[no-untyped-def]
    from app.extensions import db as database

    with demo_app.app_context():
        yield database


@pytest.fixture
def reminders_not_yet_run(demo_db):  # type: ignore[no-untyped-def]
    """The demo as it stood before the reminders of its date went out: no notifications and no
    reminder log (the demo seeds that run, app/seed/demo/notices.py). For the tests of reminder
    runs and of the notification list, which start from nothing sent."""
    from sqlalchemy import delete

    from app.models import AssignmentReminder, Notification

    demo_db.session.execute(delete(Notification))
    demo_db.session.execute(delete(AssignmentReminder))
    demo_db.session.commit()
    return demo_db


@pytest.fixture
def client(demo_app):  # type: ignore[no-untyped-def]
    return demo_app.test_client()


@pytest.fixture
def runner(demo_app):  # type: ignore[no-untyped-def]
    return demo_app.test_cli_runner()


@pytest.fixture
def login_as(demo_app):  # type: ignore[no-untyped-def]
    """login_as(persona or email) -> a test client signed in through the real sign-in form."""

    def sign_in(who: str, password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
        return signed_in_client(demo_app, PERSONAS.get(who, who), password)

    return sign_in


@pytest.fixture
def count_queries(demo_app):  # type: ignore[no-untyped-def]
    """Count the SQL statements run inside the block: `with count_queries() as n: ...; n()`."""
    import contextlib

    from app.extensions import db as database

    @contextlib.contextmanager
    def counter():  # type: ignore[no-untyped-def]
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        with demo_app.app_context():
            engine = database.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter
