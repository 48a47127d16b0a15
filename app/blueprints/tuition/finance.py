"""Finance's pages: the yearly summary (and its CSV), and the repayments leavers owe."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for

from app.blueprints.tuition import bp
from app.blueprints.tuition.common import currency, refused, user
from app.blueprints.tuition.forms import SettleForm
from app.clock import today
from app.models import Repayment
from app.pagination import Page, list_page, page_args, render_list, search_term, sort_args
from app.policy import permission
from app.policy import tuition as may
from app.services import tuition as svc

SUMMARY_SORTS = {
    "department": lambda r: (r.department_name, r.name),
    "name": lambda r: (r.name, r.employee_id),
    "reserved": lambda r: r.reserved,
    "reimbursed": lambda r: r.reimbursed,
    "cap_used": lambda r: r.cap_used,
    "taxable_excess": lambda r: r.taxable_excess,
    "repayments_owed": lambda r: r.repayments_owed,
}


def _year_arg() -> int:
    try:
        year = int(request.args.get("year", today().year))
    except (TypeError, ValueError):
        year = today().year
    return year if 1900 <= year <= 2200 else today().year


@bp.route("/summary")
@permission("finance_or_hr")
def summary() -> Any:
    year = _year_arg()
    department = request.args.get("department") or None
    q = search_term()
    data = svc.summary(year, department)
    rows = data.rows
    if q:
        rows = [
            r for r in rows if q.lower() in r.name.lower() or q.lower() in r.employee_no.lower()
        ]
    sort_key = request.args.get("sort", "department")
    if sort_key not in SUMMARY_SORTS:
        sort_key = "department"
    descending = request.args.get("dir") == "desc"
    rows = sorted(rows, key=SUMMARY_SORTS[sort_key], reverse=descending)  # type: ignore[arg-type]
    page, per_page = page_args(50)
    start = (page - 1) * per_page
    result = Page(
        items=rows[start : start + per_page], total=len(rows), page=page, per_page=per_page
    )
    return render_list(
        "tuition/summary.html",
        result,
        (sort_key, descending),
        data=data,
        q=q,
        year=year,
        years=svc.summary_years(),
        department=department,
        departments=svc.departments(),
        outstanding=svc.outstanding_total(),
    )


@bp.route("/summary.csv")
@permission("finance_or_hr")
def summary_csv() -> Any:
    year = _year_arg()
    department = request.args.get("department") or None
    body = svc.summary_csv(svc.summary(year, department))
    name = f"tuition-summary-{year}" + (f"-{department}" if department else "")
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'},
    )


@bp.route("/repayments")
@permission("finance_or_hr")
def repayments() -> Any:
    q = search_term()
    show_all = request.args.get("show") == "all"
    return list_page(
        "tuition/repayments.html",
        sort_args(svc.REPAYMENT_SORTS, "termination_date"),
        lambda order: svc.repayments_query(q=q, outstanding=not show_all).order_by(
            order, Repayment.id
        ),
        q=q,
        show_all=show_all,
        outstanding=svc.outstanding_total(),
        currency=currency(),
        settle_form=SettleForm(),
        today=today(),
    )


@bp.route("/repayments/<int:repayment_id>/settle", methods=["POST"])
@permission("finance", may.repayment())
def settle(rep: Repayment) -> Any:
    form = SettleForm()
    try:
        rep = svc.settle_repayment(rep.id, form.settled_on.data or None, user())
    except (svc.NotFound, svc.NotAllowed) as error:
        return refused(error)
    except svc.TuitionError as error:
        messages = [m for ms in error.errors.values() for m in ms] or [error.message]
        for message in messages:
            flash(message, "error")
        return redirect(url_for("tuition.repayments"))
    flash(
        f"Recorded {rep.request.employee.name}'s repayment as settled on {rep.settled_on}.",
        "success",
    )
    return redirect(url_for("tuition.repayments"))
