"""An independent fuzzer, kept: Schemathesis against the generated OpenAPI document (issue 20).

A bounded run on a loopback live server: every operation, as hr, an employee and finance, a
fixed seed and a few examples per operation, schema-valid and schema-violating. Every answer
is held to the document: no server error, a documented status, content type and headers, a
body that matches the documented schema, and a request that breaks the schema refused. Then a
stateful phase follows the document's links (a created record, then reading and changing it).

The long run is opt-in, not part of `make test`: Schemathesis's own runner, every phase
(coverage, fuzzing, stateful along the links) and every check, for SCHEMATHESIS_LONG seconds
per persona against the same kind of loopback live server:

    SCHEMATHESIS_LONG=900 .venv/bin/python -m pytest -p no:cacheprovider \
        tests/security/test_schemathesis.py -k long_run      # add `and hr` for one persona
    # SCHEMATHESIS_REPORT_DIR=dir keeps its reports (JSON, JUnit, the console output) per
    # persona; SCHEMATHESIS_EXAMPLES (default 200) is the example budget per operation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis.errors import Flaky, Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import api_token, persona_user  # noqa: E402
from tests.security import figures  # noqa: E402
from tests.security.live_support import live_server, request  # noqa: E402

PERSONAS = ("hr", "employee", "finance")
SEED = 20
EXAMPLES = 2  # per operation, persona and mode (valid, invalid): the suite's budget
STATEFUL_SCENARIOS = 12  # per persona, each up to STATEFUL_STEPS calls along the links
STATEFUL_STEPS = 6
STATEFUL_BATCH = 3  # scenarios per Hypothesis run
LONG = int(os.environ.get("SCHEMATHESIS_LONG", "0") or 0)  # seconds per persona; 0 = skip

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]


@dataclass
class Tally:
    """What a run sent and what it found: failures are kept once per operation and kind."""

    requests: int = 0
    examples: Counter[str] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    by_check: Counter[str] = field(default_factory=Counter)

    def judge(self, case: Any, response: Any, checks: list[Any], who: str, phase: str) -> None:
        self.requests += 1
        self.examples[phase] += 1
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as found:
            for failure in getattr(found, "exceptions", (found,)):
                title = getattr(failure, "title", type(failure).__name__)
                key = f"{who} {case.operation.label} [{phase}]: {title}"
                self.by_check[title] += 1
                self.failures.setdefault(
                    key,
                    f"{key}\n  sent {case.formatted_path} {case.query!r} {_body(case)}"
                    f" -> {response.status_code}\n"
                    f"  {str(failure)[:800]}",
                )

    def report(self) -> str:
        return "\n\n".join(list(self.failures.values())[:20])


def _body(case: Any) -> str:
    body = getattr(case, "body", None)
    return repr(body)[:300] if isinstance(body, dict | list | str) else ""


def _tokens(demo_db: Any, personas: tuple[str, ...]) -> dict[str, str]:
    tokens = {who: api_token(persona_user(who), f"schemathesis: {who}") for who in personas}
    demo_db.session.commit()
    return tokens


def _schema(base: str) -> Any:
    status, _headers, _text = request(f"{base}/api/v1/openapi.json")
    assert status == 200
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    return schema


def _settings(examples: int, *, steps: int | None = None) -> settings:
    extra: dict[str, Any] = {}
    if steps is not None:
        extra["stateful_step_count"] = steps
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is kept
        suppress_health_check=list(HealthCheck),
        **extra,
    )


def _fuzz(
    operation: Any, base_url: str, who: str, token: str, tally: Tally, *, examples: int, at: int
) -> None:
    """``examples`` valid and ``examples`` invalid cases of one operation as one persona."""
    auth = {"Authorization": f"Bearer {token}"}
    for mode, checks in (
        (GenerationMode.POSITIVE, CHECKS),
        (GenerationMode.NEGATIVE, NEGATIVE_CHECKS),
    ):
        strategy = operation.as_strategy(generation_mode=mode, headers=auth)
        run = seed(at)(
            _settings(examples)(
                given(case=strategy)(_caller(base_url, tally, who, checks, str(mode)))
            )
        )
        try:
            run()
        except Unsatisfiable:  # nothing of this operation can be made invalid (no input)
            if mode is GenerationMode.POSITIVE:
                raise


def _caller(base_url: str, tally: Tally, who: str, checks: list[Any], phase: str) -> Any:
    def call(case: Any) -> None:
        tally.judge(case, case.call(base_url=base_url), checks, who, phase)

    return call


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _stateful(
    schema: Any, base_url: str, who: str, token: str, tally: Tally, *, scenarios: int, at: int
) -> None:
    """Scenarios along the document's links: create, then read, change or act on the record."""
    machine = schema.as_state_machine()
    auth = {"Authorization": f"Bearer {token}"}

    class Links(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": base_url, "headers": auth}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            tally.judge(case, response, CHECKS, who, "stateful")

    # The server keeps what each scenario made, so a replayed prefix can take another path;
    # Hypothesis calls that flaky and stops the batch: run small batches, each its own seed.
    for batch in range(max(1, scenarios // STATEFUL_BATCH)):
        try:
            seed(at + batch)(Links).run(settings=_settings(STATEFUL_BATCH, steps=STATEFUL_STEPS))
        except Flaky:
            tally.examples["stateful batches cut short"] += 1


def test_every_operation_as_three_personas_conforms_to_the_document(demo_app, demo_db):
    tokens = _tokens(demo_db, PERSONAS)
    tally = Tally()
    with live_server(demo_app) as base:
        schema = _schema(base)
        operations = _operations(schema)
        for operation in operations:
            for who, token in tokens.items():
                _fuzz(operation, f"{base}/api/v1", who, token, tally, examples=EXAMPLES, at=SEED)
    figures.add("schemathesis operations", len(operations))
    figures.add("schemathesis requests", tally.requests)
    assert tally.requests >= len(operations) * len(PERSONAS) * 2
    assert not tally.failures, tally.report()


def test_stateful_links_as_three_personas_conform_to_the_document(demo_app, demo_db):
    tokens = _tokens(demo_db, PERSONAS)
    tally = Tally()
    with live_server(demo_app) as base:
        schema = _schema(base)
        for who, token in tokens.items():
            _stateful(
                schema, f"{base}/api/v1", who, token, tally, scenarios=STATEFUL_SCENARIOS, at=SEED
            )
    figures.add("schemathesis stateful requests", tally.requests)
    assert tally.requests >= STATEFUL_SCENARIOS * len(PERSONAS)
    assert not tally.failures, tally.report()


# A schema-valid request may still break a rule JSON Schema cannot state (an end before its
# start, a code that names nothing, a date after today, a duplicate): that is the documented
# 422 naming the field. Every other refusal of schema-valid data still fails the run.
LONG_RUN_CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
"""


@pytest.mark.skipif(not LONG, reason="the long run: set SCHEMATHESIS_LONG=seconds per persona")
@pytest.mark.parametrize("who", PERSONAS)
def test_long_run(demo_app, demo_db, who, tmp_path):
    """Schemathesis's own runner (every phase: examples, coverage, fuzzing, stateful; every
    check) for SCHEMATHESIS_LONG seconds as one persona, against the loopback live server."""
    token = _tokens(demo_db, (who,))[who]
    out = Path(os.environ.get("SCHEMATHESIS_REPORT_DIR", tmp_path)) / who
    out.mkdir(parents=True, exist_ok=True)
    config = out / "schemathesis.toml"
    config.write_text(LONG_RUN_CONFIG, encoding="utf-8")
    started, cpu = time.monotonic(), time.process_time()
    with live_server(demo_app) as base:
        _schema(base)
        ran = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(config),
                "run",
                f"{base}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "all",
                "--max-time",
                str(LONG),
                "--max-examples",
                os.environ.get("SCHEMATHESIS_EXAMPLES", "200"),
                "--seed",
                str(SEED),
                "--workers",
                "1",
                "--continue-on-failure",
                "--no-color",
                "--suppress-health-check",
                "all",
                "--report",
                "json,junit",
                "--report-dir",
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=LONG * 2 + 600,
            cwd=out,  # its cache (.schemathesis/) stays with the report
            check=False,
        )
    (out / "output.txt").write_text(ran.stdout + ran.stderr, encoding="utf-8")
    wall = time.monotonic() - started
    for report in sorted(out.glob("json-*.json"))[-1:]:  # this run's (named by its start)
        run = json.loads(report.read_text(encoding="utf-8"))
        figures.add(f"schemathesis long run {who}: operations", run["operations"]["tested"])
        figures.add(f"schemathesis long run {who}: examples", run["test_cases"]["generated"])
        figures.add(f"schemathesis long run {who}: failures", run["test_cases"]["unique_failures"])
    figures.add(f"schemathesis long run {who}: seconds", round(wall))
    figures.add(
        f"schemathesis long run {who}: server cpu seconds", round(time.process_time() - cpu)
    )
    assert ran.returncode == 0, ran.stdout[-6000:]
