"""The team bench-strength and succession report's data (app/reports/team.py): pure.

Issue 7: counts by band for each target role, as a chart; the candidate list; per role, the
top gaps across the team; what lapses in the next 90 days. docs/RULES.md bands ready_now,
ready_1y, ready_2y, not_ready.
"""

from __future__ import annotations

from datetime import date

from app.reports import team
from app.services.readiness.bench import BenchStrength, Candidate, GapSummary, Lapse

AS_OF = date(2026, 11, 22)


def candidate(eid, name, score, band, gates=()):  # type: ignore[no-untyped-def]
    return Candidate(eid, name, "L1-CSR", "North", score, band, band == "ready_now", AS_OF, gates)


def bench(code, title, candidates):  # type: ignore[no-untyped-def]
    counts = dict.fromkeys(team.BANDS, 0)
    for c in candidates:
        counts[c.band] += 1
    return BenchStrength(code, title, AS_OF, counts, tuple(candidates), len(candidates))


L2 = bench(
    "L2-CSS",
    "Supervisor",
    [candidate(1, "Casey", 96.7, "ready_now"), candidate(2, "Maria", 80.0, "ready_1y", ("PCI",))],
)
L3 = bench("L3-CSM", "Manager", [candidate(3, "Grace", 94.7, "ready_1y", ("Credit check",))])
GAPS = {
    "L2-CSS": (
        GapSummary(
            "certification",
            "PCI-AWARE",
            "PCI DSS awareness",
            True,
            1,
            (("PCI-AWARE", "PCI DSS awareness", 1),),
        ),
    ),
    "L3-CSM": (GapSummary("background_check", "CREDIT", "Credit history check", True, 1, ()),),
}
LAPSES = (
    Lapse(
        1,
        "Casey",
        "North",
        "Daniel Kim",
        "certification",
        "PCI-AWARE",
        "PCI",
        date(2027, 2, 15),
        85,
        ("L2-CSS",),
    ),
    Lapse(
        4,
        "Ann",
        "North",
        "Sam",
        "background_check",
        "CRIMINAL",
        "Criminal",
        date(2026, 12, 1),
        9,
        ("L2-CSS",),
    ),
)


def build() -> team.TeamReport:
    return team.build_team_report(
        benches=[L2, L3],
        needs=GAPS,
        lapses=LAPSES,
        people=20,
        as_of=AS_OF,
        generated_on=AS_OF,
        scope="Team of Sam Rivera",
    )


def test_a_section_per_target_role_with_counts_in_band_order():
    report = build()
    l2, l3 = report.roles
    # one label per band, the same as every page's (vocabulary.BAND_LABELS), the finer bands too
    assert l2.counts == (
        ("ready_now", "Ready now", 1),
        ("ready_6m", "Ready in 6 months", 0),
        ("ready_1y", "Ready in 1 year", 1),
        ("ready_2y", "Ready in 2 years", 0),
        ("not_ready", "Not ready", 0),
    )
    assert [c.name for c in l2.candidates] == ["Casey", "Maria"]
    assert (l2.ready_now, l3.ready_now) == (1, 0)


def test_roles_with_nobody_ready_now_are_named_as_a_succession_risk():
    assert build().succession_gaps == ("Manager",)


def test_the_band_chart_has_a_bar_per_role_and_a_legend_per_band():
    chart = build().chart
    assert [b.title for b in chart.bars] == ["Supervisor (L2-CSS)", "Manager (L3-CSM)"]
    assert [b.total_text for b in chart.bars] == ["2", "1"]
    assert [item.label for item in chart.legend] == [team.BAND_LABELS[b] for b in team.BANDS]


def test_top_gaps_show_their_share_of_candidates_and_what_closes_them():
    l2, l3 = build().roles
    (pci,) = l2.gaps
    assert (pci.people, pci.share_pct) == (1, 50)
    assert pci.closing == "PCI DSS awareness (PCI-AWARE): 1"
    assert l3.gaps[0].closing == "request the check"


def test_lapses_are_soonest_first():
    report = build()
    assert [x.name for x in report.lapses] == ["Ann", "Casey"]
    assert report.role_titles["L2-CSS"] == "Supervisor"


def test_searching_candidates_matches_names_and_departments():
    l2 = build().roles[0]
    assert [c.name for c in team.filter_candidates(l2.candidates, "mar")] == ["Maria"]
    assert len(team.filter_candidates(l2.candidates, "north")) == 2
    assert team.filter_candidates(l2.candidates, None) == list(l2.candidates)
