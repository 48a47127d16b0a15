"""The 9-box grid (docs/RULES.md "Talent review grid (9-box)"): one page per review period,
its CSV and PDF (one page per department), and HR's calibration moves."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import policy
from app.blueprints.talent import bp
from app.kernel.fields import CODE_MAX, clean_search
from app.models import TalentReview
from app.policy import permission
from app.policy import talent as may
from app.reports import render
from app.reports.tables import Table
from app.services.talent import grid as svc
from app.services.talent.errors import TalentError

LEVEL_WORDS = {1: "Low", 2: "Medium", 3: "High"}


def _shown() -> svc.Grid:
    period = clean_search(request.args.get("period"), 20) or None
    department = (clean_search(request.args.get("department"), CODE_MAX) or "").upper() or None
    return svc.grid(policy.acting_user(), period, department)


def _args(shown: svc.Grid) -> dict[str, str]:
    return {k: v for k, v in (("period", shown.period), ("department", shown.department)) if v}


@bp.route("/talent/grid")
@permission("manager_or_hr")
def grid() -> ResponseReturnValue:
    shown = _shown()
    return render_template(
        "talent/grid.html",
        grid=shown,
        levels=LEVEL_WORDS,
        args=_args(shown),
        calibrates=may.calibrates(policy.acting_user()),
        acting_employee_id=getattr(policy.acting_user(), "employee_id", None),
    )


@bp.route("/talent/grid.csv")
@permission("manager_or_hr")
def grid_csv() -> ResponseReturnValue:
    shown = _shown()
    return render.csv_response(
        lambda: Table("nine-box", svc.CSV_HEADER, svc.csv_rows(shown)),
        f"talent-grid-{shown.period or 'none'}",
    )


@bp.route("/talent/grid.pdf")
@permission("manager_or_hr")
def grid_pdf() -> ResponseReturnValue:
    shown = _shown()
    data = render.pdf_bytes(
        "talent/grid_pdf.html",
        r=shown,
        grid=shown,
        levels=LEVEL_WORDS,
        report_title=f"Talent grid {shown.period or ''}".strip(),
    )
    return render.pdf_response(data, f"talent-grid-{shown.period or 'none'}")


@bp.route("/talent/grid/placements/<int:review_id>/move", methods=["POST"])
@permission("hr", may.placement())
def move(review: TalentReview) -> ResponseReturnValue:
    back = url_for("talent.grid", period=review.period, **_department_arg())
    try:
        performance, _, potential = (request.form.get("box") or "").partition("x")
        svc.calibrate(
            review,
            request.form.get("performance", performance),
            request.form.get("potential", potential),
            request.form.get("reason"),
            actor=policy.acting_user(),
        )
    except TalentError as refused:
        flash(f"Not moved: {refused.message}", "error")
        return redirect(back)
    names = svc.box_names()
    flash(f"Moved to {names[(review.performance, review.potential)]}.", "success")
    return redirect(back + f"#card-{review.id}")


def _department_arg() -> dict[str, str]:
    code = (clean_search(request.form.get("department"), CODE_MAX) or "").upper()
    return {"department": code} if code else {}
