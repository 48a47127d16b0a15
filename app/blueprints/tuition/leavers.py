"""HR records a leaver; a voluntary leaver's repayments are computed there and then."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from app.blueprints.tuition import bp
from app.blueprints.tuition.common import refused, user
from app.blueprints.tuition.forms import TerminationForm
from app.clock import today
from app.kernel.forms import refuse
from app.models import Employee, Repayment
from app.policy import permission
from app.services import tuition as svc


@bp.route("/leavers/new", methods=["GET", "POST"])
@permission("hr")
def leaver() -> Any:
    """HR records that someone left; a voluntary leaver's repayments are computed now."""
    form = TerminationForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.employee_no.data = request.args.get("employee_no", "")
        form.termination_date.data = today().isoformat()
        return _render_leaver(form)
    number = (form.employee_no.data or "").strip()
    employee = svc.employee_by_number(number)
    if employee is None:
        form.employee_no.errors = [
            "Enter the employee number of someone on record, e.g. E0017."
            if number
            else "Enter the employee number."
        ]
        return _render_leaver(form, status=422)
    try:
        owed = svc.record_termination(
            employee, form.termination_date.data or "", form.reason.data or "", user()
        )
    except (svc.NotFound, svc.NotAllowed) as error:
        return refused(error)
    except (svc.ValidationFailed, svc.Conflict) as error:
        return _render_leaver(form, employee=employee, status=refuse(form, error))
    return _render_leaver(None, result=owed, employee=svc.reloaded(employee))


def _render_leaver(
    form: TerminationForm | None,
    result: list[Repayment] | None = None,
    employee: Employee | None = None,
    status: int = 200,
) -> Any:
    config = svc.tuition_config()
    return render_template(
        "tuition/leaver.html",
        form=form,
        result=result,
        employee=employee,
        currency=config.currency,
        schedule=config.repayment_schedule,
    ), status
