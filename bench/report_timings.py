"""Time the report PDFs: the individual readiness report and a 500-person team report.

    .venv/bin/python -m bench.report_timings [--people 500] [--runs 5] [--write]

Builds a throwaway SQLite database with the demo organisation (anchored on 2026-11-22) plus one
department of ``--people`` people (a CSM, one CSS per eleven people, the rest CSRs) inserted
with bulk Core inserts, then renders each report through the real routes (sign-in, policy,
queries, template, WeasyPrint) and reports the median of ``--runs`` runs. ``--write`` replaces
the "Reports" section of BENCHMARKS.md (other sections are left as they are). Timings belong
here, never in pass/fail tests (DESIGN.md principle 10).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ANCHOR = date(2026, 11, 22)
DEPARTMENT = ("BENCH", "Benchmark contact centre")
PASSWORD = "echelon-demo-2026"
ROOT = Path(__file__).resolve().parent.parent
KEPT = "<!-- Reports: the figures below are not written by bench.report_timings -->"


def build_department(db, people: int) -> int:  # type: ignore[no-untyped-def]
    """Insert the benchmark department: returns the number of people in it."""
    from sqlalchemy import insert, select

    from app.models import (
        BackgroundCheck,
        CheckType,
        Competency,
        CompetencyRating,
        Completion,
        Course,
        Department,
        Employee,
        JobRole,
    )

    dept = Department(code=DEPARTMENT[0], name=DEPARTMENT[1])
    db.session.add(dept)
    db.session.flush()
    role = dict(db.session.execute(select(JobRole.code, JobRole.id)).all())
    course = dict(db.session.execute(select(Course.code, Course.id)).all())
    check = dict(db.session.execute(select(CheckType.code, CheckType.id)).all())
    comp = dict(db.session.execute(select(Competency.code, Competency.id)).all())
    head = db.session.scalar(select(Employee.id).where(Employee.manager_id.is_(None)))
    start = db.session.scalar(select(Employee.id).order_by(Employee.id.desc())) + 1
    rows, completions, checks, ratings = [], [], [], []
    manager = start
    supervisors: list[int] = []
    for i in range(people):
        eid = start + i
        if i == 0:
            code, boss = "L3-CSM", head
        elif i % 11 == 1:
            code, boss = "L2-CSS", manager
            supervisors.append(eid)
        else:
            code, boss = "L1-CSR", supervisors[-1]
        rows.append(
            {
                "id": eid,
                "employee_no": f"BX{i:05d}",
                "email": f"bench{i}@example.com",
                "name": f"Bench Person {i:04d}",
                "hire_date": date(2020, 1, 1),
                "job_role_id": role[code],
                "role_since": ANCHOR - timedelta(days=120 + (i * 37) % 1200),
                "manager_id": boss,
                "department_id": dept.id,
                "status": "active",
                "version": 1,
            }
        )
        pci_lapses = ANCHOR + timedelta(days=(i * 7) % 400 - 40)
        for c, done, expires in (
            ("CS-FOUND", date(2021, 3, 1), None),
            ("PCI-AWARE", pci_lapses - timedelta(days=365), pci_lapses),
            ("HARASS-REF", date(2025, 6, 1), date(2027, 6, 1)),
        ):
            completions.append(
                {
                    "employee_id": eid,
                    "course_id": course[c],
                    "completed_on": done,
                    "expires_on": expires,
                    "verification": "verified",
                    "version": 1,
                }
            )
        if i % 3 == 0:
            completions.append(
                {
                    "employee_id": eid,
                    "course_id": course["SUP-101"],
                    "completed_on": date(2024, 5, 1),
                    "expires_on": None,
                    "verification": "verified",
                    "version": 1,
                }
            )
        for kind, valid in (("EMPLOYMENT", 30 + (i * 13) % 900), ("CRIMINAL", (i * 29) % 1000)):
            checks.append(
                {
                    "employee_id": eid,
                    "check_type_id": check[kind],
                    "consent_signed_on": date(2023, 1, 1),
                    "consent_form_version": "FCRA-2024-1",
                    "requested_on": date(2023, 1, 2),
                    "status": "clear",
                    "completed_on": date(2023, 1, 20),
                    "valid_until": ANCHOR + timedelta(days=valid - 60),
                    "version": 1,
                }
            )
        for k, c in enumerate(("PRODUCT", "COMPLAINT", "COACHING", "POLICY", "ORG-BEHAV")):
            ratings.append(
                {
                    "employee_id": eid,
                    "competency_id": comp[c],
                    "level": 1 + (i + k) % 4,
                    "rated_on": ANCHOR - timedelta(days=60),
                    "source": "manager",
                    "version": 1,
                }
            )
    db.session.execute(insert(Employee), rows)
    db.session.execute(insert(Completion), completions)
    db.session.execute(insert(BackgroundCheck), checks)
    db.session.execute(insert(CompetencyRating), ratings)
    db.session.commit()
    return people


def median_seconds(action, runs: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """Median wall-clock and CPU seconds of ``runs`` calls (the test client runs in-process,
    so CPU time is the server's work even when other processes share the machine)."""
    walls, cpus, size = [], [], 0
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        size = action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), size


