"""Projected close dates and next actions of unmet requirements (docs/RULES.md "Projected close
date").

Pure unit tests of app.readiness: no app, no database. Each case cites the rule it checks.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.readiness import (
    Assessment,
    Catalogue,
    Check,
    CheckType,
    Completion,
    Course,
    CourseSession,
    EmployeeFacts,
    Instrument,
    Rating,
    ReadinessConfig,
    Requirement,
    RequirementResult,
    Role,
    evaluate,
)

D = date(2025, 6, 2)


def catalogue(*courses: Course, sessions: tuple[CourseSession, ...] = ()) -> Catalogue:
    return Catalogue.build(
        courses=courses,
        sessions=sessions,
        check_types=[CheckType("CREDIT", "Credit", rescreen_months=12, turnaround_days=10)],
        instruments=[Instrument("AC-L3", "L3 assessment centre", "assessment_centre")],
    )


def one(
    requirement: Requirement, cat: Catalogue, as_of: date = D, **facts: object
) -> RequirementResult:
    employee = EmployeeFacts(employee_id=1, role="L1-CSR", **facts)  # type: ignore[arg-type]
    role = Role("L2-CSS", "Supervisor", 2, (requirement,))
    return evaluate(employee, role, cat, as_of).requirements[0]


def session(
    sid: int, code: str, start: date, days: int = 2, seats: int | None = None
) -> CourseSession:
    return CourseSession(sid, code, start, start + timedelta(days=days), seats)


SUP = Course("SUP-101", "Supervisor training", Decimal("800.00"), default_duration_days=45)


# --------------------------------------------------------------------------- sessions


@pytest.mark.parametrize(
    ("sessions", "close", "session_id"),
    [
        pytest.param(
            (session(1, "SUP-101", D - timedelta(days=1)), session(2, "SUP-101", D)),
            D + timedelta(days=2),
            2,
            id="course: a session starting on D counts, one that started before D does not",
        ),
        pytest.param(
            (
                session(1, "SUP-101", D + timedelta(days=10), seats=0),
                session(2, "SUP-101", D + timedelta(days=20), seats=None),
                session(3, "SUP-101", D + timedelta(days=30), seats=5),
            ),
            D + timedelta(days=22),
            2,
            id="course: a full session (0 seats) is skipped; unknown seats is open",
        ),
        pytest.param(
            (session(1, "SUP-101", D + timedelta(days=10), seats=0),),
            D + timedelta(days=60 + 45),
            None,
            id="course: only full sessions -> D + unscheduled_lead_days + default_duration_days",
        ),
        pytest.param(
            (session(1, "SUP-101", D + timedelta(days=70), seats=0),),
            D + timedelta(days=73 + 45),
            None,
            id="course: only full sessions, the last ending after the lead -> after it ends",
        ),
        pytest.param(
            (), D + timedelta(days=60 + 45), None, id="course: no session -> D + lead + duration"
        ),
    ],
)
def test_course_projection_uses_the_next_open_session(
    sessions: tuple[CourseSession, ...], close: date, session_id: int | None
) -> None:
    """docs/RULES.md: the end of the next session that starts on or after D with a seat, else D +
    unscheduled_lead_days (cfg, 60) + default_duration_days (choice: and not before the last
    full session ends)."""
    result = one(Requirement(1, "course", "SUP-101"), catalogue(SUP, sessions=sessions))
    assert result.projected_close_on == close
    assert result.next_action is not None
    assert (result.next_action.kind, result.next_action.session_id) == ("enrol", session_id)
    assert result.next_action.due_on == close
    assert result.next_action.cost == Decimal("800.00")


def test_unknown_course_takes_the_configured_default() -> None:
    """Choice (model.py): a course missing from the catalogue takes 30 days (cfg) at no cost,
    after the unscheduled lead (60 days)."""
    result = one(Requirement(1, "course", "GHOST"), catalogue())
    assert result.projected_close_on == D + timedelta(days=60 + 30)
    assert result.next_action is not None
    assert result.next_action.cost == Decimal("0.00")


# --------------------------------------------------------------------------- prerequisites

A = Course("A", "Course A", Decimal("100.00"))
B = Course("B", "Course B", Decimal("200.00"), prerequisites=("A",))


def test_prerequisite_chain_lengthens_the_projection() -> None:
    """docs/RULES.md: prerequisites not yet done come first, one after another: B's session must
    start after A's session ends."""
    cat = catalogue(
        A,
        B,
        sessions=(
            CourseSession(1, "A", date(2025, 7, 1), date(2025, 7, 3)),
            CourseSession(2, "B", date(2025, 6, 10), date(2025, 6, 12)),
            CourseSession(3, "B", date(2025, 7, 2), date(2025, 7, 4)),
            CourseSession(4, "B", date(2025, 7, 3), date(2025, 7, 5)),
            CourseSession(5, "B", date(2025, 7, 10), date(2025, 7, 12)),
        ),
    )
    result = one(Requirement(1, "course", "B"), cat)
    assert result.projected_close_on == date(2025, 7, 12)
    assert [(a.target, a.session_id, a.due_on) for a in result.actions] == [
        ("A", 1, date(2025, 7, 3)),
        ("B", 5, date(2025, 7, 12)),
    ]
    assert result.next_action == result.actions[0]


