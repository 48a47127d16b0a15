"""The readiness service: bulk facts loading, the demo cases of docs/RULES.md, query budgets."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select

from app.models import Completion, Course, Employee, JobRole
from app.services import readiness as service
from tests.conftest import TEST_TODAY


def renew_pci(db, employee: int, verification: str = "verified") -> None:
    """A PCI-AWARE renewal completed yesterday (expires 2027-11-21), committed; verified unless
    ``verification`` says otherwise."""
    pci = db.session.scalar(select(Course).where(Course.code == "PCI-AWARE"))
    db.session.add(
        Completion(
            employee_id=employee,
            course_id=pci.id,
            completed_on=TEST_TODAY - timedelta(days=1),
            expires_on=date(2027, 11, 21),
            verification=verification,
        )
    )
    db.session.commit()


def employee_id(db, name: str) -> int:
    return db.session.scalar(select(Employee.id).where(Employee.name == name))


def test_csr_with_expired_pci_is_about_80_and_fails_that_gate(demo_db):
    """docs/RULES.md demo case: a CSR at about 80% whose PCI refresher has expired."""
    result, snapshot, _ = service.evaluate_employee(
        employee_id(demo_db, "Maria Lopez"), "L2-CSS", TEST_TODAY
    )
    assert result.score == 80.0
    assert not result.gates_met and not result.ready
    assert [r.requirement.target for r in result.blocking_gates] == ["PCI-AWARE"]
    pci = next(r for r in result.requirements if r.requirement.target == "PCI-AWARE")
    assert pci.status == "unmet"
    assert pci.next_action is not None and pci.next_action.kind == "renew"
    assert pci.next_action.session_id is not None
    assert pci.projected_close_on == pci.next_action.due_on


def test_renewing_the_certificate_makes_her_ready_for_that_gate(demo_db):
    """docs/RULES.md Training: renewal counts from the new completion date."""
    maria = employee_id(demo_db, "Maria Lopez")
    renew_pci(demo_db, maria)
    result, _, _ = service.evaluate_employee(maria, "L2-CSS", TEST_TODAY)
    assert result.gates_met
    assert result.score > 80.0


def test_pending_completions_do_not_count(demo_db):
    """Issue 3: a self-reported completion counts only once HR verifies it."""
    maria = employee_id(demo_db, "Maria Lopez")
    renew_pci(demo_db, maria, verification="pending")
    result, _, _ = service.evaluate_employee(maria, "L2-CSS", TEST_TODAY)
    assert not result.gates_met


def test_l3_candidate_with_review_required_check_fails_only_that_gate(demo_db):
    result, _, _ = service.evaluate_employee(
        employee_id(demo_db, "Grace Okafor"), "L3-CSM", TEST_TODAY
    )
    assert [r.requirement.target for r in result.blocking_gates] == ["CREDIT"]
    credit = next(r for r in result.requirements if r.requirement.target == "CREDIT")
    assert credit.actual == "review_required"


def test_promotion_path_walks_the_ladder_with_costs(demo_db):
    path = service.promotion_path(employee_id(demo_db, "Maria Lopez"), "L3-CSM", TEST_TODAY)
    assert [step.role for step in path.steps] == ["L2-CSS", "L3-CSM"]
    first = path.steps[0]
    assert first.actions[0].kind == "renew" and first.actions[0].target == "PCI-AWARE"
    assert path.total_cost == sum(step.cost for step in path.steps)
    assert path.projected_ready_on == path.steps[-1].projected_ready_on
    assert path.steps[1].projected_ready_on > first.projected_ready_on


def test_readiness_answers_in_the_api_shape(demo_db):
    result, _, _ = service.evaluate_employee(
        employee_id(demo_db, "Maria Lopez"), "L2-CSS", TEST_TODAY
    )
    data = service.result_to_dict(result)
    assert data["score"] == 80.0 and data["band"] == "ready_6m" and data["gates_met"] is False
    assert data["as_of"] == "2026-11-22"
    assert {
        "kind",
        "target",
        "required",
        "actual",
        "status",
        "attainment",
        "weight",
        "mandatory",
        "expires_on",
        "projected_close_on",
    } <= set(data["requirements"][0])


def _add_employees(db, count: int) -> None:
    role_id = db.session.scalar(select(JobRole.id).where(JobRole.code == "L1-CSR"))
    pci = db.session.scalar(select(Course.id).where(Course.code == "PCI-AWARE"))
    start = db.session.scalar(select(Employee.id).order_by(Employee.id.desc())) + 1
    db.session.execute(
        insert(Employee),
        [
            {
                "id": start + i,
                "employee_no": f"B{i:05d}",
                "email": f"b{i}@example.com",
                "name": f"Bulk {i}",
                "hire_date": date(2022, 1, 1),
                "job_role_id": role_id,
                "role_since": date(2022, 1, 1),
                "status": "active",
                "version": 1,
            }
            for i in range(count)
        ],
    )
    db.session.execute(
        insert(Completion),
        [
            {
                "employee_id": start + i,
                "course_id": pci,
                "completed_on": date(2026, 6, 1),
                "expires_on": date(2027, 6, 1),
                "verification": "verified",
                "version": 1,
            }
            for i in range(count)
        ],
    )
    db.session.commit()


def test_bulk_evaluation_runs_the_same_queries_for_10_and_for_500_people(demo_db, count_queries):
    """DESIGN.md Bulk first: the number of queries does not grow with the rows. (The catalogue
    is read before each count: whether this process already built it is not a per-row cost.)"""
    service.load_catalogue()
    with count_queries() as small:
        few = service.evaluate_population(select(Employee.id).limit(10), "L2-CSS", TEST_TODAY)
    demo_db.session.expire_all()
    from flask import g

    g.pop("_catalogue_snapshot", None)
    g.pop("_settings", None)
    _add_employees(demo_db, 500)
    service.load_catalogue()
    with count_queries() as large:
        many = service.evaluate_population(select(Employee.id), "L2-CSS", TEST_TODAY)
    assert len(few) == 10 and len(many) >= 550
    assert small() == large()
