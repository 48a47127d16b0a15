"""Background checks: consent first, the status lifecycle, and the adverse-action notices
(docs/RULES.md Background checks; FCRA). Status moves and notices are conditional UPDATEs, so
two people acting at once apply them exactly once; findings are hr-only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import contains_eager

from app.audit import record_change
from app.clock import now, today
from app.extensions import db
from app.kernel.fields import assign, blank
from app.models import BackgroundCheck, CheckType, Employee, User
from app.readiness.dates import add_business_days, add_months
from app.readiness.vocabulary import CHECK_STATUSES, OPEN_CHECK_STATUSES
from app.services import settings
from app.services.joins import search
from app.services.records.common import (
    RecordFields,
    add_record,
    hr_correction,
    refuse_own,
    require_hr,
    unit_of_work,
    with_person_and_entry,
)
from app.services.records.errors import RecordConflict, RecordError
from app.services.shapes import attributes

# The check lifecycle (docs/RULES.md Background checks; issue 3 "the status lifecycle is
# enforced"). review_required -> not_cleared happens only through the adverse-action final notice.
CHECK_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("in_progress",),
    "in_progress": ("clear", "review_required", "not_cleared"),
    "review_required": ("clear", "not_cleared"),
    "clear": (),
    "not_cleared": (),
}
CHECK_RESULTS = ("clear", "review_required", "not_cleared")
ADVERSE_STATUSES = ("review_required", "not_cleared")
VENDOR_MAX = 120
FINDINGS_MAX = 20000
CHECK_SORTS = {
    "employee": Employee.name,
    "type": CheckType.code,
    "requested_on": BackgroundCheck.requested_on,
    "status": BackgroundCheck.status,
    "valid_until": BackgroundCheck.valid_until,
}
CHECK_FILTER_STATUSES = (*CHECK_STATUSES, "expired", "adverse_action")


def check_display_status(check: BackgroundCheck, on: date | None = None) -> str:
    """The status word, or ``expired`` once D >= valid_until (docs/RULES.md)."""
    on = on or today()
    if check.valid_until is not None and on >= check.valid_until and check.status == "clear":
        return "expired"
    return check.status


def next_check_statuses(check: BackgroundCheck) -> tuple[str, ...]:
    """The statuses hr may move a check to directly (the final notice does the rest)."""
    return tuple(
        s
        for s in CHECK_TRANSITIONS.get(check.status, ())
        if not (check.status == "review_required" and s == "not_cleared")
    )


def _vendor_and_findings(vendor: Any, findings: Any, fields: RecordFields) -> dict[str, Any]:
    """A check's vendor and findings, checked: what a new check and a correction set."""
    return {
        "vendor": fields.text("vendor", vendor, "vendor", max_length=VENDOR_MAX, required=False),
        "findings": fields.text(
            "findings",
            findings,
            "findings",
            max_length=FINDINGS_MAX,
            required=False,
            multiline=True,
        ),
    }


def _consent(
    consent_signed_on: Any, consent_form_version: Any, fields: RecordFields
) -> tuple[date | None, str | None]:
    """No check may be requested without a consent record (FCRA written authorisation)."""
    consent_on = fields.day(
        "consent_signed_on", consent_signed_on, "consent signature date", required=False
    )
    version = fields.text(
        "consent_form_version",
        consent_form_version,
        "consent form version",
        max_length=40,
        required=False,
    )
    if blank(consent_signed_on):
        fields.add(
            "consent_signed_on",
            "Record the signed consent (FCRA written authorisation) first: no check may be "
            "requested without it.",
        )
    if blank(consent_form_version):
        fields.add("consent_form_version", "Enter the version of the consent form signed.")
    return consent_on, version


def _requested_on(requested_on: Any, fields: RecordFields) -> date | None:
    """The request date; today when none is given."""
    if blank(requested_on):
        return today()
    return fields.day("requested_on", requested_on, "request date")


def _result_date(status: Any, completed_on: Any, fields: RecordFields) -> date | None:
    """A known status; a result needs the date it came back, an open check has none."""
    if status not in CHECK_STATUSES:
        fields.add("status", f"The status must be one of {', '.join(CHECK_STATUSES)}.")
    done = fields.day(
        "completed_on", completed_on, "completion date", required=status in CHECK_RESULTS
    )
    if status in OPEN_CHECK_STATUSES and done is not None:
        fields.add("completed_on", f"A check that is {status} has no completion date yet.")
    return done