def test_prerequisite_already_completed_is_skipped() -> None:
    """docs/RULES.md: only prerequisites not yet done come first."""
    cat = catalogue(A, B, sessions=(CourseSession(2, "B", date(2025, 6, 10), date(2025, 6, 12)),))
    result = one(
        Requirement(1, "course", "B"), cat, completions=(Completion("A", date(2024, 1, 1)),)
    )
    assert result.projected_close_on == date(2025, 6, 12)
    assert [a.target for a in result.actions] == ["B"]


def test_prerequisite_chain_without_sessions_adds_durations() -> None:
    """docs/RULES.md: one after another; each course takes unscheduled_lead_days (60) +
    default_duration_days from the day after the previous one ends (choice, engine.py)."""
    c = Course("C", "Course C", Decimal("300.00"), prerequisites=("B",))
    result = one(Requirement(1, "course", "C"), catalogue(A, B, c))
    assert [a.due_on for a in result.actions] == [
        D + timedelta(days=90),
        D + timedelta(days=181),
        D + timedelta(days=272),
    ]
    assert sum(a.cost for a in result.actions) == Decimal("600.00")


def test_prerequisite_cycle_does_not_loop() -> None:
    """Choice (engine.py): a prerequisite cycle in bad catalogue data is cut, not followed."""
    x = Course("X", "X", Decimal("1.00"), prerequisites=("Y",))
    y = Course("Y", "Y", Decimal("1.00"), prerequisites=("X",))
    result = one(Requirement(1, "course", "X"), catalogue(x, y))
    assert [a.target for a in result.actions] == ["Y", "X"]


# --------------------------------------------------------------------------- competency


@pytest.mark.parametrize(
    ("first_end", "first_cost", "second_end", "second_cost", "chosen"),
    [
        pytest.param(
            date(2025, 8, 1),
            "500.00",
            date(2025, 7, 20),
            "900.00",
            "COACH-B",
            id="competency: the granting course that closes first wins",
        ),
        pytest.param(
            date(2025, 7, 20),
            "500.00",
            date(2025, 7, 20),
            "900.00",
            "COACH-A",
            id="competency: same close date -> the cheaper course wins",
        ),
    ],
)
def test_competency_projection_picks_earliest_then_cheapest_course(
    first_end: date, first_cost: str, second_end: date, second_cost: str, chosen: str
) -> None:
    """docs/RULES.md: competency closes on the date of the course that grants the level."""
    cat = catalogue(
        Course("COACH-A", "Coaching A", Decimal(first_cost), grants=(("COACH", 3),)),
        Course("COACH-B", "Coaching B", Decimal(second_cost), grants=(("COACH", 4),)),
        Course("COACH-0", "Coaching intro", Decimal("10.00"), grants=(("COACH", 2),)),
        sessions=(
            CourseSession(1, "COACH-A", date(2025, 7, 1), first_end),
            CourseSession(2, "COACH-B", date(2025, 7, 1), second_end),
            CourseSession(3, "COACH-0", date(2025, 6, 3), date(2025, 6, 4)),
        ),
    )
    result = one(Requirement(1, "competency", "COACH", min_level=3), cat)
    assert result.next_action is not None
    assert result.next_action.target == chosen
    assert result.projected_close_on == min(first_end, second_end)


