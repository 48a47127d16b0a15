"""Required training pages: HR's assignment rules (with the preview before saving), the
assignments list, and the manager's team page of who is overdue. Thin views over
``app.services.assignments``; ``routes`` registers them on ``bp``."""

from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/assignments")
