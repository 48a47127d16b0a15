"""The team report's HTML page from stored readiness (issue 23).

``sources.team`` builds the whole report (every candidate evaluated) for the PDF and the CSV,
which keep every row. The page shows the same counts, gaps and lapses but only one page of
candidates per role, so it reads them from stored readiness (``services.readiness.stored``, as
the bench page does) and evaluates only the people on its pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app import clock
from app.models import Department, User
from app.pagination import Page
from app.reports import team as team_report
from app.reports.sources import TEAM_LAPSE_DAYS, TEAM_TOP_GAPS
from app.services import readiness as readiness_service
from app.services.readiness import bench
from app.services.readiness import stored as stored_readiness
from app.services.readiness import team_page as team_rows


@dataclass(frozen=True)
class CandidateScreen:
    """What the team page asks of each role's candidates: a search, a sort, one page."""

    q: str | None
    sort: str
    descending: bool
    pages: dict[str, int]  # role code -> page number
    per_page: int


def team_page(
    user: User,
    department: Department | None,
    as_of: date,
    *,
    scope: str,
    screen: CandidateScreen,
    limit: int | None = None,
) -> tuple[team_report.TeamReport, dict[str, Page]]:
    """The team report's HTML page from stored readiness (issue 23): the counts, gaps and
    lapses of everyone in scope as ``team`` computes them, and one page of candidates per role
    (only those evaluated afresh). The report's sections list no candidates: the pages do.
    More than ``limit`` stale people raise ``stored.Recomputing``, as the readiness pages do."""
    codes = bench.candidate_roles(readiness_service.load_catalogue())
    stored = stored_readiness.scope_for(
        user, department.code if department else None, codes, as_of, limit
    )
    benches = [
        bench.BenchStrength(
            role_code=rc.role_code,
            role_title=rc.role_title,
            as_of=as_of,
            counts_by_band=rc.counts_by_band,
            candidates=(),
            total=rc.total,
        )
        for rc in stored.role_counts()
    ]
    report = team_report.build_team_report(
        benches=benches,
        needs={code: stored.training_needs(code, TEAM_TOP_GAPS).gaps for code in codes},
        lapses=stored.lapses(),
        people=stored.people(),
        as_of=as_of,
        generated_on=clock.today(),
        scope=scope,
        lapse_days=TEAM_LAPSE_DAYS,
    )
    pages = {
        code: team_rows.candidate_page(
            stored,
            code,
            q=screen.q,
            sort=screen.sort,
            descending=screen.descending,
            page=screen.pages.get(code, 1),
            per_page=screen.per_page,
        )
        for code in codes
    }
    return report, pages
