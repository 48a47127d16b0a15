"""The app built for serving keeps the cyclic collector off its start-up objects
(GC_FREEZE_AFTER_STARTUP, GC_GEN0_THRESHOLD; README "Configuration"), and the test suite's apps
(TESTING) leave the collector as Python set it.

gc.freeze() acts on the whole process, so each app is built in a fresh interpreter, as
`flask --app app run`, `flask --app app worker` or gunicorn's `app:create_app()` would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BUILD = """
import gc, json, sys, weakref
before = gc.get_threshold()
from app import create_app
app = create_app(json.loads(sys.argv[1]))

class Node:
    pass

made_later = Node()
made_later.itself = made_later  # a cycle: only the collector can free it
alive = weakref.ref(made_later)
del made_later
gc.collect()
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "before": before[0],
    "after": gc.get_threshold()[0],
    "later_collected": alive() is None,
    "threshold_setting": app.config["GC_GEN0_THRESHOLD"],
}))
"""


def built(tmp_path: Path, testing: bool, **environment: str) -> dict:
    config = {
        "TESTING": testing,
        "SECRET_KEY": "serving-test-only",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
    }
    env = {k: v for k, v in os.environ.items() if k != "GC_FREEZE_AFTER_STARTUP"}
    env.update(environment)
    finished = subprocess.run(
        [sys.executable, "-c", BUILD, json.dumps(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_an_app_built_for_serving_has_frozen_its_start_up_objects(tmp_path):
    served = built(tmp_path, testing=False)
    assert served["frozen"] > 10_000  # the modules, mappers and app: tens of thousands
    assert served["after"] == served["threshold_setting"] == 10_000
    # what requests make later is still collected: freezing keeps nothing that came after
    assert served["later_collected"] is True


def test_an_app_built_for_the_tests_leaves_the_collector_alone(tmp_path):
    tested = built(tmp_path, testing=True)
    assert tested["frozen"] == 0
    assert tested["after"] == tested["before"]
    assert tested["later_collected"] is True


def test_a_deployer_can_switch_the_freeze_off_from_the_environment(tmp_path):
    served = built(tmp_path, testing=False, GC_FREEZE_AFTER_STARTUP="0")
    assert served["frozen"] == 0
    assert served["later_collected"] is True
