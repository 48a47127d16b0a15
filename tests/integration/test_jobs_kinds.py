"""Background jobs of each kind (issue 23): large imports, bounded retries, the readiness
warm-up and the periodic runs, each exactly once. Workers run in this process
(``ThreadWorker``: the consumer `flask --app app worker` runs) on the test app's SQLite queue.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import CacheCounter, Completion, Employee, Job, Notification, StoredReadiness
from app.services import jobs
from app.services.jobs import imports, periodic, store
from app.services.jobs.runner import JobRun, Superseded
from tests.factories import PERSONAS, signed_in_client, user_of
from tests.integration.jobs_support import ThreadWorker, wait_for

GOOD = "employee,course,completed_on\n{maria},HARASS-REF,2026-11-01\n{grace},PCI-AWARE,2026-11-02\n"


def _numbers(*names: str) -> list[str]:
    return [
        db.session.scalar(select(Employee.employee_no).where(Employee.name == n)) for n in names
    ]


def _completions() -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count(Completion.id))) or 0)


def _finished(job_id: int) -> Job | None:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    return job if job is not None and job.state in ("done", "failed") else None


def _upload_and_apply(client, data: str) -> int:
    staged = client.post(
        "/records/import",
        data={
            "kind": "completions",
            "date_format": "iso",
            "file": (io.BytesIO(data.encode()), "big.csv"),
        },
        content_type="multipart/form-data",
    )
    assert staged.status_code == 302
    applied = client.post(staged.headers["Location"] + "/apply", data={"date_format": "iso"})
    assert applied.status_code == 302 and "/jobs/" in applied.headers["Location"]
    return int(applied.headers["Location"].rsplit("/", 1)[1])


def test_a_large_import_is_applied_by_a_worker_all_or_nothing(demo_app, demo_db):
    demo_app.config["JOBS_IMPORT_ROWS_THRESHOLD"] = 1
    maria, grace = _numbers("Maria Lopez", "Grace Okafor")
    hr = signed_in_client(demo_app, PERSONAS["hr"])
    before = _completions()
    bad = GOOD.format(maria=maria, grace=grace).replace("PCI-AWARE", "NO-SUCH-COURSE")
    refused_id = _upload_and_apply(hr, bad)
    good_id = _upload_and_apply(hr, GOOD.format(maria=maria, grace=grace))
    with ThreadWorker(demo_app) as worker:
        refused = wait_for(lambda: _finished(refused_id), "the refused import", worker)
        good = wait_for(lambda: _finished(good_id), "the good import", worker)

    assert refused.state == "done" and refused.summary["refused"] == 1
    assert refused.summary["imported"].startswith("no") and "line 3" in refused.summary["why"]
    assert good.state == "done" and good.summary["created"] == 2
    assert _completions() == before + 2  # the refused file wrote nothing, the good one its rows
    status = hr.get(f"/jobs/{good_id}/status.json").get_json()
    assert (status["done"], status["total"], status["unit"]) == (2, 2, "rows checked")
    page = hr.get(f"/jobs/{good_id}").get_data(as_text=True)
    assert "Ready" in page and "Created" in page


def test_an_import_attempt_that_is_no_longer_current_writes_nothing(demo_app, demo_db):
    maria, grace = _numbers("Maria Lopez", "Grace Okafor")
    hannah = user_of(PERSONAS["hr"])
    data = GOOD.format(maria=maria, grace=grace).encode()
    job_id = imports.request_import(
        hannah, "completions", data, mapping=None, date_format="iso", filename="x.csv"
    )
    before = _completions()
    first = store.claim(job_id)
    # Its worker looked dead: the job was retried, and the retry started.
    assert store.give_up_or_retry(job_id, first, "the worker stopped") == "queued"
    second = store.claim(job_id)
    assert (first, second) == (1, 2)

    job = db.session.get(Job, job_id)
    with pytest.raises(Superseded):
        jobs.KINDS["csv_import"](JobRun(job, first))  # the old attempt wakes up: rolled back
    db.session.rollback()
    assert _completions() == before
    jobs.KINDS["csv_import"](JobRun(db.session.get(Job, job_id), second))
    assert _completions() == before + 2
    assert store.claim(job_id) is None  # done: nobody runs it again
    assert _completions() == before + 2
    told = db.session.scalars(select(Notification).where(Notification.link == f"/jobs/{job_id}"))
    assert len(list(told)) == 1


def test_a_failing_job_is_retried_a_bounded_number_of_times_and_admins_see_why(demo_app, demo_db):
    demo_app.config["JOBS_RETRY_SECONDS"] = 0
    hannah = user_of(PERSONAS["hr"])
    job_id = jobs.reports.request_pdf(
        hannah, "team_pdf", {"department": None, "as_of": "2026-13-45"}, "team-broken"
    )
    with ThreadWorker(demo_app) as worker:
        job = wait_for(lambda: _finished(job_id), "the job to fail for good", worker)
    assert job.state == "failed" and job.attempt == 3
    assert "Attempt 3" in job.error and "month must be in 1..12" in job.error
    notice = db.session.scalar(select(Notification).where(Notification.link == f"/jobs/{job_id}"))
    assert notice.subject.startswith("Could not finish")

    admin = signed_in_client(demo_app, PERSONAS["admin"])
    page = admin.get("/jobs/?state=failed").get_data(as_text=True)
    assert "Could not be finished" in page and "month must be in 1..12" in page
    assert "3 of 3" in page
    assert signed_in_client(demo_app, PERSONAS["hr"]).get("/jobs/").status_code == 403


def _stored_today() -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(StoredReadiness)) or 0)


def test_a_settings_change_warms_stored_readiness_up_in_the_background(demo_app, demo_db):
    from app.services import configuration
    from app.services.readiness import bench
    from app.services.readiness.catalogue import load_catalogue

    demo_app.config["JOBS_WARMUP"] = True
    db.session.execute(StoredReadiness.__table__.delete())
    db.session.commit()
    configuration.update_settings({"ready_threshold": "85"})  # commits: the catalogue changed
    with ThreadWorker(demo_app) as worker:
        warm = wait_for(
            lambda: db.session.scalar(
                select(Job).where(Job.kind == "readiness_warmup", Job.state == "done")
            ),
            "the warm-up",
            worker,
        )
    assert warm.summary["roles"] == len(bench.candidate_roles(load_catalogue())) > 0
    # Every candidate of every target role, computed ahead with the new settings (nothing else
    # ran since every stored row was deleted).
    assert _stored_today() > 0
    version = db.session.scalar(select(CacheCounter.value).where(CacheCounter.name == "catalogue"))
    versions = set(db.session.scalars(select(StoredReadiness.catalogue_version).distinct()))
    assert versions == {version}
    # The page still checks staleness itself, and finds nothing left to compute.
    hr = signed_in_client(demo_app, PERSONAS["hr"])
    kept = _stored_today()
    assert hr.get("/readiness/organisation").status_code == 200
    assert _stored_today() == kept


@pytest.mark.usefixtures("reminders_not_yet_run")  # runs reminders from nothing sent
def test_periodic_reminders_are_recorded_and_never_sent_twice(demo_app, demo_db):
    periodic.reminders()
    first = db.session.scalar(select(func.count(Notification.id)))
    periodic.reminders()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Notification.id))) == first
    runs = db.session.scalars(select(Job).where(Job.kind == "reminders")).all()
    assert [r.state for r in runs] == ["done", "done"]
    assert runs[0].summary["reminders created"] > 0 and runs[1].summary["reminders created"] == 0
    periodic.retention_purge()
    purge = db.session.scalar(select(Job).where(Job.kind == "retention_purge"))
    assert purge.state == "done" and "checks erased" in purge.summary


def test_a_bulk_booking_is_made_by_a_worker_and_a_retry_invites_nobody_twice(demo_app, demo_db):
    from app.models import Enrolment
    from tests.integration.enrolment_support import csrs, new_session

    demo_app.config["JOBS_BULK_THRESHOLD"] = 1
    people = csrs(3)
    session = new_session(seats=2)
    session_id = session.id
    hr = signed_in_client(demo_app, PERSONAS["hr"])
    answer = hr.post(
        "/sessions/book",
        data={"session_id": str(session_id), "employee_id": [str(p.id) for p in people]},
    )
    assert answer.status_code == 302 and "/jobs/" in answer.headers["Location"]
    job_id = int(answer.headers["Location"].rsplit("/", 1)[1])

    def bookings() -> list[str]:
        db.session.expire_all()
        return sorted(
            db.session.scalars(select(Enrolment.status).where(Enrolment.session_id == session_id))
        )

    def notices() -> int:
        db.session.expire_all()
        return int(db.session.scalar(select(func.count(Notification.id))) or 0)

    with ThreadWorker(demo_app) as worker:
        job = wait_for(lambda: _finished(job_id), "the bulk booking", worker)
        assert job.state == "done"
        assert job.summary == {"enrolled": 2, "waitlisted": 1}
        assert bookings() == ["enrolled", "enrolled", "waitlisted"]
        sent = notices()
        # The same job run again (a retry after a lost reply): nobody is booked or told twice.
        db.session.execute(
            Job.__table__.update().where(Job.id == job_id).values(state="queued", summary=None)
        )
        db.session.commit()
        jobs.enqueue(job_id)
        again = wait_for(
            lambda: (found := _finished(job_id)) and found.summary and found, "the retry", worker
        )
    assert again.summary["refused"] == 3 and "already" in again.summary["why"]
    assert bookings() == ["enrolled", "enrolled", "waitlisted"]
    assert notices() == sent
