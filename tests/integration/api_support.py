"""Helpers for the API tests: a JSON client that signs every call with a real bearer token.

Tokens are made by app.services.tokens (what the profile page and `create-token` call), so
every call goes through the same authentication as an integration's.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Employee, User
from app.services import tokens
from app.services.accounts import create_user

PASSWORD = "echelon-demo-2026"
PERSONAS = {
    "employee": "maria.lopez@example.com",
    "manager": "sam.rivera@example.com",
    "hr": "hannah.reid@example.com",
    "finance": "felix.turner@example.com",
    "admin": "ada.ng@example.com",
}
# A CSR in another department, with no one in Maria's reporting line: "an unrelated employee".
UNRELATED_NAME = "Priya Shah"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def user_for(who: str) -> User:
    email = PERSONAS.get(who, who)
    found = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    assert found is not None, email
    return found


def employee_named(name: str) -> Employee:
    found = db.session.scalar(select(Employee).where(Employee.name == name))
    assert found is not None, name
    return found


def sign_in_for(employee: Employee, roles: tuple[str, ...] = ()) -> User:
    """A sign-in for an employee of the demo who has none (committed)."""
    found = db.session.scalar(select(User).where(User.employee_id == employee.id))
    if found is not None:
        return found
    made = create_user(employee.email, PASSWORD, list(roles))
    db.session.commit()
    return made


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id))) or 0


class Api:
    """Calls /api/v1 with `Authorization: Bearer <token>` of a persona or user."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()
        self.secrets: dict[str, str] = {}

    def token(self, who: str | User) -> str:
        user = who if isinstance(who, User) else user_for(who)
        key = user.email
        if key not in self.secrets:
            _, secret = tokens.create_token(user, f"tests: {key}")
            self.secrets[key] = secret
        return self.secrets[key]

    def headers(self, who: str | User | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.token(who)}"}

    def call(
        self,
        method: str,
        path: str,
        who: str | User | None = "hr",
        body: Any = None,
        raw: bytes | str | None = None,
        **kwargs: Any,
    ) -> Any:
        headers = {**self.headers(who), **kwargs.pop("headers", {})}
        if raw is not None:
            kwargs["data"] = raw
            headers.setdefault("Content-Type", "application/json")
        elif body is not None:
            kwargs["data"] = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        db.session.expire_all()
        return response

    def get(self, path: str, who: str | User | None = "hr", **kwargs: Any) -> Any:
        return self.call("GET", path, who, **kwargs)

    def post(self, path: str, body: Any = None, who: str | User | None = "hr", **kw: Any) -> Any:
        return self.call("POST", path, who, body, **kw)

    def patch(self, path: str, body: Any = None, who: str | User | None = "hr", **kw: Any) -> Any:
        return self.call("PATCH", path, who, body, **kw)

    def put(self, path: str, body: Any = None, who: str | User | None = "hr", **kw: Any) -> Any:
        return self.call("PUT", path, who, body, **kw)
