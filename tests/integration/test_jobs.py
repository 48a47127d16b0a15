"""Background jobs with real workers on real storage (issue 23).

A worker is its own process (tests/integration/jobs_worker.py, what `flask --app app worker`
runs) consuming the test app's SQLite queue file, or a real redis-server on loopback.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import Employee, Job, Notification
from tests.factories import PERSONAS, signed_in_client, user_of
from tests.integration.jobs_support import ThreadWorker, Worker, redis_server, wait_for


@pytest.fixture
def queued(demo_app):
    """Every team or compliance PDF of the demo organisation is made by a worker."""
    demo_app.config["JOBS_PDF_PEOPLE_THRESHOLD"] = 0
    return demo_app


def _ask_team_pdf(client) -> int:
    response = client.get("/reports/team.pdf?as_of=2026-11-22")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return job_id


def _status(client, job_id: int) -> dict:
    response = client.get(f"/jobs/{job_id}/status.json")
    assert response.status_code == 200
    return response.get_json()


def _job(app, job_id: int) -> Job:
    with app.app_context():
        found = db.session.get(Job, job_id)
        db.session.expunge(found)
        return found


def _result_files(app) -> list[Path]:
    folder = Path(app.config["JOBS_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def _text_of(pdf: bytes) -> bytes:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).encode()


def _watch(client, job_id: int, worker) -> list[dict]:
    """Every distinct status the page's poll sees until the job is finished."""
    seen: list[dict] = []

    def finished() -> bool:
        status = _status(client, job_id)
        if not seen or status != seen[-1]:
            seen.append(status)
        return status["finished"]

    wait_for(finished, f"job {job_id} to finish", worker)
    return seen


def test_a_large_team_pdf_is_made_by_a_worker_with_real_progress(queued):
    hr = signed_in_client(queued, PERSONAS["manager"])  # Sam Rivera's part of the organisation
    job_id = _ask_team_pdf(hr)
    page = hr.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert b"Waiting for a worker" in page.data and b'http-equiv="refresh"' in page.data
    assert _status(hr, job_id)["state"] == "queued"

    with ThreadWorker(queued, JOBS_STEP_PAUSE=0.1) as worker:
        seen = _watch(hr, job_id, worker)

    running = [s for s in seen if s["state"] == "running"]
    assert running, seen
    people = [s for s in running if s["unit"] == "people evaluated" and s["total"]]
    pages = [s["done"] for s in running if s["unit"] == "pages rendered"]
    assert people and people[0]["total"] > 0  # the population is counted before it is built
    assert pages and pages == sorted(pages) and pages[0] >= 1  # pages rendered, one by one
    final = seen[-1]
    assert final["state"] == "done" and final["downloadable"] and final["percent"] == 100
    assert final["summary"]["pages"] >= max(pages)
    assert final["summary"]["people"] == people[0]["total"]

    download = hr.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")
    assert "team-of-sam-rivera-2026-11-22.pdf" in download.headers["Content-Disposition"]
    assert b"Team of Sam Rivera" in _text_of(download.data)
    with queued.app_context():
        notices = db.session.scalars(
            select(Notification).where(Notification.link == f"/jobs/{job_id}")
        ).all()
        assert [n.user_id for n in notices] == [user_of(PERSONAS["manager"]).id]
        assert notices[0].subject.startswith("Ready:")

    # Someone else's job, and a job that does not exist, look alike: 404.
    other = signed_in_client(queued, PERSONAS["hr"])
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}/status.json", f"/jobs/{job_id}/download"):
        assert other.get(url).status_code == 404
    assert hr.get("/jobs/999999").status_code == 404
    assert hr.get("/jobs/999999/download").status_code == 404

    # The requester who lost the right to the report (nobody reports to Sam any more) cannot
    # download it, though the file is still kept.
    with queued.app_context():
        sam = user_of(PERSONAS["manager"])
        db.session.execute(
            update(Employee).where(Employee.manager_id == sam.employee_id).values(manager_id=None)
        )
        db.session.commit()
    refused = hr.get(f"/jobs/{job_id}/download")
    assert refused.status_code == 403
    assert not refused.data.startswith(b"%PDF")


def test_a_worker_killed_mid_job_leaves_no_result_and_the_retry_completes(queued):
    queued.config["JOBS_LEASE_SECONDS"] = 1
    hr = signed_in_client(queued, PERSONAS["manager"])
    job_id = _ask_team_pdf(hr)
    first = Worker(queued, JOBS_STEP_PAUSE=0.5, JOBS_LEASE_SECONDS=1)
    try:
        wait_for(
            lambda: _status(hr, job_id)["unit"] == "pages rendered",
            "the first page to be rendered",
            first,
        )
        first.kill()
    finally:
        first.stop()

    status = _status(hr, job_id)
    assert status["state"] == "running" and not status["downloadable"]
    assert not [p for p in _result_files(queued) if p.suffix == ".pdf"]
    assert hr.get(f"/jobs/{job_id}/download").status_code == 404

    # The next worker finds the dead worker's lease run out and runs the job again.
    time.sleep(1.5)
    with ThreadWorker(queued, JOBS_STEP_PAUSE=0) as second:
        _watch(hr, job_id, second)
    job = _job(queued, job_id)
    assert job.state == "done" and job.attempt == 2
    assert "the worker stopped" in (job.error or "") or job.error is None
    pdfs = [p for p in _result_files(queued) if p.suffix == ".pdf"]
    assert [p.name for p in pdfs] == [f"job-{job_id}.pdf"]
    assert hr.get(f"/jobs/{job_id}/download").data.startswith(b"%PDF")
    with queued.app_context():
        ready = db.session.scalars(
            select(Notification).where(Notification.link == f"/jobs/{job_id}")
        ).all()
        assert len(ready) == 1  # told once, though the job ran twice


@pytest.fixture(scope="module")
def redis_url():
    yield from redis_server()


def test_a_worker_on_redis_runs_the_job_asked_from_the_web(queued, redis_url):
    queued.config["JOBS_REDIS_URL"] = redis_url
    queued.extensions.pop("echelon_huey", None)
    hr = signed_in_client(queued, PERSONAS["hr"])
    job_id = _ask_team_pdf(hr)
    with ThreadWorker(queued) as worker:
        seen = _watch(hr, job_id, worker)
    assert seen[-1]["state"] == "done"
    assert hr.get(f"/jobs/{job_id}/download").data.startswith(b"%PDF")
