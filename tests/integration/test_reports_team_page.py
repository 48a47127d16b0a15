"""The team report's HTML page reads stored readiness (issue 23): what it shows equals the full
report (its CSV tables), page by page, whatever the search and sort."""

from __future__ import annotations

import csv
import html
import io
import re

from tests.integration.reports_support import add_people, fresh_request_state

ROLES = ("L2-CSS", "L3-CSM")


def csv_rows(client, url: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _text(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def page_rows(page: str, role: str) -> list[list[str]]:
    """The candidate rows of one role's table on the page: the text of each cell."""
    section = page.split(f'id="rp-role-{role}"', 1)[1].split("<h3>", 1)[0]
    body = section.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in section else ""
    return [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def every_page(client, url: str, role: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    found: list[list[str]] = []
    for number in range(1, 50):
        response = client.get(f"{url}&page_{role}={number}&per_page=20")
        assert response.status_code == 200
        rows = page_rows(response.get_data(as_text=True), role)
        if not rows:
            return found
        found += rows
    raise AssertionError("more pages than expected")


def expected(rows: list[dict[str, str]]) -> list[tuple[str, str, str, str]]:
    return [
        (r["employee"], r["projected_ready_on"] or "—", r["band_reason"] or "—", r["score"])
        for r in rows
    ]


def shown(rows: list[list[str]]) -> list[tuple[str, str, str, str]]:
    # cells: rank, name, dept, current role, score, band, projected, why, gates
    return [(r[1], r[6], r[7], r[4].removesuffix(".0")) for r in rows]


def test_every_page_of_candidates_equals_the_full_report(demo_db, login_as):
    add_people(demo_db, 45, department="CS-NORTH", manager="Daniel Kim")
    fresh_request_state(demo_db)
    client = login_as("hr")
    candidates = csv_rows(client, "/reports/team.csv?table=candidates")
    for role in ROLES:
        mine = [r for r in candidates if r["target_role"] == role]
        assert len(mine) > 40
        rows = every_page(client, "/reports/team?sort=score", role)
        assert shown(rows) == expected(mine)
        assert [r[0] for r in rows] == [str(n) for n in range(1, len(mine) + 1)]
        by_name = every_page(client, "/reports/team?sort=name&dir=desc", role)
        assert [r[1].lower() for r in by_name] == sorted(
            (r["employee"].lower() for r in mine), reverse=True
        )
        assert sorted(shown(by_name)) == sorted(expected(mine))
        later = every_page(client, "/reports/team?sort=projected", role)
        dates = [r[6] for r in later if r[6] != "—"]
        assert dates == sorted(dates)
        assert [r[6] for r in later[: len(dates)]] == dates  # no projection last
        assert sorted(shown(later)) == sorted(expected(mine))


def test_search_matches_name_or_department_as_the_full_list_does(demo_db, login_as):
    client = login_as("manager")
    candidates = csv_rows(client, "/reports/team.csv?table=candidates")
    for q in ("maria", "NORTH", "zzz"):
        for role in ROLES:
            mine = [
                r
                for r in candidates
                if r["target_role"] == role
                and (q.lower() in r["employee"].lower() or q.lower() in r["department"].lower())
            ]
            rows = every_page(client, f"/reports/team?q={q}", role)
            assert shown(rows) == expected(mine), (q, role)
    assert "No candidate for L2-CSS matches" in client.get("/reports/team?q=zzz").get_data(
        as_text=True
    )


def test_the_summary_counts_equal_the_full_report(demo_db, login_as):
    add_people(demo_db, 30, department="CS-NORTH", manager="Grace Okafor")
    fresh_request_state(demo_db)
    for persona in ("hr", "manager"):
        client = login_as(persona)
        candidates = csv_rows(client, "/reports/team.csv?table=candidates")
        lapses = csv_rows(client, "/reports/team.csv?table=lapses")
        gaps = csv_rows(client, "/reports/team.csv?table=gaps")
        page = client.get("/reports/team").get_data(as_text=True)
        text = _text(page)
        for role in ROLES:
            mine = [r for r in candidates if r["target_role"] == role]
            ready = sum(r["band"] == "ready_now" for r in mine)
            assert f"{ready} of {len(mine)} ready now for {role}" in text, (persona, role)
            section = _text(page.split(f'id="rp-role-{role}"', 1)[1].split("</section>", 1)[0])
            for gap in (g for g in gaps if g["target_role"] == role):
                assert f"{gap['gap']}" in section and f"{gap['share_pct']}%" in section
        assert f"{len(lapses)} lapsing within 90 days" in text, persona
        lapse_section = _text(page.split('id="rp-lapse-h"', 1)[1].split("</section>", 1)[0])
        for lapse in lapses:
            assert lapse["employee"] in lapse_section


def test_the_page_runs_the_same_number_of_queries_for_a_larger_team(
    demo_db, login_as, count_queries
):
    """DESIGN.md Bulk first: counts, gaps, lapses and a page per role in fixed queries."""
    client = login_as("manager")
    client.get("/reports/team")
    with count_queries() as few:
        small = client.get("/reports/team").get_data(as_text=True)
    add_people(demo_db, 120, department="CS-NORTH", manager="Grace Okafor")
    fresh_request_state(demo_db)
    client.get("/reports/team")
    with count_queries() as many:
        large = client.get("/reports/team").get_data(as_text=True)
    assert len(page_rows(large, "L2-CSS")) == 50 > len(page_rows(small, "L2-CSS"))
    assert few() == many()
