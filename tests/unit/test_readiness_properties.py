"""Invariants of the readiness core, checked with hypothesis (DESIGN.md principle 2).

Attainment stays in [0, 1]; adding evidence never lowers the score; moving ``as_of`` past an
expiry never raises it; a promotion path moves forward in time. Pure: no app, no database.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.readiness import (
    Assessment,
    Catalogue,
    Check,
    CheckType,
    Completion,
    Course,
    CourseSession,
    Education,
    EmployeeFacts,
    FundedStudy,
    Instrument,
    LadderEdge,
    Rating,
    Requirement,
    Role,
    evaluate,
    plan_path,
)

PROPERTY = settings(max_examples=100, deadline=None, database=None)

COURSES = ("PCI", "HARASS", "CSB", "SUP-101", "COACH-101", "GHOST")
COMPETENCIES = ("COACH", "POLICY", "BUDGET")
CHECK_TYPES = ("CRIMINAL", "CREDIT", "EMPLOYMENT")
INSTRUMENTS = ("LEAD-360", "AC-L3")
QUALIFICATIONS = ("CERT-MGMT", "BBA")
STATUSES = ("requested", "in_progress", "clear", "review_required", "not_cleared")

CATALOGUE = Catalogue.build(
    courses=[
        Course("PCI", "PCI awareness", Decimal("50.00"), validity_months=12),
        Course("HARASS", "Harassment prevention", Decimal("80.00"), validity_months=24),
        Course("CSB", "Customer service basics", Decimal("150.00"), grants=(("POLICY", 2),)),
        Course(
            "SUP-101",
            "Supervisor training",
            Decimal("800.00"),
            validity_months=36,
            prerequisites=("CSB",),
            grants=(("COACH", 3), ("POLICY", 3)),
        ),
        Course("COACH-101", "Coaching", Decimal("400.00"), grants=(("COACH", 4),)),
    ],
    sessions=[
        CourseSession(i, code, start, start + timedelta(days=3), seats)
        for i, (code, start, seats) in enumerate(
            [
                ("PCI", date(2024, 3, 1), None),
                ("PCI", date(2025, 3, 1), 0),
                ("PCI", date(2025, 9, 1), 4),
                ("CSB", date(2024, 6, 1), None),
                ("CSB", date(2025, 6, 1), None),
                ("SUP-101", date(2025, 6, 3), None),
                ("SUP-101", date(2025, 11, 3), 2),
                ("COACH-101", date(2025, 1, 10), None),
            ]
        )
    ],
    check_types=[
        CheckType("CRIMINAL", "Criminal", 36, 14),
        CheckType("CREDIT", "Credit", 12, 14),
        CheckType("EMPLOYMENT", "Employment", 36, 7),
    ],
    instruments=[
        Instrument("LEAD-360", "Leadership 360", "360"),
        Instrument("AC-L3", "Assessment centre", "assessment_centre", validity_months=12),
    ],
)

dates = st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 12, 31))
scores = st.decimals(min_value=1, max_value=5, places=1).map(float)
weights = st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])


def requirements(*, with_tenure: bool = True) -> st.SearchStrategy[Requirement]:
    common = {"id": st.none(), "mandatory": st.booleans(), "weight": weights}
    kinds = [
        st.builds(
            Requirement,
            kind=st.just("competency"),
            target=st.sampled_from(COMPETENCIES),
            min_level=st.integers(0, 5),
            **common,
        ),
        st.builds(Requirement, kind=st.just("course"), target=st.sampled_from(COURSES), **common),
        st.builds(
            Requirement, kind=st.just("certification"), target=st.sampled_from(COURSES), **common
        ),
        st.builds(
            Requirement,
            kind=st.just("background_check"),
            target=st.sampled_from(CHECK_TYPES),
            **common,
        ),
        st.builds(
            Requirement,
            kind=st.just("assessment"),
            target=st.sampled_from(INSTRUMENTS),
            min_score=st.none() | scores,
            **common,
        ),
        st.builds(
            Requirement,
            kind=st.just("education"),
            target=st.sampled_from(QUALIFICATIONS),
            **common,
        ),
    ]
    if with_tenure:
        kinds.append(
            st.builds(Requirement, kind=st.just("tenure"), min_months=st.integers(0, 36), **common)
        )
    return st.one_of(*kinds)


def roles(*, with_tenure: bool = True) -> st.SearchStrategy[Role]:
    return st.builds(
        Role,
        code=st.just("L2-CSS"),
        title=st.just("Supervisor"),
        level=st.just(2),
        requirements=st.lists(requirements(with_tenure=with_tenure), max_size=8).map(tuple),
    )


def completions(on: st.SearchStrategy[date] = dates) -> st.SearchStrategy[Completion]:
    """Completions whose expiry is derived from the course (None) or stated, 0-3 years later."""
    return st.builds(
        lambda course, completed_on, valid_days: Completion(
            course,
            completed_on,
            None if valid_days is None else completed_on + timedelta(days=valid_days),
        ),
        st.sampled_from(COURSES),
        on,
        st.none() | st.integers(0, 1100),
    )


def ratings(on: st.SearchStrategy[date] = dates) -> st.SearchStrategy[Rating]:
    return st.builds(
        Rating,
        competency=st.sampled_from(COMPETENCIES),
        level=st.integers(0, 5),
        rated_on=on,
        source=st.sampled_from(("self", "manager", "assessor", "course")),
    )


def checks(on: st.SearchStrategy[date] = dates) -> st.SearchStrategy[Check]:
    return st.builds(
        Check,
        type=st.sampled_from(CHECK_TYPES),
        status=st.sampled_from(STATUSES),
        completed_on=st.none() | on,
        valid_until=st.none() | dates,
    )


def employee_facts(on: st.SearchStrategy[date] = dates) -> st.SearchStrategy[EmployeeFacts]:
    return st.builds(
        EmployeeFacts,
        employee_id=st.just(1),
        role=st.just("L1-CSR"),
        role_since=st.none() | on,
        completions=st.lists(completions(on), max_size=5).map(tuple),
        ratings=st.lists(ratings(on), max_size=5).map(tuple),
        checks=st.lists(checks(on), max_size=4).map(tuple),
        assessments=st.lists(
            st.builds(
                Assessment,
                instrument=st.sampled_from(INSTRUMENTS),
                conducted_on=on,
                overall=st.none() | scores,
            ),
            max_size=3,
        ).map(tuple),
        education=st.lists(
            st.builds(Education, qualification=st.sampled_from(QUALIFICATIONS), completed_on=on),
            max_size=2,
        ).map(tuple),
        funded_studies=st.lists(
            st.builds(
                FundedStudy,
                qualification=st.sampled_from(QUALIFICATIONS),
                ends_on=dates,
                approved=st.booleans(),
            ),
            max_size=2,
        ).map(tuple),
    )


@PROPERTY
@given(facts=employee_facts(), role=roles(), as_of=dates)
def test_attainment_stays_in_unit_interval(facts: EmployeeFacts, role: Role, as_of: date) -> None:
    """docs/RULES.md: attainment in [0, 1]; met or expiring means 1; score 0-100; ready means gates
    met and the band ready_now; projections never fall before D."""
    result = evaluate(facts, role, CATALOGUE, as_of)
    for requirement in result.requirements:
        assert 0.0 <= requirement.attainment <= 1.0
        if requirement.status != "unmet":
            assert requirement.attainment == 1.0
        else:
            assert requirement.attainment < 1.0
            assert requirement.projected_close_on is not None
            assert requirement.projected_close_on >= as_of
            assert requirement.next_action is not None
    assert 0.0 <= result.score <= 100.0
    assert result.ready == (result.gates_met and result.score >= 90.0)
    assert (result.band == "ready_now") == result.ready
    assert result.projected_ready_on is not None
    assert result.projected_ready_on >= as_of


def around(as_of: date) -> st.SearchStrategy[date]:
    """Dates mostly before ``as_of`` (so facts are often valid on it), a few just after."""
    return st.dates(min_value=as_of - timedelta(days=1200), max_value=as_of + timedelta(days=30))


def evidence(role: Role, as_of: date) -> st.SearchStrategy[tuple[str, object]]:
    """One more fact, aimed at the role's targets and dated around ``as_of``."""
    near = around(as_of)
    targets = {r.target for r in role.requirements if r.target}

    def aimed(codes: tuple[str, ...]) -> st.SearchStrategy[str]:
        return st.sampled_from(sorted(targets.intersection(codes)) or codes)

    return st.one_of(
        st.builds(
            lambda course, completion: dataclasses.replace(completion, course=course),
            aimed(COURSES),
            completions(near),
        ).map(lambda c: ("completions", c)),
        st.builds(
            Check,
            type=aimed(CHECK_TYPES),
            status=st.just("clear"),
            completed_on=st.none() | near,
            valid_until=st.none() | dates,
        ).map(lambda c: ("checks", c)),
        st.builds(
            Rating,
            competency=aimed(COMPETENCIES),
            level=st.just(5),
            rated_on=near,
            source=st.sampled_from(("self", "manager", "assessor", "course")),
        ).map(lambda r: ("ratings", r)),
        st.builds(Education, qualification=aimed(QUALIFICATIONS), completed_on=near).map(
            lambda e: ("education", e)
        ),
    )


