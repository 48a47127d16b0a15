"""CSV import and export of employees, training completions and competency ratings (issue 3).

Import: legacy spreadsheets arrive with their own headers. Common header variants are
recognised (``detect_mapping``) and the user can map columns by hand. A dry run reports, per
row, what would be created, updated, left unchanged or refused and why; the import is applied
all or nothing: a single refused row means nothing is written.

Every row goes through the same service functions as the web pages and the API
(``app.services.records``), each inside a savepoint of one transaction, so the rules live once:
the dry run is the real import rolled back at the end.

Export writes the same sets with the import's own column names, so an export can be edited and
imported again. Cells that a spreadsheet would run as a formula are prefixed with ``'`` and the
import strips that prefix again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Competency,
    CompetencyRating,
    Completion,
    Course,
    Department,
    Employee,
    JobRole,
    User,
)
from app.services import records
from app.services.records import RecordError

MAX_ROWS = 20000
DATE_FORMATS = {
    "iso": ("YYYY-MM-DD", r"^(\d{4})-(\d{1,2})-(\d{1,2})$", ("y", "m", "d")),
    "us": ("MM/DD/YYYY", r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", ("m", "d", "y")),
    "eu": ("DD/MM/YYYY", r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", ("d", "m", "y")),
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


PERSON_ALIASES = (
    "employee",
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
    "email",
    "employee email",
    "work email",
)

KINDS: dict[str, ImportKind] = {
    "employees": ImportKind(
        "employees",
        "Employees",
        (
            Column(
                "employee_no",
                "Employee number",
                True,
                (
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
                    "number",
                    "id",
                ),
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


@dataclass
class ParsedFile:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    errors: list[str] = field(default_factory=list)


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_csv(data: bytes | str) -> ParsedFile:
    """Read a CSV file (comma, semicolon, tab or pipe separated) into headers and rows."""
    if isinstance(data, bytes) and b"\x00" in data[:4096]:
        return ParsedFile([], [], ["This is not a text CSV file. Save the sheet as CSV first."])
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ParsedFile([], [], ["The file is empty."])
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = max(",;\t|", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = _unique_headers(cells)
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                return ParsedFile(
                    headers, [], [f"The file has more than {MAX_ROWS} rows; split it up."]
                )
    except csv.Error as error:
        return ParsedFile(headers or [], [], [f"The file is not valid CSV: {error}."])
    if headers is None:
        return ParsedFile([], [], ["The file is empty."])
    if not rows:
        return ParsedFile(headers, [], ["The file has a header row but no data rows."])
    return ParsedFile(headers, rows)


def _unique_headers(cells: list[str]) -> list[str]:
    headers: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = cell.replace("\ufeff", "").strip() or f"(column {index})"
        candidate, n = name, 2
        while candidate in headers:
            candidate, n = f"{name} ({n})", n + 1
        headers.append(candidate)
    return headers


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


# ---------------------------------------------------------------- the report


@dataclass
class RowResult:
    line: int
    action: str  # create | update | unchanged | refuse
    key: str
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: ImportKind
    headers: list[str]
    mapping: dict[str, str | None]
    date_format: str
    rows: list[RowResult] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    applied: bool = False
    dry_run: bool = True

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "refuse": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and self.counts["refuse"] == 0

    @property
    def file_errors(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


class RowRefused(RecordError):
    pass


def _cell(value: str) -> str:
    text = value.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def convert_date(raw: str, date_format: str, label: str) -> str:
    """A spreadsheet date in the chosen format (ISO always works) as YYYY-MM-DD."""
    text = raw.strip()
    for fmt in ("iso", date_format):
        pattern, order = DATE_FORMATS[fmt][1], DATE_FORMATS[fmt][2]
        match = re.match(pattern, text)
        if match:
            parts = dict(zip(order, (int(p) for p in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"]).isoformat()
            except ValueError:
                break
    raise RowRefused(
        f"{label}: {raw!r} is not a date (expected {DATE_FORMATS[date_format][0]}; "
        "choose the file's date format if it writes dates another way)."
    )


def _messages(error: RecordError, labels: Mapping[str, str]) -> list[str]:
    if not error.errors:
        return [error.message]
    result: list[str] = []
    for key, messages in error.errors.items():
        label = labels.get(key, key.replace("_", " "))
        result.extend(f"{label}: {message}" for message in messages)
    return result


# ---------------------------------------------------------------- row handlers
# Each handler applies one row through the record services and answers (action, changes).

Handler = Callable[[dict[str, str], User | None], tuple[str, str]]


def _person(reference: str, label: str = "Employee") -> Employee:
    employee = records.find_employee(reference)
    if employee is None:
        raise RowRefused(f"{label}: there is no employee {reference!r}.")
    return employee


def _employee_row(values: dict[str, str], actor: User | None) -> tuple[str, str]:
    data = {k: v for k, v in values.items() if k != "manager" and v != ""}
    existing = (
        records.find_employee(values.get("employee_no", "")) if values.get("employee_no") else None
    )
    if existing is not None and existing.employee_no.upper() != values["employee_no"].upper():
        existing = None  # matched by email only: the number decides who the row is
    if existing is None:
        records.create_employee(data, actor=actor)
        return "create", ""
    change = records.update_employee(existing, data, actor=actor)
    if change.changes:
        return "update", ", ".join(sorted(change.changes))
    return "unchanged", ""


def _employee_manager(values: dict[str, str], actor: User | None) -> str | None:
    """Second pass: the reporting line, once every row's person exists."""
    reference = values.get("manager", "")
    if not reference:
        return None
    employee = _person(values["employee_no"], "Employee number")
    manager = records.find_employee(reference)
    if manager is None:
        raise RowRefused(f"Manager: there is no employee {reference!r}.")
    change = records.update_employee(employee, {"manager_id": manager.id}, actor=actor)
    return "manager" if change.changes else None


