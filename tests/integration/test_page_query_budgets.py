"""Query budgets of the pages about one thing (DESIGN.md "Bulk first"): a person's page, record
list and data export, a course's and a role's page, a tuition request's page. Each lists rows
that name other rows (the course of a completion, the target of a requirement, who made a
tuition step); its query count must not grow when there are more of them, each naming a
different entry, since every such page loads what it shows with its query, never one row at a
time. tests/integration/test_query_budgets.py measures the lists without URL arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.audit import acting_as
from app.extensions import db
from app.models import (
    Assessment,
    BackgroundCheck,
    CheckType,
    Competency,
    CompetencyRating,
    Completion,
    Course,
    CourseGrant,
    CoursePrerequisite,
    EducationRecord,
    Instrument,
    JobRole,
    QualificationType,
    Requirement,
    TuitionEvent,
    TuitionRequest,
    User,
)
from tests.conftest import TEST_TODAY
from tests.factories import employee_named

STAMP = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _entries(tag: str, count: int) -> dict[str, list[Any]]:
    """``count`` new entries of each catalogue kind a record or a requirement can name."""
    made: dict[str, list[Any]] = {
        "competency": [Competency(code=f"C{tag}{n}", name=f"Skill {tag}{n}") for n in range(count)],
        "course": [
            Course(code=f"K{tag}{n}", title=f"Course {tag}{n}", category="general")
            for n in range(count)
        ],
        "check_type": [CheckType(code=f"T{tag}{n}", name=f"Check {tag}{n}") for n in range(count)],
        "instrument": [
            Instrument(code=f"I{tag}{n}", name=f"Test {tag}{n}", kind="test", dimensions=["All"])
            for n in range(count)
        ],
        "qualification": [
            QualificationType(code=f"Q{tag}{n}", name=f"Qualification {tag}{n}")
            for n in range(count)
        ],
    }
    for rows in made.values():
        db.session.add_all(rows)
    db.session.flush()
    return made


def _person_records(count: int, tag: str) -> None:
    """Maria's records, each naming an entry no other record names."""
    maria = employee_named("Maria Lopez")
    made = _entries(tag, count)
    on = TEST_TODAY - timedelta(days=30)
    for n in range(count):
        db.session.add_all(
            [
                Completion(employee_id=maria.id, course=made["course"][n], completed_on=on),
                CompetencyRating(
                    employee_id=maria.id,
                    competency=made["competency"][n],
                    level=3,
                    rated_on=on,
                    source="manager",
                ),
                BackgroundCheck(
                    employee_id=maria.id,
                    check_type=made["check_type"][n],
                    consent_signed_on=on,
                    consent_form_version="v1",
                    requested_on=on,
                ),
                Assessment(employee_id=maria.id, instrument=made["instrument"][n], conducted_on=on),
                EducationRecord(
                    employee_id=maria.id,
                    qualification=made["qualification"][n],
                    institution="Riverside Community College",
                    completed_on=on,
                ),
                TuitionRequest(
                    employee_id=maria.id,
                    title=f"Module {tag}{n}",
                    institution="State University Extension",
                    qualification=made["qualification"][n],
                    starts_on=TEST_TODAY + timedelta(days=40),
                    ends_on=TEST_TODAY + timedelta(days=120),
                    tuition=Decimal("500.00"),
                ),
            ]
        )


def _course_links(count: int, tag: str) -> None:
    """ORG-101 grants levels in, and requires, courses and competencies new to it."""
    course = db.session.scalars(select(Course).where(Course.code == "ORG-101")).one()
    made = _entries(tag, count)
    for n in range(count):
        db.session.add(CourseGrant(course_id=course.id, competency=made["competency"][n], level=2))
        db.session.add(CoursePrerequisite(course_id=course.id, prerequisite=made["course"][n]))


def _role_requirements(count: int, tag: str) -> None:
    """L1-CSR requires, of every kind, entries no other requirement names."""
    role = db.session.scalars(select(JobRole).where(JobRole.code == "L1-CSR")).one()
    made = _entries(tag, count)
    position = 100 + 10 * len(role.requirements)
    for n in range(count):
        for kind, values in (
            ("competency", {"competency": made["competency"][n], "min_level": 2}),
            ("course", {"course": made["course"][n]}),
            ("background_check", {"check_type": made["check_type"][n]}),
            ("assessment", {"instrument": made["instrument"][n], "min_score": Decimal("3")}),
            ("education", {"qualification": made["qualification"][n]}),
        ):
            position += 1
            db.session.add(
                Requirement(
                    job_role_id=role.id, kind=kind, mandatory=False, position=position, **values
                )
            )


def _tuition_steps(count: int, tag: str) -> None:
    """Maria's first tuition request gains steps, each made by someone else."""
    request = _first_request()
    actors = db.session.scalars(select(User).order_by(User.id)).all()
    for n in range(count):
        db.session.add(
            TuitionEvent(
                request_id=request.id,
                action="comment",
                from_state=request.state,
                to_state=request.state,
                actor_user_id=actors[(n + len(tag)) % len(actors)].id,
                at=STAMP + timedelta(minutes=n),
                reason=f"Note {tag}{n}",
            )
        )


