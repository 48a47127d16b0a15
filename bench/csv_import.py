"""Time the CSV import (SECURITY.md finding 7): dry run and apply, 1,000 and 10,000 rows.

    .venv/bin/python -m bench.csv_import [--rows 1000 10000] [--repeat 3]

Each size runs on a fresh throwaway SQLite database with the demo organisation (anchored on
2026-11-22), through ``csv_io.run_import`` as hr, the function the import page, the command
line and the import job call: first a dry run of a file of new people (every tenth leads the next
nine, so the reporting lines point into the file), then the apply of the same file, then a dry
run and an apply of the same people changed (a new name and department for everyone), then a
completion and a rating for each of them, dry run and apply, and last a file of assignment
rules (two for each of ``rows // 100`` new courses). Besides wall-clock and CPU it counts the
SQL statements each run sent. Each size runs ``--repeat`` times, each on a fresh database; the
best wall-clock and the best CPU time of the repeats are shown, with the load average before
the first. Timings belong here, never in pass/fail tests (DESIGN.md principle 10).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event

ANCHOR = date(2026, 11, 22)
HEADER = "employee_no,name,email,hire_date,role,role_since,manager,department,jurisdiction\n"


def people_file(rows: int, manager: str, name: str = "Person", dept: str = "CS-NORTH") -> str:
    lines = [HEADER]
    for n in range(100_000, 100_000 + rows):
        lead = f"E{n - n % 10}" if n % 10 else manager
        role = "L1-CSR" if n % 10 else "L2-CSS"
        lines.append(
            f"E{n},{name} {n},person.{n}@example.com,2025-03-01,{role},2025-03-01,{lead},"
            f"{dept},US-WA\n"
        )
    return "".join(lines)


def rules_courses(count: int) -> list[str]:
    """``count`` new courses for the rules file to require."""
    from app.extensions import db
    from app.models import Course

    codes = [f"BENCH-{n}" for n in range(count)]
    db.session.add_all(
        Course(code=code, title=f"Bench {code}", category="compliance", validity_months=12)
        for code in codes
    )
    db.session.commit()
    return codes


def measure(rows: int) -> list[tuple[str, float, float, int, str]]:
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Department, Employee, User
    from app.seed import demo
    from app.services import csv_io

    workdir = Path(tempfile.mkdtemp(prefix="echelon-import-bench-"))
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
                "SECRET_KEY": "bench-only",
                "ECHELON_TODAY": ANCHOR.isoformat(),
                "JOBS_QUEUE_FILE": str(workdir / "queue.db"),
            }
        )
        results = []
        with app.app_context():
            db.create_all()
            demo.seed(ANCHOR)
            hr = db.session.scalar(select(User).where(User.email == demo.LOGINS[2].email))
            sam = db.session.scalar(select(Employee).where(Employee.name == "Sam Rivera"))
            other = db.session.scalars(select(Department.code)).all()[-1]
            new = people_file(rows, sam.employee_no)
            changed = people_file(rows, sam.employee_no, "Renamed", other)
            statements: list[int] = [0]

            def count(*_args: object) -> None:
                statements[0] += 1

            event.listen(db.engine, "before_cursor_execute", count)
            courses = rules_courses(rows // 100)
            rules = "Job role,Course,Departments,Due days,Due date\n" + "".join(
                f"L1-CSR,{code},CS-NORTH;CS-SOUTH,30,\nL2-CSS,{code},,,2099-01-31\n"
                for code in courses
            )
            done = "employee,course,completed_on,score\n" + "".join(
                f"E{n},ORG-101,2026-01-05,{70 + n % 30}\n" for n in range(100_000, 100_000 + rows)
            )
            rated = "employee,competency,level,rated_on,source\n" + "".join(
                f"E{n},ORG-BEHAV,{n % 6},2026-01-05,manager\n"
                for n in range(100_000, 100_000 + rows)
            )
            for label, kind, data, apply in (
                ("dry run, new people", "employees", new, False),
                ("apply, new people", "employees", new, True),
                ("dry run, everyone changed", "employees", changed, False),
                ("apply, everyone changed", "employees", changed, True),
                ("dry run, a completion each", "completions", done, False),
                ("apply, a completion each", "completions", done, True),
                ("dry run, a rating each", "ratings", rated, False),
                ("apply, a rating each", "ratings", rated, True),
                (f"dry run, {2 * len(courses)} assignment rules", "assignment_rules", rules, False),
                (f"apply, {2 * len(courses)} assignment rules", "assignment_rules", rules, True),
            ):
                statements[0] = 0
                hr = db.session.scalar(select(User).where(User.email == demo.LOGINS[2].email))
                started, cpu = time.perf_counter(), time.process_time()
                report = csv_io.run_import(kind, data, apply=apply, actor=hr)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                counts = report.counts
                outcome = (
                    f"{counts['create']} create, {counts['update']} update, "
                    f"{counts['refuse']} refused" + (", applied" if report.applied else "")
                )
                results.append((label, wall, cpu, statements[0], outcome))
                db.session.remove()
            event.remove(db.engine, "before_cursor_execute", count)
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def best(rows: int, repeat: int) -> list[tuple[str, float, float, int, str]]:
    """Each run's best wall-clock and best CPU time over ``repeat`` fresh databases."""
    runs = [measure(rows) for _ in range(repeat)]
    return [
        (
            first[0],
            min(run[i][1] for run in runs),
            min(run[i][2] for run in runs),
            first[3],
            first[4],
        )
        for i, first in enumerate(runs[0])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| rows | run | wall-clock | CPU | SQL statements | outcome |")
    print("|---:|---|---:|---:|---:|---|")
    for rows in args.rows:
        load = os.getloadavg()[0]
        for label, wall, cpu, statements, outcome in best(rows, args.repeat):
            print(
                f"| {rows:,} | {label} | {wall:.2f} s | {cpu:.2f} s | {statements:,} | {outcome} |"
            )
        print(f"(best of {args.repeat}; load average {load:.1f} before {rows:,} rows)")


if __name__ == "__main__":
    main()