Result = tuple[str, float, float, int, int]  # label, wall s, CPU s, bytes, PDF pages

PLAIN_COLUMNS = ("#", "Candidate", "Dept.", "Now", "Score", "Band", "Projected", "Why this band",
                 "Gates not met")  # fmt: skip


@dataclass
class SideBySide:
    """The team PDF and a plain WeasyPrint table of the same rows, CPU seconds per run."""

    rows: int
    team: list[float]  # the whole request: sign-in, queries, template, WeasyPrint
    weasyprint: list[float]  # of which WeasyPrint (render_pdf)
    plain: list[float]
    team_pages: int
    plain_pages: int

    def ratio(self, pick) -> float:  # type: ignore[no-untyped-def]
        return float(pick(self.team) / pick(self.plain))


def plain_table_html(csv_text: str, gates_shown: int) -> tuple[str, int]:
    """A plain HTML table of the team PDF's candidate rows: the columns of its main table, the
    cells as the PDF words them, and a minimal stylesheet (A4, one font, no app CSS)."""
    import csv
    import html
    import io

    cells = []
    for row in csv.DictReader(io.StringIO(csv_text)):
        gates = [g for g in row["gates_not_met"].split("; ") if g]
        more = f" and {len(gates) - gates_shown} more" if len(gates) > gates_shown else ""
        cells.append(
            (
                row["rank"],
                row["employee"],
                DEPARTMENT[0] if row["department"] == DEPARTMENT[1] else row["department"],
                row["current_role"] or "—",
                f"{float(row['score']):.1f}",
                row["band_label"],
                row["projected_ready_on"] or "—",
                row["band_reason"] or "—",
                (", ".join(gates[:gates_shown]) + more) or "—",
            )
        )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in PLAIN_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in cells
    )
    style = (
        "@page { size: A4; margin: 15mm; } body { font-family: 'DejaVu Sans', sans-serif; "
        "font-size: 8pt; } table { width: 100%; } th, td { text-align: left; vertical-align: top; }"
    )
    document = (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{style}</style></head><body>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )
    return document, len(cells)


def side_by_side(client, runs: int) -> SideBySide:  # type: ignore[no-untyped-def]
    """In the same run, alternately: the team PDF through its route, and WeasyPrint on a plain
    table of the same rows (so both see the same load)."""
    import io

    from pypdf import PdfReader

    from app.blueprints.reports.routes import GATES_SHOWN_IN_PDF
    from app.reports import pdf

    url = "/reports/team.pdf?department=BENCH"
    csv_text = client.get("/reports/team.csv?department=BENCH&table=candidates").get_data(True)
    plain, rows = plain_table_html(csv_text, GATES_SHOWN_IN_PDF)
    inner: list[float] = []
    render = pdf.render_pdf

    def timed_render(*args, **kwargs):  # type: ignore[no-untyped-def]
        cpu = time.process_time()
        try:
            return render(*args, **kwargs)
        finally:
            inner.append(time.process_time() - cpu)

    team, plain_cpu, team_data, plain_data = [], [], b"", b""
    pdf.render_pdf = timed_render  # type: ignore[assignment]
    try:
        for _ in range(runs):
            cpu = time.process_time()
            response = client.get(url)
            team.append(time.process_time() - cpu)
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            team_data = response.data
            cpu = time.process_time()
            plain_data = render(plain)
            plain_cpu.append(time.process_time() - cpu)
    finally:
        pdf.render_pdf = render  # type: ignore[assignment]
    return SideBySide(
        rows=rows,
        team=team,
        weasyprint=inner,
        plain=plain_cpu,
        team_pages=len(PdfReader(io.BytesIO(team_data)).pages),
        plain_pages=len(PdfReader(io.BytesIO(plain_data)).pages),
    )


