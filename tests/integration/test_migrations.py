"""Migrations: upgrade from empty to head matches the models; downgrade one step works."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import base_config


@pytest.fixture
def blank_url(databases):
    databases.template("blank", lambda url: None)
    clone = databases.clone("blank")
    yield clone
    databases.drop(clone)


def test_upgrade_from_empty_to_head_matches_the_models(blank_url, tmp_path):
    app = create_app(base_config(blank_url, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="-1")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        with db.engine.connect() as conn:
            version = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar()
        assert version in (0, 1)
        upgrade()
        assert "employees" in inspect(db.engine).get_table_names()
        assert tables != set(inspect(db.engine).get_table_names()) or version == 1
        db.engine.dispose()