def _check_request_order(
    consent_on: date | None, asked_on: date | None, done: date | None, fields: RecordFields
) -> None:
    """Consent, then the request, then the result."""
    if consent_on and asked_on and consent_on > asked_on:
        fields.add(
            "consent_signed_on",
            f"Consent must be signed on or before the request ({asked_on.isoformat()}).",
        )
    if done and asked_on and done < asked_on:
        fields.add("completed_on", "A check cannot complete before it was requested.")


def _refuse_second_open_check(employee: Employee, check_type: CheckType) -> None:
    open_check = db.session.scalar(
        select(BackgroundCheck).where(
            BackgroundCheck.employee_id == employee.id,
            BackgroundCheck.check_type_id == check_type.id,
            BackgroundCheck.status.in_(OPEN_CHECK_STATUSES),
        )
    )
    if open_check is not None:
        raise RecordConflict.on(
            "type",
            f"{employee.name} already has a {check_type.code} check {open_check.status} "
            f"(requested {open_check.requested_on.isoformat()}).",
        )


@unit_of_work
def record_check(
    employee: Employee,
    type_code: str,
    consent_signed_on: date | str | None,
    consent_form_version: str | None,
    requested_on: date | str | None = None,
    vendor: str | None = None,
    status: str = "requested",
    completed_on: date | str | None = None,
    findings: str | None = None,
    *,
    actor: User | None,
) -> BackgroundCheck:
    """HR requests a background check, or records one done earlier with its result.

    docs/RULES.md: no check may be requested without a consent record (FCRA written
    authorisation); valid_until = completed_on + rescreen_months; findings are hr-only.
    """
    require_hr(actor, "request background checks")
    if status != "requested":
        refuse_own(actor, employee.id, "record a background check result")
    fields = RecordFields()
    check_type = fields.entry("type", CheckType, type_code, "check type")
    consent_on, version = _consent(consent_signed_on, consent_form_version, fields)
    asked_on = _requested_on(requested_on, fields)
    details = _vendor_and_findings(vendor, findings, fields)
    done = _result_date(status, completed_on, fields)
    _check_request_order(consent_on, asked_on, done, fields)
    fields.raise_if_any()
    assert check_type is not None and consent_on is not None and asked_on is not None
    if status in OPEN_CHECK_STATUSES:
        _refuse_second_open_check(employee, check_type)
    consent = {"consent_signed_on": consent_on, "consent_form_version": version}
    result = {
        "status": status,
        "completed_on": done,
        "valid_until": add_months(done, check_type.rescreen_months) if done else None,
    }
    values = {"check_type_id": check_type.id, "check_type": check_type, "requested_on": asked_on}
    return add_record(BackgroundCheck, employee, {**values, **consent, **result, **details})


def _check_snapshot(check: BackgroundCheck) -> dict[str, Any]:
    return attributes(
        check, "status", "completed_on", "valid_until", "pre_adverse_notice_on", "final_notice_on"
    )


