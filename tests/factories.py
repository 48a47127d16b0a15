"""The people, sign-ins and tokens tests arrange, in one place for every suite.

The demo personas and their password; people and sign-ins looked up by name or email; a sign-in
made for a demo employee who has none; a test client signed in through the real sign-in form;
an API token made by app.services.tokens (what the profile page and `create-token` call).

The lookups run in the caller's app context. App modules are imported inside the functions, so
tests/conftest.py can import the constants before any app module is loaded.
"""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "echelon-demo-2026"
PERSONAS = {
    "employee": "maria.lopez@example.com",
    "manager": "sam.rivera@example.com",
    "hr": "hannah.reid@example.com",
    "finance": "felix.turner@example.com",
    "admin": "ada.ng@example.com",
}
# The smallest file the upload checks accept as a PDF (evidence, receipts, transcripts).
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def employee_named(name: str) -> Any:
    """The employee with this name (the test fails when there is none)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Employee

    found = db.session.scalar(select(Employee).where(Employee.name == name))
    assert found is not None, name
    return found


def employee_id(name: str) -> int:
    """The id of the employee with this name, without loading the employee."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Employee

    found = db.session.scalar(select(Employee.id).where(Employee.name == name))
    assert found is not None, name
    return found


def user_of(email: str) -> Any:
    """The sign-in with this email, whatever its case (the test fails when there is none)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import User

    found = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    assert found is not None, email
    return found


def persona_user(who: str) -> Any:
    """The sign-in of a demo persona (``"hr"``...) or of an email."""
    return user_of(PERSONAS.get(who, who))


def sign_in_for(employee: Any, roles: tuple[str, ...] = (), password: str = DEMO_PASSWORD) -> Any:
    """The employee's sign-in, made (and committed) when they have none yet."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services.accounts import create_user

    found = db.session.scalar(select(User).where(User.employee_id == employee.id))
    if found is not None:
        return found
    made = create_user(employee.email, password, list(roles))
    db.session.commit()
    return made


def signed_in_client(app: Any, email: str, password: str = DEMO_PASSWORD) -> Any:
    """A test client signed in through the real sign-in form."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"sign-in failed for {email}"
    return client


def api_token(user: Any, name: str) -> str:
    """A new API token of ``user``, as the secret a client sends (``Bearer <secret>``)."""
    from app.services import tokens

    _, secret = tokens.create_token(user, name)
    return secret


def audit_count() -> int:
    """The number of audit entries: a refused request must add none."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import AuditEntry

    return db.session.scalar(select(func.count(AuditEntry.id))) or 0
