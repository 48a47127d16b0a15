"""Consistent online backups: the SQLite backup API, or pg_dump for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


def backup(database_uri: str, destination: str | Path) -> Path:
    """Copy the live database to ``destination`` without stopping the app.

    SQLite: `sqlite3.Connection.backup` copies page by page under a read transaction, so
    writers may continue and the copy is one consistent snapshot (WAL included).
    PostgreSQL: `pg_dump --format=custom` (one consistent snapshot); restore with pg_restore.
    """
    url = make_url(database_uri)
    target = Path(destination)
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name for the backup.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        if not url.database:
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError("pg_dump is not installed; install the PostgreSQL client tools.")
        plain = url.set(drivername="postgresql")
        result = subprocess.run(
            [
                pg_dump,
                "--format=custom",
                "--file",
                str(target),
                plain.render_as_string(hide_password=False),
            ],
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
