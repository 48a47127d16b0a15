"""The assignment-rules import, checked first and applied in one batch (SECURITY.md finding 7).

Each row is checked by the rules' own parser (``assignments.parse_rule``: the role, the course,
the departments, the due date, a duplicate), against the standing rule of its role and course
when there is one: the dry run stops there, so it only reads (no write lock, nothing written, no
audit). Applying then saves every new or changed rule through the rules' own use cases in the
import's one transaction (``batch()``: they flush and sync their people, the import commits).
A file that names one role and course twice is refused at the second row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.kernel.uow import batch
from app.models import AssignmentRule, User
from app.services import assignments
from app.services.csv_io.reading import RowRefused


@dataclass
class Planned:
    data: dict[str, Any]
    rule: AssignmentRule | None  # the standing rule the row changes; None: a new one
    changes: list[str]


def _values(checked: assignments.RuleInput) -> dict[str, Any]:
    """The rule as ``rule_values`` would show it once saved with ``checked``."""
    return {
        "role": checked.role.code,
        "departments": sorted(d.code for d in checked.departments),
        "course": checked.course.code,
        "due_days": checked.due_days,
        "due_on": checked.due_on.isoformat() if checked.due_on else None,
        "recertify_days": checked.recertify_days,
    }


class RulePlan:
    """The whole file checked (SELECTs only); ``apply()`` writes it."""

    def __init__(self, rows: list[dict[str, str]], actor: User | None) -> None:
        self.actor = actor
        self.planned: list[Planned] = []
        self.lines: dict[tuple[str, str], int] = {}

    def check_row(self, position: int, line: int, values: dict[str, str]) -> tuple[str, str]:
        """What the row does (create, update or unchanged) and the fields it changes; raises
        the rule's refusal."""
        data: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
        data["departments"] = (values.get("departments") or "").replace(";", " ")
        role, course = values.get("role", ""), values.get("course", "")
        rule = assignments.standing_rule(role, course)
        checked = assignments.parse_rule(data, rule)
        key = (checked.role.code, checked.course.code)
        seen = self.lines.get(key)
        if seen is not None:
            raise RowRefused(
                f"The rule of job role {key[0]} and course {key[1]} is on line {seen} of "
                "this file already."
            )
        self.lines[key] = line
        if rule is None:
            self.planned.append(Planned(data, None, []))
            return "create", ""
        before, after = assignments.rule_values(rule), _values(checked)
        changes = sorted(name for name in after if after[name] != before[name])
        self.planned.append(Planned(data, rule, changes))
        return ("update", ", ".join(changes)) if changes else ("unchanged", "")

    def apply(self) -> None:
        """Save the new and changed rules in the import's transaction: each syncs the people
        it covers (set-based statements); the import owns the commit."""
        with batch():
            for planned in self.planned:
                if planned.rule is None:
                    assignments.create_rule(planned.data, actor=self.actor)
                elif planned.changes:
                    assignments.update_rule(planned.rule, planned.data, actor=self.actor)
