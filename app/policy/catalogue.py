"""Who may configure the catalogue, and the catalogue's loads for the access pipeline.

Any signed-in user may read the catalogue (its entries are not private); hr and admins create,
edit and retire entries and edit the settings. A route names the entry of its ``code`` (or the
session of its ``session_id``) with a load: an unknown one answers 404.
"""

from __future__ import annotations

from typing import Any

from app.policy import Load, acting_user, can_manage_configuration


def can_configure(user: Any) -> bool:
    """May ``user`` create, edit and retire catalogue entries and change the settings?"""
    return can_manage_configuration(user)


def configures() -> bool:
    """May the acting user configure the catalogue (the pages' ``can_configure()``)?"""
    return can_configure(acting_user())


def _readable(user: Any, found: Any) -> bool:
    """Every catalogue entry is readable by whoever passed the route's permission."""
    return True


def entry(kind: str, *, arg: str = "code", name: str = "entry") -> Load:
    """Load the catalogue entry of kind ``kind`` whose code is URL argument ``arg``."""

    def fetch(code: Any) -> Any:
        from app.services.catalogue import find_entry

        return find_entry(kind, code)

    return Load(arg, name, fetch, _readable)


def course_session(*, arg: str = "session_id", name: str = "session") -> Load:
    """Load the course session of URL argument ``arg``."""

    def fetch(session_id: Any) -> Any:
        from app.services.catalogue import find_session

        return find_session(session_id)

    return Load(arg, name, fetch, _readable)


def setting(*, arg: str = "key", name: str = "spec") -> Load:
    """Load the (cfg) setting named by URL argument ``arg``: an unknown name answers 404."""

    def fetch(key: Any) -> Any:
        from app.services import settings

        return settings.SPEC_BY_KEY.get(key)

    return Load(arg, name, fetch, _readable)
