"""The fingerprint of an individual readiness report (pure).

Issue 7: a printed readiness report carries a hash of the facts it was computed from, so it can
later be checked against the records. The fingerprint is SHA-256 over a canonical JSON of:

- the employee's facts (``EmployeeFacts``: current role and role_since, verified completions,
  ratings, checks (status and dates, never findings), assessments, education, funded studies);
- the target role and its requirements (by content, not database ids, in a canonical order);
- the as-of date;
- the readiness configuration (cfg numbers such as the ready threshold), since they decide the
  score and band as much as the facts do.

Canonical means: keys sorted, no whitespace, ASCII only, dates ISO, money as decimal strings,
and every list of facts sorted by its own canonical form, so the order rows come back from the
database never changes the hash. The course catalogue (session dates, prices) is deliberately
left out: scheduling a new session moves a projection but does not make the person's record
different from what the report certified.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from app.readiness import EmployeeFacts, ReadinessConfig, Role

VERSION = "echelon-readiness-report/1"
SHORT_LENGTH = 16  # hex digits shown on the report: 64 bits, plenty to detect a change
_HEX = re.compile(r"^[0-9a-f]+$")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)  # shortest round-tripping form, identical on every platform
    return value


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _sorted(items: list[Any]) -> list[Any]:
    return sorted(items, key=_dump)


def canonical(facts: EmployeeFacts, role: Role, as_of: date, config: ReadinessConfig) -> str:
    """The canonical JSON text the fingerprint hashes."""
    plain_facts = _plain(facts)
    for key, value in plain_facts.items():
        if isinstance(value, list):
            plain_facts[key] = _sorted(value)
    requirements = []
    for requirement in role.requirements:
        item = _plain(requirement)
        item.pop("id", None)  # database ids change when HR re-saves the same list
        requirements.append(item)
    document = {
        "version": VERSION,
        "as_of": as_of.isoformat(),
        "facts": plain_facts,
        "role": {"code": role.code, "level": role.level, "requirements": _sorted(requirements)},
        "config": _plain(config),
    }
    return _dump(document)


def fingerprint(facts: EmployeeFacts, role: Role, as_of: date, config: ReadinessConfig) -> str:
    """SHA-256 (hex) of the canonical facts, role requirements, as-of date and config."""
    return hashlib.sha256(canonical(facts, role, as_of, config).encode("ascii")).hexdigest()


def short(full: str) -> str:
    """The shortened form printed on the report: 16 hex digits in groups of four."""
    head = full[:SHORT_LENGTH]
    return "-".join(head[i : i + 4] for i in range(0, len(head), 4))


class FingerprintFormatError(ValueError):
    """What someone typed is not a fingerprint."""


def normalise(typed: str) -> str:
    """A typed fingerprint as lower-case hex: spaces and dashes are ignored.

    Accepts the shortened form (16 hex digits) or anything longer up to the full 64.
    """
    cleaned = re.sub(r"[\s\-:]", "", typed or "").lower()
    if not cleaned:
        raise FingerprintFormatError("Enter the fingerprint printed on the report.")
    if not _HEX.match(cleaned):
        raise FingerprintFormatError(
            "A fingerprint has only the digits 0-9 and letters a-f, e.g. 3f9a-21bc-77d0-e412."
        )
    if len(cleaned) < SHORT_LENGTH:
        raise FingerprintFormatError(
            f"Enter at least the {SHORT_LENGTH} characters printed on the report."
        )
    if len(cleaned) > 64:
        raise FingerprintFormatError("A fingerprint has at most 64 characters.")
    return cleaned


def matches(typed: str, full: str) -> bool:
    """Does a typed (possibly shortened) fingerprint match the full one recomputed now?"""
    return full.startswith(normalise(typed))
