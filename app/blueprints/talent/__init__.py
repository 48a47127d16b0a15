"""Talent pages: 360 rounds (opening, the public rater form, the round's page, closing) and the
9-box grid with calibration. Thin views over ``app.services.talent``; ``routes`` registers
them on ``bp``."""

from flask import Blueprint

bp = Blueprint("talent", __name__)