def test_competency_without_granting_course_takes_six_months_per_level() -> None:
    """docs/RULES.md: else 6 months (cfg) for each missing level (level 1 -> 4: 18 months)."""
    result = one(
        Requirement(1, "competency", "BUDGET", min_level=4),
        catalogue(),
        ratings=(Rating("BUDGET", 1, date(2025, 1, 1), "manager"),),
    )
    assert result.projected_close_on == date(2026, 12, 2)
    assert result.next_action is not None
    assert (result.next_action.kind, result.next_action.level) == ("rate_competency", 4)


def test_competency_course_with_prerequisite_projects_the_chain() -> None:
    """docs/RULES.md: competency via its granting course, whose prerequisites come first."""
    granting = Course(
        "SUP-201", "Supervisor II", Decimal("700.00"), prerequisites=("A",), grants=(("LEAD", 3),)
    )
    cat = catalogue(
        A,
        granting,
        sessions=(
            CourseSession(1, "A", date(2025, 6, 9), date(2025, 6, 13)),
            CourseSession(2, "SUP-201", date(2025, 6, 10), date(2025, 6, 12)),
            CourseSession(3, "SUP-201", date(2025, 6, 16), date(2025, 6, 20)),
        ),
    )
    result = one(Requirement(1, "competency", "LEAD", min_level=3), cat)
    assert [(a.target, a.session_id) for a in result.actions] == [("A", 1), ("SUP-201", 3)]
    assert result.projected_close_on == date(2025, 6, 20)


# --------------------------------------------------------------------------- other kinds


def test_background_check_projection_is_turnaround_days() -> None:
    """docs/RULES.md: background check closes at D + turnaround_days."""
    result = one(Requirement(1, "background_check", "CREDIT"), catalogue())
    assert result.projected_close_on == D + timedelta(days=10)
    assert result.next_action is not None
    assert result.next_action.kind == "request_check"


def test_pending_check_action_says_follow_up() -> None:
    """Choice (engine.py): a check already requested is followed up, not requested again."""
    result = one(
        Requirement(1, "background_check", "CREDIT"),
        catalogue(),
        checks=(Check("CREDIT", "requested"),),
    )
    assert result.next_action is not None
    assert result.next_action.description.startswith("Credit under way (requested): waiting for")
    assert "Request" not in result.next_action.description


def test_a_check_under_review_says_it_waits_for_hrs_decision() -> None:
    """A review_required check is not requested again: the plan says what it waits for, in
    words (the status code is never shown raw)."""
    result = one(
        Requirement(1, "background_check", "CREDIT"),
        catalogue(),
        checks=(Check("CREDIT", "review_required", D - timedelta(days=10)),),
    )
    assert result.next_action is not None
    assert result.next_action.description == (
        "Credit under review (review required): waiting for HR's decision"
    )
    assert "review_required" not in result.evidence


def test_a_missing_check_is_requested_by_its_name() -> None:
    result = one(Requirement(1, "background_check", "CREDIT"), catalogue())
    assert result.next_action is not None
    assert result.next_action.description.startswith("Request a Credit (about ")


