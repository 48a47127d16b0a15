"""After a catalogue or settings change, a readiness page (or the team report's page) with more
stale people than READINESS_INLINE_LIMIT does not compute them in the request (issue 23: no
request over 10 s at 50,000 people). It says "Readiness is being recomputed" with the people
done so far, shows no stale row, reloads itself and makes sure the warm-up job is queued; the
API answers 503 with Retry-After. Once a real worker has run the warm-up, the pages show rows
equal to a fresh evaluation. At or below the limit, the pages compute inline as before.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Employee, Job, StoredReadiness, User
from app.services import configuration
from app.services.jobs import periodic, queue
from app.services.readiness import bench, stored
from tests.conftest import TEST_TODAY
from tests.factories import PERSONAS, persona_user, signed_in_client
from tests.integration.api_support import Api
from tests.integration.jobs_support import ThreadWorker, wait_for

ROLE = "L2-CSS"
PAGES = (
    f"/readiness/organisation?role={ROLE}",
    f"/readiness/bench?role={ROLE}",
    "/readiness/lapses",
    f"/readiness/training-needs?role={ROLE}",
    "/reports/team",  # the team report's page reads stored readiness too
)
WAITING = "Readiness is being recomputed after a change"


def _hr() -> User:
    return persona_user("hr")


def _candidates(roles: list[str] | None = None) -> int:
    """Everyone who is a candidate for one of the roles (default: every target role)."""
    population = bench.population_for(_hr())
    snapshot = stored.load_catalogue()
    roles = roles or bench.candidate_roles(snapshot)
    _, total = stored.stale_people(population, roles, TEST_TODAY, snapshot)
    return total


def _warmups_waiting() -> int:
    huey = queue.huey_of()
    waiting = list(huey.pending()) + list(huey.scheduled())
    return sum(1 for task in waiting if task.name == "warm_readiness")


def _change_the_settings() -> None:
    configuration.update_settings({"ready_threshold": "85"})  # commits: the catalogue changed
    db.session.expire_all()


def _fresh(role: str) -> list[tuple[int, float, str, bool]]:
    found = bench.bench_strength(bench.population_for(_hr()), role, TEST_TODAY)
    return sorted((c.employee_id, c.score, c.band, c.ready) for c in found.candidates)


def _listed(api: Api, role: str) -> list[tuple[int, float, str, bool]]:
    answer = api.get(f"/readiness?role={role}&per_page=200")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["total"] == len(body["items"])
    return sorted((i["employee_id"], i["score"], i["band"], i["ready"]) for i in body["items"])


def test_above_the_limit_the_pages_wait_for_the_warm_up_and_then_show_fresh_rows(demo_app, demo_db):
    hr = signed_in_client(demo_app, PERSONAS["hr"])
    api = Api(demo_app)
    assert hr.get(PAGES[0]).status_code == 200  # current before the change
    demo_app.config["READINESS_INLINE_LIMIT"] = 5
    _change_the_settings()
    total = _candidates()
    assert total > 5

    for url in PAGES:
        page = hr.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert WAITING in html
        # everyone in the page's scope (training needs: the candidates for its one role)
        shown = re.search(r'role="status"[^>]*>\s*<strong>0 of (\d+) people recomputed', html)
        assert shown and 5 < int(shown.group(1)) <= total, url
        assert '<meta http-equiv="refresh" content="5">' in html  # reloads without JavaScript
        assert "<table" not in html and "Maria Lopez" not in html  # no stale row
    answer = api.get(f"/readiness?role={ROLE}")
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) > 0
    assert f"0 of {_candidates([ROLE])} people done" in answer.get_json()["error"]
    # Nothing was computed in those requests, and one warm-up waits on the queue (not one
    # per page view).
    assert _warmups_waiting() == 1
    version = stored.load_catalogue().version
    assert not db.session.scalar(
        select(func.count())
        .select_from(StoredReadiness)
        .where(StoredReadiness.catalogue_version == version)
    )

    with ThreadWorker(demo_app) as worker:
        wait_for(
            lambda: db.session.scalar(
                select(Job).where(Job.kind == "readiness_warmup", Job.state == "done")
            ),
            "the warm-up",
            worker,
        )
    db.session.expire_all()
    for url in PAGES:
        html = hr.get(url).get_data(as_text=True)
        assert WAITING not in html
    assert "<table" in hr.get(PAGES[0]).get_data(as_text=True)
    for role in ("L2-CSS", "L3-CSM"):
        assert _listed(api, role) == _fresh(role) != []


def test_at_or_below_the_limit_the_pages_compute_inline_as_before(demo_app, demo_db):
    hr = signed_in_client(demo_app, PERSONAS["hr"])
    api = Api(demo_app)
    _change_the_settings()
    demo_app.config["READINESS_INLINE_LIMIT"] = _candidates()
    for url in PAGES:
        page = hr.get(url)
        assert page.status_code == 200 and WAITING not in page.get_data(as_text=True)
    assert "<table" in hr.get(PAGES[0]).get_data(as_text=True)
    assert _listed(api, ROLE) == _fresh(ROLE) != []
    assert _warmups_waiting() == 0  # nothing left for a worker


def test_the_warm_up_commits_each_chunk_so_the_count_moves_and_survives_a_failure(
    demo_app, demo_db, monkeypatch
):
    """A warm-up that dies after its first chunk keeps that chunk: the page counts those people
    done, and the next warm-up computes only the rest."""
    demo_app.config["READINESS_INLINE_LIMIT"] = 5
    hr = signed_in_client(demo_app, PERSONAS["hr"])
    _change_the_settings()
    total = _candidates()
    people = db.session.scalar(
        select(func.count()).select_from(Employee).where(Employee.status != "terminated")
    )
    monkeypatch.setattr(periodic, "WARM_CHUNK", 10)
    real_scope, calls = stored.scope, []

    def dies_on_the_second_chunk(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return real_scope(*args, **kwargs)

    monkeypatch.setattr(stored, "scope", dies_on_the_second_chunk)
    periodic.warm_readiness()
    failed = db.session.scalar(select(Job).where(Job.kind == "readiness_warmup"))
    assert failed.state == "failed"
    html = hr.get(PAGES[0]).get_data(as_text=True)
    done = int(re.search(r"(\d+) of \d+ people recomputed", html).group(1))
    assert 0 < done < total

    monkeypatch.setattr(stored, "scope", real_scope)
    periodic.warm_readiness()
    db.session.expire_all()
    warm = db.session.scalar(select(Job).where(Job.kind == "readiness_warmup", Job.state == "done"))
    assert warm.summary["people"] == people
    assert WAITING not in hr.get(PAGES[0]).get_data(as_text=True)
    assert _listed(Api(demo_app), ROLE) == _fresh(ROLE)


def test_the_warm_up_brings_the_stored_compliance_lines_up_to_date(demo_app, demo_db):
    """After a catalogue change every person's compliance lines are stale; the warm-up
    recomputes them, so the compliance page's next request has nobody left to recompute and
    shows the same items as before the warm-up computed them."""
    from app.services import compliance_lines

    hr = signed_in_client(demo_app, PERSONAS["hr"])
    assert hr.get("/reports/compliance").status_code == 200  # every line stored and current
    everyone = select(Employee.id).where(Employee.status != "terminated")
    assert db.session.execute(compliance_lines._stale(everyone)).first() is None
    _change_the_settings()
    stale = db.session.execute(compliance_lines._stale(everyone)).all()
    assert len(stale) == db.session.scalar(select(func.count()).select_from(everyone.subquery()))
    periodic.warm_readiness()
    db.session.expire_all()
    assert db.session.execute(compliance_lines._stale(everyone)).first() is None
