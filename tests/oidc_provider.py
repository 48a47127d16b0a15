"""A real OpenID provider for the sign-in tests: the npm package oidc-provider under Node.js.

``start(clients)`` installs the pinned package (``npm ci``, once) and runs
tests/support/oidc/server.mjs on a free 127.0.0.1 port; users are added with ``set_user``.
``consent_page=True`` makes the provider ask for consent after the login, as on first use.
Without Node.js the tests skip, unless ECHELON_REQUIRE_SSO=1 (CI), when they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "support" / "oidc"


def _missing(reason: str) -> None:
    if os.environ.get("ECHELON_REQUIRE_SSO") == "1":
        pytest.fail(f"ECHELON_REQUIRE_SSO is set but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Provider:
    issuer: str
    users_file: Path
    process: subprocess.Popen[str]
    users: dict[str, dict] = field(default_factory=dict)

    def set_user(self, login: str, **claims: object) -> None:
        """Add or change a user at the provider (read on every sign-in)."""
        self.users[login] = {"password": "provider-pass", **claims}
        self.users_file.write_text(json.dumps(self.users))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start(clients: list[dict], consent_page: bool = False) -> Provider:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("Node.js and npm are not installed (the OpenID provider runs under them)")
    assert node is not None and npm is not None
    if not (HERE / "node_modules" / "oidc-provider").exists():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True
        )
        if done.returncode != 0:
            _missing(f"npm ci failed for the OpenID provider: {done.stderr[-500:]}")
    users_file = Path(tempfile.mkdtemp(prefix="echelon-oidc-")) / "users.json"
    users_file.write_text("{}")
    port = _free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_USERS": str(users_file),
        "OIDC_CONSENT_PAGE": "1" if consent_page else "0",
    }
    log = (users_file.parent / "provider.log").open("w")  # its warnings and errors
    process = subprocess.Popen(
        [node, "server.mjs"], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    log.close()
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready "):
        process.kill()
        pytest.fail(f"the OpenID provider did not start: {line!r}")
    return Provider(issuer=line.split()[1], users_file=users_file, process=process)
