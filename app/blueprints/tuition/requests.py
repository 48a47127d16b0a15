"""My tuition requests, and the request form (a new draft, or editing one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from app.blueprints.tuition import bp
from app.blueprints.tuition.common import currency, user
from app.blueprints.tuition.forms import RequestForm
from app.blueprints.tuition.workflow import apply_action
from app.clock import today
from app.kernel.forms import options, refuse
from app.models import Employee, TuitionRequest
from app.pagination import list_page, newest_first, search_term
from app.policy import permission
from app.policy import tuition as may
from app.services import tuition as svc
from app.tuition import rules

FORM_FIELDS = (
    "title",
    "institution",
    "qualification",
    "starts_on",
    "ends_on",
    "tuition",
    "fees",
    "books",
    "justification",
    "target_role",
    "target_competency",
)
SHOWN_FIELDS = (*FORM_FIELDS[:8], "job_related", "justification", "pass_fail", *FORM_FIELDS[9:])


@bp.route("/")
@permission("authenticated")
def index() -> Any:
    me = user()
    state = request.args.get("state") if request.args.get("state") in rules.STATES else None
    q = search_term()
    return list_page(
        "tuition/index.html",
        newest_first(svc.REQUEST_SORTS, "updated"),
        lambda order: svc.own_requests_query(me.employee_id, q=q, state=state).order_by(
            order, TuitionRequest.id.desc()
        ),
        q=q,
        state=state,
        states=rules.STATES,
        cap=svc.cap_status(me.employee_id),
        other_caps=[
            svc.cap_status(me.employee_id, year)
            for year in svc.cap_years(me.employee_id)
            if year != today().year
        ],
        currency=currency(),
    )


def _choices(form: RequestForm, employee: Employee, req: TuitionRequest | None) -> None:
    """The qualifications, and the roles and gaps of the development plan (plus the ones the
    request already names)."""
    plan = svc.plan_options(employee)
    form.qualification.choices = options(
        [("", "None / not a qualification")]
        + [(q.code, f"{q.name} ({q.code})") for q in svc.qualification_options()]
    )
    roles = [(r.code, f"{r.title} ({r.code})") for r in plan.roles]
    comps = [(c.code, c.name) for c in plan.competencies]
    if req is not None:
        if req.target_role and req.target_role.code not in {c for c, _ in roles}:
            roles.append(
                (req.target_role.code, f"{req.target_role.title} ({req.target_role.code})")
            )
        if req.target_competency_id and req.target_competency_id not in {
            c.id for c in plan.competencies
        }:
            comp = svc.target_competency(req)
            if comp is not None:
                comps.append((comp.code, comp.name))
    form.target_role.choices = options([("", "None")] + roles)
    form.target_competency.choices = options([("", "None")] + comps)


def _request_form(employee: Employee, req: TuitionRequest | None = None) -> RequestForm:
    form = RequestForm(formdata=request.form if request.method == "POST" else None)
    _choices(form, employee, req)
    if request.method != "POST":
        if req is not None:
            data = svc.request_to_dict(req)
            for name in SHOWN_FIELDS:
                form[name].data = data[name] if data[name] is not None else ""
        else:
            form.job_related.data = True
    return form


def _form_data() -> dict[str, Any]:
    data: dict[str, Any] = {name: request.form.get(name, "") for name in FORM_FIELDS}
    data["job_related"] = "job_related" in request.form
    data["pass_fail"] = "pass_fail" in request.form
    return data


def _request_page(
    employee: Employee,
    req: TuitionRequest | None,
    save: Callable[[dict[str, Any]], TuitionRequest],
    done: str,
    refused_to: str,
) -> Any:
    """The request form: GET shows it; POST saves (and, with then=submit, submits) or shows
    the form again with the refusal on its fields."""
    form = _request_form(employee, req)
    status = 200
    if request.method == "POST":
        try:
            saved = save(_form_data())
        except svc.ValidationFailed as error:
            status = refuse(form, error)
        except (svc.NotAllowed, svc.NotFound, svc.Conflict) as error:
            flash(error.message, "error")
            return redirect(refused_to)
        else:
            if request.form.get("then") == "submit":
                return apply_action(saved.id, "submit", {}, saved=True)
            flash(done, "success")
            return redirect(url_for("tuition.show", request_id=saved.id))
    return render_template(
        "tuition/form.html",
        form=form,
        req=req,
        cap=svc.cap_status(employee.id),
        currency=currency(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@permission("authenticated")
def new() -> Any:
    me = user()
    return _request_page(
        me.employee,
        None,
        lambda data: svc.create_request(me.employee, data, me),
        "Draft saved. Submit it when it is ready.",
        url_for("tuition.index"),
    )


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@permission("authenticated", may.own_request())
def edit(req: TuitionRequest) -> Any:
    if req.state != rules.DRAFT:
        flash("Only a draft can be edited.", "error")
        return redirect(url_for("tuition.show", request_id=req.id))
    request_id = req.id
    return _request_page(
        req.employee,
        req,
        lambda data: svc.update_request(request_id, data, user()),
        "Saved.",
        url_for("tuition.show", request_id=request_id),
    )
