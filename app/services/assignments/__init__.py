"""Required training with due dates (docs/RULES.md "Assignments").

- ``rules``: HR's assignment rules: validate, preview coverage by department, save, delete;
- ``sync``: a person's assignments follow their role and department, in the transaction of
  the move (a session listener);
- ``queries``: assignments with their status on a date, in bulk, and counts by department;
- ``reminders``: 14 and 3 days before the due date, and on the day it becomes overdue;
- ``team``: the manager's view of who is overdue, with the sessions to book them on.
"""

from app.services.assignments.errors import (
    AssignmentError,
    RuleConflict,
    RuleForbidden,
    RuleInvalid,
    RuleNotFound,
    RuleStale,
)
from app.services.assignments.queries import (
    STATUS_LABELS,
    AssignmentRow,
    DepartmentCount,
    Filters,
    assignment_rows,
    assignments_of,
    by_department,
)
from app.services.assignments.reminders import send_assignment_reminders
from app.services.assignments.rules import (
    Preview,
    RuleInput,
    create_rule,
    delete_rule,
    due_words,
    find_rule,
    list_rules,
    parse_rule,
    preview,
    rule_to_dict,
    rule_values,
    standing_rule,
    update_rule,
)
from app.services.assignments.team import (
    RequiredOfYou,
    TeamAssignments,
    required_of,
    team_assignments,
)

__all__ = [
    "STATUS_LABELS",
    "AssignmentError",
    "AssignmentRow",
    "DepartmentCount",
    "Filters",
    "Preview",
    "RequiredOfYou",
    "RuleConflict",
    "RuleForbidden",
    "RuleInput",
    "RuleInvalid",
    "RuleNotFound",
    "RuleStale",
    "TeamAssignments",
    "assignment_rows",
    "assignments_of",
    "by_department",
    "create_rule",
    "delete_rule",
    "due_words",
    "find_rule",
    "list_rules",
    "parse_rule",
    "preview",
    "required_of",
    "rule_to_dict",
    "rule_values",
    "send_assignment_reminders",
    "standing_rule",
    "team_assignments",
    "update_rule",
]