def measure(people: int, runs: int) -> tuple[list[Result], SideBySide]:
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Employee
    from app.seed import demo

    workdir = Path(tempfile.mkdtemp(prefix="echelon-report-bench-"))
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
                "SECRET_KEY": "bench-only",
                "WTF_CSRF_ENABLED": False,
                "ECHELON_TODAY": ANCHOR.isoformat(),
                # The PDF is made in the request here: the same work a jobs worker does for a
                # report above JOBS_PDF_PEOPLE_THRESHOLD, timed without the queue around it.
                "JOBS_PDF_PEOPLE_THRESHOLD": 10**9,
                "JOBS_QUEUE_FILE": str(workdir / "queue.db"),
            }
        )
        with app.app_context():
            db.create_all()
            demo.seed(ANCHOR)
            build_department(db, people)
            maria = db.session.scalar(select(Employee.id).where(Employee.name == "Maria Lopez"))
            db.session.remove()
        client = app.test_client()
        hr = demo.LOGINS[2].email
        signed_in = client.post("/login", data={"email": hr, "password": PASSWORD})
        assert signed_in.status_code == 302, "sign-in failed"

        def fetch(url: str, kind: str):  # type: ignore[no-untyped-def]
            def run() -> int:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                assert kind in response.mimetype
                return len(response.data)

            return run

        def pages(url: str) -> int:
            import io

            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(client.get(url).data)).pages)

        cases = [
            ("Individual readiness report (Maria Lopez, L2-CSS)", f"/reports/readiness/{maria}"),
            (f"Team report, department of {people}", "/reports/team?department=BENCH"),
            (f"Compliance report, department of {people}", "/reports/compliance?department=BENCH"),
        ]
        results = []
        fetch(cases[0][1] + ".pdf", "pdf")()  # warm up fonts and templates
        for label, url in cases:
            base, _, query = url.partition("?")
            pdf_url = f"{base}.pdf" + (f"?{query}" if query else "")
            wall, cpu, size = median_seconds(fetch(pdf_url, "pdf"), runs)
            results.append((f"{label}: PDF", wall, cpu, size, pages(pdf_url)))
            wall, cpu, size = median_seconds(fetch(url, "html"), runs)
            results.append((f"{label}: HTML page", wall, cpu, size, 0))
        return results, side_by_side(client, runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def machine() -> str:
    cores = os.cpu_count() or 1
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, StopIteration, ValueError):
        pass
    python = platform.python_version()
    return f"{cores} cores{memory}, {platform.machine()}, Python {python}, SQLite"


def section(results: list[Result], side: SideBySide, people: int, runs: int, load: str) -> str:
    lines = [
        "## Reports",
        "",
        f"`python -m bench.report_timings --people {people} --runs {runs}` on {machine()}.",
        f"The demo organisation plus one department of {people} people (bulk inserted); each",
        "report is fetched through its route as hr (sign-in, policy, queries, template and, for",
        f"the PDF, WeasyPrint). Median of {runs} runs. CPU is the server's own work; wall-clock",
        f"also counts waiting for the processor (load average during the run: {load}).",
        "",
        "| report | wall-clock | CPU | size | PDF pages |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, wall, cpu, size, page_count in results:
        pages = str(page_count) if page_count else "—"
        lines.append(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {size / 1024:.0f} KiB | {pages} |")
    med, best = statistics.median, min
    lines += [
        "",
        f"Side by side, in the same run and alternately ({runs} runs each): the team PDF of",
        f"{people} through its route, and WeasyPrint on a plain HTML table of the same {side.rows}",
        "candidate rows (the columns of the PDF's main table, its cells worded as the PDF words",
        "them, a minimal stylesheet: A4, one font, no app CSS). CPU seconds:",
        "",
        "| | best | median | PDF pages |",
        "|---|---:|---:|---:|",
        f"| team PDF, whole request | {best(side.team):.2f} s | {med(side.team):.2f} s"
        f" | {side.team_pages} |",
        f"| of which WeasyPrint | {best(side.weasyprint):.2f} s | {med(side.weasyprint):.2f} s | |",
        f"| plain table of the same rows | {best(side.plain):.2f} s | {med(side.plain):.2f} s"
        f" | {side.plain_pages} |",
        f"| **team PDF ÷ plain table** | **{side.ratio(best):.2f}×** | **{side.ratio(med):.2f}×**"
        " | |",
        "",
        "A long PDF does not leave the page silent: its link shows a progress bar and the",
        "seconds elapsed while the PDF is made, then the download progress (static/js/reports.js;",
        "without JavaScript the link downloads directly). CSV tables stream row by row.",
        "",
    ]
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def write(text: str, path: Path = ROOT / "BENCHMARKS.md") -> None:
    """Replace the "## Reports" section of BENCHMARKS.md, keeping every other section and the
    part of this one below its KEPT line (the figures of bench.scale_requests and
    bench.queue_throughput, written from their own runs)."""
    current = path.read_text() if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^## Reports\n.*?(?=^{re.escape(KEPT)}|^## |\Z)", re.M | re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    before = load_average()
    results, side = measure(args.people, args.runs)
    load = f"{before} before, {load_average()} after"
    text = section(results, side, args.people, args.runs, load)
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
