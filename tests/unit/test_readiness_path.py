"""Promotion paths up the ladder and the what-if mode (docs/RULES.md "Promotion path").

Pure unit tests of app.readiness: no app, no database. Each case cites the rule it checks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.readiness import (
    Catalogue,
    CheckType,
    Course,
    CourseSession,
    EmployeeFacts,
    Instrument,
    LadderEdge,
    Requirement,
    Role,
    apply_actions,
    evaluate,
    plan_path,
    shortest_chains,
)

AS_OF = date(2025, 1, 15)

CATALOGUE = Catalogue.build(
    courses=[
        Course("CSB", "Customer service basics", Decimal("150.00")),
        Course("SUP-101", "Supervisor training", Decimal("800.00"), prerequisites=("CSB",)),
        Course("PCI", "PCI awareness", Decimal("50.00"), validity_months=12),
    ],
    sessions=[
        CourseSession(11, "CSB", date(2025, 1, 20), date(2025, 1, 22)),
        CourseSession(21, "SUP-101", date(2025, 1, 21), date(2025, 1, 23)),
        CourseSession(22, "SUP-101", date(2025, 2, 3), date(2025, 2, 7)),
    ],
    check_types=[CheckType("CREDIT", "Credit", rescreen_months=12, turnaround_days=10)],
    instruments=[Instrument("AC-L3", "L3 assessment centre", "assessment_centre")],
)

L2_REQUIREMENTS = (
    Requirement(1, "tenure", min_months=12, mandatory=True),
    Requirement(2, "course", "SUP-101", mandatory=True),
    Requirement(3, "background_check", "CREDIT", mandatory=True),
)
L3_REQUIREMENTS = (
    Requirement(4, "tenure", min_months=24, mandatory=True),
    Requirement(5, "education", "CERT-MGMT", mandatory=True),
    Requirement(6, "assessment", "AC-L3", min_score=3.5, mandatory=True),
    Requirement(7, "course", "SUP-101", mandatory=True),
)


def roles(*l3_extra: Requirement) -> dict[str, Role]:
    return {
        "L1-CSR": Role("L1-CSR", "Customer Service Representative", 1),
        "L2-CSS": Role("L2-CSS", "Customer Service Supervisor", 2, L2_REQUIREMENTS),
        "L3-CSM": Role("L3-CSM", "Customer Service Manager", 3, L3_REQUIREMENTS + l3_extra),
    }


LADDER = (LadderEdge("L1-CSR", "L2-CSS", 18), LadderEdge("L2-CSS", "L3-CSM", 24))
CSR = EmployeeFacts(employee_id=3, role="L1-CSR", role_since=date(2024, 3, 15))


def kinds(actions: tuple[object, ...]) -> list[tuple[str, str, date]]:
    return [(a.kind, a.target, a.due_on) for a in actions]  # type: ignore[attr-defined]


def test_path_l1_to_l3_counts_l2_tenure_from_the_projected_promotion() -> None:
    """docs/RULES.md Promotion path: walk L1 -> L2 -> L3; after the projected promotion date,
    tenure in the new role counts from that date; actions in order with their cost and date."""
    path = plan_path(CSR, "L3-CSM", roles(), LADDER, CATALOGUE, AS_OF)
    assert path.reason is None
    assert [s.role for s in path.steps] == ["L2-CSS", "L3-CSM"]

    to_l2, to_l3 = path.steps
    assert kinds(to_l2.actions) == [
        ("enrol", "CSB", date(2025, 1, 22)),
        ("request_check", "CREDIT", date(2025, 1, 25)),
        ("enrol", "SUP-101", date(2025, 2, 7)),
        ("gain_tenure", "L1-CSR", date(2025, 3, 15)),
    ]
    assert to_l2.projected_ready_on == date(2025, 3, 15)
    assert to_l2.cost == Decimal("950.00")
    assert to_l2.starts_on == AS_OF

    # SUP-101 is already planned in step 1, so step 2 does not repeat it; its 24 months of L2
    # tenure count from 2025-03-15 (not from the L1 role_since of 2024-03-15).
    assert kinds(to_l3.actions) == [
        ("schedule_assessment", "AC-L3", date(2025, 4, 14)),
        ("apply_tuition", "CERT-MGMT", date(2026, 3, 15)),
        ("gain_tenure", "L2-CSS", date(2027, 3, 15)),
    ]
    assert to_l3.starts_on == date(2025, 3, 15)
    assert to_l3.projected_ready_on == date(2027, 3, 15)
    assert to_l3.cost == Decimal("0.00")
    assert path.total_cost == Decimal("950.00")
    assert path.projected_ready_on == date(2027, 3, 15)


def test_path_renews_what_lapses_before_the_projected_date() -> None:
    """docs/RULES.md Promotion path: earlier steps' actions are done, but a check can lapse again
    (CREDIT rescreens every 12 months): choice (path.py) re-check on the projected date."""
    credit = Requirement(8, "background_check", "CREDIT", mandatory=True)
    path = plan_path(CSR, "L3-CSM", roles(credit), LADDER, CATALOGUE, AS_OF)
    to_l3 = path.steps[1]
    assert kinds(to_l3.actions)[-1] == ("request_check", "CREDIT", date(2027, 3, 25))
    assert to_l3.projected_ready_on == date(2027, 3, 25)
    assert to_l3.readiness is not None
    assert to_l3.readiness.requirements[-1].status == "met"  # still clear when the step starts


def test_path_keeps_a_renewal_of_a_certification_taken_earlier_in_the_step() -> None:
    """docs/RULES.md Training: renewal counts from the new completion; a yearly PCI taken now has
    lapsed by the time 26 months of tenure are reached, so the step enrols and later renews
    (both listed and costed), and the projected date moves to the renewal. (No PCI session:
    each takes the unscheduled lead of 60 days + 30.)"""
    role = Role(
        "L2-CSS",
        "Supervisor",
        2,
        (
            Requirement(1, "tenure", min_months=26, mandatory=True),
            Requirement(2, "certification", "PCI", mandatory=True),
        ),
    )
    all_roles = {"L1-CSR": Role("L1-CSR", "CSR", 1), "L2-CSS": role}
    path = plan_path(CSR, "L2-CSS", all_roles, LADDER[:1], CATALOGUE, AS_OF)
    (step,) = path.steps
    assert kinds(step.actions) == [
        ("enrol", "PCI", date(2025, 4, 15)),
        ("gain_tenure", "L1-CSR", date(2026, 5, 15)),
        ("renew", "PCI", date(2026, 8, 13)),
    ]
    assert (step.projected_ready_on, step.cost) == (date(2026, 8, 13), Decimal("100.00"))


def branching(
    cost_a: str, end_a: date, cost_b: str, end_b: date
) -> tuple[dict[str, Role], tuple[LadderEdge, ...], Catalogue]:
    catalogue = Catalogue.build(
        courses=[Course("CA", "A", Decimal(cost_a)), Course("CB", "B", Decimal(cost_b))],
        sessions=[
            CourseSession(1, "CA", date(2025, 1, 20), end_a),
            CourseSession(2, "CB", date(2025, 1, 20), end_b),
        ],
    )
    all_roles = {
        "L1": Role("L1", "One", 1),
        "L2A": Role("L2A", "Two A", 2, (Requirement(1, "course", "CA", mandatory=True),)),
        "L2B": Role("L2B", "Two B", 2, (Requirement(2, "course", "CB", mandatory=True),)),
        "L3": Role("L3", "Three", 3),
    }
    ladder = (
        LadderEdge("L1", "L2A", 12),
        LadderEdge("L1", "L2B", 12),
        LadderEdge("L2A", "L3", 12),
        LadderEdge("L2B", "L3", 12),
    )
    return all_roles, ladder, catalogue


@pytest.mark.parametrize(
    ("cost_a", "end_a", "cost_b", "end_b", "via", "projected"),
    [
        pytest.param(
            "100.00",
            date(2025, 3, 1),
            "900.00",
            date(2025, 2, 1),
            "L2B",
            date(2025, 2, 1),
            id="path tie-break: the chain projected ready first wins",
        ),
        pytest.param(
            "100.00",
            date(2025, 3, 1),
            "900.00",
            date(2025, 3, 1),
            "L2A",
            date(2025, 3, 1),
            id="path tie-break: same date -> the cheaper chain wins",
        ),
    ],
)
def test_path_tie_break_earliest_then_cheaper(
    cost_a: str, end_a: date, cost_b: str, end_b: date, via: str, projected: date
) -> None:
    """docs/RULES.md Role ladder: skip levels only through the roles in between; choice (path.py):
    among shortest chains, the earliest projection, then the cheaper."""
    all_roles, ladder, catalogue = branching(cost_a, end_a, cost_b, end_b)
    facts = EmployeeFacts(1, "L1", date(2020, 1, 1))
    path = plan_path(facts, "L3", all_roles, ladder, catalogue, AS_OF)
    assert [s.role for s in path.steps] == [via, "L3"]
    assert path.projected_ready_on == projected
    assert path.steps[1].projected_ready_on == projected  # L3 has no gaps: ready on promotion


@pytest.mark.parametrize(
    ("facts", "target", "reason"),
    [
        pytest.param(CSR, "L1-CSR", "Already in L1-CSR.", id="path: already in the target role"),
        pytest.param(
            EmployeeFacts(3, "L3-CSM"),
            "L1-CSR",
            "No ladder path from L3-CSM to L1-CSR.",
            id="path: target unreachable up the ladder",
        ),
        pytest.param(
            EmployeeFacts(3), "L2-CSS", "The employee has no current role.", id="path: no role"
        ),
        pytest.param(CSR, "L9-CEO", "Unknown target role L9-CEO.", id="path: unknown role"),
    ],
)
def test_empty_path_gives_a_reason(facts: EmployeeFacts, target: str, reason: str) -> None:
    """docs/RULES.md Promotion path: there is nothing to walk; say why instead of guessing."""
    path = plan_path(facts, target, roles(), LADDER, CATALOGUE, AS_OF)
    assert (path.steps, path.total_cost, path.projected_ready_on, path.reason) == (
        (),
        Decimal("0.00"),
        None,
        reason,
    )


def test_shortest_chains_skip_levels_only_through_roles_in_between() -> None:
    """docs/RULES.md Role ladder: an edge from role -> role; the fewest promotions are walked."""
    ladder = LADDER + (LadderEdge("L1-CSR", "L1-SENIOR", 6), LadderEdge("L1-SENIOR", "L2-CSS", 6))
    assert shortest_chains("L1-CSR", "L3-CSM", ladder) == [("L1-CSR", "L2-CSS", "L3-CSM")]
    assert shortest_chains("L3-CSM", "L1-CSR", ladder) == []


# --------------------------------------------------------------------------- what-if


def test_ticked_actions_count_from_their_due_date() -> None:
    """What-if mode: a ticked action is assumed done on its due_on, so an evaluation on or after
    that date counts it and an earlier one does not (docs/RULES.md readiness is on date D)."""
    role = roles()["L2-CSS"]
    before = evaluate(CSR, role, CATALOGUE, AS_OF)
    ticked = apply_actions(CSR, before.actions, CATALOGUE)

    assert evaluate(ticked, role, CATALOGUE, AS_OF).score == before.score
    on_sup_end = evaluate(ticked, role, CATALOGUE, date(2025, 2, 7))
    assert [r.status for r in on_sup_end.requirements] == ["unmet", "met", "met"]
    assert (on_sup_end.score, on_sup_end.gates_met) == (94.4, False)
    done = evaluate(ticked, role, CATALOGUE, date(2025, 3, 15))
    assert (done.score, done.ready, done.band) == (100.0, True, "ready_now")


def test_ticking_some_actions_changes_score_and_band() -> None:
    """What-if mode: tick only the course chain; the check gate still blocks readiness."""
    role = roles()["L2-CSS"]
    before = evaluate(CSR, role, CATALOGUE, AS_OF)
    courses_only = [a for a in before.actions if a.kind == "enrol"]
    ticked = apply_actions(CSR, courses_only, CATALOGUE)
    after = evaluate(ticked, role, CATALOGUE, date(2025, 3, 15))
    assert [r.status for r in after.requirements] == ["met", "met", "unmet"]
    assert (after.score, after.ready) == (66.7, False)
    assert [r.requirement.target for r in after.blocking_gates] == ["CREDIT"]


def test_ticked_rating_and_tuition_close_their_gaps() -> None:
    """What-if mode: a rate_competency action becomes a manager rating at the required level and
    apply_tuition a completed qualification, both on their due dates (docs/RULES.md Competencies,
    Education)."""
    role = Role(
        "L3-CSM",
        "Manager",
        3,
        (
            Requirement(1, "competency", "BUDGET", min_level=3, mandatory=True),
            Requirement(2, "education", "CERT-MGMT", mandatory=True),
        ),
    )
    before = evaluate(CSR, role, CATALOGUE, AS_OF)
    assert kinds(before.actions) == [
        ("apply_tuition", "CERT-MGMT", date(2026, 1, 15)),
        ("rate_competency", "BUDGET", date(2026, 7, 15)),
    ]
    ticked = apply_actions(CSR, before.actions, CATALOGUE)
    assert evaluate(ticked, role, CATALOGUE, date(2026, 7, 14)).score == 50.0
    after = evaluate(ticked, role, CATALOGUE, date(2026, 7, 15))
    assert (after.score, after.ready) == (100.0, True)