@PROPERTY
@given(data=st.data(), role=roles(), as_of=dates)
def test_adding_evidence_never_lowers_the_score(
    data: st.DataObject, role: Role, as_of: date
) -> None:
    """DESIGN.md invariant: adding evidence (a completion, a clear check, a qualification, or a
    rating at the top level 5) never lowers the score and never reopens a gate.

    A lower rating is not "more evidence": docs/RULES.md says the latest rating wins even if lower.
    """
    facts = data.draw(employee_facts(around(as_of)))
    field, fact = data.draw(evidence(role, as_of))
    changes: dict[str, Any] = {field: (*getattr(facts, field), fact)}
    more = dataclasses.replace(facts, **changes)
    before = evaluate(facts, role, CATALOGUE, as_of)
    after = evaluate(more, role, CATALOGUE, as_of)
    assert after.score >= before.score
    assert after.gates_met or not before.gates_met
    for old, new in zip(before.requirements, after.requirements, strict=True):
        assert new.attainment >= old.attainment


SINGLE_KIND = st.sampled_from(
    [
        (Requirement(None, "certification", "PCI", mandatory=True), "completions", "PCI"),
        (Requirement(None, "certification", "SUP-101", mandatory=True), "completions", "SUP-101"),
        (Requirement(None, "course", "CSB", mandatory=True), "completions", "CSB"),
        (Requirement(None, "competency", "COACH", min_level=4), "completions", "COACH-101"),
        (Requirement(None, "competency", "COACH", min_level=4), "ratings", "COACH"),
        (Requirement(None, "background_check", "CREDIT", mandatory=True), "checks", "CREDIT"),
        (Requirement(None, "education", "BBA", mandatory=True), "education", "BBA"),
    ]
)


