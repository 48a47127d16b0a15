"""Catalogue configuration through the service layer (the functions the web pages and the API
share). docs/RULES.md: People and roles, Requirements of a role, Training, Background checks,
Leadership assessments. Issue 3: prerequisite cycles are refused, retiring keeps history, bad
input gets a clear message and changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import (
    AuditEntry,
    Completion,
    Course,
    CoursePrerequisite,
    CourseSession,
    Employee,
    JobRole,
    LadderEdge,
    Requirement,
)
from app.services import catalogue
from app.services.catalogue.errors import (
    CatalogueError,
    DuplicateEntry,
    InvalidEntry,
    StaleEntry,
    UnknownEntry,
)


def prereq_codes(db, code: str) -> list[str]:
    db.session.expire_all()
    return sorted(link.prerequisite.code for link in catalogue.get_course(code).prerequisite_links)


def requirement_dicts(db, role: str) -> list[dict]:
    db.session.expire_all()
    return [catalogue.requirement_to_dict(r) for r in catalogue.get_role(role).requirements]


def table_count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ------------------------------------------------------------------------- codes and courses


def test_a_course_is_created_with_prerequisites_and_grants_in_the_api_shape(demo_db):
    course = catalogue.create_course(
        "cs-lead",  # codes are upper-cased
        "Leading a service team",
        "leadership",
        "12.5",
        "950.00",
        None,
        None,  # default duration comes from the (cfg) setting, 30 days
        prerequisites=["SUP-101", "CS-FOUND"],
        grants=[("COACHING", 3), {"competency": "policy", "level": "4"}],
    )
    assert catalogue.course_to_dict(course) == {
        "code": "CS-LEAD",
        "title": "Leading a service team",
        "category": "leadership",
        "hours": 12.5,
        "cost": "950.00",
        "validity_months": None,
        "default_duration_days": 30,
        "prerequisites": ["CS-FOUND", "SUP-101"],
        "grants": [{"competency": "COACHING", "level": 3}, {"competency": "POLICY", "level": 4}],
        "approval": "none",
        "retired": False,
    }
    demo_db.session.expire_all()
    stored = demo_db.session.scalar(select(Course).where(Course.code == "CS-LEAD"))
    assert stored.cost == Decimal("950.00") and isinstance(stored.cost, Decimal)


BAD_CODES = [
    ("", "Enter a code"),
    ("PCI AWARE", "upper-case letters, digits and single hyphens"),
    ("PCI--AWARE", "single hyphens"),
    ("-PCI", "single hyphens"),
    ("PCI_AWARE", "single hyphens"),
    ("X" * 41, "at most 40 characters"),
]


def test_a_code_must_be_upper_case_letters_digits_and_hyphens(demo_db, subtests):
    before = table_count(demo_db, Course)
    for code, message in BAD_CODES:
        with subtests.test(code=code):
            with pytest.raises(InvalidEntry) as refused:
                catalogue.create_course(code, "Some course")
            assert message in " ".join(refused.value.errors["code"])
    assert table_count(demo_db, Course) == before


def test_names_refuse_control_characters_but_descriptions_keep_line_breaks(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.create_competency("TABBED", "Tab\tbed", description="ok")
    assert "not allowed" in refused.value.errors["name"][0]
    with pytest.raises(InvalidEntry):
        catalogue.create_competency("NULLED", "Fine", description="bad\x00")
    made = catalogue.create_competency("LINES", "Lines", description="first\nsecond")
    assert made.description == "first\nsecond"


def test_a_taken_code_is_a_conflict_that_changes_nothing(demo_db):
    with pytest.raises(DuplicateEntry) as refused:
        catalogue.create_competency("product", "Another product knowledge")
    assert refused.value.status == 409
    assert "PRODUCT" in refused.value.errors["code"][0]
    assert catalogue.get_competency("PRODUCT").name == "Product knowledge"


def test_bad_course_numbers_are_refused_field_by_field_and_nothing_is_created(demo_db):
    before = table_count(demo_db, Course)
    with pytest.raises(InvalidEntry) as refused:
        catalogue.create_course(
            "NEW-COURSE",
            "",
            hours="-1",
            cost="12.345",
            validity_months="0",
            default_duration_days="thirty",
            grants=[("PRODUCT", 9)],
        )
    errors = refused.value.errors
    assert errors["title"] == ["Enter a title."]
    assert "0 or more" in errors["hours"][0] or "from 0" in errors["hours"][0]
    assert "2 decimal" in errors["cost"][0]
    assert "from 1 to 600" in errors["validity_months"][0]
    assert "whole number" in errors["default_duration_days"][0]
    assert "from 1 to 5" in errors["grants[0].level"][0]
    assert table_count(demo_db, Course) == before


def test_unknown_prerequisite_and_competency_codes_are_named(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.create_course(
            "NEW-COURSE", "New", prerequisites=["NOPE-1"], grants=[("NOT-A-SKILL", 2)]
        )
    assert refused.value.errors["prerequisites"] == ["There is no course with code NOPE-1."]
    assert refused.value.errors["grants"] == ["There is no competency with code NOT-A-SKILL."]


# ------------------------------------------------------------------------- prerequisite cycles


def test_a_two_course_prerequisite_cycle_is_refused_and_nothing_changes(demo_db):
    # Demo: MGMT-ANALYTICS requires SUP-101. SUP-101 requiring MGMT-ANALYTICS closes a loop.
    with pytest.raises(InvalidEntry) as refused:
        catalogue.update_course("SUP-101", prerequisites=["CS-FOUND", "MGMT-ANALYTICS"])
    message = refused.value.errors["prerequisites"][0]
    assert "prerequisite cycle" in message
    assert "SUP-101 requires MGMT-ANALYTICS requires SUP-101" in message
    assert prereq_codes(demo_db, "SUP-101") == ["CS-FOUND"]


def test_a_longer_prerequisite_cycle_is_refused_naming_the_whole_chain(demo_db):
    # SUP-REF -> SUP-101 -> CS-FOUND already; CS-FOUND requiring SUP-REF closes a 3-course loop.
    with pytest.raises(InvalidEntry) as refused:
        catalogue.update_course("CS-FOUND", prerequisites=["SUP-REF"])
    assert "CS-FOUND requires SUP-REF requires SUP-101 requires CS-FOUND" in refused.value.message
    assert prereq_codes(demo_db, "CS-FOUND") == []


def test_a_course_cannot_be_its_own_prerequisite(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.update_course("COACH-LAB", prerequisites=["COACH-LAB"])
    assert "cannot be its own prerequisite" in refused.value.errors["prerequisites"][0]
    assert prereq_codes(demo_db, "COACH-LAB") == []


def test_prerequisites_that_form_no_cycle_are_saved_and_audited(demo_db):
    catalogue.update_course("MGMT-ANALYTICS", prerequisites=["SUP-101", "ORG-101"])
    assert prereq_codes(demo_db, "MGMT-ANALYTICS") == ["ORG-101", "SUP-101"]
    inserted = demo_db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.table_name == "course_prerequisites", AuditEntry.action == "insert")
        .where(AuditEntry.actor != "test:seed")
    )
    assert inserted == 1


def test_an_edit_made_on_a_stale_copy_is_refused(demo_db):
    course = catalogue.get_course("CS-FOUND")
    seen = course.version
    catalogue.update_course("CS-FOUND", hours="18")
    with pytest.raises(StaleEntry) as refused:
        catalogue.update_course("CS-FOUND", hours="20", expected_version=seen)
    assert refused.value.status == 409
    demo_db.session.expire_all()
    assert catalogue.get_course("CS-FOUND").hours == Decimal("18.0")


def test_validity_cannot_be_removed_while_a_role_requires_the_course_as_a_certification(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.update_course("PCI-AWARE", validity_months="")
    assert (
        "L1-CSR, L2-CSS, L3-CSM require PCI-AWARE as a certification"
        in (refused.value.errors["validity_months"][0])
    )
    demo_db.session.expire_all()
    assert catalogue.get_course("PCI-AWARE").validity_months == 12


# ------------------------------------------------------------------------- retiring keeps history


def test_retiring_a_course_hides_it_from_pickers_but_past_records_still_resolve(demo_db):
    completions = demo_db.session.scalar(
        select(func.count()).select_from(Completion).join(Course).where(Course.code == "PCI-AWARE")
    )
    sessions = demo_db.session.scalar(
        select(func.count())
        .select_from(CourseSession)
        .join(Course)
        .where(Course.code == "PCI-AWARE")
    )
    assert completions > 0 and sessions > 0

    catalogue.retire("course", "PCI-AWARE")
    demo_db.session.expire_all()

    assert "PCI-AWARE" not in [c.code for c in catalogue.choices("course")]
    assert "PCI-AWARE" in [c.code for c in catalogue.choices("course", include=["PCI-AWARE"])]
    assert catalogue.get_course("PCI-AWARE").retired is True
    # past completions keep pointing at it, and its sessions stay
    past = demo_db.session.scalars(
        select(Completion).join(Course).where(Course.code == "PCI-AWARE")
    ).all()
    assert len(past) == completions and all(c.course.title for c in past)
    assert (
        demo_db.session.scalar(
            select(func.count())
            .select_from(CourseSession)
            .join(Course)
            .where(Course.code == "PCI-AWARE")
        )
        == sessions
    )
    # default list hides it; the retired filter shows it
    active = demo_db.session.scalars(catalogue.list_query("course")).all()
    retired = demo_db.session.scalars(catalogue.list_query("course", status="retired")).all()
    assert "PCI-AWARE" not in [c.code for c in active]
    assert [c.code for c in retired] == ["PCI-AWARE"]


def test_a_retired_entry_cannot_be_newly_referenced(demo_db):
    catalogue.retire("course", "COACH-LAB")
    catalogue.retire("competency", "MARKETING")
    with pytest.raises(InvalidEntry) as refused:
        catalogue.create_course(
            "NEW-COURSE", "New", prerequisites=["COACH-LAB"], grants=[("MARKETING", 2)]
        )
    assert refused.value.errors["prerequisites"] == ["COACH-LAB is retired; pick an active course."]
    assert refused.value.errors["grants"] == ["MARKETING is retired; pick an active competency."]
    with pytest.raises(InvalidEntry) as refused:
        catalogue.add_session("COACH-LAB", "2027-01-10", "2027-01-12", 10)
    assert "retired" in refused.value.message


def test_a_role_may_keep_a_requirement_on_a_target_that_was_retired_since(demo_db):
    catalogue.retire("check_type", "CREDIT")
    kept = requirement_dicts(demo_db, "L3-CSM")
    assert {"kind": "background_check", "target": "CREDIT", "mandatory": True, "weight": 1} in kept
    # saving the same list again is fine: the reference already existed
    catalogue.replace_requirements("L3-CSM", kept)
    assert requirement_dicts(demo_db, "L3-CSM") == kept
    # but another role may not start requiring it
    l2 = requirement_dicts(demo_db, "L2-CSS")
    with pytest.raises(InvalidEntry) as refused:
        catalogue.replace_requirements(
            "L2-CSS", [*l2, {"kind": "background_check", "target": "CREDIT"}]
        )
    assert refused.value.errors[f"requirements[{len(l2)}].target"] == [
        "CREDIT is retired; pick an active check type."
    ]


def test_retire_and_restore_are_idempotent_errors_not_silent(demo_db):
    catalogue.retire("qualification", "CERT-LOG")
    with pytest.raises(InvalidEntry, match="already retired"):
        catalogue.retire("qualification", "CERT-LOG")
    catalogue.restore("qualification", "CERT-LOG")
    assert "CERT-LOG" in [q.code for q in catalogue.choices("qualification")]
    with pytest.raises(UnknownEntry, match="no job role with code NOPE"):
        catalogue.retire("role", "nope")


# ------------------------------------------------------------------------- roles and requirements


ALL_SEVEN = [
    {"kind": "competency", "target": "PROBLEM", "min_level": 3, "mandatory": True, "weight": 2},
    {"kind": "course", "target": "SUP-101", "mandatory": True, "weight": 1},
    {"kind": "certification", "target": "PCI-AWARE", "mandatory": True, "weight": 1},
    {"kind": "background_check", "target": "CRIMINAL", "mandatory": False, "weight": 1},
    {"kind": "assessment", "target": "L3-AC", "min_score": 3.5, "mandatory": True, "weight": 1.5},
    {"kind": "tenure", "target": None, "min_months": 18, "mandatory": True, "weight": 1},
    {"kind": "education", "target": "CERT-MGMT", "mandatory": False, "weight": 1},
]


def test_a_role_is_created_with_all_seven_requirement_kinds(demo_db):
    role = catalogue.create_role("L3-OPS", "Operations manager", 3, "25000", ALL_SEVEN)
    data = catalogue.role_to_dict(role)
    assert data["financial_authority_limit"] == "25000.00"
    assert data["requirements"] == ALL_SEVEN
    assert [r.position for r in catalogue.get_role("L3-OPS").requirements] == list(range(7))


def test_replacing_requirements_replaces_the_whole_list(demo_db):
    catalogue.replace_requirements("L2-CSS", ALL_SEVEN[:2])
    assert requirement_dicts(demo_db, "L2-CSS") == ALL_SEVEN[:2]
    role_id = catalogue.get_role("L2-CSS").id
    assert (
        demo_db.session.scalar(
            select(func.count()).select_from(Requirement).where(Requirement.job_role_id == role_id)
        )
        == 2
    )


def test_mandatory_defaults_to_a_gate_and_weight_to_one(demo_db):
    catalogue.replace_requirements("L2-CSS", [{"kind": "course", "target": "SUP-101"}])
    assert requirement_dicts(demo_db, "L2-CSS") == [
        {"kind": "course", "target": "SUP-101", "mandatory": True, "weight": 1}
    ]


BAD_REQUIREMENTS = [
    ({"kind": "skill", "target": "PRODUCT"}, "kind", "Pick a kind"),
    (
        {"kind": "competency", "target": "NOPE", "min_level": 2},
        "target",
        "There is no competency with code NOPE.",
    ),
    ({"kind": "competency", "target": "PRODUCT"}, "min_level", "Enter minimum level"),
    ({"kind": "competency", "target": "PRODUCT", "min_level": 6}, "min_level", "0 to 5"),
    (
        {"kind": "competency", "target": "PRODUCT", "min_level": 2, "min_months": 3},
        "min_months",
        "takes no minimum months",
    ),
    ({"kind": "course", "target": "PCI-AWARE"}, "kind", "require it as a certification"),
    ({"kind": "certification", "target": "SUP-101"}, "kind", "never expires"),
    (
        {"kind": "assessment", "target": "LEAD-360", "min_score": 7},
        "min_score",
        "scores from 1 to 5",
    ),
    ({"kind": "assessment", "target": "LEAD-360"}, "min_score", "Enter minimum score"),
    ({"kind": "tenure", "target": "PRODUCT", "min_months": 6}, "target", "no target"),
    ({"kind": "tenure", "min_months": -1}, "min_months", "0 to 600"),
    (
        {"kind": "education", "target": "PHD"},
        "target",
        "There is no qualification type with code PHD.",
    ),
    ({"kind": "background_check", "target": "CREDIT", "weight": 0}, "weight", "more than 0"),
    (
        {"kind": "background_check", "target": "CREDIT", "mandatory": "maybe"},
        "mandatory",
        "true or false",
    ),
    (
        {"kind": "background_check", "target": "CREDIT", "mandatroy": False},
        "mandatroy",
        "Unknown field",
    ),
]


def test_a_bad_requirement_is_refused_naming_the_field_and_the_old_list_stays(demo_db, subtests):
    before = requirement_dicts(demo_db, "L2-CSS")
    for item, field, message in BAD_REQUIREMENTS:
        with subtests.test(item=item):
            with pytest.raises(InvalidEntry) as refused:
                catalogue.replace_requirements("L2-CSS", [ALL_SEVEN[1], item])
            assert message in " ".join(refused.value.errors[f"requirements[1].{field}"])
            assert requirement_dicts(demo_db, "L2-CSS") == before


def test_the_same_requirement_twice_is_refused(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.replace_requirements(
            "L2-CSS",
            [
                {"kind": "tenure", "min_months": 6},
                {"kind": "tenure", "min_months": 12},
            ],
        )
    assert "already required" in refused.value.errors["requirements[1].kind"][0]


def test_role_fields_are_validated(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.create_role("L9", "", 0, "-5")
    errors = refused.value.errors
    assert set(errors) == {"title", "level", "financial_authority_limit"}
    assert catalogue.get_role("L1-CSR").title == "Customer Service Representative"
    with pytest.raises(UnknownEntry):
        catalogue.get_role("L9")


# ------------------------------------------------------------------------- the role ladder


def test_a_role_cannot_lead_to_itself(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.add_ladder_edge("L2-CSS", "L2-CSS", 12)
    assert refused.value.errors["to_role"] == ["A role cannot lead to itself."]


def test_a_ladder_step_back_down_that_would_loop_is_refused(demo_db):
    before = table_count(demo_db, LadderEdge)
    with pytest.raises(InvalidEntry) as refused:
        catalogue.add_ladder_edge("L3-CSM", "L1-CSR", 12)
    assert "loop: L3-CSM → L1-CSR → L2-CSS → L3-CSM" in refused.value.errors["to_role"][0]
    assert table_count(demo_db, LadderEdge) == before


def test_the_ladder_leads_upward_and_does_not_skip_levels(demo_db):
    catalogue.create_role("L1-BACK", "Back-office clerk", 1)
    with pytest.raises(InvalidEntry) as refused:
        catalogue.add_ladder_edge("L2-CSS", "L1-BACK", 12)
    assert "leads upward" in refused.value.errors["to_role"][0]
    with pytest.raises(InvalidEntry) as refused:
        catalogue.add_ladder_edge("L1-BACK", "L3-CSM", 12)
    assert "skips level 2" in refused.value.errors["to_role"][0]
    assert "L2-CSS" in refused.value.errors["to_role"][0]
    edge = catalogue.add_ladder_edge("l1-back", "l2-css", "30")
    assert catalogue.ladder_edge_to_dict(edge) == {
        "from_role": "L1-BACK",
        "to_role": "L2-CSS",
        "typical_months": 30,
    }


def test_a_duplicate_ladder_step_is_a_conflict_and_unknown_roles_are_named(demo_db):
    with pytest.raises(DuplicateEntry):
        catalogue.add_ladder_edge("L1-CSR", "L2-CSS", 6)
    with pytest.raises(InvalidEntry) as refused:
        catalogue.add_ladder_edge("L1-CSR", "L9-CEO", 6)
    assert refused.value.errors["to_role"] == ["There is no job role with code L9-CEO."]


def test_ladder_steps_are_edited_and_removed(demo_db):
    catalogue.update_ladder_edge("L1-CSR", "L2-CSS", 18)
    assert catalogue.get_ladder_edge("L1-CSR", "L2-CSS").typical_months == 18
    with pytest.raises(InvalidEntry):
        catalogue.update_ladder_edge("L1-CSR", "L2-CSS", "soon")
    catalogue.remove_ladder_edge("L1-CSR", "L2-CSS")
    with pytest.raises(UnknownEntry):
        catalogue.get_ladder_edge("L1-CSR", "L2-CSS")


def test_a_level_change_that_would_turn_the_ladder_downward_is_refused(demo_db):
    with pytest.raises(InvalidEntry) as refused:
        catalogue.update_role("L2-CSS", level=4)
    assert "L2-CSS → L3-CSM would no longer lead upward" in refused.value.errors["level"][0]
    demo_db.session.expire_all()
    assert demo_db.session.scalar(select(JobRole.level).where(JobRole.code == "L2-CSS")) == 2


# ------------------------------------------------------------------------- sessions


def test_sessions_are_scheduled_with_dates_and_seats(demo_db):
    session = catalogue.add_session("SUP-101", "2027-02-01", "2027-02-05", "14", "Room 4")
    assert catalogue.session_to_dict(session) == {
        "id": session.id,
        "course": "SUP-101",
        "starts_on": "2027-02-01",
        "ends_on": "2027-02-05",
        "seats": 14,
        "location": "Room 4",
        "cancelled": False,
    }
    catalogue.cancel_session(session.id)
    assert catalogue.get_session(session.id).cancelled is True


BAD_SESSIONS = [
    ("2027-02-05", "2027-02-01", 10, "ends_on", "before the start date"),
    ("2027-02-30", "2027-03-01", 10, "starts_on", "real date"),
    ("05/02/2027", "2027-03-01", 10, "starts_on", "YYYY-MM-DD"),
    ("2027-02-01", "2027-02-01", 0, "seats", "from 1 to 10000"),
    ("2027-02-01", "2027-02-01", "ten", "seats", "whole number"),
]


def test_bad_session_input_is_refused(demo_db, subtests):
    before = table_count(demo_db, CourseSession)
    for starts, ends, seats, field, message in BAD_SESSIONS:
        with subtests.test(starts=starts, ends=ends, seats=seats):
            with pytest.raises(InvalidEntry) as refused:
                catalogue.add_session("SUP-101", starts, ends, seats)
            assert message in refused.value.errors[field][0]
    assert table_count(demo_db, CourseSession) == before


# ------------------------------------------------------------------------- check types, instruments


def test_check_types_take_rescreen_and_turnaround(demo_db):
    check = catalogue.create_check_type("DRUG", "Drug screening", 12, 5)
    assert catalogue.check_type_to_dict(check) == {
        "code": "DRUG",
        "name": "Drug screening",
        "rescreen_months": 12,
        "turnaround_days": 5,
        "retired": False,
    }
    with pytest.raises(InvalidEntry) as refused:
        catalogue.update_check_type("DRUG", rescreen_months=0, turnaround_days="-3")
    assert set(refused.value.errors) == {"rescreen_months", "turnaround_days"}


def test_instruments_take_kind_scale_dimensions_and_validity(demo_db):
    instrument = catalogue.create_instrument(
        "LOGIC-T", "Logic test", "test", 0, 100, ["Reasoning", " Numeracy "], 12
    )
    assert catalogue.instrument_to_dict(instrument) == {
        "code": "LOGIC-T",
        "name": "Logic test",
        "kind": "test",
        "scale_min": 0,
        "scale_max": 100,
        "dimensions": ["Reasoning", "Numeracy"],
        "validity_months": 12,
        "retired": False,
    }
    with pytest.raises(InvalidEntry) as refused:
        catalogue.create_instrument("BAD", "Bad", "survey", 5, 1, ["A", "a"], 0)
    assert set(refused.value.errors) == {"kind", "scale_max", "dimensions", "validity_months"}


def test_an_instrument_in_use_keeps_its_kind_and_scale(demo_db):
    # Daniel Kim's 360 uses LEAD-360 (demo); past results must keep their meaning.
    with pytest.raises(InvalidEntry) as refused:
        catalogue.update_instrument("LEAD-360", kind="test", scale_max=10)
    assert "cannot change" in refused.value.errors["kind"][0]
    assert "cannot change" in refused.value.errors["scale_max"][0]
    renamed = catalogue.update_instrument("LEAD-360", name="Leadership 360", validity_months=36)
    assert renamed.name == "Leadership 360" and renamed.validity_months == 36


# ------------------------------------------------------------------------- no half-done writes


def test_every_refusal_is_a_value_error_with_a_message(demo_db):
    with pytest.raises(ValueError) as refused:
        catalogue.create_competency("OK-CODE", "")
    assert isinstance(refused.value, CatalogueError)
    assert refused.value.status == 422
    assert str(refused.value) == "Enter a name."


def test_a_refused_write_leaves_no_pending_changes_in_the_session(demo_db):
    with pytest.raises(InvalidEntry):
        catalogue.update_course("SUP-101", title="Renamed", prerequisites=["MGMT-ANALYTICS"])
    demo_db.session.commit()  # whatever might have been left pending would now be written
    demo_db.session.expire_all()
    assert catalogue.get_course("SUP-101").title == "Supervisor training"
    assert (
        demo_db.session.scalar(
            select(func.count())
            .select_from(CoursePrerequisite)
            .where(CoursePrerequisite.course_id == catalogue.get_course("SUP-101").id)
        )
        == 1
    )


def test_course_edits_do_not_touch_completions_already_recorded(demo_db):
    """A new validity applies to completions recorded from now on (DECISIONS.md)."""
    maria = demo_db.session.scalar(select(Employee).where(Employee.name == "Maria Lopez"))
    before = {
        c.id: c.expires_on
        for c in demo_db.session.scalars(
            select(Completion).where(Completion.employee_id == maria.id)
        )
    }
    catalogue.update_course("PCI-AWARE", validity_months=24)
    demo_db.session.expire_all()
    after = {
        c.id: c.expires_on
        for c in demo_db.session.scalars(
            select(Completion).where(Completion.employee_id == maria.id)
        )
    }
    assert after == before and any(v is not None for v in after.values())
    assert isinstance(next(iter(after.values())), date | None)
