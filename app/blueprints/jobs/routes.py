"""Background jobs (issue 23): a job's progress page and its JSON status, the finished file for
its requester, and the admins' list of every job with its errors.

A job is its requester's own: anyone else's (and an unknown id) answers 404. The download asks
again whether the requester may still see the report (docs/RULES.md: a report is as private as
its people) and answers 403 when they lost that right.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template

from app import policy
from app.blueprints.accounts import imported
from app.kernel.errors import Forbidden, NotFound
from app.models import Job
from app.pagination import choice_arg, list_page, newest_first
from app.policy import permission
from app.policy.jobs import own_job
from app.policy.signins import creates_signins
from app.reports import render
from app.services import jobs

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

SORTS = {"created_at": Job.created_at, "state": Job.state, "kind": Job.kind}


@bp.route("/")
@permission("admin")
def index() -> Any:
    state = choice_arg("state", jobs.STATE_LABELS)
    return list_page(
        "jobs/index.html",
        newest_first(SORTS, "created_at"),
        lambda order: jobs.all_jobs(state).order_by(None).order_by(order, Job.id.desc()),
        scalars=False,
        state=state,
        state_labels=jobs.STATE_LABELS,
    )


@bp.route("/mine")
@permission("authenticated")
def mine() -> Any:
    user = policy.acting_user()
    found = [jobs.status(job) for job in jobs.mine(user.id)]
    return render_template("jobs/mine.html", statuses=found)


@bp.route("/<int:job_id>")
@permission("authenticated", own_job())
def show(job: Job) -> Any:
    # a finished import of employees offers sign-ins for the people it created (issue 19)
    offer = imported.of_job(job) if creates_signins(policy.acting_user()) else []
    return render_template("jobs/show.html", s=jobs.status(job), job=job, signins_offer=offer)


@bp.route("/<int:job_id>/status.json")
@permission("authenticated", own_job())
def status(job: Job) -> Any:
    response = jsonify(jobs.status(job).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/download")
@permission("authenticated", own_job())
def download(job: Job) -> Any:
    if not jobs.may_download(policy.acting_user(), job.kind):
        raise Forbidden("You may no longer see this report, so its file cannot be downloaded.")
    path = jobs.result_file(job)
    if path is None:
        raise NotFound("This file is no longer kept. Ask for the report again.")
    name = job.result_name or f"job-{job.id}.pdf"
    if name.endswith(".csv"):
        return render.file_response(path.read_bytes(), name, "text/csv")
    return render.pdf_response(path.read_bytes(), name.removesuffix(".pdf"))