def one_fact(field: str, code: str, on: st.SearchStrategy[date]) -> st.SearchStrategy[object]:
    """A fact of ``field`` about ``code``; ratings come at the top level only."""
    if field == "completions":
        return completions(on).map(lambda c: dataclasses.replace(c, course=code))
    if field == "ratings":
        return st.builds(Rating, st.just(code), st.just(5), on, st.just("manager"))
    if field == "checks":
        return st.builds(Check, st.just(code), st.just("clear"), st.none() | on, st.none() | on)
    return st.builds(Education, st.just(code), on)


@PROPERTY
@given(data=st.data(), kind=SINGLE_KIND, as_of=dates)
def test_more_evidence_of_one_kind_never_lowers_its_attainment(
    data: st.DataObject, kind: tuple[Requirement, str, str], as_of: date
) -> None:
    """DESIGN.md invariant, per kind: with a few facts of the requirement's own kind around D,
    one more completion (renewal counts from the new completion), clear check, top rating or
    qualification never lowers the attainment nor brings the expiry closer (docs/RULES.md
    "Requirements of a role")."""
    requirement, field, code = kind
    on = st.dates(min_value=as_of - timedelta(days=500), max_value=as_of + timedelta(days=10))
    existing = data.draw(st.lists(one_fact(field, code, on), max_size=3).map(tuple))
    extra = data.draw(one_fact(field, code, on))
    base = EmployeeFacts(1, "L1-CSR")
    before_facts = dataclasses.replace(base, **{field: existing})  # type: ignore[arg-type]
    after_facts = dataclasses.replace(base, **{field: (*existing, extra)})  # type: ignore[arg-type]
    role = Role("L2-CSS", "Supervisor", 2, (requirement,))
    before = evaluate(before_facts, role, CATALOGUE, as_of).requirements[0]
    after = evaluate(after_facts, role, CATALOGUE, as_of).requirements[0]
    assert after.attainment >= before.attainment
    assert after.met or not before.met
    if before.status == "met":  # the evidence that lapses last counts, so no earlier expiry
        assert after.status == "met"
    if before.met and before.expires_on and after.expires_on:
        assert after.expires_on >= before.expires_on


