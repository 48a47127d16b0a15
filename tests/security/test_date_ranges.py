"""Far-off dates are refused at every door, and one already stored takes no page down.

Issue 20, finding 3: an employee with ``hire_date`` or ``role_since`` 9999-12-31 was accepted by
the API, PATCH and the CSV import, and then turned the readiness pages, the team report and
``GET /api/v1/readiness`` into server errors ("year 10000 is out of range"); a session starting
9999-12-01 did the same to plans. Every date input takes years 1900 to 2100 (docs/RULES.md
"Dates"), with a message; and a row written before that rule (or by hand) still renders.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import CourseSession, Employee
from app.services import csv_io
from tests.factories import persona_user
from tests.integration.api_support import Api
from tests.security import figures

FAR = "9999-12-31"
RANGE_WORDS = "use a year from 1900 to 2100"


def _maria() -> Employee:
    return db.session.scalar(select(Employee).where(Employee.email == "maria.lopez@example.com"))


@pytest.mark.parametrize("field", ["hire_date", "role_since"])
@pytest.mark.parametrize("value", [FAR, "2101-01-01", "1899-12-31"])
def test_the_api_refuses_an_employee_date_out_of_range(demo_app, demo_db, field, value):
    api = Api(demo_app)
    answer = api.patch(f"/employees/{_maria().id}", {field: value})
    assert answer.status_code == 422, answer.get_json()
    assert RANGE_WORDS in " ".join(answer.get_json()["errors"][field])
    assert str(getattr(_maria(), field)) != value
    figures.add("far-off dates refused", 1)


@pytest.mark.parametrize("value", ["2027-W18-6", "20270508", "２０２７-05-08", "2027-05-08T00:00"])
def test_dates_are_written_yyyy_mm_dd_only(demo_app, demo_db, value):
    api = Api(demo_app)
    answer = api.patch(f"/employees/{_maria().id}", {"hire_date": value})
    assert answer.status_code == 422, answer.get_json()
    assert "YYYY-MM-DD" in " ".join(answer.get_json()["errors"]["hire_date"])
    figures.add("far-off dates refused", 1)


def test_a_session_far_in_the_future_is_refused(demo_app, demo_db):
    api = Api(demo_app)
    answer = api.post(
        "/courses/CS-FOUND/sessions", {"starts_on": "9999-12-01", "ends_on": FAR, "seats": 5}
    )
    assert answer.status_code == 422, answer.get_json()
    assert RANGE_WORDS in str(answer.get_json()["errors"])


def test_the_csv_import_refuses_a_far_off_hire_date(demo_db):
    maria = _maria()
    data = (
        f"employee_no,name,email,hire_date\n{maria.employee_no},{maria.name},{maria.email},{FAR}\n"
    )
    report = csv_io.run_import("employees", data, apply=True, actor=persona_user("hr"))
    assert not report.applied, "the far-off date was imported"
    assert RANGE_WORDS in str(report.rows)
    db.session.expire_all()
    assert str(_maria().hire_date) != FAR


PAGES = [
    "/readiness/bench",
    "/readiness/organisation",
    "/readiness/lapses",
    "/readiness/training-needs",
    "/reports/team",
    "/reports/team.pdf",
    "/readiness/plan",
]


def test_a_far_off_date_already_stored_takes_no_page_down(demo_app, demo_db, login_as):
    """Written before the rule or by hand: the pages still answer, for HR and the managers."""
    maria = _maria()
    maria_id = maria.id
    db.session.execute(
        update(Employee)
        .where(Employee.id == maria_id)
        .values(hire_date=date(9999, 12, 31), role_since=date(9999, 12, 31))
    )
    session = db.session.scalar(select(CourseSession).order_by(CourseSession.id))
    session.starts_on, session.ends_on = date(9999, 12, 1), date(9999, 12, 31)
    db.session.commit()
    hr, manager = login_as("hr"), login_as("manager")
    pages = [*PAGES, f"/employees/{maria_id}/plan", f"/reports/readiness/{maria_id}"]
    for client in (hr, manager):
        for page in pages:
            answer = client.get(page)
            assert answer.status_code < 500, f"{page} answered {answer.status_code}"
            figures.add("pages walked with far-off dates", 1)
    api = Api(demo_app)
    for path in ("/readiness", f"/employees/{maria_id}/readiness"):
        answer = api.get(path)
        assert answer.status_code < 500, f"{path} answered {answer.status_code}"
