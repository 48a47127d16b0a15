"""Calendars (docs/RULES.md "Sessions and enrolment"): the private feed that a calendar client
subscribes to without signing in (``/calendar/<token>.ics``: the token is the credential), and
the renewal offer that an expiry reminder links to: one page showing the session, one button
booking the signed-in user's own seat. Views are thin: the rules live in app.services.enrolment.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template

from app import policy
from app.blueprints.profile.forms import FeedForm
from app.clock import today
from app.models import User
from app.policy import permission
from app.policy.catalogue import course_session
from app.services import enrolment
from app.services.enrolment import feeds
from app.services.enrolment.feed import feed_calendar

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.route("/<feed_token>.ics")
@permission("public", open_args=("feed_token",))
def feed(feed_token: str) -> Any:
    """The feed itself: the token is the only check (an unknown or reset one answers 404)."""
    user = feeds.user_for_token(feed_token)
    if user is None:
        abort(404)
    body = feed_calendar(user).to_ical()
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="echelon.ics"',
            "Cache-Control": "private, no-store",
        },
    )


def _user() -> User:
    user = policy.acting_user()
    assert user is not None  # @permission("authenticated") let only signed-in users in
    return user


def _offer_page(session: Any, code: int = 200) -> Any:
    user = _user()
    employee = user.employee
    standing = None
    if employee is not None:
        standing = enrolment.standing_bookings([employee.id]).get((employee.id, session.course_id))
    return (
        render_template(
            "calendar/offer.html",
            session=session,
            course=session.course,
            standing=standing,
            form=FeedForm(),
            started=session.starts_on <= today(),
            can_book=employee is not None and not session.cancelled,
        ),
        code,
    )


@bp.route("/offer/<int:session_id>")
@permission("authenticated", course_session())
def offer(session) -> Any:
    return _offer_page(session)


@bp.route("/offer/<int:session_id>", methods=["POST"])
@permission("authenticated", course_session())
def take_offer(session) -> Any:
    form = FeedForm()
    if not form.validate_on_submit():
        flash("The form expired; press “Book this seat” again.", "error")
        return _offer_page(session, 400)
    user = _user()
    if user.employee is None:
        abort(403)
    try:
        booked = enrolment.book(session, user.employee, actor=user)
    except enrolment.EnrolmentError as error:
        flash(error.message, "error")
        return _offer_page(session, error.status)
    title = session.course.title
    if booked.status == "enrolled":
        flash(f"You are booked on {title} from {session.starts_on.isoformat()}.", "success")
    elif booked.status == "waitlisted":
        flash(
            f"The session filled up meanwhile: you are on the waitlist of {title}, and you "
            "get the first seat that frees up.",
            "info",
        )
    else:
        flash(f"Your booking on {title} waits for your manager's approval.", "info")
    return redirect(f"/sessions/{session.id}")
