"""Throughput of queued report PDFs: the embedded SQLite queue, and Redis with one or two hosts.

    .venv/bin/python -m bench.queue_throughput [--jobs 8] [--people 120]

Builds a throwaway SQLite database (the demo organisation plus one department of ``--people``
people, bench.report_timings) and queues ``--jobs`` team PDFs of that department as hr (the
PDF threshold is set below the department, so each one is a job). Then, for each set-up, real
worker processes (``app.services.jobs.consumer(app).run()``, what `flask --app app worker`
runs, one thread each) consume them:

- embedded: one worker on the SQLite queue file (the default, no other server);
- Redis, 1 host: one worker on a throwaway `redis-server` on 127.0.0.1;
- Redis, 2 hosts: two worker processes, each with its own instance folder and result folder,
  sharing only Redis and the database.

It reports the seconds from the first job queued to the last job done, jobs a minute, and the
workers' CPU seconds (from /proc). On this 2-core machine two "hosts" share the same cores, so
the second host can add at most one core. Only loopback; every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report_timings import ANCHOR, DEPARTMENT, ROOT, build_department

HANG = 900.0  # seconds: a set-up that has not finished by then is stopped and reported


@dataclass
class Run:
    label: str
    jobs: int
    seconds: float
    worker_cpu: float
    done: int

    def row(self) -> str:
        per_minute = 60 * self.done / self.seconds if self.seconds else 0.0
        return (
            f"| {self.label} | {self.done} of {self.jobs} | {self.seconds:.1f} s |"
            f" {per_minute:.1f} | {self.worker_cpu:.1f} s |"
        )


def worker_main(config_json: str) -> None:
    from sqlalchemy.pool import NullPool

    from app import create_app
    from app.services import jobs

    config = json.loads(config_json)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": NullPool}
    jobs.consumer(create_app(config)).run()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def redis_url() -> Iterator[str]:
    from tests.integration.jobs_support import redis_server

    yield from redis_server()


def setups(base: dict[str, Any], workdir: Path, redis: str | None) -> list[tuple[str, list]]:
    def host(n: int, **extra: Any) -> dict[str, Any]:
        folder = workdir / f"host{n}"
        folder.mkdir(exist_ok=True)
        return {
            **base,
            "UPLOAD_FOLDER": str(folder / "uploads"),  # what a host keeps in its instance/
            "JOBS_FOLDER": str(folder / "jobs"),
            **extra,
        }

    found: list[tuple[str, list]] = [
        ("embedded SQLite queue, 1 worker", [host(0, JOBS_QUEUE_FILE=str(workdir / "q.db"))])
    ]
    if redis:
        found.append(("Redis, 1 host (1 worker process)", [host(1, JOBS_REDIS_URL=redis)]))
        found.append(
            (
                "Redis, 2 hosts (2 worker processes)",
                [host(2, JOBS_REDIS_URL=redis), host(3, JOBS_REDIS_URL=redis)],
            )
        )
    return found


def run_setup(label: str, hosts: list[dict[str, Any]], jobs: int, app: Any) -> Run:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Job, User
    from app.seed import demo
    from app.services.jobs import reports as report_jobs

    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.queue_throughput", "--worker", json.dumps(config)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for config in hosts
    ]
    try:
        time.sleep(3)  # the workers start and go idle before anything is queued
        start_cpu = sum(cpu_seconds(w.pid) for w in workers)
        app.config.update({k: v for k, v in hosts[0].items() if k.startswith("JOBS_")})
        app.extensions.pop("echelon_huey", None)  # this set-up's queue
        with app.app_context():
            hr = db.session.scalar(select(User).where(User.email == demo.LOGINS[2].email))
            started = time.perf_counter()
            ids = [
                report_jobs.request_pdf(
                    hr,
                    "team_pdf",
                    {"department": DEPARTMENT[0], "as_of": ANCHOR.isoformat()},
                    f"bench-{n}",
                )
                for n in range(jobs)
            ]
            done = 0
            while time.perf_counter() - started < HANG:
                db.session.rollback()  # see the workers' commits
                done = db.session.scalar(
                    select(func.count()).where(Job.id.in_(ids), Job.state == "done")
                )
                if done == jobs:
                    break
                time.sleep(0.2)
            seconds = time.perf_counter() - started
        cpu = sum(cpu_seconds(w.pid) for w in workers) - start_cpu
        return Run(label, jobs, seconds, cpu, int(done or 0))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=30)


def measure(jobs: int, people: int) -> tuple[list[Run], str]:
    from app import create_app
    from app.extensions import db
    from app.seed import demo

    workdir = Path(tempfile.mkdtemp(prefix="echelon-queue-bench-"))
    try:
        base = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "SECRET_KEY": "bench-only",
            "ECHELON_TODAY": ANCHOR.isoformat(),
            "JOBS_PDF_PEOPLE_THRESHOLD": max(0, people // 2),
            "JOBS_PERIODIC": False,
            "JOBS_WARMUP": False,
            "JOBS_WORKERS": 1,
        }
        app = create_app({**base, "JOBS_QUEUE_FILE": str(workdir / "q.db")})
        with app.app_context():
            db.create_all()
            demo.seed(ANCHOR)
            build_department(db, people)
            db.session.remove()
        runs: list[Run] = []
        with contextlib.ExitStack() as stack:
            try:
                redis = stack.enter_context(redis_url())
            except BaseException as error:  # no redis-server here: pytest's skip
                print(f"no Redis: {error}", file=sys.stderr)
                redis = None
            for label, hosts in setups(base, workdir, redis):
                runs.append(run_setup(label, hosts, jobs, app))
                print(runs[-1].row(), file=sys.stderr, flush=True)
        return runs, workdir.name
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker)
        return
    before = load_average()
    runs, _ = measure(args.jobs, args.people)
    print(
        f"`python -m bench.queue_throughput --jobs {args.jobs} --people {args.people}`: "
        f"{args.jobs} team PDFs of a department of {args.people} queued at once (load average "
        f"{before} before, {load_average()} after).\n"
    )
    print("| set-up | jobs done | first queued to last done | jobs a minute | workers' CPU |")
    print("|---|---:|---:|---:|---:|")
    for run in runs:
        print(run.row())


if __name__ == "__main__":
    main()
