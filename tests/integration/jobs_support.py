"""Real workers and a real Redis for the background-job tests (issue 23).

``Worker`` starts tests/integration/jobs_worker.py as its own process on the test app's
database and queue, and stops it (SIGINT) or kills it (SIGKILL, the fault tests).
``redis_server`` starts the Debian package's `redis-server` on 127.0.0.1 on a free port, with no
persistence, in a temporary folder: skipped when it is not installed, unless
ECHELON_REQUIRE_REDIS=1 (set by .ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The settings a worker needs to share the test app's storage (all JSON).
SHARED = (
    "TESTING",
    "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY",
    "ECHELON_TODAY",
    "PASSWORD_HASH_METHOD",
    "UPLOAD_FOLDER",
    "BASE_URL",
)
HANG = 60.0  # seconds before a wait gives up (a hung worker, not a timing assertion)


def worker_config(app: Any, **overrides: Any) -> dict[str, Any]:
    config = {key: app.config.get(key) for key in SHARED}
    config.update({k: v for k, v in app.config.items() if k.startswith("JOBS_")})
    config["JOBS_PERIODIC"] = False  # the tests run periodic work themselves
    config.update(overrides)
    return config


class Worker:
    """One worker process on the test app's storage."""

    def __init__(self, app: Any, **overrides: Any) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="echelon-worker-", suffix=".log")  # noqa: SIM115  (kept open while the worker runs)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.jobs_worker",
                json.dumps(worker_config(app, **overrides)),
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL: the worker dies in the middle of whatever it is doing."""
        self.process.kill()
        self.process.wait(timeout=HANG)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # huey: stop now
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=HANG)
        self.log.close()


class ThreadWorker:
    """A consumer running in this process (worker threads and its scheduler) on the test app's
    queue: what `flask --app app worker` runs, without the cost of starting a process."""

    def __init__(self, app: Any, **overrides: Any) -> None:
        from app.services import jobs

        app.config.update(overrides)
        app.config["JOBS_PERIODIC"] = False
        self.consumer = jobs.consumer(app, initial_delay=0.02, max_delay=0.1)

    def output(self) -> str:
        return ""

    def __enter__(self) -> ThreadWorker:
        kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.consumer.start()
        finally:
            for number, handler in kept.items():
                signal.signal(number, handler)
        return self

    def __exit__(self, *exc: object) -> None:
        self.consumer.stop(graceful=True)


def wait_for(check: Callable[[], Any], what: str, worker: Any = None) -> Any:
    """Poll ``check`` until it answers something truthy (a hung worker fails after HANG s)."""
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)  # a page's poll; the worker threads share this process
    detail = f"\n--- worker output ---\n{worker.output()}" if worker else ""
    pytest.fail(f"gave up waiting for {what}{detail}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )


def redis_server() -> Iterator[str]:
    """A throwaway redis-server on loopback; yields its URL."""
    binary = redis_binary()
    if binary is None:
        if os.environ.get("ECHELON_REQUIRE_REDIS"):
            pytest.fail("ECHELON_REQUIRE_REDIS is set but redis-server is not installed")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="echelon-redis-")
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        wait_for(lambda: _pings(client), "redis-server to answer")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=HANG)
        shutil.rmtree(folder, ignore_errors=True)


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False
