"""The slowest pages and reports at organisation scale, one request at a time, as hr.

    .venv/bin/python -m bench.scale_requests [--employees 50000] [--runs 3] [--only "Team report"]

Uses the synthetic organisation of bench.run (bench.generate, cached under bench/out/), copied
to a throwaway file so the changes below never touch the cache. Each page is fetched through
the app (Flask's test client, in this process: the whole request, sign-in and policy included,
with no network in between), best and median of ``--runs``, wall-clock and CPU seconds. Stored
readiness is made current first (one organisation view), so the pages are timed as a reader
usually finds them; "first view after a catalogue change" is timed on its own, cold.

The team and compliance PDFs of more than JOBS_PDF_PEOPLE_THRESHOLD people are jobs: the
request queues one and answers at once (timed as the request); the job's own work is then timed
by running it here, as a worker would (``services.jobs.runner.execute``), for one department.
Likewise the readiness warm-up job after a catalogue change. Prints a Markdown table; the
verdict is against the issue-23 ceiling of 10 s per request. Only loopback, bounded loops;
never a pass/fail test (DESIGN.md principle 10).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CEILING = 10.0


class Results(list):  # type: ignore[type-arg]
    """The rows so far; each is printed (stderr) as it is measured, for a long run."""

    def append(self, item: Timing) -> None:
        super().append(item)
        print(item.row(), file=sys.stderr, flush=True)


@dataclass
class Timing:
    label: str
    walls: list[float]
    cpus: list[float]
    note: str = ""
    request: bool = True  # a request (held to the ceiling) or a job's own work

    def row(self) -> str:
        wall, cpu = min(self.walls), min(self.cpus)
        mwall, mcpu = statistics.median(self.walls), statistics.median(self.cpus)
        if self.request and max(self.walls) <= CEILING:
            verdict = "**ok**"
        elif self.request and max(self.cpus) <= CEILING:
            verdict = "**ok in CPU**, over 10 s of wall-clock under this load"
        elif self.request:
            verdict = "**over 10 s**"
        else:
            verdict = "job (off the request)"
        return (
            f"| {self.label} | {wall:.2f} s ({mwall:.2f}) | {cpu:.2f} s ({mcpu:.2f}) | {verdict} |"
            f" {self.note} |"
        )


def timed(action: Callable[[], Any], runs: int) -> tuple[list[float], list[float], Any]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def pages(employees: int) -> list[tuple[str, str]]:
    return [
        ("Bench strength page (L2-CSS)", "/readiness/bench?role=L2-CSS"),
        ("Bench strength page (L3-CSM)", "/readiness/bench?role=L3-CSM"),
        ("Organisation view", "/readiness/organisation"),
        ("Compliance page (whole organisation)", "/reports/compliance"),
        ("Team report HTML (whole organisation)", "/reports/team"),
        ("People list", "/employees/"),
        ("People search (“smith”)", "/employees/?q=smith"),
        ("Tuition queue (HR)", "/tuition/queue/hr"),
        ("Lapses page", "/readiness/lapses"),
        ("Training needs page", "/readiness/training-needs"),
    ]


def measure(
    employees: int, runs: int, department: str | None, only: str | None = None
) -> list[Timing]:
    """Every row, or with ``only`` just the pages and reports whose label contains it (stored
    readiness is then brought up to date by one untimed organisation view, not timed cold)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Department, Employee, Job, User
    from app.services.jobs import runner
    from app.services.readiness import staleness
    from app.services.tokens import create_token
    from bench.generate import BENCH_PASSWORD, PERSONAS
    from bench.run import ANCHOR, app_for, sqlite_database

    cached, _ = sqlite_database(employees)
    workdir = Path(tempfile.mkdtemp(prefix="echelon-scale-"))
    try:
        path = workdir / "org.db"
        shutil.copyfile(cached.removeprefix("sqlite:///"), path)
        app = app_for(
            f"sqlite:///{path}",
            WTF_CSRF_ENABLED=False,
            JOBS_QUEUE_FILE=str(workdir / "queue.db"),
            JOBS_FOLDER=str(workdir / "jobs"),
            JOBS_WARMUP=False,  # timed by hand below, not by a worker racing the pages
        )
        with app.app_context():
            hr = db.session.scalar(select(User).where(User.email == PERSONAS["hr"][0]))
            _, token = create_token(hr, "bench scale requests")
            if department is None:
                department = (
                    db.session.execute(
                        select(Department.code)
                        .join(Employee, Employee.department_id == Department.id)
                        .group_by(Department.code)
                        .order_by(func.count().desc())
                    )
                    .scalars()
                    .first()
                )
            size = db.session.scalar(
                select(func.count())
                .select_from(Employee)
                .join(Department, Employee.department_id == Department.id)
                .where(Department.code == department)
            )
            db.session.commit()
        client = app.test_client()
        answer = client.post(
            "/login", data={"email": PERSONAS["hr"][0], "password": BENCH_PASSWORD}
        )
        assert answer.status_code == 302, "sign-in failed"
        api = app.test_client()

        def get(url: str, status: int = 200, the_client: Any = client, **kw: Any) -> Any:
            def run() -> Any:
                response = the_client.get(url, **kw)
                assert response.status_code == status, (url, response.status_code)
                return response

            return run

        results = Results()
        if only is not None:
            get("/readiness/organisation")()  # stored readiness current, untimed
            for label, url in pages(employees):
                if only.lower() in label.lower():
                    walls, cpus, _ = timed(get(url), runs)
                    results.append(Timing(label, walls, cpus))
            return results
        # the first organisation view after a catalogue change: everyone's stored readiness
        # is stale and the page computes it again (no worker ran the warm-up first)
        with app.app_context():
            staleness.raise_catalogue_version(db.session())
            db.session.commit()
        walls, cpus, first = timed(get("/readiness/organisation"), 1)
        waiting = b"Readiness is being recomputed" in first.data
        note = 'answers "being recomputed" (over READINESS_INLINE_LIMIT)' if waiting else ""
        results.append(
            Timing(
                "First organisation view after a catalogue change",
                walls,
                cpus,
                f"cold, 1 run{'; ' + note if note else ''}",
            )
        )
        if waiting:  # the pages below are timed as a reader finds them after the warm-up
            from app.services.jobs import periodic as warm

            with app.app_context():
                warm.warm_readiness()
        for label, url in pages(employees):
            walls, cpus, _ = timed(get(url), runs)
            results.append(Timing(label, walls, cpus))
        auth = {"headers": {"Authorization": f"Bearer {token}"}}
        walls, cpus, _ = timed(
            get("/api/v1/readiness?role=L2-CSS&per_page=200", the_client=api, **auth), runs
        )
        results.append(Timing("API bulk readiness, one page (L2-CSS, 200 a page)", walls, cpus))

        for kind, url in (
            ("Team PDF", "/reports/team.pdf"),
            ("Compliance PDF", "/reports/compliance.pdf"),
        ):
            walls, cpus, _ = timed(get(url, 302), runs)
            results.append(
                Timing(f"{kind} request, whole organisation", walls, cpus, "queues a job")
            )
            response = get(f"{url}?department={department}", 302)()
            job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
            with app.app_context():
                walls, cpus, _ = timed(lambda job_id=job_id: runner.execute(job_id), 1)
                job = db.session.get(Job, job_id)
                assert job is not None
                note = f"{job.state}, {(job.summary or {}).get('pages', '?')} pages"
            results.append(
                Timing(
                    f"{kind} job, department {department} ({size:,} people)",
                    walls,
                    cpus,
                    note,
                    request=False,
                )
            )

        from app.services.jobs import periodic

        with app.app_context():
            staleness.raise_catalogue_version(db.session())
            db.session.commit()
            walls, cpus, _ = timed(periodic.warm_readiness, 1)
        results.append(
            Timing("Readiness warm-up job after a catalogue change", walls, cpus, "", False)
        )
        walls, cpus, _ = timed(get("/readiness/organisation"), runs)
        results.append(Timing("Organisation view after the warm-up", walls, cpus))
        _ = ANCHOR
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def table(results: list[Timing], employees: int, runs: int, load: str) -> str:
    lines = [
        f"`python -m bench.scale_requests --employees {employees} --runs {runs}` (SQLite; load "
        f"average {load}). Best of {runs} (median in brackets); the verdict takes the slowest run.",
        "",
        "| page or report, as hr | wall-clock | CPU | ≤ 10 s | note |",
        "|---|---:|---:|---|---|",
    ]
    lines += [r.row() for r in results]
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--department", default=None, help="for the PDF jobs (default: largest)")
    parser.add_argument(
        "--only", default=None, help="time only the pages whose label contains this text"
    )
    args = parser.parse_args()
    os.environ.setdefault("ECHELON_TODAY", "2026-11-22")
    before = load_average()
    results = measure(args.employees, args.runs, args.department, args.only)
    print(table(results, args.employees, args.runs, f"{before} before, {load_average()} after"))


if __name__ == "__main__":
    main()
