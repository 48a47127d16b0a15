"""The one plural helper and the one "a"/"an", and no "(s)" left in what users read."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from app.kernel.words import a_or_an, plural

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize(
    ("count", "singular", "many", "expected"),
    [
        (1, "gate", None, "1 gate"),
        (0, "gate", None, "0 gates"),
        (2, "gate", None, "2 gates"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
    ],
)
def test_plural(count, singular, many, expected):
    assert plural(count, singular, many) == expected


def test_plural_without_the_count():
    assert plural(1, "gate", counted=False) == "gate"
    assert plural(4, "gate", counted=False) == "gates"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Employment verification check", "an Employment verification check"),
        ("Credit check", "a Credit check"),
        ("Assessment centre (L3)", "an Assessment centre (L3)"),
        ("L3-AC assessment", "an L3-AC assessment"),
        ("PCI DSS awareness", "a PCI DSS awareness"),
        ("HR review", "an HR review"),
        ("EMPLOYMENT check", "an EMPLOYMENT check"),
        ("unit", "a unit"),
        ("hour", "an hour"),
        ("360 feedback", "a 360 feedback"),
        ("8-week course", "an 8-week course"),
    ],
)
def test_a_or_an(phrase, expected):
    assert a_or_an(phrase) == expected


def _strings(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return [(t.start[0], t.string) for t in tokens if t.type in kinds]


def test_no_message_page_or_pdf_says_word_s():
    """Counts go through ``plural``: no "gate(s)", "problem(s)" in the app's words."""
    pattern = re.compile(r"[a-z]\(s\)")
    found = []
    for path in sorted(APP.rglob("*.py")):
        found += [
            f"{path.relative_to(APP)}:{line}"
            for line, text in _strings(path)
            if pattern.search(text.replace("http(s)", ""))
        ]
    for path in sorted((APP / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(re.sub(r"\{[{%].*?[%}]\}", "", line)):
                found.append(f"templates/{path.relative_to(APP / 'templates')}:{number}")
    assert found == []
