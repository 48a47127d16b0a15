"""Large report CSVs are made by a worker too (issue 23: no request over 10 s at 50,000
people). A real worker thread consumes the test app's SQLite queue; the file it makes is the
same CSV the request makes for a small organisation."""

from __future__ import annotations

import pytest

from tests.factories import PERSONAS, signed_in_client
from tests.integration.jobs_support import ThreadWorker, wait_for


def _made_by_a_worker(app, client, url: str) -> tuple[bytes, str]:
    app.config["JOBS_CSV_PEOPLE_THRESHOLD"] = 0
    asked = client.get(url)
    assert asked.status_code == 302, asked.data[:300]
    job_id = int(asked.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with ThreadWorker(app) as worker:
        wait_for(
            lambda: client.get(f"/jobs/{job_id}/status.json").get_json()["finished"],
            f"job {job_id} to finish",
            worker,
        )
    status = client.get(f"/jobs/{job_id}/status.json").get_json()
    assert status["state"] == "done" and status["downloadable"], status
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    return download.data, download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("persona", "url", "name"),
    [
        ("hr", "/reports/team.csv?as_of=2026-11-22&table=gaps", "team-all-2026-11-22-gaps.csv"),
        (
            "manager",
            "/reports/team.csv?as_of=2026-11-22",
            "team-of-sam-rivera-2026-11-22-candidates.csv",
        ),
        (
            "hr",
            "/reports/compliance.csv?as_of=2026-11-22&days=90&table=chase",
            "compliance-all-2026-11-22-chase.csv",
        ),
    ],
)
def test_a_large_report_csv_is_queued_and_equals_the_csv_made_in_the_request(
    demo_app, persona, url, name
):
    client = signed_in_client(demo_app, PERSONAS[persona])
    demo_app.config["JOBS_CSV_PEOPLE_THRESHOLD"] = 100_000
    direct = client.get(url)
    assert direct.status_code == 200 and direct.mimetype == "text/csv"
    made, disposition = _made_by_a_worker(demo_app, client, url)
    assert made == direct.data
    assert name in disposition
    assert name in direct.headers["Content-Disposition"]


def test_an_unknown_table_of_a_large_report_is_refused_and_queues_nothing(demo_app):
    demo_app.config["JOBS_CSV_PEOPLE_THRESHOLD"] = 0
    client = signed_in_client(demo_app, PERSONAS["hr"])
    assert client.get("/reports/team.csv?as_of=2026-11-22&table=nope").status_code == 404
    mine = client.get("/jobs/mine")
    assert mine.status_code == 200
    assert b"Team bench strength and succession CSV" not in mine.data


def test_an_unknown_table_is_refused_before_the_report_is_built(demo_app, count_queries):
    """A made-up ``table`` never costs a whole report, whatever the size thresholds."""
    demo_app.config["JOBS_CSV_PEOPLE_THRESHOLD"] = 100_000
    client = signed_in_client(demo_app, PERSONAS["hr"])
    for report in ("team", "compliance"):
        url = f"/reports/{report}.csv?as_of=2026-11-22"
        client.get(url).close()  # warm: the signed-in user, stored readiness
        with count_queries() as valid:
            assert client.get(url).status_code == 200
        with count_queries() as unknown:
            assert client.get(f"{url}&table=nope").status_code == 404
        assert unknown() < valid(), (report, unknown(), valid())
