"""Helpers for the API tests: a JSON client that signs every call with a real bearer token.

Tokens are made by app.services.tokens (what the profile page and `create-token` call), so
every call goes through the same authentication as an integration's.
"""

from __future__ import annotations

import json
from typing import Any

from app.extensions import db
from app.models import User
from tests.factories import PDF, api_token, audit_count, employee_named
from tests.factories import persona_user as user_for

# What the API tests import from here.
__all__ = ["PDF", "Api", "audit_count", "employee_named", "user_for"]


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
            self.secrets[key] = api_token(user, f"tests: {key}")
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
