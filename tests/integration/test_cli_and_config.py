"""Command-line set-up and configuration layering."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app import create_app
from app.config import normalise_database_url
from app.models import Employee, JobRole, User


def test_create_user_links_to_an_existing_employee(demo_app, demo_db):
    runner = demo_app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "grace.okafor@example.com",
            "--password",
            "a-long-password",
            "--role",
            "hr",
        ]
    )
    assert result.exit_code == 0, result.output
    user = demo_db.session.scalar(select(User).where(User.email == "grace.okafor@example.com"))
    assert user.employee.name == "Grace Okafor"
    assert user.app_roles == {"employee", "hr"}


def test_create_user_makes_an_employee_when_none_exists(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "new.person@example.com",
            "--password",
            "a-long-password",
            "--role",
            "admin",
            "--name",
            "New Person",
        ]
    )
    assert result.exit_code == 0, result.output
    employee = db.session.scalar(select(Employee).where(Employee.email == "new.person@example.com"))
    assert employee.name == "New Person" and employee.job_role_id is None
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "new.person@example.com", "password": "a-long-password"}
    )
    assert response.status_code == 302


def test_create_user_refuses_bad_input_and_changes_nothing(app, db):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-user", "x@example.com", "--password", "short"])
    assert short.exit_code != 0 and "at least" in short.output
    role = runner.invoke(
        args=["create-user", "x@example.com", "--password", "long-enough-pw", "--role", "superuser"]
    )
    assert role.exit_code != 0 and "Unknown app role" in role.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Employee.id))) == 0


def test_seed_demo_is_safe_to_run_twice(demo_app, demo_db):
    before = demo_db.session.scalar(select(func.count(Employee.id)))
    result = demo_app.test_cli_runner().invoke(args=["seed-demo"])
    assert "already loaded" in result.output
    assert demo_db.session.scalar(select(func.count(Employee.id))) == before
    assert 55 <= before <= 70
    assert demo_db.session.scalar(select(func.count(JobRole.id))) == 3


def test_seed_demo_ends_with_the_address_the_logins_and_the_password(demo_app, demo_db):
    output = demo_app.test_cli_runner().invoke(args=["seed-demo"]).output
    assert "Open http://127.0.0.1:5000 and sign in" in output
    assert "password echelon-demo-2026" in output
    for email in ("maria.lopez@example.com", "sam.rivera@example.com", "hannah.reid@example.com"):
        assert email in output
    assert "README" not in output


def test_secret_key_is_generated_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("flask.Flask.instance_path", str(tmp_path), raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db"})
    key_file = Path(first.instance_path) / "secret_key"
    assert key_file.exists()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 32


def test_environment_overrides_the_defaults(tmp_path, monkeypatch):
    monkeypatch.setattr("flask.Flask.instance_path", str(tmp_path), raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:1/x")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:1/x"
    assert app.config["SECRET_KEY"] == "from-env"


def test_database_urls_use_psycopg_3():
    assert normalise_database_url("postgres://a@h/d") == "postgresql+psycopg://a@h/d"
    assert normalise_database_url("postgresql+psycopg://a@h/d") == "postgresql+psycopg://a@h/d"
    assert normalise_database_url("sqlite:////x/app.db") == "sqlite:////x/app.db"


INTERNAL = ("jo@corp.local", "kim@contact.internal", "lee@example.test")
NOT_ADDRESSES = ("jo", "jo@", "jo@@corp.local", "jo smith@corp.local", "jo@corp..local")


def test_intranet_addresses_are_accepted_alike_by_the_api_the_form_and_the_cli(
    demo_app, demo_db, login_as
):
    """One check of an address everywhere: internal domains are addresses; only what is not an
    address is refused, with the same words."""
    from tests.integration.api_support import Api

    api, hr, runner = Api(demo_app), login_as("hr"), demo_app.test_cli_runner()
    person = {"hire_date": "2026-11-16", "role": "L1-CSR", "department": "CS-NORTH"}
    for number, address in enumerate(INTERNAL):
        made = api.post("/employees", {**person, "employee_no": f"A{number}", "name": "A Person"})
        assert made.status_code == 422  # no email at all: refused
        made = api.post(
            "/employees",
            {**person, "employee_no": f"A{number}", "name": "A Person", "email": address},
        )
        assert made.status_code == 201, made.get_json()
        form = hr.post(
            "/records/employees/new",
            data={
                **person,
                "employee_no": f"F{number}",
                "name": "F Person",
                "email": "f." + address,
                "status": "active",
            },
        )
        assert form.status_code == 302, form.get_data(as_text=True)[:300]
        cli = runner.invoke(args=["create-user", "c." + address, "--password", "a-long-password"])
        assert cli.exit_code == 0, cli.output
    stored = set(demo_db.session.scalars(select(Employee.email)))
    for address in INTERNAL:
        assert {address, "f." + address, "c." + address} <= stored
    for bad in NOT_ADDRESSES:
        answer = api.post("/employees", {**person, "employee_no": "B1", "name": "B", "email": bad})
        assert (
            answer.status_code == 422
            and "is not an email address like name@example.com"
            in (answer.get_json()["errors"]["email"][0])
        )
        page = hr.post(
            "/records/employees/new",
            data={**person, "employee_no": "B2", "name": "B", "email": bad, "status": "active"},
        )
        assert page.status_code == 422
        assert "is not an email address like name@example.com" in page.get_data(as_text=True)
        cli = runner.invoke(args=["create-user", bad, "--password", "a-long-password"])
        assert cli.exit_code != 0 and "is not an email address like name@example.com" in cli.output
    assert not demo_db.session.scalar(select(Employee).where(Employee.name == "B"))
    # And such a person signs in with that address.
    from tests.factories import signed_in_client

    signed_in_client(demo_app, "c.jo@corp.local", "a-long-password")
