"""The manager's team page and the person's own "Required of you" (docs/RULES.md
"Assignments"): owed assignments with the sessions to book, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.models import User
from app.services.assignments.queries import AssignmentRow, Filters, assignment_rows
from app.services.enrolment.bulk import BookingOptions, booking_options, held_by_course


@dataclass
class CourseGroup:
    """The people of a team who owe one course, overdue first."""

    code: str
    title: str
    rows: list[AssignmentRow] = field(default_factory=list)

    @property
    def employee_ids(self) -> list[int]:
        return [row.employee_id for row in self.rows]

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.status == "overdue")


@dataclass
class TeamAssignments:
    as_of: date
    groups: list[CourseGroup]
    booking: BookingOptions

    @property
    def overdue(self) -> int:
        return sum(group.overdue for group in self.groups)

    @property
    def owed(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def team_assignments(user: User, as_of: date, filters: Filters | None = None) -> TeamAssignments:
    """The owed assignments of the people below ``user`` (everyone for hr), grouped by course,
    overdue and earliest due first, with each course's open sessions (four queries)."""
    from app.policy import is_hr, subtree_query

    within = None if is_hr(user) else subtree_query(user.employee_id)
    rows = [r for r in assignment_rows(as_of, filters, within=within) if r.owed]
    rows = [r for r in rows if r.employee_id != user.employee_id] if within is not None else rows
    rows.sort(key=lambda r: (r.status != "overdue", r.due_on, r.name, r.id))
    groups: dict[str, CourseGroup] = {}
    for row in rows:
        groups.setdefault(row.course_code, CourseGroup(row.course_code, row.course_title))
        groups[row.course_code].rows.append(row)
    ordered = sorted(groups.values(), key=lambda g: (-g.overdue, g.code))
    booking = booking_options(groups, {r.employee_id for r in rows})
    return TeamAssignments(as_of, ordered, booking)


@dataclass
class RequiredOfYou:
    """A person's open assignments still to act on, with the next session of each course and
    the booking they already hold."""

    rows: list[AssignmentRow]
    booking: BookingOptions
    held: dict

    @property
    def owed(self) -> list[AssignmentRow]:
        return [r for r in self.rows if r.status in ("due", "overdue", "recertify")]


def required_of(employee_id: int, as_of: date) -> RequiredOfYou:
    """The person's open assignments (done ones included, last) and what to book."""
    rows = assignment_rows(as_of, Filters(employee_id=employee_id))
    order = {"overdue": 0, "due": 1, "recertify": 2, "done": 3}
    rows.sort(key=lambda r: (order.get(r.status, 4), r.due_on, r.course_code))
    owed_codes = {r.course_code for r in rows if r.status != "done"}
    booking = booking_options(owed_codes, [])
    held = held_by_course(employee_id) if owed_codes else {}
    return RequiredOfYou(rows, booking, held)
