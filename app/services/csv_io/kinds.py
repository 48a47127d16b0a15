"""What can be imported: the kinds of file, their columns, and the headers each column goes by
in legacy spreadsheets (``detect_mapping``); the user may map columns by hand."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DATE_FORMATS = {
    "iso": ("YYYY-MM-DD", r"^(\d{4})-(\d{1,2})-(\d{1,2})$", ("y", "m", "d")),
    "us": ("MM/DD/YYYY", r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", ("m", "d", "y")),
    "eu": ("DD/MM/YYYY", r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", ("d", "m", "y")),
}


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    required: bool
    aliases: tuple[str, ...] = ()
    is_date: bool = False
    help: str = ""


@dataclass(frozen=True)
class ImportKind:
    name: str
    title: str
    columns: tuple[Column, ...]
    matching: str

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


NUMBER_ALIASES = (
    "employee no",
    "employee number",
    "emp no",
    "emp id",
    "employee id",
    "staff id",
    "staff no",
    "staff number",
    "personnel number",
    "badge",
    "badge number",
)
PERSON_ALIASES = ("employee", *NUMBER_ALIASES, "email", "employee email", "work email")

KINDS: dict[str, ImportKind] = {
    "employees": ImportKind(
        "employees",
        "Employees",
        (
            Column(
                "employee_no",
                "Employee number",
                True,
                (*NUMBER_ALIASES, "number", "id"),
            ),
            Column("name", "Name", True, ("full name", "employee name", "display name")),
            Column("email", "Email", True, ("e mail", "email address", "work email", "mail")),
            Column(
                "hire_date",
                "Hire date",
                True,
                (
                    "hired",
                    "hired on",
                    "hire",
                    "start date",
                    "date of hire",
                    "doh",
                    "joined",
                    "join date",
                    "employment date",
                ),
                is_date=True,
            ),
            Column(
                "role",
                "Job role code",
                False,
                ("job role", "role code", "job code", "position", "job", "job role code"),
                help="L1-CSR, L2-CSS or L3-CSM",
            ),
            Column(
                "role_since",
                "In role since",
                False,
                ("in role since", "role start", "role start date", "position since", "since"),
                is_date=True,
            ),
            Column(
                "manager",
                "Manager (number or email)",
                False,
                (
                    "manager no",
                    "manager number",
                    "manager employee no",
                    "manager email",
                    "manager id",
                    "reports to",
                    "supervisor",
                    "line manager",
                ),
            ),
            Column("department", "Department", False, ("dept", "department code", "team", "unit")),
            Column(
                "jurisdiction",
                "Jurisdiction",
                False,
                ("state", "region", "location code", "work location"),
            ),
            Column("status", "Status", False, ("employment status",), help="active or on_leave"),
        ),
        "by employee number",
    ),
    "completions": ImportKind(
        "completions",
        "Training completions",
        (
            Column("employee", "Employee (number or email)", True, PERSON_ALIASES),
            Column(
                "course",
                "Course code",
                True,
                ("course code", "training", "training code", "module", "class", "course id"),
            ),
            Column(
                "completed_on",
                "Completed on",
                True,
                (
                    "completed",
                    "completion date",
                    "date completed",
                    "date",
                    "finished",
                    "passed on",
                    "training date",
                    "completed date",
                ),
                is_date=True,
            ),
            Column("score", "Score", False, ("result", "mark", "percent", "percentage")),
        ),
        "by employee, course and completion date",
    ),
    "ratings": ImportKind(
        "ratings",
        "Competency ratings",
        (
            Column("employee", "Employee (number or email)", True, PERSON_ALIASES),
            Column(
                "competency",
                "Competency code",
                True,
                ("competency code", "skill", "skill code", "competence"),
            ),
            Column("level", "Level (0-5)", True, ("rating", "score", "proficiency", "grade")),
            Column(
                "rated_on",
                "Rated on",
                True,
                ("date", "rating date", "assessed on", "review date", "rated"),
                is_date=True,
            ),
            Column(
                "source",
                "Source",
                False,
                ("rated by", "rater type", "rating source"),
                help="manager (the default), assessor or self",
            ),
            Column("evidence", "Evidence", False, ("comment", "comments", "notes", "note")),
        ),
        "by employee, competency, date and source",
    ),
    # docs/RULES.md "Assignments" (issue 21): a rule per row; a row naming the role and course
    # of a standing rule changes that rule
    "assignment_rules": ImportKind(
        "assignment_rules",
        "Assignment rules",
        (
            Column(
                "role", "Job role code", True, ("job role", "role code", "job code", "position")
            ),
            Column(
                "course",
                "Course code",
                True,
                ("course code", "training", "training code", "required course"),
            ),
            Column(
                "departments",
                "Departments",
                False,
                ("department", "department codes", "dept", "depts"),
                help="department codes separated by spaces or semicolons; empty: every department",
            ),
            Column("due_days", "Due within (days)", False, ("due days", "days", "within days")),
            Column("due_on", "Due on", False, ("due date", "due by", "deadline"), is_date=True),
            Column(
                "recertify_days",
                "Recertification window (days)",
                False,
                ("recertify days", "window", "recertification days"),
            ),
        ),
        "by job role and course",
    ),
}


def normalise_header(header: str) -> str:
    text = header.replace("\ufeff", "").replace("#", " no ").strip().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def detect_mapping(kind: ImportKind, headers: Iterable[str]) -> dict[str, str | None]:
    """Recognise common header variants: each field takes the first matching unused header."""
    headers = list(headers)
    normalised = {h: normalise_header(h) for h in headers}
    used: set[str] = set()
    mapping: dict[str, str | None] = {}
    for column in kind.columns:
        names = (normalise_header(column.field), normalise_header(column.label), *column.aliases)
        found = None
        for name in names:
            for header in headers:
                if header not in used and normalised[header] == name:
                    found = header
                    break
            if found:
                break
        mapping[column.field] = found
        if found:
            used.add(found)
    return mapping


def resolve_mapping(
    kind: ImportKind, headers: list[str], overrides: Mapping[str, str | None] | None
) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """Detected mapping plus the user's choices; every required field needs a column."""
    mapping = detect_mapping(kind, headers)
    errors: dict[str, list[str]] = {}
    fields = {c.field for c in kind.columns}
    for key, header in (overrides or {}).items():
        if key not in fields:
            errors.setdefault(key, []).append(f"{key!r} is not a field of {kind.title.lower()}.")
            continue
        if header in (None, ""):
            mapping[key] = None
        elif header not in headers:
            errors.setdefault(key, []).append(f"The file has no column {header!r}.")
        else:
            mapping[key] = header
    seen: dict[str, str] = {}
    for column in kind.columns:
        header = mapping.get(column.field)
        if header is None:
            if column.required:
                errors.setdefault(column.field, []).append(
                    f"The file has no column for {column.label}: choose the column that holds it."
                )
            continue
        if header in seen:
            errors.setdefault(column.field, []).append(
                f"The column {header!r} is already used for {kind.column(seen[header]).label}."
            )
        seen[header] = column.field
    return mapping, errors