def _completion_row(values: dict[str, str], actor: User | None) -> tuple[str, str]:
    employee = _person(values["employee"])
    course = db.session.scalar(
        select(Course).where(Course.code == values.get("course", "").strip().upper())
    )
    completed_on = values.get("completed_on", "")
    if course is not None and completed_on:
        existing = db.session.scalar(
            select(Completion).where(
                Completion.employee_id == employee.id,
                Completion.course_id == course.id,
                Completion.completed_on == date.fromisoformat(completed_on),
                Completion.verification != "rejected",
            )
        )
        if existing is not None:
            score = values.get("score") or None
            if score is None or (
                existing.score is not None and str(existing.score) == _decimal_text(score)
            ):
                return "unchanged", ""
            records.update_completion(existing, completed_on, score, actor=actor)
            return "update", "score"
    records.record_completion(
        employee,
        values.get("course", ""),
        completed_on,
        values.get("score") or None,
        actor=actor,
    )
    return "create", ""


def _decimal_text(value: str) -> str:
    from decimal import Decimal, InvalidOperation

    try:
        return str(Decimal(value).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return value


def _rating_row(values: dict[str, str], actor: User | None) -> tuple[str, str]:
    employee = _person(values["employee"])
    source = (values.get("source") or "manager").strip().lower()
    competency = db.session.scalar(
        select(Competency).where(Competency.code == values.get("competency", "").strip().upper())
    )
    rated_on = values.get("rated_on", "")
    if competency is not None and rated_on:
        existing = db.session.scalar(
            select(CompetencyRating).where(
                CompetencyRating.employee_id == employee.id,
                CompetencyRating.competency_id == competency.id,
                CompetencyRating.rated_on == date.fromisoformat(rated_on),
                CompetencyRating.source == source,
            )
        )
        if existing is not None:
            level = values.get("level", "")
            evidence = values.get("evidence") or None
            same_level = level.strip() == str(existing.level)
            same_evidence = "evidence" not in values or evidence == existing.evidence
            if same_level and same_evidence:
                return "unchanged", ""
            records.update_rating(
                existing,
                level,
                rated_on,
                evidence if "evidence" in values else existing.evidence,
                actor=actor,
            )
            return "update", "level" if not same_level else "evidence"
    records.record_rating(
        employee,
        values.get("competency", ""),
        values.get("level", ""),
        rated_on,
        source,
        values.get("evidence") or None,
        actor=actor,
    )
    return "create", ""


HANDLERS: dict[str, Handler] = {
    "employees": _employee_row,
    "completions": _completion_row,
    "ratings": _rating_row,
}
# Service field names -> the column label the user sees in the report.
SERVICE_FIELDS = {"manager_id": "manager", "type": "type", "note": "note"}


def _row_key(kind: ImportKind, values: dict[str, str]) -> str:
    if kind.name == "employees":
        return values.get("employee_no", "")
    if kind.name == "completions":
        return " ".join(
            v
            for v in (values.get("employee"), values.get("course"), values.get("completed_on"))
            if v
        )
    return " ".join(
        v for v in (values.get("employee"), values.get("competency"), values.get("rated_on")) if v
    )


def _begin_outer_transaction() -> None:
    """Open the real transaction before the first savepoint.

    pysqlite emits BEGIN only before a data-changing statement, so a SAVEPOINT issued first
    would run outside a transaction and its RELEASE would commit: a dry run would write.
    IMMEDIATE takes SQLite's write lock now: a deferred transaction that read a row which
    someone else then saved could not write any more ("database is locked", at once), so the
    import would crash instead of telling the user; others' saves wait for the import instead.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_import(
    kind_name: str,
    data: bytes | str,
    *,
    mapping: Mapping[str, str | None] | None = None,
    date_format: str = "iso",
    apply: bool = False,
    actor: User | None,
) -> ImportReport:
    """Dry-run (``apply=False``) or apply an import; applying is all or nothing.

    The rows run through the record services in one transaction, each in a savepoint; the
    transaction is committed only when applying and no row is refused, and rolled back
    otherwise, so a dry run and a refused import change nothing.
    """
    if kind_name not in KINDS:
        raise RecordError(
            f"Unknown import {kind_name!r}; choose one of {', '.join(KINDS)}.",
            {"kind": [f"Choose one of {', '.join(KINDS)}."]},
        )
    if actor is not None and not actor.has_role("hr"):
        raise records.RecordForbidden("Only HR can import records.")
    if date_format not in DATE_FORMATS:
        date_format = "iso"
    kind = KINDS[kind_name]
    parsed = parse_csv(data)
    report = ImportReport(kind, parsed.headers, {}, date_format, dry_run=not apply)
    if parsed.errors:
        report.errors["file"] = parsed.errors
        return report
    report.mapping, report.errors = resolve_mapping(kind, parsed.headers, mapping)
    if report.errors:
        return report
    labels = {c.field: c.label for c in kind.columns}
    labels.update({k: labels.get(v, v) for k, v in SERVICE_FIELDS.items()})
    index = {h: i for i, h in enumerate(parsed.headers)}
    handler = HANDLERS[kind.name]
    second_pass: list[tuple[RowResult, dict[str, str]]] = []
    db.session.rollback()  # start from a clean transaction: nothing pending is swept along
    _begin_outer_transaction()
    try:
        for line, cells in parsed.rows:
            result = RowResult(line, "refuse", "")
            report.rows.append(result)
            if len(cells) > len(parsed.headers):
                extra = [c for c in cells[len(parsed.headers) :] if c.strip()]
                if extra:
                    result.messages.append(
                        f"The row has {len(cells)} values but the header has "
                        f"{len(parsed.headers)} columns (a stray separator?)."
                    )
                    continue
            values: dict[str, str] = {}
            for column in kind.columns:
                header = report.mapping.get(column.field)
                if header is None:
                    continue
                position = index[header]
                values[column.field] = _cell(cells[position]) if position < len(cells) else ""
            result.key = _row_key(kind, values)
            try:
                for column in kind.columns:
                    if column.is_date and values.get(column.field):
                        values[column.field] = convert_date(
                            values[column.field], date_format, column.label
                        )
                with db.session.begin_nested(), records.batch():
                    result.action, detail = handler(values, actor)
                if detail:
                    result.messages.append(f"Changes: {detail}.")
                if kind.name == "employees" and values.get("manager"):
                    second_pass.append((result, values))
            except RecordError as error:
                result.action = "refuse"
                result.messages.extend(_messages(error, labels))
            except IntegrityError:
                result.action = "refuse"
                result.messages.append("It conflicts with an existing record (a duplicate?).")
        for result, values in second_pass:
            try:
                with db.session.begin_nested(), records.batch():
                    changed = _employee_manager(values, actor)
                if changed and result.action == "unchanged":
                    result.action = "update"
                    result.messages.append("Changes: manager.")
                elif changed and result.action == "update":
                    result.messages = [m.rstrip(".") + ", manager." for m in result.messages]
            except RecordError as error:
                result.action = "refuse"
                result.messages.extend(_messages(error, labels))
        if apply and report.ok:
            db.session.commit()
            report.applied = True
        else:
            db.session.rollback()
    except SQLAlchemyError:
        db.session.rollback()
        raise
    return report


# ---------------------------------------------------------------- export


def _safe(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_rows(kind_name: str) -> tuple[list[str], list[list[str]]]:
    """The rows of an export, one query each; columns are the import's field names."""
    rows: Sequence[Any]
    if kind_name == "employees":
        manager = aliased(Employee)
        rows = db.session.execute(
            select(
                Employee.employee_no,
                Employee.name,
                Employee.email,
                Employee.hire_date,
                JobRole.code,
                Employee.role_since,
                manager.employee_no,
                Department.code,
                Employee.jurisdiction,
                Employee.status,
                Employee.termination_date,
                Employee.termination_reason,
            )
            .outerjoin(JobRole, Employee.job_role_id == JobRole.id)
            .outerjoin(manager, Employee.manager_id == manager.id)
            .outerjoin(Department, Employee.department_id == Department.id)
            .order_by(Employee.employee_no)
        ).all()
        headers = [
            "employee_no",
            "name",
            "email",
            "hire_date",
            "role",
            "role_since",
            "manager",
            "department",
            "jurisdiction",
            "status",
            "termination_date",
            "termination_reason",
        ]
    elif kind_name == "completions":
        rows = db.session.execute(
            select(
                Employee.employee_no,
                Employee.name,
                Course.code,
                Completion.completed_on,
                Completion.expires_on,
                Completion.score,
            )
            .join(Employee, Completion.employee_id == Employee.id)
            .join(Course, Completion.course_id == Course.id)
            .where(Completion.verification == "verified")
            .order_by(Employee.employee_no, Completion.completed_on, Course.code)
        ).all()
        headers = ["employee", "employee_name", "course", "completed_on", "expires_on", "score"]
    elif kind_name == "ratings":
        rows = db.session.execute(
            select(
                Employee.employee_no,
                Employee.name,
                Competency.code,
                CompetencyRating.level,
                CompetencyRating.rated_on,
                CompetencyRating.source,
                CompetencyRating.evidence,
            )
            .join(Employee, CompetencyRating.employee_id == Employee.id)
            .join(Competency, CompetencyRating.competency_id == Competency.id)
            .order_by(Employee.employee_no, CompetencyRating.rated_on, Competency.code)
        ).all()
        headers = [
            "employee",
            "employee_name",
            "competency",
            "level",
            "rated_on",
            "source",
            "evidence",
        ]
    else:
        raise RecordError(f"Unknown export {kind_name!r}; choose one of {', '.join(KINDS)}.")
    return headers, [[_safe(v) for v in row] for row in rows]


def export_csv(kind_name: str) -> str:
    headers, rows = export_rows(kind_name)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


# ---------------------------------------------------------------- command line


def format_report(report: ImportReport) -> list[str]:
    lines: list[str] = []
    for message in report.file_errors:
        lines.append(f"error: {message}")
    for row in report.rows:
        detail = f" ({'; '.join(row.messages)})" if row.messages else ""
        lines.append(f"line {row.line}: {row.action} {row.key}{detail}")
    counts = report.counts
    summary = (
        f"{counts['create']} to create, {counts['update']} to update, "
        f"{counts['unchanged']} unchanged, {counts['refuse']} refused."
    )
    if report.applied:
        lines.append(f"Imported. {summary}")
    elif report.dry_run:
        lines.append(f"Dry run, nothing was changed. {summary}")
    else:
        lines.append(f"Nothing was imported: the import is all or nothing. {summary}")
    return lines


def register_records_cli(app: Flask) -> None:
    @app.cli.command("import-csv")
    @click.argument("kind", type=click.Choice(sorted(KINDS)))
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
    @click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
    @click.option(
        "--map",
        "mappings",
        multiple=True,
        metavar="FIELD=COLUMN",
        help="Use COLUMN of the file for FIELD (repeatable); FIELD= ignores the field.",
    )
    @click.option(
        "--date-format",
        type=click.Choice(sorted(DATE_FORMATS)),
        default="iso",
        show_default=True,
        help="How the file writes dates (ISO dates are always understood).",
    )
    def import_csv_command(
        kind: str, file: str, dry_run: bool, mappings: tuple[str, ...], date_format: str
    ) -> None:
        """Import employees, completions or ratings from a CSV file, all or nothing."""
        from app.audit import acting_as

        overrides: dict[str, str | None] = {}
        for item in mappings:
            if "=" not in item:
                raise click.BadParameter(f"{item!r} is not FIELD=COLUMN.", param_hint="--map")
            key, _, header = item.partition("=")
            overrides[key.strip()] = header.strip() or None
        with open(file, "rb") as handle:
            data = handle.read()
        with acting_as("cli:import-csv"):
            report = run_import(
                kind,
                data,
                mapping=overrides,
                date_format=date_format,
                apply=not dry_run,
                actor=None,
            )
        for line in format_report(report):
            click.echo(line)
        if not report.ok:
            raise SystemExit(1)

    @app.cli.command("export-csv")
    @click.argument("kind", type=click.Choice(sorted(KINDS)))
    @click.argument("file", type=click.Path(dir_okay=False, writable=True), required=False)
    def export_csv_command(kind: str, file: str | None) -> None:
        """Write employees, completions or ratings as CSV (to FILE or standard output)."""
        text = export_csv(kind)
        if file:
            with open(file, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            click.echo(f"Wrote {text.count(chr(10)) - 1} {kind} to {file}.")
        else:
            click.echo(text, nl=False)
