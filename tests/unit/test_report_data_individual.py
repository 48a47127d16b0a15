"""The individual readiness report's data (app/reports/individual.py) and its fingerprint.

Issue 7: the requirement table with status, evidence and expiry; score, band and projected
date; the promotion path with actions and costs; a chart of attainment per requirement; the
generated date, the as-of date and a fingerprint of the facts. Built here from the pure
readiness core only: no app, no database.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from app import readiness as core
from app.reports import fingerprint as fp
from app.reports import individual

AS_OF = date(2026, 11, 22)
PCI = core.Course("PCI-AWARE", "PCI DSS awareness", Decimal("50.00"), validity_months=12)
SUP = core.Course("SUP-101", "Supervisor training", Decimal("1200.00"))
CATALOGUE = core.Catalogue.build(
    [PCI, SUP],
    [core.CourseSession(1, "PCI-AWARE", date(2026, 12, 1), date(2026, 12, 1))],
    [core.CheckType("CREDIT", "Credit history check", 12, 14)],
)
L1 = core.Role("L1-CSR", "Customer Service Representative", 1)
L2 = core.Role(
    "L2-CSS",
    "Customer Service Supervisor",
    2,
    (
        core.Requirement(1, "certification", "PCI-AWARE", mandatory=True),
        core.Requirement(2, "course", "SUP-101", mandatory=True),
        core.Requirement(3, "background_check", "CREDIT", mandatory=False, weight=2),
        core.Requirement(4, "competency", "PRODUCT", min_level=3, mandatory=False),
    ),
)
ROLES = {"L1-CSR": L1, "L2-CSS": L2}
LADDER = (core.LadderEdge("L1-CSR", "L2-CSS"),)
NAMES = {
    ("course", "PCI-AWARE"): "PCI DSS awareness",
    ("course", "SUP-101"): "Supervisor training",
    ("background_check", "CREDIT"): "Credit history check",
    ("competency", "PRODUCT"): "Product knowledge",
}
FACTS = core.EmployeeFacts(
    employee_id=7,
    role="L1-CSR",
    role_since=date(2024, 5, 22),
    completions=(
        core.Completion("PCI-AWARE", date(2025, 10, 18), date(2026, 10, 18)),  # expired
        core.Completion("SUP-101", date(2026, 7, 25)),
    ),
    ratings=(core.Rating("PRODUCT", 2, date(2026, 10, 3)),),
    checks=(core.Check("CREDIT", "review_required", date(2026, 11, 2), date(2027, 11, 2)),),
)
PERSON = individual.Person(7, "E0007", "Maria Lopez", "L1-CSR", "CSR", "North", "Daniel Kim")


def build(facts=FACTS, findings=None):  # type: ignore[no-untyped-def]
    result = core.evaluate(facts, L2, CATALOGUE, AS_OF)
    path = core.plan_path(facts, "L2-CSS", ROLES, LADDER, CATALOGUE, AS_OF)
    return individual.build_individual_report(
        person=PERSON,
        result=result,
        path=path,
        names=NAMES,
        role_titles={"L1-CSR": "Customer Service Representative", "L2-CSS": "Supervisor"},
        fingerprint=fp.fingerprint(facts, L2, AS_OF, core.ReadinessConfig()),
        generated_on=date(2026, 11, 23),
        ready_threshold=90.0,
        findings=findings,
    )


def test_the_expired_certification_is_the_failed_gate_with_its_evidence_and_expiry():
    """docs/RULES.md Training: an expired certification fails its requirement (no grace)."""
    report = build()
    pci = next(r for r in report.requirements if r.code == "PCI-AWARE")
    assert (pci.name, pci.status, pci.attainment_pct) == ("PCI DSS awareness", "unmet", 0)
    assert pci.expires_on == date(2026, 10, 18)
    assert "expired 2026-10-18" in (pci.evidence or "")
    assert pci.projected_close_on == date(2026, 12, 1)
    assert pci.next_action and "Renew" in pci.next_action
    assert [b.code for b in report.blocking] == ["PCI-AWARE"]
    assert not report.ready and not report.gates_met


def test_score_band_dates_and_the_sentence_a_reader_quotes():
    """docs/RULES.md score = 100 x sum(weight x attainment) / sum(weight): (0 + 1 + 0 + 2/3) / 5."""
    report = build()
    assert report.score == pytest.approx(33.3)
    assert report.as_of == AS_OF and report.generated_on == date(2026, 11, 23)
    assert report.band_label == individual.BAND_LABELS[report.band]
    assert report.summary.startswith("Not ready yet for Supervisor")
    assert "PCI DSS awareness" in report.summary and "below 90" in report.summary


def test_required_and_actual_are_written_in_words():
    report = build()
    rows = {r.code: r for r in report.requirements}
    assert rows["PRODUCT"].required == "level 3 (Intermediate) or above"
    assert rows["PRODUCT"].actual == "level 2"
    assert rows["PRODUCT"].attainment_pct == 67  # docs/RULES.md competency: min(level/min, 1)
    assert rows["CREDIT"].actual == "review required"
    assert rows["SUP-101"].actual == "completed 2026-07-25"


def test_the_path_lists_actions_in_order_with_their_costs():
    """docs/RULES.md Promotion path: per step the role, the actions in order, cost and date."""
    report = build()
    (step,) = report.path_steps
    assert step.role_code == "L2-CSS"
    assert [a.kind for a in step.actions][:1] == ["renew"]
    assert step.actions[0].name == "PCI DSS awareness" and step.actions[0].cost == Decimal("50.00")
    assert [a.due_on for a in step.actions] == sorted(a.due_on for a in step.actions)
    assert report.path_total_cost == sum((a.cost for a in step.actions), Decimal("0"))


def test_the_chart_has_one_bar_per_requirement_coloured_and_worded_by_status():
    report = build()
    bars = report.chart.bars
    assert len(bars) == len(report.requirements)
    pci = next(b for b in bars if b.title.startswith("PCI DSS awareness"))
    assert pci.title == "PCI DSS awareness (gate)" and pci.total_text == "0% unmet"
    sup = next(b for b in bars if b.title.startswith("Supervisor training"))
    assert sup.total_text == "100% met"


def test_findings_appear_only_when_passed_and_only_on_check_rows():
    """docs/RULES.md data minimisation: findings for hr and the employee, never for managers."""
    plain = build()
    assert all(r.findings is None for r in plain.requirements)
    shown = build(findings={"CREDIT": "Two accounts in collections", "PCI-AWARE": "nonsense"})
    credit = next(r for r in shown.requirements if r.code == "CREDIT")
    assert credit.findings == "Two accounts in collections"
    assert next(r for r in shown.requirements if r.code == "PCI-AWARE").findings is None


def test_someone_already_in_the_role_gets_the_reason_instead_of_a_path():
    facts = dataclasses.replace(FACTS, role="L2-CSS")
    result = core.evaluate(facts, L2, CATALOGUE, AS_OF)
    path = core.plan_path(facts, "L2-CSS", ROLES, LADDER, CATALOGUE, AS_OF)
    report = individual.build_individual_report(
        person=PERSON,
        result=result,
        path=path,
        names=NAMES,
        role_titles={},
        fingerprint="0" * 64,
        generated_on=AS_OF,
        ready_threshold=90.0,
    )
    assert report.path_steps == () and report.path_reason == "Already in L2-CSS."


# ----------------------------------------------------------------------------- fingerprint


def test_the_fingerprint_is_stable_and_ignores_the_order_rows_come_back_in():
    config = core.ReadinessConfig()
    first = fp.fingerprint(FACTS, L2, AS_OF, config)
    shuffled = dataclasses.replace(FACTS, completions=tuple(reversed(FACTS.completions)))
    assert fp.fingerprint(shuffled, L2, AS_OF, config) == first
    assert len(first) == 64 and all(c in "0123456789abcdef" for c in first)
    renumbered = dataclasses.replace(
        L2, requirements=tuple(dataclasses.replace(r, id=None) for r in L2.requirements)
    )
    assert fp.fingerprint(FACTS, renumbered, AS_OF, config) == first


@pytest.mark.parametrize(
    "change",
    [
        lambda f, r, d, c: (
            dataclasses.replace(
                f, completions=f.completions + (core.Completion("PCI-AWARE", d, None),)
            ),
            r,
            d,
            c,
        ),
        lambda f, r, d, c: (dataclasses.replace(f, role_since=date(2024, 5, 23)), r, d, c),
        lambda f, r, d, c: (f, r, date(2026, 11, 23), c),
        lambda f, r, d, c: (
            f,
            dataclasses.replace(r, requirements=r.requirements[:-1]),
            d,
            c,
        ),
        lambda f, r, d, c: (f, r, d, core.ReadinessConfig(ready_threshold=85)),
    ],
    ids=["new completion", "role_since", "as_of", "requirement removed", "threshold"],
)
def test_any_change_of_facts_requirements_date_or_settings_changes_the_fingerprint(change):
    config = core.ReadinessConfig()
    before = fp.fingerprint(FACTS, L2, AS_OF, config)
    assert fp.fingerprint(*change(FACTS, L2, AS_OF, config)) != before


def test_the_short_form_and_what_a_reader_may_type():
    full = fp.fingerprint(FACTS, L2, AS_OF, core.ReadinessConfig())
    short = fp.short(full)
    assert len(short) == 19 and short.count("-") == 3
    assert fp.matches(short, full)
    assert fp.matches(short.upper().replace("-", " "), full)
    assert fp.matches(full, full)
    other = ("0" if full[0] != "0" else "1") + full[1:16]
    assert not fp.matches(other, full)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the fingerprint"),
        ("xyz-1234-5678-9abc", "only the digits 0-9 and letters a-f"),
        ("abcd-1234", "at least the 16 characters"),
        ("a" * 65, "at most 64"),
    ],
)
def test_a_typed_fingerprint_that_is_not_one_gets_a_clear_message(typed, message):
    with pytest.raises(fp.FingerprintFormatError, match=message):
        fp.normalise(typed)
