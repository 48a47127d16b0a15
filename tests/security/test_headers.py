"""Headers that keep personal pages out of caches and say what a URL allows (issue 20,
findings 10 and 11), and a busy database that answers "try again", never a crash (item 7).
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Employee
from tests.integration.api_support import Api
from tests.security import figures


def _maria_id() -> int:
    return db.session.scalar(select(Employee.id).where(Employee.email == "maria.lopez@example.com"))


def test_every_page_with_personal_data_is_never_cached(demo_db, login_as):
    maria = _maria_id()
    pages = {
        "hr": [
            f"/employees/{maria}",
            f"/reports/readiness/{maria}",
            f"/reports/readiness/{maria}.pdf",
            "/reports/compliance",
            "/reports/compliance.csv",
            "/readiness/bench",
            "/",
        ],
        "employee": ["/", "/employees/me"],
    }
    for persona, paths in pages.items():
        client = login_as(persona)
        for path in paths:
            answer = client.get(path)
            assert answer.status_code in (200, 302), f"{path}: {answer.status_code}"
            assert answer.headers.get("Cache-Control") == "no-store", path
            figures.add("personal pages checked for no-store", 1)
    # Static files may be cached; a signed-out page holds nothing personal.
    static = login_as("hr").get("/static/css/echelon.css")
    static.close()
    assert "no-store" not in (static.headers.get("Cache-Control") or "")


def test_a_405_names_the_methods_the_url_allows(demo_app, demo_db, login_as):
    api = Api(demo_app)
    answer = api.call("DELETE", "/readiness")
    assert answer.status_code == 405
    assert "GET" in answer.headers["Allow"]
    answer = api.call("DELETE", f"/employees/{_maria_id()}")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PATCH"}
    page = login_as("hr").put("/readiness/bench")
    assert page.status_code == 405
    assert "GET" in page.headers["Allow"]


def test_a_write_that_finds_the_database_locked_answers_503_with_retry_after(
    demo_app, demo_db, backend
):
    """Another process holds SQLite's write lock past the busy timeout: the API answers
    "try again" (503, Retry-After), the page the same, and nothing is half-saved."""
    if backend != "sqlite":
        pytest.skip("the write lock and its timeout are SQLite's")
    maria = _maria_id()
    path = demo_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    api = Api(demo_app)
    api.token("hr")  # made before the lock is taken
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = api.patch(f"/employees/{maria}", {"jurisdiction": "US-OR"})
    finally:
        holder.rollback()
        holder.close()
    assert answer.status_code == 503, answer.get_json()
    assert int(answer.headers["Retry-After"]) > 0
    assert "try again" in answer.get_json()["error"]
    db.session.expire_all()
    assert db.session.get(Employee, maria).jurisdiction != "US-OR"


def test_api_timestamps_carry_their_time_zone(demo_app, demo_db):
    """history[].at is an RFC 3339 date-time: with its offset (issue 20, finding 11)."""
    from datetime import datetime

    from tests.integration.tuition_support import user, walk

    request_id = walk(user("employee"), "submitted").id
    history = Api(demo_app).get(f"/tuition-requests/{request_id}").get_json()["history"]
    assert history
    for event in history:
        assert datetime.fromisoformat(event["at"]).tzinfo is not None, event["at"]


@pytest.mark.parametrize("amount", ["１００.００", "١٠٠", "1e3", "100.00 ", "0x10"])
def test_money_is_ascii_digits_only(demo_app, demo_db, amount):
    from tests.integration.tuition_support import data

    answer = Api(demo_app).post("/tuition-requests", data(tuition=amount), who="employee")
    if amount.strip() == "100.00":
        assert answer.status_code == 201
    else:
        assert answer.status_code == 422, answer.get_json()
        assert "tuition" in answer.get_json()["errors"]
