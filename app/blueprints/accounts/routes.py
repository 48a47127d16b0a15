"""Sign-ins (issue 19): the list of every sign-in, a new one for a person, and the actions on
each (docs/RULES.md "Sign-ins").

hr and admins see the list, create sign-ins and resend invitations, one by one or for many at
once (a background job with its progress page); only admins grant and remove app roles,
disable, enable and unlock. Views are thin: app.services.signins holds the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app import policy
from app.blueprints.accounts import imported
from app.blueprints.accounts.forms import NewSignInForm
from app.kernel.forms import options, refuse
from app.models import User
from app.pagination import choice_arg, page_args, paginate, search_term, sort_args
from app.policy import permission
from app.policy import signins as may
from app.services import jobs, signins
from app.services.jobs import invitations as invitation_jobs

bp = Blueprint("accounts", __name__, url_prefix="/sign-ins")

ROLE_FILTERS = ("employee", *signins.GRANTABLE_ROLES)
PICKER_LIMIT = 500  # people offered in the new sign-in picker at once (a search narrows it)


def _user() -> User:
    user = policy.acting_user()
    assert user is not None
    return user


def _back(account: User | None = None) -> str:
    """Where an action returns: the page it was made from (a local path), else the list."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("accounts.index")


@bp.route("/")
@permission("hr_or_admin")
def index() -> Any:
    filters = {
        "q": search_term(),
        "role": choice_arg("role", ROLE_FILTERS),
        "state": choice_arg("state", signins.SIGNIN_STATES),
    }
    sort_key, descending, order = sort_args(signins.SIGNIN_SORTS, "name")
    page, size = page_args(25)
    found = paginate(signins.signin_list_query(**filters).order_by(order, User.id), page, size)
    return render_template(
        "accounts/index.html",
        page=found,
        sort_key=sort_key,
        descending=descending,
        filters=filters,
        states=signins.states_of(found.items),
        state_labels=signins.STATE_LABELS,
        roles=ROLE_FILTERS,
        without=signins.count_without_signin(),
        imported=imported.people(),
        manages=may.manages_signins(_user()),
        grantable=signins.GRANTABLE_ROLES,
    )


def _picker(form: NewSignInForm, q: str | None) -> None:
    rows = signins.people_without_signin(q, PICKER_LIMIT)
    form.employee_id.choices = options(
        [("", "Choose a person")] + [(str(e.id), f"{e.name} ({e.employee_no})") for e in rows]
    )
    form.roles.choices = options([(r, r) for r in signins.GRANTABLE_ROLES])


def _new_page(form: NewSignInForm, code: int = 200) -> Any:
    q = search_term()
    _picker(form, q)
    return (
        render_template("accounts/new.html", form=form, q=q, manages=may.manages_signins(_user())),
        code,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission("hr_or_admin")
def new() -> Any:
    form = NewSignInForm()
    if request.method == "GET":
        chosen = request.args.get("employee_id")
        if chosen:
            form.employee_id.data = chosen
        return _new_page(form)
    if not form.validate_on_submit():
        return _new_page(form, 400)
    try:
        employee = signins.employee_for(form.employee_id.data)
        account = signins.create_signin(employee, form.roles.data or [], actor=_user())
    except signins.InvitationNotSent as failed:  # the sign-in exists; the mail did not go
        flash(failed.message, "error")
        return redirect(_back() if request.form.get("next") else url_for("accounts.index"))
    except signins.SignInError as refused:
        return _new_page(form, refuse(form, refused))
    if signins.needs_invitation(account):
        done = f"an invitation was sent to {account.email}."
    else:
        done = "they sign in through the organisation's directory, so no invitation was sent."
    flash(f"Created the sign-in of {account.employee.name}; {done}", "success")
    if request.form.get("next"):
        return redirect(_back())
    return redirect(url_for("accounts.index", q=account.email))


def _form_role() -> str:
    return (request.form.get("role") or "").strip().lower()


def _with_role(change: Callable[..., Any]) -> Callable[..., Any]:
    """A role change (grant, remove) of the role the form names."""
    return lambda account, actor: change(account, _form_role(), actor=actor)


# The actions on one sign-in, each a POST to /<user_id>/<endpoint>: the permission it needs, the
# service's action, and what is said once it is done ({name}: the person's name, {email}: the
# sign-in's, {role}: the role the form names). A refusal is said with the service's message.
SIGNIN_ACTIONS: tuple[tuple[str, str, Callable[..., Any], str], ...] = (
    ("grant", "admin", _with_role(signins.grant_role), "{name} now has the {role} role."),
    ("remove", "admin", _with_role(signins.remove_role), "{name} no longer has the {role} role."),
    (
        "disable",
        "admin",
        signins.disable,
        "The sign-in of {name} is disabled: their sessions and API tokens have ended.",
    ),
    ("enable", "admin", signins.enable, "The sign-in of {name} is enabled again."),
    ("unlock", "admin", signins.unlock, "The sign-in of {name} is unlocked."),
    (
        "resend",
        "hr_or_admin",
        signins.resend_invitation,
        "A new invitation was sent to {email}; older links no longer work.",
    ),
)


def _action_view(endpoint: str, action: Callable[..., Any], done: str) -> Callable[..., Any]:
    def act(account: User) -> Any:
        try:
            action(account, actor=_user())
        except signins.SignInError as refused:
            flash(f"Not changed: {refused.message}", "error")
            return redirect(_back(account))
        words = {"name": account.employee.name, "email": account.email}
        flash(done.format(**words, role=_form_role()), "success")
        return redirect(_back(account))

    act.__name__ = act.__qualname__ = endpoint
    return act


for _endpoint, _who, _action, _done in SIGNIN_ACTIONS:
    bp.add_url_rule(
        f"/<int:user_id>/{_endpoint}",
        endpoint=_endpoint,
        view_func=permission(_who, may.signin())(_action_view(_endpoint, _action, _done)),
        methods=["POST"],
    )


@bp.route("/invite-many", methods=["POST"])
@permission("hr_or_admin")
def invite_many() -> Any:
    """Sign-ins for everyone without one, or for the people just imported: a background job."""
    scope = request.form.get("scope")
    if scope == "imported":
        people = imported.people()
        title = f"Sign-ins for the {len(people)} people just imported"
    elif scope == "job":
        people = imported.of_job(jobs.own_finished_job(_user(), request.form.get("job_id")))
        title = f"Sign-ins for the {len(people)} people just imported"
    elif scope == "everyone":
        people = signins.without_signin_ids()
        title = f"Sign-ins for everyone without one ({len(people)} people)"
    else:
        flash(
            "Choose whom to invite: everyone without a sign-in, or the people just imported.",
            "error",
        )
        return redirect(url_for("accounts.index"))
    if not people:
        flash("Everyone in that group already has a sign-in: nobody to invite.", "info")
        return redirect(url_for("accounts.index"))
    if scope == "imported":
        imported.forget()
    job_id = invitation_jobs.request_invitations(_user(), people, title)
    return redirect(url_for("jobs.show", job_id=job_id))
