"""An independent fuzzer, kept: Schemathesis against the generated OpenAPI document (issue 20).

A bounded run on a loopback live server: every operation, as hr, an employee and finance, a
fixed seed and a few examples per operation. It fails on any server error (500) and on any
response that does not match the documented schema. The long run (all checks, the stateful
phase, 15 minutes per persona) is for a release, not for every `make test`.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.factories import api_token, persona_user  # noqa: E402
from tests.security import figures  # noqa: E402
from tests.security.live_support import live_server, request  # noqa: E402

EXAMPLES = 1  # per operation and persona: the suite's budget (about a minute in all)
PERSONAS = ("hr", "employee", "finance")


def test_every_operation_as_three_personas_gives_no_server_error(demo_app, demo_db):
    tokens = {who: api_token(persona_user(who), f"schemathesis: {who}") for who in PERSONAS}
    demo_db.session.commit()
    with live_server(demo_app) as base:
        status, _headers, _text = request(f"{base}/api/v1/openapi.json")
        assert status == 200
        schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
        failures: list[str] = []
        sent = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            for who, token in tokens.items():
                sent += _fuzz(operation, f"{base}/api/v1", who, token, failures)
    figures.add("schemathesis requests", sent)
    assert not failures, "\n".join(failures[:20])


def _fuzz(operation, base_url: str, who: str, token: str, failures: list[str]) -> int:  # type: ignore[no-untyped-def]
    """EXAMPLES generated cases of one operation as one persona; answers how many were sent."""
    sent = 0

    @seed(20)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case) -> None:  # type: ignore[no-untyped-def]
        nonlocal sent
        response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
        sent += 1
        if response.status_code >= 500:
            failures.append(
                f"{who} {operation.method.upper()} {case.formatted_path}: {response.status_code}"
            )

    run()
    return sent
