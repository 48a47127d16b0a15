"""The team bench-strength and succession report (pure).

Issue 7: counts by band for each target role, as a chart; the candidate list; per role, the top
gaps across the team (the training-needs analysis); what lapses in the next 90 days. The
figures come from ``services.readiness.bench`` (bench strength, training needs and lapses of a
population, computed with a fixed number of queries); this module arranges them as a document.
docs/RULES.md: readiness is advisory; bands ready_now / ready_6m / ready_1y / ready_2y / not_ready.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app.readiness.vocabulary import BAND_LABELS, BANDS
from app.reports import charts

if TYPE_CHECKING:  # the shapes services.bench answers with; this module stays pure
    from app.services.readiness.bench import BenchStrength, GapSummary, Lapse

BAND_TONES = {
    "ready_now": "good",
    "ready_6m": "fair",
    "ready_1y": "warn",
    "ready_2y": "info",
    "not_ready": "bad",
}


@dataclass(frozen=True)
class GapRow:
    name: str
    kind: str
    mandatory: bool
    people: int
    share_pct: int  # of the role's candidates
    closing: str  # the courses or programmes that close it, with how many people each


@dataclass(frozen=True)
class RoleSection:
    role_code: str
    role_title: str
    total: int
    counts: tuple[tuple[str, str, int], ...]  # (band, label, count) in band order
    candidates: tuple[Any, ...]  # services.readiness.bench.Candidate, best score first
    gaps: tuple[GapRow, ...]

    @property
    def ready_now(self) -> int:
        return next((n for band, _, n in self.counts if band == "ready_now"), 0)


@dataclass(frozen=True)
class TeamReport:
    title: str
    scope: str
    as_of: date
    generated_on: date
    people: int
    roles: tuple[RoleSection, ...]
    lapses: tuple[Any, ...]  # services.readiness.bench.Lapse, soonest first
    lapse_days: int
    chart: charts.Chart
    role_titles: Mapping[str, str]

    @property
    def succession_gaps(self) -> tuple[str, ...]:
        """Target roles with nobody ready now: the first thing a succession reader looks for."""
        return tuple(r.role_title for r in self.roles if r.total and r.ready_now == 0)


NO_COURSE = {
    "competency": "no course grants the level: manager rating after practice",
    "background_check": "request the check",
    "assessment": "schedule the assessment",
    "tenure": "time in role",
    "education": "a qualification programme",
}


def _closing(gap: GapSummary) -> str:
    """What closes a gap, with how many candidates each closer helps."""
    if not gap.closing_courses:
        return NO_COURSE.get(gap.kind, "—")
    return "; ".join(f"{title} ({code}): {n}" for code, title, n in gap.closing_courses)


def build_team_report(
    *,
    benches: Sequence[BenchStrength],
    needs: Mapping[str, Iterable[GapSummary]],
    lapses: Iterable[Lapse],
    people: int,
    as_of: date,
    generated_on: date,
    scope: str,
    lapse_days: int = 90,
) -> TeamReport:
    """The report of one population: a section per target role, then the lapses."""
    sections = []
    for bench in benches:
        gaps = tuple(
            GapRow(
                name=g.name,
                kind=g.kind,
                mandatory=g.mandatory,
                people=g.people,
                share_pct=round(100 * g.people / bench.total) if bench.total else 0,
                closing=_closing(g),
            )
            for g in needs.get(bench.role_code, ())
        )
        sections.append(
            RoleSection(
                role_code=bench.role_code,
                role_title=bench.role_title,
                total=bench.total,
                counts=tuple(
                    (band, BAND_LABELS[band], int(bench.counts_by_band.get(band, 0)))
                    for band in BANDS
                ),
                candidates=tuple(bench.candidates),
                gaps=gaps,
            )
        )
    chart = charts.stacked_bar_chart(
        "Candidates by band for each target role",
        [(f"{s.role_title} ({s.role_code})", [n for _, _, n in s.counts]) for s in sections],
        [(BAND_LABELS[b], BAND_TONES[b]) for b in BANDS],
        description="; ".join(
            f"{s.role_code}: " + ", ".join(f"{label} {n}" for _, label, n in s.counts)
            for s in sections
        ),
    )
    return TeamReport(
        title="Team bench strength and succession",
        scope=scope,
        as_of=as_of,
        generated_on=generated_on,
        people=people,
        roles=tuple(sections),
        lapses=tuple(sorted(lapses, key=lambda x: (x.expires_on, x.name, x.item_code))),
        lapse_days=lapse_days,
        chart=chart,
        role_titles={b.role_code: b.role_title for b in benches},
    )


def filter_candidates(candidates: Sequence[Any], q: str | None) -> list[Any]:
    if not q:
        return list(candidates)
    needle = q.lower()
    return [
        c for c in candidates if needle in c.name.lower() or needle in (c.department or "").lower()
    ]
