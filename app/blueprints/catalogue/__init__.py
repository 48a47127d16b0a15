"""The catalogue pages HR configures: one blueprint, its views in a module per kind of entry.

``routes`` (what ``app.web`` registers) imports every view module so their routes are on ``bp``.
"""

from flask import Blueprint

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
