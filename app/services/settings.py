"""The (cfg) values of docs/RULES.md: defaults here, overrides (hr or admin) in app_settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import g, has_app_context
from sqlalchemy import select

from app.extensions import db
from app.models import AppSetting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    kind: str  # int, decimal, bool, str, int_list, dict_int, dict_decimal
    label: str
    help: str = ""


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "expiring_window_days",
        90,
        "int",
        "Expiring window (days)",
        "A met certification or check that lapses within this many days is 'expiring'.",
    ),
    SettingSpec(
        "certification_grace_days",
        0,
        "int",
        "Grace period after expiry (days)",
        "An expired certification still counts for this many days. Default none.",
    ),
    SettingSpec(
        "ready_threshold",
        90,
        "int",
        "Ready threshold (score)",
        "Ready = every gate met and score at least this.",
    ),
    SettingSpec(
        "competency_months_per_level",
        6,
        "int",
        "Months per missing competency level",
        "Projection when no course grants the level.",
    ),
    SettingSpec("assessment_lead_days", 30, "int", "Days to schedule an assessment"),
    SettingSpec(
        "education_default_months",
        12,
        "int",
        "Months to gain a qualification",
        "Projection when no approved tuition request covers it.",
    ),
    SettingSpec("default_course_duration_days", 30, "int", "Default course duration (days)"),
    SettingSpec(
        "unscheduled_lead_days",
        60,
        "int",
        "Lead time before an unscheduled course (days)",
        "When no scheduled session has a seat for a person, the course is projected to start "
        "this many days out.",
    ),
    SettingSpec(
        "adverse_action_days",
        10,
        "int",
        "Days for HR to decide a check under review",
        "A background check in review is projected to close this many days out.",
    ),
    SettingSpec(
        "band_6m_months",
        6,
        "int",
        "First readiness band (months)",
        "Ready within this many months is the first band after ready now.",
    ),
    SettingSpec("band_1y_months", 12, "int", "Second readiness band (months)"),
    SettingSpec("band_2y_months", 24, "int", "Third readiness band (months)"),
    SettingSpec(
        "adverse_action_wait_business_days",
        5,
        "int",
        "Business days between pre-adverse and final notice",
    ),
    SettingSpec(
        "min_responses",
        {"manager": 1, "peer": 3, "direct_report": 3, "other": 1},
        "dict_int",
        "360 minimum responses per rater group",
        "A group below its minimum is hidden and excluded from the overall.",
    ),
    SettingSpec("reminder_days", [90, 60, 30, 7], "int_list", "Reminder days before expiry"),
    SettingSpec("manager_reminder_from_days", 30, "int", "Manager copied from (days before)"),
    SettingSpec(
        "assignment_reminder_days",
        [14, 3],
        "int_list",
        "Required training reminders (days before due)",
    ),
    SettingSpec("currency", "USD", "str", "Currency"),
    SettingSpec("annual_cap", "5250.00", "decimal", "Annual tuition cap per employee"),
    SettingSpec("tax_free_limit", "5250.00", "decimal", "Tax-free limit per calendar year"),
    SettingSpec(
        "grade_percentages",
        {"A": "100", "B": "75", "C": "50", "PASS": "100"},
        "dict_decimal",
        "Grade percentages",
        "Any other grade pays 0%.",
    ),
    SettingSpec(
        "repayment_schedule",
        [[6, "1.00"], [12, "0.75"], [18, "0.50"], [24, "0.25"]],
        "schedule",
        "Repayment share by months since paid_on",
    ),
    SettingSpec("check_retention_years", 5, "int", "Keep check findings for (years)"),
    SettingSpec("upload_retention_years", 5, "int", "Keep uploaded documents for (years)"),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def _stored() -> dict[str, Any]:
    cache = g.get("_settings") if _has_g() else None
    if cache is None:
        cache = {row.key: row.value for row in db.session.scalars(select(AppSetting))}
        if _has_g():
            g._settings = cache
    return cache


def _has_g() -> bool:
    return has_app_context()


def get(key: str) -> Any:
    """The current value of setting ``key``: HR's override, else the default."""
    spec = SPEC_BY_KEY[key]
    return _stored().get(key, spec.default)


def all_values() -> dict[str, Any]:
    """Every setting's current value, by key."""
    stored = _stored()
    return {spec.key: stored.get(spec.key, spec.default) for spec in SPECS}


def set_value(key: str, value: Any) -> None:
    """Store an override (the caller validated it); the service's caller commits."""
    row = db.session.scalar(select(AppSetting).where(AppSetting.key == key))
    if row is None:
        db.session.add(AppSetting(key=key, value=value))
    else:
        row.value = value
    if _has_g():
        g.pop("_settings", None)


def certificate_status(expires_on: date | None, on: date) -> str:
    """valid / expiring / expired on ``on`` (docs/RULES.md Training: status on D)."""
    if expires_on is None:
        return "valid"
    if on >= expires_on:
        return "expired"
    if on >= expires_on - timedelta(days=int(get("expiring_window_days"))):
        return "expiring"
    return "valid"
