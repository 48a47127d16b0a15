"""A signed-in session ends after an idle time (issue 20, finding 12): SESSION_IDLE_HOURS,
8 by default. The time of the last request is kept in the signed session cookie."""

from __future__ import annotations

import time


def test_a_session_idle_past_the_limit_is_signed_out(demo_app, login_as):
    assert demo_app.config["SESSION_IDLE_HOURS"] == 8
    client = login_as("hr")
    assert client.get("/").status_code == 200
    with client.session_transaction() as saved:
        assert isinstance(saved.get("seen_at"), int)
        saved["seen_at"] = int(time.time()) - 8 * 3600 - 60  # last seen 8 hours 1 minute ago
    answer = client.get("/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert client.get("/").status_code == 302  # it stays ended


def test_a_session_used_within_the_limit_goes_on(demo_app, login_as):
    client = login_as("hr")
    client.get("/")
    with client.session_transaction() as saved:
        saved["seen_at"] = int(time.time()) - 7 * 3600  # seven hours ago
    assert client.get("/").status_code == 200
    with client.session_transaction() as saved:
        assert saved["seen_at"] >= int(time.time()) - 5  # the clock starts again
