"""`make run`: the web server and one background-jobs worker, started and stopped together.

Starts `flask --app app run` and `flask --app app worker` as two child processes. When either
stops, or on Ctrl-C / SIGTERM, it stops the other (SIGTERM, then SIGKILL after 10 s) and exits
with the first one's status, so stopping `make run` never leaves a worker behind.

Each child builds the app with `create_app` (not under TESTING), which freezes its start-up
objects out of the cyclic collector's reach (GC_FREEZE_AFTER_STARTUP, README "Configuration").
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
FLASK = [str(BIN / "flask"), "--app", "app"]


def main(argv: list[str]) -> int:
    host, port = (argv + ["127.0.0.1", "5000"])[:2]
    children = [
        subprocess.Popen([*FLASK, "run", "--host", host, "--port", port]),
        subprocess.Popen([*FLASK, "worker"]),
    ]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        ended = [child for child in children if child.poll() is not None]
        if ended:
            status = ended[0].returncode or 0
            break
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
