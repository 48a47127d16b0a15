"""A role's requirement list: validated whole, into rows (docs/API.md requirement shape).

Field names are ``requirements[i].field``. A requirement may keep pointing at a retired entry
the role already required; a new one may not (docs/RULES.md Requirements of a role).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.kernel.fields import CODE_MAX, is_code
from app.kernel.words import plural
from app.models import JobRole, Requirement
from app.readiness.vocabulary import REQUIREMENT_KINDS
from app.services.catalogue.kinds import (
    KINDS,
    MAX_REQUIREMENTS,
    REQUIREMENT_FIELDS,
    REQUIREMENT_TARGETS,
    REQUIREMENT_THRESHOLD,
    THRESHOLD_WORDS,
    load_codes,
)
from app.services.catalogue.parsing import Fields
from app.services.catalogue.serializers import plain_number


def build_requirements(role: JobRole | None, items: Any, fields: Fields) -> list[dict[str, Any]]:
    """Validate a whole requirement list into column values (and the entry each points at)."""
    if items is None:
        items = []
    if not isinstance(items, list | tuple):
        fields.add("requirements", "Requirements must be a list.")
        return []
    if len(items) > MAX_REQUIREMENTS:
        fields.add("requirements", f"A role has at most {MAX_REQUIREMENTS} requirements.")
        return []
    parsed: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        values = _parse_requirement(index, item, parsed, fields)
        if values is not None:
            parsed.append(values)
    already = {(req.kind, req.target_code) for req in role.requirements} if role else set()
    _resolve_targets(parsed, already, fields)
    for values in parsed:
        _check_target_fits(values, fields)
    return parsed


def _parse_requirement(
    index: int, item: Any, parsed: list[dict[str, Any]], fields: Fields
) -> dict[str, Any] | None:
    """One requirement's values, its messages filed under ``requirements[index].``."""
    sub = Fields(f"requirements[{index}].")
    if not isinstance(item, Mapping):
        sub.add("kind", "Each requirement is an object with kind, target and thresholds.")
        fields.merge(sub)
        return None
    for key in sorted(set(item) - REQUIREMENT_FIELDS):
        sub.add(
            key,
            f"Unknown field {key}; a requirement has kind, target, "
            "min_level|min_score|min_months, mandatory and weight.",
        )
    kind = str(item.get("kind") or "").strip()
    if kind not in REQUIREMENT_KINDS:
        sub.add("kind", f"Pick a kind: {', '.join(REQUIREMENT_KINDS)}.")
        fields.merge(sub)
        return None
    target_kind = REQUIREMENT_TARGETS[kind]
    target = _target(sub, target_kind, item.get("target"))
    values: dict[str, Any] = {
        "kind": kind,
        "target": target,
        "target_kind": target_kind,
        "index": index,
        **_thresholds(sub, kind, item),
    }
    values["mandatory"] = sub.boolean("mandatory", item.get("mandatory"), "Mandatory", default=True)
    values["weight"] = sub.decimal(
        "weight",
        1 if item.get("weight") in (None, "") else item.get("weight"),
        "Weight",
        maximum=Decimal("1000"),
        strictly_above=Decimal("0"),
    )
    if (kind, target) in {(v["kind"], v["target"]) for v in parsed}:
        what = target or "tenure"
        sub.add("target" if target else "kind", f"{what} is already required as {kind} above.")
    fields.merge(sub)
    return values


def _target(sub: Fields, target_kind: str | None, raw: Any) -> str | None:
    """The code a requirement points at; tenure points at nothing."""
    if target_kind is None:
        if raw not in (None, ""):
            sub.add("target", "A tenure requirement has no target.")
        return None
    target = str(raw or "").strip().upper() or None
    if target is None:
        sub.add("target", f"Pick the {KINDS[target_kind].label} this requires.")
    elif not is_code(target):
        sub.add("target", f"{target[:CODE_MAX]} is not a code.")
        return None
    return target


