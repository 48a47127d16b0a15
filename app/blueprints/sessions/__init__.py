"""Course sessions people book: the list and month calendar, a session's page with its roster,
booking, cancelling, moving and attendance, my sessions, and the approvals queue. Thin views
over ``app.services.enrolment``; ``routes`` registers them on ``bp``."""

from flask import Blueprint

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
