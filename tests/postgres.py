"""A throwaway PostgreSQL cluster on a loopback port, started and removed by the test setup."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass


def server_bin_dir() -> str | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bin_dir: str
    data_dir: str
    port: int
    run_as: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.run_as, *args], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        try:
            self._run(
                os.path.join(self.bin_dir, "pg_ctl"),
                "-D",
                self.data_dir,
                "-m",
                "immediate",
                "-w",
                "stop",
            )
        finally:
            shutil.rmtree(os.path.dirname(self.data_dir), ignore_errors=True)


def start_cluster() -> Cluster:
    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb) are not installed")
    base = tempfile.mkdtemp(prefix="echelon-pg-")
    data_dir = os.path.join(base, "data")
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, user="postgres")
        os.chmod(base, 0o700)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    cluster = Cluster(bin_dir, data_dir, port, run_as)
    cluster._run(
        os.path.join(bin_dir, "initdb"),
        "-D",
        data_dir,
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
        "--locale=C",
    )
    options = f"-h 127.0.0.1 -p {port} -k {base} -F -c max_connections=100 -c fsync=off"
    cluster._run(
        os.path.join(bin_dir, "pg_ctl"),
        "-D",
        data_dir,
        "-o",
        options,
        "-l",
        os.path.join(base, "log"),
        "-w",
        "-t",
        "60",
        "start",
    )
    return cluster