def _conditional_check_update(
    check: BackgroundCheck, conditions: list[Any], values: dict[str, Any], refused: str
) -> BackgroundCheck:
    """UPDATE ... WHERE the check is still as the caller saw it; audited by hand."""
    table = BackgroundCheck.__table__
    before = _check_snapshot(check)
    if "findings" in values:
        before["findings"] = "(changed)"
    result = db.session.execute(
        update(table)
        .where(table.c.id == check.id, *conditions)
        .values(**values, version=table.c.version + 1, updated_at=now())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RecordConflict(refused)
    after = {k: v for k, v in values.items() if k != "findings"}
    if "findings" in values:
        after["findings"] = "(changed)"  # findings stay out of the audit trail's plain view
    record_change(db.session(), "background_checks", check.id, "update", before, after)
    db.session.expire(check)
    return check


def _refuse_move(check: BackgroundCheck, status: str) -> None:
    """Only the lifecycle's moves; not cleared after a review only through adverse action."""
    current = check.status
    if status not in CHECK_STATUSES:
        raise RecordError.on("status", f"The status must be one of {', '.join(CHECK_STATUSES)}.")
    if status not in CHECK_TRANSITIONS.get(current, ()):
        allowed = ", ".join(next_check_statuses(check)) or "nothing (it is final)"
        raise RecordConflict.on(
            "status",
            f"A check that is {current} cannot become {status}; it can become {allowed}.",
        )
    if current == "review_required" and status == "not_cleared":
        raise RecordConflict.on(
            "status",
            "A check under review is not cleared only through adverse action: record the "
            "pre-adverse notice, wait, then record the final notice.",
        )


def _check_result_date(
    check: BackgroundCheck, status: str, done: date | None, fields: RecordFields
) -> None:
    if (
        status in CHECK_RESULTS
        and done is None
        and check.completed_on is None
        and "completed_on" not in fields
    ):
        fields.add("completed_on", "Enter the date the check came back.")
    if done is not None and done < check.requested_on:
        fields.add(
            "completed_on",
            f"A check cannot complete before it was requested ({check.requested_on.isoformat()}).",
        )
    if status == "in_progress" and done is not None:
        fields.add("completed_on", "A check in progress has no completion date yet.")


@unit_of_work
def change_check_status(
    check: BackgroundCheck,
    status: str,
    completed_on: date | str | None = None,
    findings: str | None = None,
    *,
    actor: User | None,
) -> BackgroundCheck:
    """Move a check along its lifecycle: requested -> in_progress -> clear | review_required |
    not_cleared; review_required -> clear, or -> not_cleared through the final notice.

    A result needs its completion date (valid_until follows); findings may come with it.
    """
    require_hr(actor, "update background checks")
    refuse_own(actor, check.employee_id, "move a background check along")
    current = check.status
    _refuse_move(check, status)
    fields = RecordFields()
    done = fields.day("completed_on", completed_on, "completion date", required=False)
    notes = fields.text(
        "findings", findings, "findings", max_length=FINDINGS_MAX, required=False, multiline=True
    )
    _check_result_date(check, status, done, fields)
    fields.raise_if_any()
    values: dict[str, Any] = {"status": status}
    finished = done or check.completed_on
    if status in CHECK_RESULTS and finished is not None:
        values["completed_on"] = finished
        values["valid_until"] = add_months(finished, check.check_type.rescreen_months)
    if notes is not None:
        values["findings"] = notes
    return _conditional_check_update(
        check,
        [BackgroundCheck.__table__.c.status == current],
        values,
        f"The check changed while you were looking at it (it is no longer {current}). "
        "Nothing was saved.",
    )


@unit_of_work
def update_check_details(
    check: BackgroundCheck,
    vendor: str | None,
    findings: str | None,
    *,
    actor: User | None,
    expected_version: int | str | None = None,
) -> BackgroundCheck:
    """HR corrects the vendor or the findings (findings: hr-only, docs/RULES.md)."""
    hr_correction(check, expected_version, actor=actor, doing="edit background checks")
    fields = RecordFields()
    details = _vendor_and_findings(vendor, findings, fields)
    fields.raise_if_any()
    return assign(check, details)


def earliest_final_notice(check: BackgroundCheck) -> date | None:
    """The first day a final notice may go out: N business days (cfg) after the pre-adverse.

    docs/RULES.md Adverse action: the final notice is refused until 5 business days (cfg)
    after the pre-adverse notice.
    """
    if check.pre_adverse_notice_on is None:
        return None
    wait = int(settings.get("adverse_action_wait_business_days"))
    return add_business_days(check.pre_adverse_notice_on, wait)


def _notice_date(notice_on: Any) -> date:
    fields = RecordFields()
    when = fields.day("notice_on", notice_on, "notice date")
    fields.raise_if_any()
    assert when is not None
    return when


@unit_of_work
def record_pre_adverse_notice(
    check: BackgroundCheck, notice_on: date | str, *, actor: User | None
) -> BackgroundCheck:
    """HR records the pre-adverse notice sent for a check under review or not cleared."""
    require_hr(actor, "record adverse-action notices")
    when = _notice_date(notice_on)
    if check.status not in ADVERSE_STATUSES:
        raise RecordConflict.on(
            "notice_on",
            f"A pre-adverse notice follows a check that is review required or not cleared; "
            f"this one is {check.status}.",
        )
    if check.pre_adverse_notice_on is not None:
        raise RecordConflict.on(
            "notice_on",
            f"The pre-adverse notice was already recorded on "
            f"{check.pre_adverse_notice_on.isoformat()}.",
        )
    if check.completed_on is not None and when < check.completed_on:
        raise RecordError.on(
            "notice_on",
            f"The notice cannot precede the check's result ({check.completed_on.isoformat()}).",
        )
    table = BackgroundCheck.__table__
    return _conditional_check_update(
        check,
        [table.c.pre_adverse_notice_on.is_(None), table.c.status.in_(ADVERSE_STATUSES)],
        {"pre_adverse_notice_on": when},
        "The pre-adverse notice was recorded by someone else a moment ago. Nothing was saved.",
    )


def _refuse_final_notice(check: BackgroundCheck, when: date) -> None:
    """After the pre-adverse notice, once, and no sooner than the business-day wait."""
    if check.pre_adverse_notice_on is None:
        raise RecordConflict.on("notice_on", "Record the pre-adverse notice first.")
    if check.final_notice_on is not None:
        raise RecordConflict.on(
            "notice_on",
            f"The final notice was already recorded on {check.final_notice_on.isoformat()}.",
        )
    if check.status not in ADVERSE_STATUSES:
        raise RecordConflict.on(
            "notice_on", f"The check is {check.status}; no adverse action follows it."
        )
    earliest = earliest_final_notice(check)
    assert earliest is not None
    if when < earliest:
        wait = int(settings.get("adverse_action_wait_business_days"))
        raise RecordError.on(
            "notice_on",
            f"The final notice must wait {wait} business days after the pre-adverse notice "
            f"({check.pre_adverse_notice_on.isoformat()}): the earliest date is "
            f"{earliest.isoformat()}.",
        )


@unit_of_work
def record_final_notice(
    check: BackgroundCheck, notice_on: date | str, *, actor: User | None
) -> BackgroundCheck:
    """HR records the final adverse-action notice, no sooner than the business-day wait
    after the pre-adverse notice; a check under review becomes not_cleared."""
    require_hr(actor, "record adverse-action notices")
    when = _notice_date(notice_on)
    _refuse_final_notice(check, when)
    table = BackgroundCheck.__table__
    return _conditional_check_update(
        check,
        [
            table.c.final_notice_on.is_(None),
            table.c.pre_adverse_notice_on == check.pre_adverse_notice_on,
            table.c.status.in_(ADVERSE_STATUSES),
        ],
        {"final_notice_on": when, "status": "not_cleared"},
        "The final notice was recorded by someone else a moment ago. Nothing was saved.",
    )


def check_list_query(
    q: str | None = None,
    status: str | None = None,
    check_type: str | None = None,
) -> Select:
    """Background checks with their employee and type in one query (hr's list)."""
    stmt = (
        with_person_and_entry(BackgroundCheck, CheckType, BackgroundCheck.check_type_id)
        .options(contains_eager(BackgroundCheck.check_type))
        .add_columns(Employee.name, Employee.employee_no)
    )
    if q:
        stmt = stmt.where(
            search(
                q,
                Employee.name,
                Employee.employee_no,
                func.coalesce(BackgroundCheck.vendor, ""),
            )
        )
    if check_type:
        stmt = stmt.where(CheckType.code == check_type)
    return _by_check_status(stmt, status, today())


def _by_check_status(stmt: Select, status: str | None, on: date) -> Select:
    if status == "expired":
        return stmt.where(BackgroundCheck.status == "clear", BackgroundCheck.valid_until <= on)
    if status == "clear":
        return stmt.where(
            BackgroundCheck.status == "clear",
            or_(BackgroundCheck.valid_until.is_(None), BackgroundCheck.valid_until > on),
        )
    if status == "adverse_action":
        return stmt.where(
            BackgroundCheck.pre_adverse_notice_on.is_not(None),
            BackgroundCheck.final_notice_on.is_(None),
        )
    if status in CHECK_STATUSES:
        return stmt.where(BackgroundCheck.status == status)
    return stmt