def _first_request() -> TuitionRequest:
    maria = employee_named("Maria Lopez")
    found = db.session.scalar(
        select(TuitionRequest)
        .where(TuitionRequest.employee_id == maria.id)
        .order_by(TuitionRequest.id)
        .limit(1)
    )
    if found is None:
        found = TuitionRequest(
            employee_id=maria.id,
            title="Supervision essentials",
            institution="State University Extension",
            starts_on=date(2027, 1, 10),
            ends_on=date(2027, 3, 10),
            tuition=Decimal("700.00"),
        )
        db.session.add(found)
        db.session.flush()
    return found


def _maria() -> str:
    return str(employee_named("Maria Lopez").id)


def _request() -> str:
    with acting_as("test:budget"):
        found = _first_request()
        db.session.commit()
    return str(found.id)


def _candidates(count: int, tag: str) -> None:
    """``count`` new CSRs beside Maria, each needing the L2 courses (no completions yet): more
    people the seat plan shares seats among, and more names on its pages."""
    from app.models import Employee

    maria = employee_named("Maria Lopez")
    db.session.add_all(
        Employee(
            employee_no=f"B-{tag}-{n}",
            email=f"budget.{tag}.{n}@example.com",
            name=f"Budget {tag} {n}",
            hire_date=TEST_TODAY - timedelta(days=400 + n),
            job_role_id=maria.job_role_id,
            role_since=TEST_TODAY - timedelta(days=400 + n),
            manager_id=maria.manager_id,
            department_id=maria.department_id,
        )
        for n in range(count)
    )


def _sup_session() -> str:
    """The next SUP-101 session: the one the demo's CSRs wait for."""
    from app.models import CourseSession

    return str(
        db.session.scalars(
            select(CourseSession.id)
            .join(Course, Course.id == CourseSession.course_id)
            .where(Course.code == "SUP-101", CourseSession.starts_on > TEST_TODAY)
            .order_by(CourseSession.starts_on)
        ).first()
    )


PAGES: list[tuple[str, Callable[[int, str], None], Callable[[], str], str]] = [
    ("/employees/{}", _person_records, _maria, "GET"),
    ("/api/v1/employees/{}/records", _person_records, _maria, "GET"),
    ("/privacy/employees/{}/export", _person_records, _maria, "POST"),
    ("/catalogue/courses/{}", _course_links, lambda: "ORG-101", "GET"),
    ("/catalogue/courses/{}/edit", _course_links, lambda: "ORG-101", "GET"),
    ("/api/v1/courses/{}", _course_links, lambda: "ORG-101", "GET"),
    ("/catalogue/roles/{}", _role_requirements, lambda: "L1-CSR", "GET"),
    ("/catalogue/roles/{}/requirements", _role_requirements, lambda: "L1-CSR", "GET"),
    ("/api/v1/roles/{}", _role_requirements, lambda: "L1-CSR", "GET"),
    ("/api/v1/roles/{}/requirements", _role_requirements, lambda: "L1-CSR", "GET"),
    ("/tuition/{}", _tuition_steps, _request, "GET"),
    ("/api/v1/tuition-requests/{}", _tuition_steps, _request, "GET"),
    # the seat plan (issue 18): more people to seat, the same queries
    ("/sessions/{}/seat-plan", _candidates, _sup_session, "GET"),
    ("/api/v1/sessions/{}/seat-plan", _candidates, _sup_session, "GET"),
    ("/readiness/capacity?course={}", _candidates, lambda: "SUP-101", "GET"),
    ("/readiness/capacity{}", _candidates, lambda: "", "GET"),
    ("/employees/{}/plan", _candidates, _maria, "GET"),
]


@pytest.mark.parametrize(
    ("template", "grow", "argument", "method"), PAGES, ids=[page[0] for page in PAGES]
)
def test_a_page_about_one_thing_runs_the_same_queries_for_few_rows_and_for_many(
    demo_db: Any,
    login_as: Any,
    count_queries: Any,
    template: str,
    grow: Callable[[int, str], None],
    argument: Callable[[], str],
    method: str,
) -> None:
    from app.services.tokens import create_token

    hr = db.session.scalars(select(User).where(User.email == "hannah.reid@example.com")).one()
    headers = {"Authorization": f"Bearer {create_token(hr, 'budget')[1]}"}
    client = login_as("hr")
    url = template.format(argument())

    def measured() -> int:
        call = client.post if method == "POST" else client.get
        call(url, headers=headers)  # warm: stored readiness, the token's last use
        with count_queries() as counted:
            response = call(url, headers=headers)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return counted()

    def more(count: int, tag: str) -> None:
        with acting_as("test:budget"):
            grow(count, tag)
            db.session.commit()

    more(2, "a")
    few = measured()
    more(12, "b")
    many = measured()
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"
