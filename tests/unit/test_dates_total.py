"""The core's date arithmetic is total: extreme dates never raise (issue 20, finding 3).

A stored 9999-12-31 (a hire date, a role start, a session) once made every readiness page a
server error ("year 10000 is out of range"). The inputs now refuse years outside 1900-2100, and
the core must still answer for whatever is stored: these properties feed it the calendar's
ends. Pure: no app, no database.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.readiness import CourseSession, EmployeeFacts, LadderEdge, Role, evaluate, plan_path
from app.readiness.dates import add_business_days, add_days, add_months, whole_months_between
from app.readiness.model import Catalogue
from tests.unit.test_readiness_properties import CATALOGUE, employee_facts, roles

TOTAL = settings(max_examples=200, deadline=None, database=None)
EXTREME = st.dates() | st.sampled_from(
    [date.min, date.max, date(9999, 12, 31), date(9999, 12, 1), date(1, 1, 1), date(9999, 1, 31)]
)
# The facts strategy adds up to 1,100 days of validity to a completion: stay clear of the end.
FAR = st.dates(min_value=date(9990, 1, 1), max_value=date(9996, 12, 31)) | st.dates(
    max_value=date(5, 12, 31)
)


@TOTAL
@given(start=EXTREME, months=st.integers(-200_000, 200_000))
@example(start=date(9999, 12, 31), months=1)
@example(start=date(1, 1, 31), months=-1)
def test_add_months_is_total_and_clamps_at_the_calendar_ends(start: date, months: int) -> None:
    moved = add_months(start, months)
    assert date.min <= moved <= date.max
    if months >= 0:
        assert moved >= start
    else:
        assert moved <= start


@TOTAL
@given(start=EXTREME, days=st.integers(-5_000_000, 5_000_000))
def test_add_days_is_total(start: date, days: int) -> None:
    moved = add_days(start, days)
    try:
        exact = start + timedelta(days=days)
    except OverflowError:
        assert moved in (date.min, date.max)
    else:
        assert moved == exact


@TOTAL
@given(start=EXTREME, end=EXTREME)
def test_whole_months_between_is_total(start: date, end: date) -> None:
    months = whole_months_between(start, end)
    assert months >= 0
    if end <= start:
        assert months == 0


@TOTAL
@given(start=EXTREME, days=st.integers(0, 400))
@example(start=date(9999, 12, 30), days=5)
def test_add_business_days_is_total(start: date, days: int) -> None:
    moved = add_business_days(start, days)
    assert moved >= start
    if moved < date.max and days:
        assert moved.weekday() < 5


@settings(max_examples=60, deadline=None, database=None)
@given(
    facts=employee_facts(on=FAR),
    role=roles(),
    as_of=EXTREME,
    role_since=st.none() | EXTREME,
    far_session=EXTREME,
)
def test_evaluating_a_person_with_far_off_dates_never_raises(
    facts: EmployeeFacts, role: Role, as_of: date, role_since: date | None, far_session: date
) -> None:
    """Facts dated at the calendar's ends, a session there too: readiness and the path answer."""
    facts = dataclasses.replace(facts, role_since=role_since)
    catalogue = Catalogue.build(
        courses=list(CATALOGUE.courses.values()),
        sessions=[
            *CATALOGUE.sessions,
            CourseSession(99, "SUP-101", far_session, add_days(far_session, 3), None),
        ],
        check_types=list(CATALOGUE.check_types.values()),
        instruments=list(CATALOGUE.instruments.values()),
    )
    result = evaluate(facts, role, catalogue, as_of)
    assert 0.0 <= result.score <= 100.0
    ladder = [LadderEdge("L1-CSR", "L2-CSS", 18)]
    all_roles = {"L1-CSR": Role("L1-CSR", "CSR", 1), "L2-CSS": role}
    path = plan_path(facts, "L2-CSS", all_roles, ladder, catalogue, as_of)
    assert path.projected_ready_on is None or path.projected_ready_on >= date.min
