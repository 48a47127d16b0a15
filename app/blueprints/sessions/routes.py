"""Session pages (docs/RULES.md "Sessions and enrolment"): thin views over
``app.services.enrolment``. Every change is a POST that books, cancels, moves, decides or marks
through the service, then flashes what happened and returns to the page it came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import policy
from app.blueprints.sessions import bp
from app.clock import today
from app.kernel.fields import CODE_MAX, clean_search
from app.models import CourseSession, Enrolment
from app.pagination import page_args, page_of_rows, paginate
from app.policy import catalogue as catalogue_policy
from app.policy import enrolment as may
from app.policy import permission
from app.services import catalogue
from app.services import enrolment as svc
from app.services.jobs import bookings as booking_jobs
from app.services.readiness import capacity as seat_plans

T = TypeVar("T")

__all__ = ["bp"]


def _back(default: str) -> str:
    """The page a form came from (its ``next`` field), when it is one of ours."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return default


def _whole(value: str | None) -> int | None:
    """A form's id: a whole number of at most 18 ASCII digits, else None."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def _filters() -> svc.SessionFilters:
    course = (clean_search(request.args.get("course"), CODE_MAX) or "").upper() or None
    location = clean_search(request.args.get("location"), 120) or None
    return svc.SessionFilters(
        course=course, location=location, has_seats=request.args.get("has_seats") == "1"
    )


@bp.route("")
@permission("authenticated")
def index() -> ResponseReturnValue:
    filters = _filters()
    common = {
        "filters": filters,
        "courses": catalogue.choices("course", include=[filters.course] if filters.course else []),
        "locations": svc.locations(),
    }
    if request.args.get("view") == "month":
        try:
            first = svc.parse_month(request.args.get("month"), today())
        except svc.EnrolmentError as refused:
            flash(refused.message, "error")
            return render_template("sessions/month.html", month=None, **common), 422
        month = svc.month_calendar(first, filters)
        return render_template("sessions/month.html", month=month, **common)
    page, per_page = page_args(25)
    rows = paginate(svc.sessions_query(filters), page, per_page, scalars=False)
    return render_template("sessions/index.html", page=rows, **common)


def _visible_roster(session: CourseSession) -> svc.Roster:
    user = policy.acting_user()
    if may.sees_roster(user):
        return svc.roster(session)
    return svc.roster(session, policy.visible_employee_filter(user))


@bp.route("/<int:session_id>")
@permission("authenticated", catalogue_policy.course_session())
def show(session: CourseSession) -> ResponseReturnValue:
    user = policy.acting_user()
    everyone = svc.roster(session)
    shown = everyone if may.sees_roster(user) else _visible_roster(session)
    positions = {e.id: n for n, e in enumerate(everyone.waitlisted, start=1)}
    mine = next(
        (
            e
            for group in (everyone.enrolled, everyone.waitlisted, everyone.requested)
            for e in group
            if e.employee_id == user.employee_id
        ),
        None,
    )
    ended = not session.cancelled and session.ends_on <= today()
    return render_template(
        "sessions/show.html",
        session=session,
        roster=shown,
        counts=everyone,
        positions=positions,
        mine=mine,
        others=svc.other_sessions(session),
        people=svc.bookable_people(user) if policy.is_hr(user) or policy.is_manager(user) else [],
        bookable=not session.cancelled and session.starts_on > today(),
        attendance=may.marks_attendance(user) and ended,
        hr_marks=may.marks_attendance(user),
        sees_all=may.sees_roster(user),
        sees_seat_plan=policy.admits(user, "sessions.seat_plan"),
        ended=ended,
        can_book=lambda e: may.can_book(user, e),
        can_decide=lambda e: may.can_decide(user, e),
    )


@bp.route("/<int:session_id>/seat-plan")
@permission("hr", catalogue_policy.course_session())
def seat_plan(session: CourseSession) -> ResponseReturnValue:
    """HR's seat plan of one session (docs/RULES.md "The seat plan"): booked, waitlisted,
    planned, and who does not fit. Advisory: it books nothing."""
    status = 200
    try:
        as_of = seat_plans.parse_as_of(request.args.get("as_of"), today())
    except seat_plans.CapacityInputError as refused:
        flash(refused.message, "error")
        as_of, status = today(), 422
    plan = seat_plans.session_seat_plan(session, as_of)
    page, per_page = page_args(50)
    elsewhere = page_of_rows(list(plan.not_fitting), page, per_page)
    return render_template(
        "sessions/seat_plan.html", session=session, plan=plan, not_fitting=elsewhere
    ), status


def _report(outcomes: list[svc.Outcome]) -> None:
    for outcome in outcomes:
        tone = "error" if outcome.status == "refused" else "success"
        flash(f"{outcome.name}: {outcome.message}", tone)


def _chosen_ids() -> list[int] | None:
    ids = [_whole(value) for value in request.form.getlist("employee_id") if value.strip()]
    return None if None in ids else [i for i in ids if i is not None]


def _book(session: CourseSession, back: str, *, others: bool) -> ResponseReturnValue:
    user = policy.acting_user()
    ids = _chosen_ids()
    if ids is None:
        flash("Choose people from the list.", "error")
        return redirect(back)
    if not others:
        ids = [user.employee_id]
    elif booking_jobs.is_large(ids):  # a worker books them and sends the invitations (issue 23)
        job_id = booking_jobs.request_booking(user, session, ids)
        return redirect(url_for("jobs.show", job_id=job_id))
    try:
        outcomes = svc.book_many(session, svc.employees_by_id(ids), actor=user)
    except svc.EnrolmentError as refused:
        flash(refused.message, "error")
        return redirect(back)
    _report(outcomes)
    return redirect(back)


@bp.route("/<int:session_id>/book", methods=["POST"])
@permission("authenticated", catalogue_policy.course_session())
def book(session: CourseSession) -> ResponseReturnValue:
    """Book yourself, or (a manager, hr) the people chosen, on this session."""
    back = _back(url_for("sessions.show", session_id=session.id))
    return _book(session, back, others=request.form.get("for") == "others")


@bp.route("/book", methods=["POST"])
@permission("manager_or_hr")
def book_team() -> ResponseReturnValue:
    """The bulk booking of the training-needs and lapses pages: a session and many people."""
    back = _back(url_for("sessions.index"))
    session_id = _whole(request.form.get("session_id"))
    session = catalogue.find_session(session_id) if session_id is not None else None
    if session is None:
        flash("Choose a session to book the people on.", "error")
        return redirect(back)
    if not request.form.getlist("employee_id"):
        flash("Choose at least one person to book.", "error")
        return redirect(back)
    return _book(session, back, others=True)


def _after(enrolment: Enrolment) -> str:
    return _back(url_for("sessions.show", session_id=enrolment.session_id))


@bp.route("/enrolments/<int:enrolment_id>/cancel", methods=["POST"])
@permission("authenticated", may.enrolment())
def cancel(enrolment: Enrolment) -> ResponseReturnValue:
    back, name = _after(enrolment), enrolment.employee.name
    cancelled = _booking_step(
        lambda: svc.transition(enrolment, "cancel", actor=policy.acting_user())
    )
    if cancelled is not None:
        flash(f"The booking of {name} is cancelled.", "success")
    return redirect(back)


def _booking_step(step: Callable[[], T]) -> T | None:
    """Take one booking step (cancel, decide, move, attendance): what it answers, or None when
    booking refused it, its message flashed as an error (nothing was changed)."""
    try:
        return step()
    except svc.EnrolmentError as refused:
        flash(refused.message, "error")
        return None


@bp.route("/enrolments/<int:enrolment_id>/decide", methods=["POST"])
@permission("manager_or_hr", may.enrolment())
def decide(enrolment: Enrolment) -> ResponseReturnValue:
    back, name = _back(url_for("sessions.approvals")), enrolment.employee.name
    action = request.form.get("action", "")
    if action not in ("approve", "decline"):
        flash("Choose approve or decline.", "error")
        return redirect(back)
    done = _booking_step(lambda: svc.transition(enrolment, action, actor=policy.acting_user()))
    if done is not None:
        word = "declined" if action == "decline" else done.status.replace("_", " ")
        flash(f"The booking of {name} is {word}.", "success")
    return redirect(back)


@bp.route("/enrolments/<int:enrolment_id>/move", methods=["POST"])
@permission("authenticated", may.enrolment())
def move(enrolment: Enrolment) -> ResponseReturnValue:
    back = _after(enrolment)
    target_id = _whole(request.form.get("target"))
    target = catalogue.find_session(target_id) if target_id is not None else None
    if target is None:
        flash("Choose the session to move the booking to.", "error")
        return redirect(back)
    moved = _booking_step(lambda: svc.move(enrolment, target, actor=policy.acting_user()))
    if moved is None:
        return redirect(back)
    flash(f"Moved to the session starting {moved.session.starts_on.isoformat()}.", "success")
    return redirect(url_for("sessions.show", session_id=moved.session_id))


@bp.route("/<int:session_id>/attendance", methods=["POST"])
@permission("hr", catalogue_policy.course_session())
def attendance(session: CourseSession) -> ResponseReturnValue:
    """One form for the whole roster: ``mark-<enrolment id>`` = attended | no_show."""
    back = url_for("sessions.show", session_id=session.id)
    marks: dict[int, str] = {}
    for key, value in request.form.items():
        if key.startswith("mark-") and value:
            enrolment_id = _whole(key[5:])
            if enrolment_id is None:
                flash("The attendance form was not understood; reload the page.", "error")
                return redirect(back)
            marks[enrolment_id] = value
    done = _booking_step(lambda: svc.record_attendance(session, marks, actor=policy.acting_user()))
    if done is not None:
        people = "1 person" if len(done) == 1 else f"{len(done)} people"
        flash(f"Attendance recorded for {people}.", "success")
    return redirect(back)


@bp.route("/mine")
@permission("authenticated")
def mine() -> ResponseReturnValue:
    user = policy.acting_user()
    bookings = svc.enrolments_of(user.employee_id)
    on = today()
    return render_template(
        "sessions/mine.html",
        coming=[e for e in bookings if e.session.ends_on >= on],
        past=[e for e in bookings if e.session.ends_on < on],
        position=svc.waitlist_position,
    )


@bp.route("/approvals")
@permission("manager_or_hr")
def approvals() -> ResponseReturnValue:
    user = policy.acting_user()
    page, per_page = page_args(50)
    return render_template(
        "sessions/approvals.html", page=paginate(svc.approvals_query(user), page, per_page)
    )


def template_helpers() -> dict[str, Any]:
    """``session_approvals()``: the number of bookings waiting for the user (for links)."""

    def count() -> int:
        user = policy.acting_user()
        if user is None or not (policy.is_hr(user) or policy.is_manager(user)):
            return 0
        return svc.approval_count(user)

    return {"session_approvals": count}
