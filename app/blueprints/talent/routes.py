"""Every talent page, registered on ``bp`` (app/registry.py BLUEPRINTS)."""

from app.blueprints.talent import bp
from app.blueprints.talent import feedback as feedback  # noqa: F401  (registers the routes)
from app.blueprints.talent import grid as grid  # noqa: F401

__all__ = ["bp"]
