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


def pdf_bytes(
    pages: int = 1,
    *,
    javascript: str | None = None,
    attachment: bytes | None = None,
    password: str | None = None,
) -> bytes:
    """A real PDF written by pypdf (what the upload checks parse): ``pages`` blank A4 pages,
    optionally with document JavaScript, an embedded file or a password."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript is not None:  # document JavaScript in the catalog's name tree, run on open
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            NameObject,
            TextStringObject,
        )

        action = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Action"),
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(javascript),
            }
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("open"), action])}
        )
        writer.root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    if attachment is not None:
        writer.add_attachment("attached.txt", attachment)
    if password is not None:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (48, 32), mode: str = "RGB") -> bytes:
    """A real PNG or JPEG written by Pillow (what the upload checks decode)."""
    import io

    from PIL import Image

    image = Image.new(mode, size, color="white" if mode != "1" else 1)
    if mode == "RGB":
        for x in range(min(size[0], 64)):
            image.putpixel((x, x % size[1]), (20, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


# The file the upload checks accept as a PDF (evidence, receipts, transcripts): a real one.
PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


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
