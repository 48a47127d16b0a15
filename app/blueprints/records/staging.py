"""Staged CSV files between the import steps (upload -> mapping -> dry run -> apply).

A staged file lives under instance/imports with a random token for a name, next to a small JSON
note of who uploaded it, for which kind and date format. Only the uploader can open it; files
older than a day are swept away whenever another file is staged.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from app.models import User
from app.services import csv_io
from app.services.records import RecordError
from app.services.uploads import human_size, max_bytes

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Staged:
    token: str
    kind: str
    date_format: str
    filename: str
    data: bytes


def folder() -> Path:
    path = Path(
        current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse(message: str) -> RecordError:
    return RecordError(message, {"file": [message]})


def stage(file_storage: Any, *, kind: str, date_format: str, user: User) -> str:
    """Check and keep an uploaded CSV for the next steps; answers its token."""
    if kind not in csv_io.KINDS:
        raise RecordError("Choose what the file holds.", {"kind": ["Choose what the file holds."]})
    if date_format not in csv_io.DATE_FORMATS:
        date_format = "iso"
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise _refuse("Choose a CSV file to import.")
    limit = max_bytes()
    data = file_storage.stream.read(limit + 1)
    if len(data) > limit:
        raise _refuse(f"The file is too large: the limit is {human_size(limit)}. Split it up.")
    parsed = csv_io.parse_csv(data)
    if parsed.errors:
        raise _refuse(" ".join(parsed.errors))
    _sweep()
    token = secrets.token_urlsafe(18)
    base = folder() / token
    with open(f"{base}.csv", "wb") as handle:
        handle.write(data)
    note = {
        "user_id": user.id,
        "kind": kind,
        "date_format": date_format,
        "filename": os.path.basename(str(file_storage.filename))[:200],
        "created": time.time(),
    }
    with open(f"{base}.json", "w", encoding="utf-8") as handle:
        json.dump(note, handle)
    return token


def load(token: str, user: User) -> Staged | None:
    if not TOKEN.match(token or ""):
        return None
    base = folder() / token
    try:
        with open(f"{base}.json", encoding="utf-8") as handle:
            note = json.load(handle)
        if note.get("user_id") != user.id or note.get("kind") not in csv_io.KINDS:
            return None
        with open(f"{base}.csv", "rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return None
    return Staged(token, note["kind"], note.get("date_format", "iso"), note["filename"], data)


def discard(token: str) -> None:
    if not TOKEN.match(token or ""):
        return
    for suffix in (".csv", ".json"):
        with contextlib.suppress(OSError):
            os.remove(folder() / f"{token}{suffix}")


def _sweep() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                discard(path.stem)
        except OSError:
            pass