@PROPERTY
@given(
    data=st.data(),
    role=roles(with_tenure=False),
    as_of=st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 12, 31)),
    later=st.integers(min_value=0, max_value=2000),
)
def test_moving_as_of_forward_never_raises_the_score(
    data: st.DataObject, role: Role, as_of: date, later: int
) -> None:
    """DESIGN.md invariant: for fixed facts all dated on or before as_of1 and a role without
    tenure requirements (tenure grows with time by design), evaluating on as_of2 >= as_of1 never
    gives a higher score: certifications, checks and assessments can only lapse."""
    on_or_before = st.dates(min_value=date(2019, 1, 1), max_value=as_of)
    facts = data.draw(employee_facts(on_or_before))
    first = evaluate(facts, role, CATALOGUE, as_of)
    second = evaluate(facts, role, CATALOGUE, as_of + timedelta(days=later))
    assert second.score <= first.score
    for old, new in zip(first.requirements, second.requirements, strict=True):
        assert new.attainment <= old.attainment


@settings(max_examples=60, deadline=None, database=None)
@given(facts=employee_facts(), l2=roles(), l3=roles(), as_of=dates)
def test_promotion_path_moves_forward(
    facts: EmployeeFacts, l2: Role, l3: Role, as_of: date
) -> None:
    """docs/RULES.md Promotion path: each step starts when the previous is projected, its actions
    are in due-date order, and the costs add up."""
    all_roles = {
        "L1-CSR": Role("L1-CSR", "CSR", 1),
        "L2-CSS": l2,
        "L3-CSM": Role("L3-CSM", "CSM", 3, l3.requirements),
    }
    ladder = [LadderEdge("L1-CSR", "L2-CSS", 18), LadderEdge("L2-CSS", "L3-CSM", 24)]
    path = plan_path(facts, "L3-CSM", all_roles, ladder, CATALOGUE, as_of)
    assert [s.role for s in path.steps] == ["L2-CSS", "L3-CSM"]
    previous = as_of
    for step in path.steps:
        assert step.starts_on == previous
        assert step.projected_ready_on is not None
        assert step.projected_ready_on >= previous
        assert [a.due_on for a in step.actions] == sorted(a.due_on for a in step.actions)
        assert step.cost == sum((a.cost for a in step.actions), Decimal("0"))
        previous = step.projected_ready_on
    assert path.total_cost == sum((s.cost for s in path.steps), Decimal("0"))
    assert path.projected_ready_on == previous
