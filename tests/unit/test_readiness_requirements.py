"""Met-rules, status and attainment of each requirement kind (docs/RULES.md "Requirements of a
role").

Pure unit tests of app.readiness: no app, no database. Each case cites the rule it checks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.readiness import (
    Assessment,
    Catalogue,
    Check,
    CheckType,
    Completion,
    Course,
    Education,
    EmployeeFacts,
    FundedStudy,
    Instrument,
    Rating,
    ReadinessConfig,
    Requirement,
    RequirementResult,
    Role,
    evaluate,
)

D = date(2025, 6, 15)

CATALOGUE = Catalogue.build(
    courses=[
        Course("PCI", "PCI awareness", Decimal("50.00"), validity_months=12),
        Course("ONBOARD", "Onboarding", Decimal("0.00")),
        Course("COACH-101", "Coaching basics", Decimal("400.00"), grants=(("COACH", 3),)),
    ],
    check_types=[
        CheckType("CRIMINAL", "Criminal", rescreen_months=36, turnaround_days=14),
        CheckType("CREDIT", "Credit", rescreen_months=12, turnaround_days=14),
    ],
    instruments=[Instrument("LEAD-360", "Leadership 360", "360", validity_months=24)],
)


def one(
    requirement: Requirement,
    as_of: date = D,
    config: ReadinessConfig | None = None,
    **facts: object,
) -> RequirementResult:
    """Evaluate a role holding only ``requirement`` and return its result."""
    employee = EmployeeFacts(employee_id=1, role="L1-CSR", **facts)  # type: ignore[arg-type]
    role = Role("L2-CSS", "Supervisor", 2, (requirement,))
    return evaluate(employee, role, CATALOGUE, as_of, config or ReadinessConfig()).requirements[0]


# --------------------------------------------------------------------------- competency

COACH3 = Requirement(1, "competency", "COACH", min_level=3, mandatory=True)


@pytest.mark.parametrize(
    ("ratings", "completions", "level", "status", "attainment"),
    [
        pytest.param(
            (Rating("COACH", 3, date(2025, 1, 10), "manager"),),
            (),
            3,
            "met",
            1.0,
            id="competency: manager rating 3 >= min_level 3 is met",
        ),
        pytest.param(
            (Rating("COACH", 2, date(2025, 1, 10), "assessor"),),
            (),
            2,
            "unmet",
            2 / 3,
            id="competency: attainment = min(level / min_level, 1) = 2/3",
        ),
        pytest.param(
            (Rating("COACH", 5, date(2025, 1, 10), "self"),),
            (),
            None,
            "unmet",
            0.0,
            id="competency: self-ratings never count toward readiness",
        ),
        pytest.param(
            (
                Rating("COACH", 5, date(2025, 3, 1), "self"),
                Rating("COACH", 2, date(2025, 1, 10), "manager"),
            ),
            (),
            2,
            "unmet",
            2 / 3,
            id="competency: a later self-rating does not displace the latest non-self rating",
        ),
        pytest.param(
            (
                Rating("COACH", 4, date(2024, 1, 10), "manager"),
                Rating("COACH", 2, date(2025, 1, 10), "assessor"),
            ),
            (),
            2,
            "unmet",
            2 / 3,
            id="competency: the latest non-self rating wins even when lower",
        ),
        pytest.param(
            (
                Rating("COACH", 2, date(2025, 1, 10), "manager"),
                Rating("COACH", 4, date(2025, 7, 1), "manager"),
            ),
            (),
            2,
            "unmet",
            2 / 3,
            id="competency: a rating after D is not known on D",
        ),
        pytest.param(
            (),
            (Completion("COACH-101", date(2025, 2, 1)),),
            3,
            "met",
            1.0,
            id="competency: level granted by a course completed on or before D",
        ),
        pytest.param(
            (Rating("COACH", 1, date(2025, 5, 1), "manager"),),
            (Completion("COACH-101", date(2024, 2, 1)),),
            3,
            "met",
            1.0,
            id="competency: current level = max(latest rating, highest course grant)",
        ),
        pytest.param(
            (Rating("COACH", 4, date(2025, 5, 1), "course"),),
            (Completion("COACH-101", date(2024, 2, 1)),),
            4,
            "met",
            1.0,
            id="competency: a rating above the course grant wins the max",
        ),
        pytest.param(
            (),
            (Completion("COACH-101", date(2025, 6, 16)),),
            None,
            "unmet",
            0.0,
            id="competency: a course completed after D grants nothing on D",
        ),
    ],
)
def test_competency_current_level(
    ratings: tuple[Rating, ...],
    completions: tuple[Completion, ...],
    level: int | None,
    status: str,
    attainment: float,
) -> None:
    result = one(COACH3, ratings=ratings, completions=completions)
    assert (result.actual, result.status) == (level, status)
    assert result.attainment == pytest.approx(attainment)
    assert result.required == 3


def test_competency_min_level_zero_is_always_met() -> None:
    """docs/RULES.md competency scale: 0 means "Not needed", so min_level 0 is met with no
    rating."""
    result = one(Requirement(1, "competency", "COACH", min_level=0))
    assert (result.status, result.attainment) == ("met", 1.0)


# --------------------------------------------------------------------------- course


@pytest.mark.parametrize(
    ("completions", "status", "actual"),
    [
        pytest.param((Completion("ONBOARD", D),), "met", D, id="course: completed_on == D is met"),
        pytest.param(
            (Completion("ONBOARD", date(2019, 1, 1)),),
            "met",
            date(2019, 1, 1),
            id="course: a course that never expires stays met",
        ),
        pytest.param(
            (Completion("ONBOARD", date(2025, 6, 16)),),
            "unmet",
            None,
            id="course: a completion after D does not count",
        ),
        pytest.param((), "unmet", None, id="course: no completion is unmet"),
    ],
)
def test_course(completions: tuple[Completion, ...], status: str, actual: date | None) -> None:
    result = one(Requirement(1, "course", "ONBOARD"), completions=completions)
    assert (result.status, result.actual) == (status, actual)
    assert result.attainment == (1.0 if status == "met" else 0.0)


# --------------------------------------------------------------------------- certification

PCI = Requirement(1, "certification", "PCI", mandatory=True)
PCI_DONE = (Completion("PCI", date(2024, 7, 1), date(2025, 7, 1)),)


@pytest.mark.parametrize(
    ("as_of", "status", "attainment"),
    [
        pytest.param(date(2025, 6, 30), "expiring", 1.0, id="certification: expires_on - 1 met"),
        pytest.param(date(2025, 7, 1), "unmet", 0.0, id="certification: D == expires_on expired"),
        pytest.param(date(2025, 7, 2), "unmet", 0.0, id="certification: expires_on + 1 expired"),
        pytest.param(
            date(2025, 4, 2), "expiring", 1.0, id="expiring: exactly 90 days before expires_on"
        ),
        pytest.param(date(2025, 4, 1), "met", 1.0, id="expiring: 91 days before expires_on"),
        pytest.param(date(2024, 7, 1), "met", 1.0, id="certification: completed_on == D is met"),
        pytest.param(
            date(2024, 6, 30), "unmet", 0.0, id="certification: completed after D is not held"
        ),
    ],
)
def test_certification_boundaries(as_of: date, status: str, attainment: float) -> None:
    """docs/RULES.md: met when completed_on <= D < expires_on; expiring when D >= expires_on -
    90."""
    result = one(PCI, as_of=as_of, completions=PCI_DONE)
    assert (result.status, result.attainment) == (status, attainment)
    if as_of >= date(2024, 7, 1):
        assert result.expires_on == date(2025, 7, 1)


def test_certification_renewal_counts_from_the_new_completion() -> None:
    """docs/RULES.md Training: "Renewal counts from the new completion date"."""
    completions = (
        Completion("PCI", date(2024, 7, 1), date(2025, 7, 1)),
        Completion("PCI", date(2023, 7, 1), date(2024, 7, 1)),
    )
    result = one(PCI, as_of=date(2025, 2, 1), completions=completions)
    assert (result.status, result.actual, result.expires_on) == (
        "met",
        date(2024, 7, 1),
        date(2025, 7, 1),
    )


def test_certification_expiry_is_derived_from_validity_months() -> None:
    """docs/RULES.md Training: expires_on = completed_on + validity_months (31 Jan + 12 = 31
    Jan)."""
    result = one(PCI, as_of=date(2025, 1, 30), completions=(Completion("PCI", date(2024, 1, 31)),))
    assert (result.status, result.expires_on) == ("expiring", date(2025, 1, 31))
    lapsed = one(PCI, as_of=date(2025, 1, 31), completions=(Completion("PCI", date(2024, 1, 31)),))
    assert lapsed.status == "unmet"


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        pytest.param(date(2025, 7, 5), "expiring", id="grace (cfg 10 days): inside grace is met"),
        pytest.param(date(2025, 7, 11), "unmet", id="grace (cfg 10 days): after grace expired"),
    ],
)
def test_certification_grace_days_are_configurable(as_of: date, status: str) -> None:
    """docs/RULES.md Training: no grace period by default (cfg)."""
    config = ReadinessConfig(certification_grace_days=10)
    assert one(PCI, as_of=as_of, config=config, completions=PCI_DONE).status == status


def test_certification_of_a_course_without_validity_never_expires() -> None:
    """docs/RULES.md Course: validity_months empty means it never expires."""
    result = one(
        Requirement(1, "certification", "ONBOARD"),
        as_of=date(2040, 1, 1),
        completions=(Completion("ONBOARD", date(2020, 1, 1)),),
    )
    assert (result.status, result.expires_on) == ("met", None)


@pytest.mark.parametrize(
    ("completions", "kind"),
    [
        pytest.param(PCI_DONE, "renew", id="certification: expired -> renew"),
        pytest.param((), "enrol", id="certification: never held -> enrol"),
    ],
)
def test_certification_next_action(completions: tuple[Completion, ...], kind: str) -> None:
    """docs/RULES.md Promotion path actions: renew a certification, or enrol in a session."""
    result = one(PCI, as_of=date(2025, 8, 1), completions=completions)
    assert result.next_action is not None
    assert (result.next_action.kind, result.next_action.target) == (kind, "PCI")
    assert result.next_action.cost == Decimal("50.00")


# --------------------------------------------------------------------------- background check

CRIMINAL = Requirement(1, "background_check", "CRIMINAL", mandatory=True)


@pytest.mark.parametrize(
    ("checks", "as_of", "status", "actual"),
    [
        pytest.param(
            (Check("CRIMINAL", "clear", date(2024, 1, 10), date(2027, 1, 10)),),
            D,
            "met",
            "clear",
            id="check: clear and completed_on <= D < valid_until",
        ),
        pytest.param(
            (Check("CRIMINAL", "review_required", date(2025, 1, 10)),),
            D,
            "unmet",
            "review_required",
            id="check: review_required is not clear",
        ),
        pytest.param(
            (Check("CRIMINAL", "not_cleared", date(2025, 1, 10)),),
            D,
            "unmet",
            "not_cleared",
            id="check: not_cleared is not clear",
        ),
        pytest.param(
            (Check("CRIMINAL", "in_progress"),),
            D,
            "unmet",
            "in_progress",
            id="check: in_progress is not clear",
        ),
        pytest.param(
            (Check("CRIMINAL", "clear", date(2022, 1, 10), date(2025, 1, 10)),),
            D,
            "unmet",
            "expired",
            id="check: expired once D >= valid_until",
        ),
        pytest.param(
            (Check("CRIMINAL", "clear", date(2022, 6, 15), date(2025, 6, 15)),),
            date(2025, 6, 15),
            "unmet",
            "expired",
            id="check: D == valid_until is expired",
        ),
        pytest.param(
            (Check("CRIMINAL", "clear", date(2022, 9, 13), date(2025, 9, 13)),),
            D,
            "expiring",
            "clear",
            id="expiring: check valid_until exactly 90 days after D",
        ),
        pytest.param(
            (Check("CRIMINAL", "clear", date(2022, 9, 14), date(2025, 9, 14)),),
            D,
            "met",
            "clear",
            id="expiring: check valid_until 91 days after D",
        ),
        pytest.param(
            (Check("CRIMINAL", "clear", date(2025, 6, 16), date(2028, 6, 16)),),
            D,
            "unmet",
            None,
            id="check: completed after D is not known on D",
        ),
        pytest.param(
            (Check("CREDIT", "clear", date(2025, 1, 10), date(2026, 1, 10)),),
            D,
            "unmet",
            None,
            id="check: a check of another type does not count",
        ),
        pytest.param(
            (Check("CRIMINAL", "clear", date(2023, 1, 10)),),
            D,
            "met",
            "clear",
            id="check: valid_until defaults to completed_on + rescreen_months",
        ),
    ],
)
def test_background_check(
    checks: tuple[Check, ...], as_of: date, status: str, actual: str | None
) -> None:
    """docs/RULES.md background_check: a clear check with completed_on <= D < valid_until."""
    result = one(CRIMINAL, as_of=as_of, checks=checks)
    assert (result.status, result.actual) == (status, actual)
    assert result.attainment == (0.0 if status == "unmet" else 1.0)


def test_background_check_rescreen_counts_from_the_newest_clear_check() -> None:
    """docs/RULES.md background_check: any clear check valid on D meets it; the one that lapses last
    decides the expiry shown (a rescreen replaces an expiring check)."""
    checks = (
        Check("CREDIT", "clear", date(2024, 7, 1), date(2025, 7, 1)),
        Check("CREDIT", "clear", date(2025, 6, 1), date(2026, 6, 1)),
    )
    result = one(Requirement(1, "background_check", "CREDIT"), checks=checks)
    assert (result.status, result.expires_on) == ("met", date(2026, 6, 1))


# --------------------------------------------------------------------------- assessment

LEAD = Requirement(1, "assessment", "LEAD-360", min_score=3.5, mandatory=True)


@pytest.mark.parametrize(
    ("assessments", "as_of", "status", "actual", "attainment"),
    [
        pytest.param(
            (Assessment("LEAD-360", date(2024, 1, 10), 3.8),),
            D,
            "met",
            3.8,
            1.0,
            id="assessment: overall 3.8 >= min_score 3.5",
        ),
        pytest.param(
            (Assessment("LEAD-360", date(2024, 1, 10), 3.5),),
            D,
            "met",
            3.5,
            1.0,
            id="assessment: overall == min_score is met",
        ),
        pytest.param(
            (Assessment("LEAD-360", date(2024, 1, 10), 3.0),),
            D,
            "unmet",
            3.0,
            3.0 / 3.5,
            id="assessment: attainment = min(score / min_score, 1)",
        ),
        pytest.param(
            (
                Assessment("LEAD-360", date(2024, 1, 10), 4.0),
                Assessment("LEAD-360", date(2025, 1, 10), 3.0),
            ),
            D,
            "unmet",
            3.0,
            3.0 / 3.5,
            id="assessment: the latest assessment on or before D counts, even if lower",
        ),
        pytest.param(
            (
                Assessment("LEAD-360", date(2024, 1, 10), 4.0),
                Assessment("LEAD-360", date(2025, 1, 10), None),
            ),
            D,
            "met",
            4.0,
            1.0,
            id="assessment: an unscored assessment is ignored",
        ),
        pytest.param(
            (Assessment("LEAD-360", date(2023, 6, 1), 4.0),),
            date(2025, 5, 31),
            "expiring",
            4.0,
            1.0,
            id="assessment validity: the day before conducted_on + 24 months",
        ),
        pytest.param(
            (Assessment("LEAD-360", date(2023, 6, 1), 4.0),),
            date(2025, 6, 1),
            "unmet",
            None,
            0.0,
            id="assessment validity: on conducted_on + 24 months it no longer counts",
        ),
        pytest.param((), D, "unmet", None, 0.0, id="assessment: none is 0 attainment"),
    ],
)
def test_assessment(
    assessments: tuple[Assessment, ...],
    as_of: date,
    status: str,
    actual: float | None,
    attainment: float,
) -> None:
    """docs/RULES.md assessment: the latest on or before D, within validity, overall >=
    min_score."""
    result = one(LEAD, as_of=as_of, assessments=assessments)
    assert (result.status, result.actual) == (status, actual)
    assert result.attainment == pytest.approx(attainment)
    assert result.required == 3.5


# --------------------------------------------------------------------------- tenure


@pytest.mark.parametrize(
    ("role_since", "as_of", "months"),
    [
        pytest.param(date(2023, 1, 31), date(2023, 2, 27), 0, id="tenure: Jan 31 -> Feb 27: 0"),
        pytest.param(date(2023, 1, 31), date(2023, 2, 28), 1, id="tenure: Jan 31 -> Feb 28: 1"),
        pytest.param(
            date(2024, 1, 31), date(2024, 2, 28), 0, id="tenure: leap year Jan 31 -> Feb 28: 0"
        ),
        pytest.param(
            date(2024, 1, 31), date(2024, 2, 29), 1, id="tenure: leap year Jan 31 -> Feb 29: 1"
        ),
        pytest.param(date(2024, 2, 29), date(2025, 2, 27), 11, id="tenure: Feb 29 -> Feb 27: 11"),
        pytest.param(date(2024, 2, 29), date(2025, 2, 28), 12, id="tenure: Feb 29 -> Feb 28: 12"),
        pytest.param(date(2024, 3, 31), date(2024, 4, 30), 1, id="tenure: Mar 31 -> Apr 30: 1"),
        pytest.param(date(2024, 1, 15), date(2025, 1, 14), 11, id="tenure: one day short: 11"),
        pytest.param(date(2024, 1, 15), date(2025, 1, 15), 12, id="tenure: same day: 12"),
        pytest.param(date(2025, 7, 1), date(2025, 6, 15), 0, id="tenure: role_since after D: 0"),
    ],
)
def test_tenure_whole_months(role_since: date, as_of: date, months: int) -> None:
    """docs/RULES.md tenure: whole months in the current role from role_since to D."""
    result = one(Requirement(1, "tenure", min_months=12), as_of=as_of, role_since=role_since)
    assert result.actual == months
    assert result.status == ("met" if months >= 12 else "unmet")
    assert result.attainment == pytest.approx(min(months / 12, 1))


def test_tenure_projection_is_the_date_the_months_are_reached() -> None:
    """docs/RULES.md projection: tenure closes on the date the months are reached (Aug 31 + 6)."""
    result = one(
        Requirement(1, "tenure", min_months=6),
        as_of=date(2024, 12, 1),
        role_since=date(2024, 8, 31),
    )
    assert (result.actual, result.attainment) == (3, 0.5)
    assert result.projected_close_on == date(2025, 2, 28)
    assert result.next_action is not None
    assert (result.next_action.kind, result.next_action.target) == ("gain_tenure", "L1-CSR")


def test_tenure_without_role_since_counts_from_d() -> None:
    """Choice (engine.py): with no role_since the months are 0 and it closes at D + min_months."""
    result = one(Requirement(1, "tenure", min_months=12))
    assert (result.actual, result.status, result.projected_close_on) == (
        0,
        "unmet",
        date(2026, 6, 15),
    )


# --------------------------------------------------------------------------- education

BBA = Requirement(1, "education", "BBA", mandatory=True)


@pytest.mark.parametrize(
    ("education", "studies", "status", "close"),
    [
        pytest.param(
            (Education("BBA", date(2024, 6, 30)),),
            (),
            "met",
            None,
            id="education: qualification completed on or before D",
        ),
        pytest.param(
            (Education("BBA", date(2025, 6, 16)),),
            (),
            "unmet",
            date(2026, 6, 15),
            id="education: completed after D does not count; D + 12 months",
        ),
        pytest.param(
            (Education("CERT-MGMT", date(2024, 6, 30)),),
            (),
            "unmet",
            date(2026, 6, 15),
            id="education: another qualification does not count",
        ),
        pytest.param(
            (),
            (FundedStudy("BBA", date(2026, 5, 31), approved=True),),
            "unmet",
            date(2026, 5, 31),
            id="education projection: end date of an approved tuition request",
        ),
        pytest.param(
            (),
            (FundedStudy("BBA", date(2025, 12, 31), approved=False),),
            "unmet",
            date(2026, 6, 15),
            id="education projection: an unapproved request is ignored; D + 12 months",
        ),
    ],
)
def test_education(
    education: tuple[Education, ...],
    studies: tuple[FundedStudy, ...],
    status: str,
    close: date | None,
) -> None:
    """docs/RULES.md education: that qualification is completed on or before D."""
    result = one(BBA, education=education, funded_studies=studies)
    assert (result.status, result.projected_close_on) == (status, close)
    if status == "unmet":
        assert result.next_action is not None
        assert result.next_action.kind == "apply_tuition"


def test_met_requirements_have_no_projection_or_action() -> None:
    """docs/RULES.md: projected close dates are for unmet requirements."""
    result = one(Requirement(1, "course", "ONBOARD"), completions=(Completion("ONBOARD", D),))
    assert (result.projected_close_on, result.next_action, result.actions) == (None, None, ())
    assert result.evidence == "ONBOARD completed 2025-06-15"
