"""Evidence uploads (issue 3 "Uploads"; DESIGN.md principle 8): size-limited, typed by content
(PDF, PNG, JPEG), stored with random names, downloadable only by those who may see the record."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import Completion, Employee, Upload, User
from app.services import uploads
from app.services.accounts import create_user

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


def stored_files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(os.listdir(folder)) if folder.exists() else []


def report(client, employee_id: int, content: bytes, filename: str, course: str = "ORG-101"):
    return client.post(
        f"/records/employees/{employee_id}/completions/report",
        data={
            "course": course,
            "completed_on": "2026-11-20",
            "evidence": (io.BytesIO(content), filename),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (PDF, "certificate.pdf", "application/pdf"),
        (PNG, "photo.png", "image/png"),
        (JPEG, "scan.jpeg", "image/jpeg"),
        (PDF, "certificate.txt", "application/pdf"),  # the content decides, not the name
    ],
)
def test_pdf_png_and_jpeg_are_accepted_by_content(
    login_as, demo_db, demo_app, content, filename, content_type
):
    maria = person(demo_db, "Maria Lopez")
    response = report(login_as("employee"), maria.id, content, filename)
    assert response.status_code == 302
    upload = demo_db.session.scalar(select(Upload).order_by(Upload.id.desc()))
    assert upload.content_type == content_type and upload.size == len(content)
    assert upload.employee_id == maria.id and upload.purpose == "evidence"
    # stored under the upload folder with a random name, never the user's
    assert upload.stored_name in stored_files(demo_app)
    assert filename.split(".")[0] not in upload.stored_name
    assert (Path(demo_app.config["UPLOAD_FOLDER"]) / upload.stored_name).read_bytes() == content


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"MZ\x90\x00 this is a program", "certificate.pdf"),
        (b"<html><script>alert(1)</script></html>", "certificate.png"),
        (b"GIF89a" + b"\x00" * 20, "image.gif"),
        (b"", "empty.pdf"),
    ],
)
def test_other_content_is_refused_and_nothing_is_stored(
    login_as, demo_db, demo_app, content, filename
):
    maria = person(demo_db, "Maria Lopez")
    completions = demo_db.session.scalar(select(func.count(Completion.id)))
    response = report(login_as("employee"), maria.id, content, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="evidence-error"' in page and ("PDF, PNG and JPEG" in page or "empty" in page)
    assert demo_db.session.scalar(select(func.count(Upload.id))) == 0
    assert demo_db.session.scalar(select(func.count(Completion.id))) == completions
    assert stored_files(demo_app) == []


def test_a_file_over_the_size_limit_is_refused(login_as, demo_db, demo_app):
    demo_app.config["UPLOAD_MAX_BYTES"] = 1024
    maria = person(demo_db, "Maria Lopez")
    response = report(login_as("employee"), maria.id, PDF + b"0" * 1024, "big.pdf")
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)
    assert stored_files(demo_app) == []
    ok = report(login_as("employee"), maria.id, PDF, "small.pdf")
    assert ok.status_code == 302


def test_a_missing_file_is_refused(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    response = login_as("employee").post(
        f"/records/employees/{maria.id}/completions/report",
        data={"course": "ORG-101", "completed_on": "2026-11-20"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Attach the certificate" in response.get_data(as_text=True)


def test_a_rejected_record_leaves_no_file_behind(login_as, demo_db, demo_app):
    """A valid file with an invalid form (unknown course) stores nothing at all."""
    maria = person(demo_db, "Maria Lopez")
    response = report(login_as("employee"), maria.id, PDF, "cert.pdf", course="NO-SUCH")
    assert response.status_code == 422
    assert "There is no course with the code" in response.get_data(as_text=True)
    assert stored_files(demo_app) == []
    assert demo_db.session.scalar(select(func.count(Upload.id))) == 0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\maria\\My cert.PDF", "My cert.pdf"),
        ("cert<script>.pdf", "cert_script.pdf"),
        ("notes.exe", "notes.exe.pdf"),
        ("\x00\x1f.pdf", "evidence.pdf"),
        ("", "evidence.pdf"),
    ],
)
def test_original_names_are_sanitised(demo_app, given, expected):
    pdf = uploads.sniff(PDF)
    assert uploads.clean_original_name(given, pdf, "evidence") == expected


def test_uploads_are_downloadable_only_by_those_who_may_see_the_record(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    assert report(login_as("employee"), maria.id, PDF, "my certificate.pdf").status_code == 302
    upload = demo_db.session.scalar(select(Upload).order_by(Upload.id.desc()))
    url = f"/records/uploads/{upload.id}"

    own = login_as("employee").get(url)
    assert own.status_code == 200 and own.data == PDF
    assert own.headers["Content-Type"] == "application/pdf"
    assert own.headers["Content-Disposition"].startswith("attachment")
    assert "my certificate.pdf" in own.headers["Content-Disposition"]
    assert "no-store" in own.headers["Cache-Control"]
    assert login_as("hr").get(url).status_code == 200
    assert login_as("manager").get(url).status_code == 200  # Sam manages Maria via Daniel

    for who in ("finance", "admin"):
        assert login_as(who).get(url).status_code == 404
    # a colleague who does not manage Maria
    create_user("grace.okafor@example.com", "colleague-pass-1")
    demo_db.session.commit()
    assert login_as("grace.okafor@example.com", "colleague-pass-1").get(url).status_code == 404
    assert login_as("hr").get("/records/uploads/999999").status_code == 404
    assert login_as("hr").application.test_client().get(url).status_code == 302  # anonymous


def test_a_purged_upload_is_gone(login_as, demo_db):
    maria = person(demo_db, "Maria Lopez")
    report(login_as("employee"), maria.id, PDF, "c.pdf")
    upload = demo_db.session.scalar(select(Upload).order_by(Upload.id.desc()))
    from datetime import date

    upload.purged_on = date(2026, 11, 22)
    demo_db.session.commit()
    assert login_as("hr").get(f"/records/uploads/{upload.id}").status_code == 404


def test_save_upload_is_reusable_for_receipts(demo_app, demo_db):
    """The tuition area stores receipts and transcripts through the same function."""
    from werkzeug.datastructures import FileStorage

    maria = person(demo_db, "Maria Lopez")
    hr = demo_db.session.scalar(select(User).where(User.email == "hannah.reid@example.com"))
    with demo_app.test_request_context():
        upload = uploads.save_upload(
            FileStorage(io.BytesIO(JPEG), "receipt.jpg"), maria, "receipt", hr
        )
        demo_db.session.commit()
    assert upload.purpose == "receipt" and upload.uploaded_by_user_id == hr.id
    with pytest.raises(ValueError):
        uploads.save_upload(FileStorage(io.BytesIO(JPEG), "r.jpg"), maria, "selfie", hr)
    with pytest.raises(uploads.UploadError) as caught:
        uploads.save_upload(FileStorage(io.BytesIO(b"plain text"), "r.pdf"), maria, "receipt", hr)
    assert "PDF, PNG and JPEG" in str(caught.value)
