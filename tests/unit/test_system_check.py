"""`make run` and `make test` stop with the one apt-get line when a library PDFs need is missing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_system.py"


def load_checker():
    spec = importlib.util.spec_from_file_location("check_system", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_machine_without_harfbuzz_subset_is_stopped_with_the_install_line(monkeypatch, capsys):
    checker = load_checker()
    real = checker.ctypes.util.find_library
    monkeypatch.setattr(
        checker.ctypes.util,
        "find_library",
        lambda name: None if name == "harfbuzz-subset" else real(name),
    )
    assert checker.main([]) == 1
    out = capsys.readouterr().out
    assert "- libharfbuzz-subset0" in out
    assert "apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0" in out
    assert "libharfbuzz-subset0 fonts-dejavu-core" in out


def test_missing_test_extras_only_note_what_is_skipped(monkeypatch, capsys):
    checker = load_checker()
    monkeypatch.setattr(checker.shutil, "which", lambda name: None)
    monkeypatch.setattr(checker, "RUN_PACKAGES", (("libpango-1.0-0", lambda: True),))
    assert checker.main(["--test"]) == 0
    out = capsys.readouterr().out
    assert "chromium" in out and "skipped" in out


def test_this_machine_passes_the_check_as_make_runs_it():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout == ""
