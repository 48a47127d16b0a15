"""Course sessions: the schedule, and scheduling, editing, cancelling and reinstating a run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import clock
from app.blueprints.catalogue import bp
from app.blueprints.catalogue.forms import SessionForm
from app.blueprints.catalogue.pages import refused
from app.kernel.fields import CODE_MAX, clean_search
from app.kernel.forms import options
from app.models import Course, CourseSession
from app.pagination import list_page, search_term, sort_args
from app.policy import catalogue as catalogue_policy
from app.policy import permission
from app.services import catalogue
from app.services.catalogue.errors import CatalogueError

WHEN = ("upcoming", "past", "all")


@bp.route("/sessions")
@permission("authenticated")
def sessions() -> ResponseReturnValue:
    when = request.args.get("when", "upcoming")
    when = when if when in WHEN else "upcoming"
    course = (clean_search(request.args.get("course"), CODE_MAX) or "").upper() or None
    include_cancelled = request.args.get("cancelled") == "1"
    q = search_term()
    return list_page(
        "catalogue/sessions.html",
        sort_args(catalogue.SESSION_SORTS, "starts_on"),
        lambda order: catalogue.session_query(
            q=q,
            course=course,
            when=when,
            on=clock.today(),
            include_cancelled=include_cancelled,
            order=order,
        ),
        filters={"q": q, "course": course, "when": when, "cancelled": include_cancelled},
        courses=catalogue.choices("course", include=[course] if course else []),
    )


def _with_trainers(form: SessionForm, current: int | None = None) -> SessionForm:
    """The trainer select: nobody, or one of the current employees."""
    form.trainer_id.choices = options(
        [("", "— none —")] + [(str(e.id), e.name) for e in catalogue.trainer_choices(current)]
    )
    return form


def _session_page(
    form: SessionForm, course: Course, session: Any = None, status: int = 200
) -> tuple[str, int]:
    return (
        render_template("catalogue/session_form.html", form=form, course=course, session=session),
        status,
    )


@bp.route("/courses/<code>/sessions/new", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.entry("course", name="course"))
def session_new(course: Course) -> ResponseReturnValue:
    form = _with_trainers(SessionForm(data={"seats": "12"}))
    if form.validate_on_submit():
        try:
            session = catalogue.add_session(
                course.code,
                form.starts_on.data,
                form.ends_on.data,
                form.seats.data,
                form.location.data,
                form.trainer_id.data,
            )
        except CatalogueError as error:
            return _session_page(form, course, status=refused(form, error))
        flash(
            f"Session of {course.code} from {session.starts_on.isoformat()} scheduled.", "success"
        )
        return redirect(url_for("catalogue.course_show", code=course.code))
    return _session_page(form, course)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@permission("hr_or_admin", catalogue_policy.course_session())
def session_edit(session: CourseSession) -> ResponseReturnValue:
    session_id = session.id
    form = _with_trainers(SessionForm(obj=session), session.trainer_id)
    if not form.is_submitted():
        form.trainer_id.data = str(session.trainer_id or "")
        form.starts_on.data = session.starts_on.isoformat()
        form.ends_on.data = session.ends_on.isoformat()
        form.seats.data = str(session.seats)
    if form.validate_on_submit():
        try:
            catalogue.update_session(
                session_id,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                seats=form.seats.data,
                location=form.location.data,
                trainer_id=form.trainer_id.data,
            )
        except CatalogueError as error:
            session = catalogue.get_session(session_id)
            return _session_page(form, session.course, session, refused(form, error))
        flash("Session saved.", "success")
        return redirect(url_for("catalogue.course_show", code=session.course.code))
    return _session_page(form, session.course, session)


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@permission("hr_or_admin", catalogue_policy.course_session())
def session_cancel(session: CourseSession) -> ResponseReturnValue:
    return _session_flag(session, catalogue.cancel_session, "cancelled")


@bp.route("/sessions/<int:session_id>/reinstate", methods=["POST"])
@permission("hr_or_admin", catalogue_policy.course_session())
def session_reinstate(session: CourseSession) -> ResponseReturnValue:
    return _session_flag(session, catalogue.reinstate_session, "back on the schedule")


def _session_flag(
    session: CourseSession, action: Callable[[int], CourseSession], word: str
) -> ResponseReturnValue:
    session_id = session.id
    try:
        session = action(session_id)
    except CatalogueError as error:
        flash(error.message, "error")
        session = catalogue.get_session(session_id)
    else:
        flash(
            f"The {session.starts_on.isoformat()} session of {session.course.code} is {word}.",
            "success",
        )
    return redirect(url_for("catalogue.course_show", code=session.course.code))
