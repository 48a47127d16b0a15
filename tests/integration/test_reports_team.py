"""The team bench-strength and succession report: HTML page, PDF, CSV, scope, query budget.

Issue 7: counts by band for each target role as a chart; the candidate list; per role the top
gaps across the team; what lapses in the next 90 days. Managers for their part of the
organisation, hr for any department.
"""

from __future__ import annotations

import csv
import io

from tests.integration.reports_support import add_people, fresh_request_state, pdf_pages, pdf_text


def rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_managers_team_report_as_a_pdf(demo_db, login_as):
    response = login_as("manager").get("/reports/team.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    for expected in (
        "Team bench strength and succession",
        "Team of Sam Rivera",
        "Candidates by band for each target role",
        "Candidates for Customer Service Supervisor (L2-CSS)",
        "Candidates for Customer Service Manager (L3-CSM)",
        "Top gaps across the team for L2-CSS",
        "Lapsing in the next 90 days",
        "Maria Lopez",
        "PCI DSS awareness (yearly)",  # her failed gate, named in the candidate list
    ):
        assert expected in text, expected
    assert "collections" not in text  # docs/RULES.md: findings never reach a manager
    assert len(pages) >= 2
    assert all(f"of {len(pages)}" in page for page in pages)
    assert "Candidate" in pages[1] and "Score" in pages[1]  # the header repeats


def test_candidates_are_ranked_with_their_band_and_failed_gates(demo_db, login_as):
    candidates = rows(login_as("manager").get("/reports/team.csv?table=candidates"))
    l2 = [c for c in candidates if c["target_role"] == "L2-CSS"]
    assert [float(c["score"]) for c in l2] == sorted((float(c["score"]) for c in l2), reverse=True)
    maria = next(c for c in l2 if c["employee"] == "Maria Lopez")
    assert (maria["score"], maria["band"]) == ("80", "ready_6m")
    assert maria["gates_not_met"] == "PCI DSS awareness (yearly)"
    names = {c["employee"] for c in candidates}
    assert "Nina Petrova" not in names  # a supervisor in Contact Centre South
    gaps = rows(login_as("manager").get("/reports/team.csv?table=gaps"))
    assert {g["target_role"] for g in gaps} == {"L2-CSS", "L3-CSM"}
    assert all(int(g["people"]) > 0 for g in gaps)


def test_hr_may_choose_any_department(demo_db, login_as):
    client = login_as("hr")
    south = rows(client.get("/reports/team.csv?table=candidates&department=CS-SOUTH"))
    names = {c["employee"] for c in south}
    assert "Nina Petrova" in names and "Maria Lopez" not in names
    page = client.get("/reports/team?department=CS-SOUTH").get_data(as_text=True)
    assert "Contact Centre South" in page


def test_the_page_has_chart_tables_search_and_downloads(demo_db, login_as):
    client = login_as("manager")
    page = client.get("/reports/team").get_data(as_text=True)
    for expected in ('role="img"', "Download PDF", "CSV: candidates", "Succession risk"):
        assert expected in page, expected
    found = client.get("/reports/team?q=maria").get_data(as_text=True)
    assert ">Maria Lopez</a>" in found and ">Casey Smith</a>" not in found  # candidate links
    assert 'style="' not in page


def test_only_hr_and_managers_may_open_it_and_bad_input_is_explained(demo_db, login_as):
    for persona in ("employee", "finance", "admin"):
        assert login_as(persona).get("/reports/team").status_code == 403
    response = login_as("hr").get("/reports/team.pdf?department=MOON")
    assert response.status_code == 400
    assert "There is no department" in response.get_data(as_text=True)


def test_a_large_team_runs_the_same_number_of_queries(demo_db, login_as, count_queries):
    """DESIGN.md Bulk first; the bench service answers with fixed queries whatever the size."""
    client = login_as("manager")
    url = "/reports/team.csv?table=candidates"
    client.get(url)
    with count_queries() as few:
        small = rows(client.get(url))
    add_people(demo_db, 120, department="CS-NORTH", manager="Grace Okafor")
    fresh_request_state(demo_db)
    client.get(url)
    with count_queries() as many:
        large = rows(client.get(url))
    assert len(large) >= len(small) + 240  # each newcomer is a candidate for L2 and L3
    assert few() == many()
    assert "collections" not in pdf_text(client.get("/reports/team.pdf").data)


def test_each_role_pages_its_own_candidates(demo_db, login_as):
    add_people(demo_db, 60, department="CS-NORTH", manager="Daniel Kim")
    fresh_request_state(demo_db)
    client = login_as("manager")
    first = client.get("/reports/team").get_data(as_text=True)
    assert "page_L2-CSS=2" in first and "page_L3-CSM=2" in first
    second = client.get("/reports/team?page_L2-CSS=2").get_data(as_text=True)
    assert "page 2 of 2" in second
    assert ">51</td>" in second.replace('<td class="num">', ">")  # ranks continue on page 2
    bad = client.get("/reports/team?page_L2-CSS=zebra")
    assert bad.status_code == 200 and "page 1 of 2" in bad.get_data(as_text=True)