def _thresholds(sub: Fields, kind: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """The one threshold a kind takes (level, score or months); the others are refused."""
    threshold_key = REQUIREMENT_THRESHOLD[kind]
    for key, words in THRESHOLD_WORDS.items():
        if key != threshold_key and item.get(key) not in (None, ""):
            sub.add(key, f"A {kind.replace('_', ' ')} requirement takes no {words}.")
    values: dict[str, Any] = {"min_level": None, "min_score": None, "min_months": None}
    if threshold_key == "min_level":
        values["min_level"] = sub.integer(
            "min_level", item.get("min_level"), "Minimum level", minimum=0, maximum=5
        )
    elif threshold_key == "min_months":
        values["min_months"] = sub.integer(
            "min_months", item.get("min_months"), "Minimum months", minimum=0, maximum=600
        )
    elif threshold_key == "min_score":
        values["min_score"] = sub.decimal(
            "min_score",
            item.get("min_score"),
            "Minimum score",
            minimum=Decimal("0"),
            maximum=Decimal("999.99"),
        )
    return values


def _resolve_targets(
    parsed: list[dict[str, Any]], already: set[tuple[str, str | None]], fields: Fields
) -> None:
    """Load every target in one query per kind; unknown, or newly-used retired, is refused."""
    target_kinds = list(dict.fromkeys(v["target_kind"] for v in parsed if v["target"]))
    resolved: dict[str, dict[str, Any]] = {}
    for target_kind in target_kinds:
        codes = [v["target"] for v in parsed if v["target_kind"] == target_kind and v["target"]]
        allow = {t for (k, t) in already if t and REQUIREMENT_TARGETS.get(k) == target_kind}
        resolved[target_kind] = load_codes(target_kind, codes)
        label = KINDS[target_kind].label
        for values in parsed:
            code = values["target"]
            if values["target_kind"] != target_kind or code is None:
                continue
            entry = resolved[target_kind].get(code)
            name = f"requirements[{values['index']}].target"
            if entry is None:
                fields.add(name, f"There is no {label} with code {code}.")
            elif entry.retired and code not in allow:
                fields.add(name, f"{code} is retired; pick an active {label}.")
    for values in parsed:
        code = values["target"]
        values["entry"] = resolved.get(values["target_kind"] or "", {}).get(code) if code else None


def _check_target_fits(values: dict[str, Any], fields: Fields) -> None:
    """A course never expires, a certification does, a minimum score is on the scale."""
    entry, code = values["entry"], values["target"]
    name = f"requirements[{values['index']}]."
    if entry is None:
        return
    if values["kind"] == "course" and entry.validity_months is not None:
        fields.add(
            name + "kind",
            f"{code} expires after {plural(entry.validity_months, 'month')}: require it as a "
            "certification.",
        )
    if values["kind"] == "certification" and entry.validity_months is None:
        fields.add(
            name + "kind",
            f"{code} never expires: require it as a course, or give it a validity.",
        )
    score = values["min_score"]
    if (
        values["kind"] == "assessment"
        and score is not None
        and not (entry.scale_min <= score <= entry.scale_max)
    ):
        fields.add(
            name + "min_score",
            f"{code} scores from {plain_number(entry.scale_min)} to "
            f"{plain_number(entry.scale_max)}; pick a minimum score in that range.",
        )


def requirement_rows(parsed: list[dict[str, Any]]) -> list[Requirement]:
    """The validated requirements as rows, in the order given."""
    rows = []
    for position, values in enumerate(parsed):
        entry = values["entry"]
        row = Requirement(
            kind=values["kind"],
            min_level=values["min_level"],
            min_score=values["min_score"],
            min_months=values["min_months"],
            mandatory=values["mandatory"],
            weight=values["weight"],
            position=position,
        )
        column = values["target_kind"]  # the Requirement column named after the target's kind
        if column and entry is not None:
            setattr(row, f"{column}_id", entry.id)
            setattr(row, column, entry)
        rows.append(row)
    return rows
