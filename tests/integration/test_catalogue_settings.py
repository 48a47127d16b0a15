"""The (cfg) settings of docs/RULES.md edited by hr and admins: validated, all or nothing, audited,
and used by the rules from the next calculation on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import AppSetting, AuditEntry
from app.services import configuration, settings
from app.services.catalogue.errors import InvalidEntry, UnknownEntry


def stored(db) -> dict:
    db.session.expire_all()
    return {row.key: row.value for row in db.session.scalars(select(AppSetting))}


def text(response) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------- the service


def test_text_values_are_stored_in_the_shape_of_the_defaults(demo_db):
    changed = configuration.update_settings(
        {
            "expiring_window_days": "60",
            "reminder_days": "7, 30 ,90",
            "min_responses": "manager: 1\npeer: 4\ndirect report: 3\nother: 2",
            "grade_percentages": "A: 100\nB: 80\nc: 50\npass: 100%",
            "repayment_schedule": "6: 100\n12: 50",
            "annual_cap": "6,000",
            "currency": "eur",
        }
    )
    assert set(changed) == {
        "expiring_window_days",
        "reminder_days",
        "min_responses",
        "grade_percentages",
        "repayment_schedule",
        "annual_cap",
        "currency",
    }
    assert stored(demo_db) == {
        "expiring_window_days": 60,
        "reminder_days": [90, 30, 7],
        "min_responses": {"manager": 1, "peer": 4, "direct_report": 3, "other": 2},
        "grade_percentages": {"A": "100", "B": "80", "C": "50", "PASS": "100"},
        "repayment_schedule": [[6, "1.00"], [12, "0.50"]],
        "annual_cap": "6000.00",
        "currency": "EUR",
    }


def test_structured_api_values_are_accepted_too(demo_db):
    configuration.update_settings(
        {
            "reminder_days": [60, 14],
            "min_responses": {"manager": 1, "peer": 5, "direct_report": 3, "other": 1},
            "repayment_schedule": [[12, "1"], [24, 0.5]],
            "ready_threshold": 85,
        }
    )
    values = stored(demo_db)
    assert values["reminder_days"] == [60, 14]
    assert values["min_responses"]["peer"] == 5
    assert values["repayment_schedule"] == [[12, "1.00"], [24, "0.50"]]
    assert values["ready_threshold"] == 85


BAD_VALUES = [
    ("expiring_window_days", "ninety", "whole number"),
    ("expiring_window_days", "-1", "from 0 to 3650"),
    ("ready_threshold", "101", "from 0 to 100"),
    ("adverse_action_wait_business_days", "0", "from 1 to 60"),
    ("reminder_days", "30, 30", "once"),
    ("reminder_days", "", "at least one"),
    ("reminder_days", "400", "from 1 to 365"),
    ("min_responses", "manager: 1\npeer: 3\nother: 1", "missing: direct_report"),
    ("min_responses", "manager: 0\npeer: 3\ndirect_report: 3\nother: 1", "from 1 to 50"),
    ("min_responses", "boss: 1", "not a rater group"),
    ("grade_percentages", "A: 120", "from 0 to 100"),
    ("grade_percentages", "A 100", "name: value"),
    ("repayment_schedule", "12: 100\n6: 75", "go up"),
    ("repayment_schedule", "6: 50\n12: 75", "larger share"),
    ("annual_cap", "-5", "from 0"),
    ("annual_cap", "12.345", "2 decimal"),
    ("currency", "dollars", "three-letter"),
    ("no_such_setting", "1", "no setting called"),
]


def test_a_bad_value_is_refused_with_a_message_and_nothing_is_saved(demo_db, subtests):
    before = stored(demo_db)
    for key, value, message in BAD_VALUES:
        with subtests.test(key=key, value=value):
            with pytest.raises(InvalidEntry) as refused:
                configuration.update_settings({"expiring_window_days": "45", key: value})
            assert message in refused.value.errors[key][0]
            assert stored(demo_db) == before  # the good value sent alongside was not saved


def test_setting_a_default_value_removes_the_override_and_reset_restores_the_default(demo_db):
    configuration.update_settings({"expiring_window_days": "60", "ready_threshold": "80"})
    configuration.update_settings({"expiring_window_days": "90"})  # the DOMAIN default
    assert "expiring_window_days" not in stored(demo_db)
    configuration.reset_setting("ready_threshold")
    assert stored(demo_db) == {}
    assert settings.get("ready_threshold") == 90
    with pytest.raises(UnknownEntry):
        configuration.reset_setting("nope")


def test_unchanged_values_are_not_rewritten(demo_db):
    text_values = {row.spec.key: row.text for row in configuration.rows()}
    assert configuration.update_settings(text_values) == []
    assert stored(demo_db) == {}


def test_a_new_expiry_window_changes_the_expiring_badge(demo_db):
    """docs/RULES.md Training: expiring when D >= expires_on - 90 days (cfg)."""
    on = date(2026, 11, 22)
    expires = on + timedelta(days=75)
    assert settings.certificate_status(expires, on) == "expiring"
    configuration.update_settings({"expiring_window_days": "60"})
    assert settings.certificate_status(expires, on) == "valid"


def test_setting_changes_are_audited(demo_db):
    configuration.update_settings({"annual_cap": "6000.00"})
    entry = demo_db.session.scalar(
        select(AuditEntry).where(AuditEntry.table_name == "app_settings").order_by(AuditEntry.id)
    )
    assert entry.after["key"] == "annual_cap" and entry.after["value"] == "6000.00"


# ------------------------------------------------------------------------- the page


def test_the_settings_page_lists_every_setting_with_its_default(login_as):
    page = text(login_as("admin").get("/settings/"))
    for spec in settings.SPECS:
        assert f'id="{spec.key}"' in page
        assert f'for="{spec.key}"' in page  # every input has a label
    assert "Default: 90, 60, 30, 7." in page
    assert "manager: 1" in page


def test_hr_saves_settings_from_the_page(login_as, demo_db):
    client = login_as("hr")
    response = client.post(
        "/settings/", data={"expiring_window_days": "60", "reminder_days": "60, 30, 7"}
    )
    assert response.status_code == 302
    page = text(client.get("/settings/"))
    assert "Saved: Expiring window (days), Reminder days before expiry." in page
    assert stored(demo_db) == {"expiring_window_days": 60, "reminder_days": [60, 30, 7]}
    assert "Back to the defaults" in page
    reset = client.post("/settings/expiring_window_days/reset", follow_redirects=True)
    assert "Expiring window (days) is back to its default." in text(reset)
    assert stored(demo_db) == {"reminder_days": [60, 30, 7]}


def test_a_bad_value_on_the_page_is_shown_on_its_field_and_nothing_changes(login_as, demo_db):
    client = login_as("hr")
    response = client.post(
        "/settings/",
        data={"expiring_window_days": "45", "grade_percentages": "A: 100\nB: 175"},
    )
    assert response.status_code == 422
    page = text(response)
    assert 'id="grade_percentages-error"' in page
    assert "The percentage for B must be from 0 to 100." in page
    assert 'aria-invalid="true"' in page
    assert stored(demo_db) == {}


def test_only_hr_and_admins_open_settings(login_as):
    for persona in ("employee", "manager", "finance"):
        client = login_as(persona)
        assert client.get("/settings/").status_code == 403
        assert client.post("/settings/ready_threshold/reset").status_code == 403


def test_settings_queries_do_not_grow_with_overrides(login_as, demo_db, count_queries):
    client = login_as("hr")
    client.get("/settings/")
    demo_db.session.expire_all()
    with count_queries() as few:
        client.get("/settings/")
    configuration.update_settings(
        {"expiring_window_days": "60", "ready_threshold": "80", "currency": "EUR"}
    )
    with count_queries() as many:
        client.get("/settings/")
    assert many() == few()
    assert demo_db.session.scalar(select(func.count()).select_from(AppSetting)) == 3