def test_assessment_projection_is_thirty_days() -> None:
    """docs/RULES.md: assessment closes at D + 30 days (cfg)."""
    result = one(Requirement(1, "assessment", "AC-L3", min_score=3.5), catalogue())
    assert result.projected_close_on == D + timedelta(days=30)
    assert result.next_action is not None
    assert (result.next_action.kind, result.next_action.score) == ("schedule_assessment", 3.5)
    # Prose names the instrument, with the right article: never "Schedule a AC-L3 assessment".
    assert result.next_action.description.startswith("Schedule an L3 assessment centre by ")
    cat = catalogue()
    employee = EmployeeFacts(1, "L1-CSR")
    role = Role("R", "R", 2, (Requirement(1, "assessment", "AC-L3", min_score=3.5),))
    config = ReadinessConfig(assessment_lead_days=45)
    later = evaluate(employee, role, cat, D, config).requirements[0]
    assert later.projected_close_on == D + timedelta(days=45)


def test_expiring_certification_projects_its_renewal() -> None:
    """Choice (engine.py): an expiring certification shows the renewal date of the next session."""
    pci = Course("PCI", "PCI awareness", Decimal("50.00"), validity_months=12)
    cat = catalogue(pci, sessions=(CourseSession(9, "PCI", date(2025, 6, 20), date(2025, 6, 20)),))
    result = one(
        Requirement(1, "certification", "PCI"),
        cat,
        completions=(Completion("PCI", date(2024, 7, 1)),),
    )
    assert (result.status, result.expires_on) == ("expiring", date(2025, 7, 1))
    assert result.projected_close_on == date(2025, 6, 20)
    assert result.next_action is not None
    assert (result.next_action.kind, result.next_action.session_id) == ("renew", 9)


def test_expiring_assessment_suggests_reassessment() -> None:
    """docs/RULES.md: expiring = met, but lapses within 90 days (cfg) after D."""
    result = one(
        Requirement(1, "assessment", "AC-L3", min_score=3.0),
        catalogue(),
        assessments=(Assessment("AC-L3", date(2023, 7, 1), 4.2),),
    )
    assert (result.status, result.expires_on) == ("expiring", date(2025, 7, 1))
    assert result.next_action is not None
    assert result.next_action.kind == "schedule_assessment"


def test_actions_are_deduplicated_across_requirements() -> None:
    """docs/RULES.md Promotion path: one enrolment closes both a course and its competency grant."""
    coach = Course("COACH-101", "Coaching", Decimal("400.00"), grants=(("COACH", 3),))
    cat = catalogue(
        coach, sessions=(CourseSession(1, "COACH-101", date(2025, 7, 1), date(2025, 7, 2)),)
    )
    role = Role(
        "L2-CSS",
        "Supervisor",
        2,
        (
            Requirement(1, "course", "COACH-101"),
            Requirement(2, "competency", "COACH", min_level=3),
        ),
    )
    result = evaluate(EmployeeFacts(1, "L1-CSR"), role, cat, D)
    assert [(a.kind, a.target) for a in result.actions] == [("enrol", "COACH-101")]


def test_bulk_plans_are_per_employee_on_a_shared_catalogue() -> None:
    """docs/RULES.md: prerequisites "not yet done" are the employee's own: a catalogue shared by a
    bulk evaluation gives each employee the plan their completions call for."""
    cat = catalogue(
        A,
        B,
        sessions=(
            CourseSession(1, "A", date(2025, 7, 1), date(2025, 7, 3)),
            CourseSession(2, "B", date(2025, 6, 10), date(2025, 6, 12)),
            CourseSession(3, "B", date(2025, 7, 10), date(2025, 7, 12)),
        ),
    )
    role = Role("L2-CSS", "Supervisor", 2, (Requirement(1, "course", "B"),))
    fresh = EmployeeFacts(1, "L1-CSR")
    veteran = EmployeeFacts(2, "L1-CSR", completions=(Completion("A", date(2024, 1, 1)),))
    for _ in range(2):
        assert evaluate(fresh, role, cat, D).projected_ready_on == date(2025, 7, 12)
        assert evaluate(veteran, role, cat, D).projected_ready_on == date(2025, 6, 12)
