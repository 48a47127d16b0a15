"""What a new requirement list would do before it is saved: who changes readiness band.

docs/RULES.md "Requirements of a role" and "Readiness of an employee for a role on date D": the
candidates of a role are everyone (not terminated) below its level. The proposed list is
validated exactly as ``replace_requirements`` validates it (the same refusals), then every
candidate is evaluated today against the list as it is and as it would be: one bulk load of
facts, two in-memory evaluations. Nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from app import clock
from app import readiness as core
from app.extensions import db
from app.models import Employee, JobRole
from app.readiness.vocabulary import BANDS
from app.services.catalogue.kinds import get_role
from app.services.catalogue.parsing import Fields
from app.services.catalogue.requirements import build_requirements
from app.services.readiness.catalogue import load_catalogue
from app.services.readiness.facts import collector_paused, load_facts


@dataclass(frozen=True)
class BandChange:
    employee_id: int
    name: str
    before: str
    after: str

    @property
    def worse(self) -> bool:
        """A move away from "ready now" (bands are listed best first)."""
        return BANDS.index(self.after) > BANDS.index(self.before)


@dataclass(frozen=True)
class Impact:
    """The candidates evaluated and those whose band the new list would change, by name."""

    role_code: str
    candidates: int
    changes: tuple[BandChange, ...]

    @property
    def leaving_ready_now(self) -> int:
        return sum(1 for c in self.changes if c.before == "ready_now" and c.after != "ready_now")


def digest(items: Any) -> str:
    """A short fingerprint of a requirement list as submitted: a confirmation stands for
    exactly the list that was previewed."""
    text = json.dumps(items, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _proposed(parsed: list[dict[str, Any]]) -> tuple[core.Requirement, ...]:
    return tuple(
        core.Requirement(
            id=-(index + 1),  # not stored yet: ids no stored requirement has
            kind=values["kind"],
            target=values["target"],
            min_level=values["min_level"],
            min_score=float(values["min_score"]) if values["min_score"] is not None else None,
            min_months=values["min_months"],
            mandatory=bool(values["mandatory"]),
            weight=float(values["weight"]),
        )
        for index, values in enumerate(parsed)
    )


def band_changes(role_code: str, items: Any) -> Impact:
    """Who would change band today if ``items`` replaced the role's requirements.

    Raises the same ``InvalidEntry`` as ``replace_requirements`` for a list it would refuse.
    """
    role = get_role(role_code)
    fields = Fields()
    parsed = build_requirements(role, items, fields)
    fields.raise_if_any("Check the requirements.")
    snapshot = load_catalogue()
    current = snapshot.roles[role.code]
    proposed = replace(current, requirements=_proposed(parsed))
    as_of = clock.today()
    candidates = (
        select(Employee.id, Employee.name)
        .join(JobRole, JobRole.id == Employee.job_role_id)
        .where(
            Employee.status != "terminated",
            JobRole.code.in_(sorted(snapshot.candidate_codes(role.code))),
        )
    )
    names = {eid: name for eid, name in db.session.execute(candidates)}
    with collector_paused():
        facts = load_facts(candidates.with_only_columns(Employee.id), as_of=as_of)
        people = [facts[eid] for eid in sorted(names) if eid in facts]
        config = snapshot.config
        before = snapshot.evaluate_many(people, current, as_of)
        roles = {**snapshot.roles, role.code: proposed}
        after = core.evaluate_many_targets(
            people, proposed, roles, snapshot.ladder, snapshot.catalogue, as_of, config
        )
    changes = sorted(
        (
            BandChange(old.employee_id, names[old.employee_id], old.band, new.band)
            for old, new in zip(before, after, strict=True)
            if old.band != new.band
        ),
        key=lambda c: (not c.worse, BANDS.index(c.before), c.name, c.employee_id),
    )
    return Impact(role_code=role.code, candidates=len(people), changes=tuple(changes))
