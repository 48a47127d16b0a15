"""The API blueprint, for web.register_blueprints (its views live in the area modules)."""

from app.blueprints.api import bp

__all__ = ["bp"]
