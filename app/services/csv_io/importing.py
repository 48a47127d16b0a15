"""The import: a dry run reports, per row, what would be created, updated, left unchanged or
refused and why; applying is all or nothing, so a single refused row means nothing is written.

Every kind (``csv_io.employees``, ``completions``, ``ratings``, ``rules``) is checked in bulk
by its services' own rules: the dry run only reads (no write lock, nothing written, no audit),
and applying writes the checked file in one transaction, committed only when every row passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.extensions import db
from app.kernel.errors import DomainError
from app.models import User
from app.services.csv_io.completions import CompletionPlan
from app.services.csv_io.employees import Plan
from app.services.csv_io.kinds import DATE_FORMATS, KINDS, ImportKind, resolve_mapping
from app.services.csv_io.ratings import RatingPlan
from app.services.csv_io.reading import ParsedFile, cell, convert_date, parse_csv
from app.services.csv_io.rows import SERVICE_FIELDS, row_key
from app.services.csv_io.rules import RulePlan
from app.services.records import RecordError, RecordForbidden

Row = dict[str, str]


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


def _messages(error: DomainError, labels: Mapping[str, str]) -> list[str]:
    if not error.errors:
        return [error.message]
    result: list[str] = []
    for key, messages in error.errors.items():
        label = labels.get(key, key.replace("_", " "))
        result.extend(f"{label}: {message}" for message in messages)
    return result


def _begin_outer_transaction() -> None:
    """Open the apply's transaction now, with SQLite's write lock (IMMEDIATE).

    pysqlite emits BEGIN only before a data-changing statement, so the checks' SELECTs would
    run in a deferred transaction: one that read a row which someone else then saved could not
    write any more ("database is locked", at once), and the import would crash instead of
    telling the user. Taken before the checks, the lock keeps what they read until the writes;
    others' saves wait for the apply instead. A dry run never calls this.
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
    on_row: Callable[[int, int], None] | None = None,
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Dry-run (``apply=False``) or apply an import; applying is all or nothing.

    Every row is checked first, with SELECTs only; the checked file is written, and committed,
    only when applying and no row is refused, so a dry run and a refused import change nothing
    (``_run_bulk``). A background job (issue 23)
    hears each row (``on_row(done, total)``) and marks itself done in the import's own
    transaction (``before_commit``), so the job and the import commit together or not at all.
    """
    if kind_name not in KINDS:
        raise RecordError(
            f"Unknown import {kind_name!r}; choose one of {', '.join(KINDS)}.",
            {"kind": [f"Choose one of {', '.join(KINDS)}."]},
        )
    if actor is not None and not policy.is_hr(actor):
        raise RecordForbidden("Only HR can import records.")
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
    db.session.rollback()  # start from a clean transaction: nothing pending is swept along
    return _run_bulk(report, parsed, apply, actor, on_row, before_commit)


AnyPlan = Plan | CompletionPlan | RatingPlan | RulePlan
PLANS: dict[str, Callable[[list[Row], User | None], AnyPlan]] = {
    "employees": Plan,
    "completions": CompletionPlan,
    "ratings": RatingPlan,
    "assignment_rules": RulePlan,
}
BULK_KINDS = tuple(PLANS)
CHANGED_MEANWHILE = (
    "Someone changed the same records while the file was imported, so nothing was imported. "
    "Run the import again."
)


def _keep_if_clean(
    report: ImportReport, apply: bool, before_commit: Callable[[ImportReport], None] | None
) -> None:
    """The import's own commit point, not a unit of work: the whole file is one transaction,
    kept only when applying and every row went through; otherwise nothing of it stays."""
    if apply and report.ok:
        if before_commit is not None:
            before_commit(report)
        db.session.commit()
        report.applied = True
    else:
        db.session.rollback()


def _run_bulk(
    report: ImportReport,
    parsed: ParsedFile,
    apply: bool,
    actor: User | None,
    on_row: Callable[[int, int], None] | None,
    before_commit: Callable[[ImportReport], None] | None,
) -> ImportReport:
    """Check the whole file with SELECTs only; when applying and every row passed, write it.

    Only the apply takes SQLite's write lock (from the checks on, so what they read cannot
    change before the writes), and only for as long as the bulk checks and writes take."""
    if apply:
        _begin_outer_transaction()
    try:
        run = _Run(report, parsed, actor, on_row)
        plan = run.check_bulk()
        if apply and report.ok:
            plan.apply()
        _keep_if_clean(report, apply, before_commit)
    except (IntegrityError, StaleDataError, DomainError):
        # what the checks passed was refused by the writes: someone changed it meanwhile
        db.session.rollback()
        report.errors["file"] = [CHANGED_MEANWHILE]
    except SQLAlchemyError:
        db.session.rollback()
        raise
    return report


class _Run:
    """One pass over a file's rows, checked by the kind's plan; then the reporting lines."""

    def __init__(
        self,
        report: ImportReport,
        parsed: ParsedFile,
        actor: User | None,
        on_row: Callable[[int, int], None] | None = None,
    ) -> None:
        self.report = report
        self.on_row = on_row
        self.kind = report.kind
        self.parsed = parsed
        self.actor = actor
        labels = {c.field: c.label for c in self.kind.columns}
        labels.update({k: labels.get(v, v) for k, v in SERVICE_FIELDS.items()})
        self.labels = labels
        self.index = {h: i for i, h in enumerate(parsed.headers)}

    def check_bulk(self) -> AnyPlan:
        """Every row checked by the kind's bulk plan (no write); then the reporting lines."""
        entries: list[tuple[int, RowResult, Row]] = []
        for position, (line, cells) in enumerate(self.parsed.rows):
            result = RowResult(line, "refuse", "")
            self.report.rows.append(result)
            stray = self._stray_values(cells)
            if stray:
                result.messages.append(stray)
                continue
            values = self._values(cells)
            result.key = row_key(self.kind, values)
            try:
                self._convert_dates(values)
            except DomainError as error:
                result.messages.extend(_messages(error, self.labels))
                continue
            entries.append((position, result, values))
        rows = [values for _, _, values in entries]
        plan = PLANS[self.kind.name](rows, self.actor)
        total = len(self.parsed.rows)
        for done, (position, result, values) in enumerate(entries, start=1):
            try:
                result.action, detail = plan.check_row(position, result.line, values)
                if detail:
                    result.messages.append(f"Changes: {detail}.")
            except DomainError as error:
                result.action = "refuse"
                result.messages.extend(_messages(error, self.labels))
            if self.on_row is not None:
                self.on_row(done, total)
        if isinstance(plan, Plan):
            self._check_managers(plan, entries)
        return plan

    def _check_managers(self, plan: Plan, entries: list[tuple[int, RowResult, Row]]) -> None:
        managed = {
            position: (result, values)
            for position, result, values in entries
            if values.get("manager") and result.action != "refuse"
        }
        plan.resolve_managers({position: values for position, (_, values) in managed.items()})
        for position, (result, values) in managed.items():
            try:
                changed = plan.check_manager(position, values["manager"])
            except DomainError as error:
                result.action = "refuse"
                result.messages.extend(_messages(error, self.labels))
                continue
            self._note_manager(result, changed)

    def _note_manager(self, result: RowResult, changed: bool) -> None:
        if changed and result.action == "unchanged":
            result.action = "update"
            result.messages.append("Changes: manager.")
        elif changed and result.action == "update":
            result.messages = [m.rstrip(".") + ", manager." for m in result.messages]

    def _stray_values(self, cells: list[str]) -> str | None:
        width = len(self.parsed.headers)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            return (
                f"The row has {len(cells)} values but the header has "
                f"{width} columns (a stray separator?)."
            )
        return None

    def _values(self, cells: list[str]) -> Row:
        values: Row = {}
        for column in self.kind.columns:
            header = self.report.mapping.get(column.field)
            if header is None:
                continue
            position = self.index[header]
            values[column.field] = cell(cells[position]) if position < len(cells) else ""
        return values

    def _convert_dates(self, values: Row) -> None:
        for column in self.kind.columns:
            if column.is_date and values.get(column.field):
                values[column.field] = convert_date(
                    values[column.field], self.report.date_format, column.label
                )


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
