"""CSV import and export (issue 3 "CSV import/export"): header variants and user mapping, a dry
run per row (create / update / refuse, with reasons), all-or-nothing apply, exports of the same
sets, and the `flask --app app import-csv KIND FILE [--dry-run]` command."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, CompetencyRating, Completion, Employee, RoleHistory, User
from app.services import csv_io


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def hr(db) -> User:
    return db.session.scalar(select(User).where(User.email == "hannah.reid@example.com"))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def numbers(db, *names: str) -> list[str]:
    return [person(db, n).employee_no for n in names]


# ---------------------------------------------------------------- header mapping


def test_common_header_variants_are_recognised():
    kind = csv_io.KINDS["completions"]
    mapping = csv_io.detect_mapping(kind, ["Emp #", "Course Code", "Date Completed", "Result"])
    assert mapping == {
        "employee": "Emp #",
        "course": "Course Code",
        "completed_on": "Date Completed",
        "score": "Result",
    }
    employees = csv_io.detect_mapping(
        csv_io.KINDS["employees"],
        ["Staff ID", "Full Name", "E-mail", "Start Date", "Job Code", "Reports To", "Dept"],
    )
    assert employees["employee_no"] == "Staff ID" and employees["hire_date"] == "Start Date"
    assert employees["manager"] == "Reports To" and employees["role"] == "Job Code"


def test_a_file_with_wrong_columns_is_refused_until_the_user_maps_them(demo_db):
    (maria_no,) = numbers(demo_db, "Maria Lopez")
    data = f"who,what,when\n{maria_no},HARASS-REF,2026-11-01\n"
    report = csv_io.run_import("completions", data, actor=hr(demo_db))
    assert not report.ok and report.rows == []
    assert set(report.errors) == {"employee", "course", "completed_on"}
    assert "choose the column" in report.errors["course"][0]

    mapped = csv_io.run_import(
        "completions",
        data,
        mapping={"employee": "who", "course": "what", "completed_on": "when"},
        actor=hr(demo_db),
    )
    assert mapped.ok and mapped.counts["create"] == 1

    bad = csv_io.run_import(
        "completions", data, mapping={"employee": "nope", "course": "who"}, actor=hr(demo_db)
    )
    assert "no column 'nope'" in bad.errors["employee"][0]


# ---------------------------------------------------------------- dry run and all or nothing


def test_the_dry_run_reports_each_row_and_changes_nothing(demo_db):
    maria_no, grace_no = numbers(demo_db, "Maria Lopez", "Grace Okafor")
    maria = person(demo_db, "Maria Lopez")
    existing = demo_db.session.scalar(
        select(Completion).where(Completion.employee_id == maria.id).order_by(Completion.id)
    )
    data = (
        "Employee,Course,Completed on,Score\n"
        f"{maria_no},HARASS-REF,2026-11-01,\n"  # create
        f"{maria_no},{existing.course.code},{existing.completed_on.isoformat()},\n"  # unchanged
        f"{grace_no},NO-SUCH,2026-11-01,\n"  # refuse: unknown code
        f"{grace_no},PCI-AWARE,01/11/2026,\n"  # refuse: bad date
        f"E9999,PCI-AWARE,2026-11-01,\n"  # refuse: unknown person
        f"{grace_no},PCI-AWARE,2026-12-01,\n"  # refuse: in the future
        f"{maria.email},SUP-REF,2026-10-01,95\n"  # create, person by email
    )
    completions, audits = count(demo_db, Completion), count(demo_db, AuditEntry)
    report = csv_io.run_import("completions", data, actor=hr(demo_db))
    assert [r.action for r in report.rows] == [
        "create",
        "unchanged",
        "refuse",
        "refuse",
        "refuse",
        "refuse",
        "create",
    ]
    assert [r.line for r in report.rows] == [2, 3, 4, 5, 6, 7, 8]
    reasons = {r.line: " ".join(r.messages) for r in report.rows}
    assert "There is no course with the code 'NO-SUCH'" in reasons[4]
    assert "Completed on: '01/11/2026' is not a date (expected YYYY-MM-DD;" in reasons[5]
    assert "there is no employee 'E9999'" in reasons[6]
    assert "cannot be in the future" in reasons[7]
    assert report.counts == {"create": 2, "update": 0, "unchanged": 1, "refuse": 4}
    assert not report.applied
    assert count(demo_db, Completion) == completions and count(demo_db, AuditEntry) == audits


def test_the_import_is_all_or_nothing(demo_db):
    maria_no, grace_no = numbers(demo_db, "Maria Lopez", "Grace Okafor")
    data = (
        "employee,course,completed_on\n"
        f"{maria_no},HARASS-REF,2026-11-01\n"
        f"{grace_no},HARASS-REF,2026-31-01\n"
    )
    before = count(demo_db, Completion)
    report = csv_io.run_import("completions", data, apply=True, actor=hr(demo_db))
    assert not report.applied and report.counts["refuse"] == 1
    assert count(demo_db, Completion) == before  # the good row was not written either

    fixed = data.replace("2026-31-01", "2026-01-31")
    report = csv_io.run_import("completions", fixed, apply=True, actor=hr(demo_db))
    assert report.applied and report.counts["create"] == 2
    demo_db.session.expire_all()
    assert count(demo_db, Completion) == before + 2
    grace = person(demo_db, "Grace Okafor")
    row = demo_db.session.scalar(
        select(Completion).where(
            Completion.employee_id == grace.id, Completion.completed_on == date(2026, 1, 31)
        )
    )
    assert row.expires_on == date(2028, 1, 31) and row.verification == "verified"


def test_date_formats_of_legacy_spreadsheets(demo_db):
    (maria_no,) = numbers(demo_db, "Maria Lopez")
    data = f"employee;course;completed_on\n{maria_no};HARASS-REF;31/10/2026\n"  # semicolons
    assert not csv_io.run_import("completions", data, actor=hr(demo_db)).ok
    report = csv_io.run_import("completions", data, date_format="eu", apply=True, actor=hr(demo_db))
    assert report.applied
    us = f"employee,course,completed_on\n{maria_no},PCI-AWARE,10/31/2026\n"
    assert csv_io.run_import("completions", us, date_format="us", actor=hr(demo_db)).ok


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"employee,course,completed_on\n", "no data rows"),
        (b"%PDF-1.4\x00\x00binary", "not a text CSV file"),
        (b'employee,course,completed_on\n"E1,PCI', None),
    ],
)
def test_files_that_are_not_csv_are_refused(demo_db, data, message):
    report = csv_io.run_import("completions", data, actor=hr(demo_db))
    assert not report.ok
    if message:
        assert message in " ".join(report.file_errors)


def test_a_row_with_extra_values_is_refused(demo_db):
    (maria_no,) = numbers(demo_db, "Maria Lopez")
    data = f"employee,course,completed_on\n{maria_no},HARASS-REF,2026-11-01,oops\n"
    report = csv_io.run_import("completions", data, actor=hr(demo_db))
    assert report.rows[0].action == "refuse" and "stray separator" in report.rows[0].messages[0]


# ---------------------------------------------------------------- employees and ratings


def test_employees_are_created_and_updated_with_managers_from_the_same_file(demo_db):
    maria = person(demo_db, "Maria Lopez")
    data = (
        "Emp #,Name,Email,Hire date,Role,In role since,Manager,Department,Jurisdiction\n"
        "E9100,Nora Quinn,nora.quinn@example.com,2026-01-05,L2-CSS,2026-01-05,"
        f"{person(demo_db, 'Sam Rivera').employee_no},CS-NORTH,US-WA\n"
        "E9101,Owen Park,owen.park@example.com,2026-02-01,L1-CSR,,E9100,CS-NORTH,US-WA\n"
        f"{maria.employee_no},Maria Lopez,{maria.email},{maria.hire_date.isoformat()},L2-CSS,"
        "2026-11-01,E9100,,\n"
    )
    report = csv_io.run_import("employees", data, apply=True, actor=hr(demo_db))
    assert report.applied, [r.messages for r in report.rows]
    assert [r.action for r in report.rows] == ["create", "create", "update"]
    assert "role" in report.rows[2].messages[0] and "manager" in report.rows[2].messages[0]
    demo_db.session.expire_all()
    owen = person(demo_db, "Owen Park")
    assert owen.manager.employee_no == "E9100" and owen.role_since == date(2026, 2, 1)
    maria = person(demo_db, "Maria Lopez")
    assert maria.job_role.code == "L2-CSS" and maria.manager.name == "Nora Quinn"
    roles = demo_db.session.scalars(
        select(RoleHistory).where(RoleHistory.employee_id == maria.id)
    ).all()
    assert sorted(r.job_role.code for r in roles) == ["L1-CSR", "L2-CSS"]  # the old role stays

    again = csv_io.run_import("employees", data, actor=hr(demo_db))
    assert [r.action for r in again.rows] == ["unchanged", "unchanged", "unchanged"]


def test_bad_employee_rows_say_why(demo_db):
    maria = person(demo_db, "Maria Lopez")
    data = (
        "employee_no,name,email,hire_date,role,status\n"
        "E9200,Ann Lee,not-an-email,2026-01-05,L1-CSR,active\n"
        "E9201,Bo Chan,bo@example.com,2026-01-05,L7-XYZ,active\n"
        f"E9202,Cy Dee,{maria.email},2026-01-05,,active\n"
        "E9203,Di Eng,di@example.com,2026-01-05,,terminated\n"
        "E9204,,ed@example.com,,,\n"
    )
    report = csv_io.run_import("employees", data, actor=hr(demo_db))
    reasons = [" ".join(r.messages) for r in report.rows]
    assert all(r.action == "refuse" for r in report.rows)
    assert "Email:" in reasons[0] and "Job role code: There is no job role" in reasons[1]
    assert "already the email of Maria Lopez" in reasons[2]
    assert "termination" in reasons[3]
    assert "Name: Enter the name." in reasons[4] and "Hire date" in reasons[4]


def test_ratings_import_defaults_to_manager_and_self_ratings_stay_self(demo_db):
    maria = person(demo_db, "Maria Lopez")
    data = (
        "Staff ID,Skill,Rating,Date,Rated by,Comments\n"
        f"{maria.employee_no},ORG-BEHAV,2,2026-11-01,,Quarterly review\n"
        f"{maria.employee_no},HR-BASICS,4,2026-11-01,self,\n"
        f"{maria.employee_no},HR-BASICS,7,2026-11-01,manager,\n"
        f"{maria.employee_no},JUGGLING,2,2026-11-01,manager,\n"
    )
    report = csv_io.run_import("ratings", data, actor=hr(demo_db))
    assert [r.action for r in report.rows] == ["create", "create", "refuse", "refuse"]
    assert "Level (0-5): The level must be from 0 to 5" in report.rows[2].messages[0]
    assert "Competency code: There is no competency" in report.rows[3].messages[0]
    good = "\n".join(data.splitlines()[:3]) + "\n"
    assert csv_io.run_import("ratings", good, apply=True, actor=hr(demo_db)).applied
    demo_db.session.expire_all()
    sources = dict(
        demo_db.session.execute(
            select(CompetencyRating.evidence, CompetencyRating.source).where(
                CompetencyRating.employee_id == maria.id,
                CompetencyRating.rated_on == date(2026, 11, 1),
            )
        ).all()
    )
    assert sources == {"Quarterly review": "manager", None: "self"}
    changed = good.replace("ORG-BEHAV,2,", "ORG-BEHAV,3,")
    assert [r.action for r in csv_io.run_import("ratings", changed, actor=hr(demo_db)).rows] == [
        "update",
        "unchanged",
    ]


def test_only_hr_imports(demo_db):
    sam = demo_db.session.scalar(select(User).where(User.email == "sam.rivera@example.com"))
    from app.services.records import RecordForbidden

    with pytest.raises(RecordForbidden):
        csv_io.run_import("ratings", "employee,competency,level,rated_on\n", actor=sam)


# ---------------------------------------------------------------- export


def test_an_export_imports_again_unchanged(demo_db):
    for kind in ("completions", "ratings", "employees"):
        text = csv_io.export_csv(kind)
        report = csv_io.run_import(kind, text, actor=hr(demo_db))
        assert report.ok, (kind, [r.messages for r in report.rows if r.action == "refuse"][:3])
        assert set(report.counts) and report.counts["create"] == 0
        assert report.counts["update"] == 0 and report.counts["unchanged"] == len(report.rows)


def test_exports_never_carry_spreadsheet_formulas(demo_db):
    maria = person(demo_db, "Maria Lopez")
    maria.name = '=HYPERLINK("http://evil.example","x")'
    demo_db.session.commit()
    text = csv_io.export_csv("employees")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_export_pages_are_for_hr(login_as):
    response = login_as("hr").get("/records/export/completions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.get_data(as_text=True).startswith("employee,employee_name,course")
    for who in ("manager", "employee", "finance"):
        assert login_as(who).get("/records/export/completions.csv").status_code == 403
    assert login_as("hr").get("/records/export/salaries.csv").status_code == 404


# ---------------------------------------------------------------- command line


def test_the_import_csv_command(runner, demo_db, tmp_path):
    (maria_no,) = numbers(demo_db, "Maria Lopez")
    path = tmp_path / "legacy.csv"
    path.write_text(f"Emp No,Training,Date\n{maria_no},HARASS-REF,2026-11-01\n")
    before = count(demo_db, Completion)

    dry = runner.invoke(args=["import-csv", "completions", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "line 2: create" in dry.output and "Dry run, nothing was changed" in dry.output
    demo_db.session.expire_all()
    assert count(demo_db, Completion) == before

    applied = runner.invoke(args=["import-csv", "completions", str(path)])
    assert applied.exit_code == 0 and "Imported." in applied.output
    demo_db.session.expire_all()
    assert count(demo_db, Completion) == before + 1

    path.write_text(f"who,training,date\n{maria_no},HARASS-REF,2026-11-02\n")
    refused = runner.invoke(args=["import-csv", "completions", str(path)])
    assert refused.exit_code == 1 and "no column for Employee" in refused.output
    mapped = runner.invoke(args=["import-csv", "completions", str(path), "--map", "employee=who"])
    assert mapped.exit_code == 0, mapped.output
    audit = demo_db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.table_name == "completions")
        .order_by(AuditEntry.id.desc())
    )
    assert audit.actor == "cli:import-csv"


# ---------------------------------------------------------------- the web flow


def test_upload_map_dry_run_and_apply_in_the_browser(login_as, demo_db):
    maria_no, grace_no = numbers(demo_db, "Maria Lopez", "Grace Okafor")
    client = login_as("hr")
    data = (
        f"who,Course,Date Completed\n{maria_no},HARASS-REF,2026-11-01\n{grace_no},XX,2026-11-01\n"
    )
    response = client.post(
        "/records/import",
        data={
            "kind": "completions",
            "date_format": "iso",
            "file": (io.BytesIO(data.encode()), "legacy.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    review_url = response.headers["Location"]
    page = client.get(review_url).get_data(as_text=True)
    assert "The file has no column for Employee" in page  # "who" is not a known header
    assert "Apply the import" not in page

    mapping = {
        "map_employee": "who",
        "map_course": "Course",
        "map_completed_on": "Date Completed",
        "map_score": "",
        "date_format": "iso",
    }
    checked = client.post(review_url, data=mapping)
    page = checked.get_data(as_text=True)
    assert checked.status_code == 422 and "There is no course with the code" in page
    assert "Apply the import" not in page
    before = count(demo_db, Completion)
    refused = client.post(review_url + "/apply", data=mapping)
    assert refused.status_code == 422 and "Nothing was imported" in refused.get_data(as_text=True)
    demo_db.session.expire_all()
    assert count(demo_db, Completion) == before

    # A corrected file: upload again, map, apply.
    good = data.replace(f"{grace_no},XX,", f"{grace_no},PCI-AWARE,")
    response = client.post(
        "/records/import",
        data={
            "kind": "completions",
            "date_format": "iso",
            "file": (io.BytesIO(good.encode()), "legacy.csv"),
        },
        content_type="multipart/form-data",
    )
    review_url = response.headers["Location"]
    checked = client.post(review_url, data=mapping)
    assert checked.status_code == 200 and "Apply the import" in checked.get_data(as_text=True)
    applied = client.post(review_url + "/apply", data=mapping)
    assert applied.status_code == 302
    demo_db.session.expire_all()
    assert count(demo_db, Completion) == before + 2
    assert client.get(review_url).status_code == 404  # the staged file is gone
    # a staged file opens only for the hr person who uploaded it
    response = client.post(
        "/records/import",
        data={
            "kind": "completions",
            "date_format": "iso",
            "file": (io.BytesIO(good.encode()), "legacy.csv"),
        },
        content_type="multipart/form-data",
    )
    from app.services.accounts import create_user

    create_user("owen.blake@example.com", "second-hr-pass", ["hr"])
    demo_db.session.commit()
    other_hr = login_as("owen.blake@example.com", "second-hr-pass")
    assert other_hr.get(response.headers["Location"]).status_code == 404
    assert login_as("employee").get(response.headers["Location"]).status_code == 403


def test_uploading_something_that_is_not_csv_is_refused(login_as):
    response = login_as("hr").post(
        "/records/import",
        data={
            "kind": "employees",
            "date_format": "iso",
            "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a text CSV file" in response.get_data(as_text=True)
