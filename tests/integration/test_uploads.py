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
from tests.factories import image_bytes, pdf_bytes

PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def person(db, name: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.name == name))


DEMO_UPLOADS = 1
"""The demo's own upload: the receipt of Harper Hall's completed tuition request."""


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
    assert demo_db.session.scalar(select(func.count(Upload.id))) == DEMO_UPLOADS
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
    assert demo_db.session.scalar(select(func.count(Upload.id))) == DEMO_UPLOADS


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


# ------------------------------------------ parsed before kept (SECURITY.md finding 12)

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _bomb() -> bytes:
    """A 12,000 x 12,000 PNG (144 megapixels) that compresses to a few kilobytes."""
    return image_bytes("PNG", size=(12_000, 12_000), mode="1")


def _photo() -> bytes:
    """A 6 MP photo-like JPEG (noise compresses like a real photo: near-random bytes, which
    must not be mistaken for markup)."""
    from PIL import Image

    noise = Image.effect_noise((3000, 2000), 40)
    buffer = io.BytesIO()
    Image.merge("RGB", (noise, noise.rotate(180), noise)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


REFUSED = [
    pytest.param(b"%PDF-1.4\n" + HTML, "c.pdf", "web-page markup", id="pdf-header-html"),
    pytest.param(PDF + HTML, "c.pdf", "web-page markup", id="valid-pdf-then-html"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + HTML, "c.png", "web-page markup", id="png-header-html"),
    pytest.param(PNG + HTML, "c.png", "web-page markup", id="valid-png-then-html"),
    pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 40, "c.jpg", "cannot be read", id="jpeg-garbage"),
    pytest.param(
        pdf_bytes(javascript="app.alert('hi')"), "c.pdf", "contains JavaScript", id="js-pdf"
    ),
    pytest.param(
        pdf_bytes(attachment=b"MZ payload"), "c.pdf", "contains embedded files", id="embedded"
    ),
    pytest.param(pdf_bytes(password="secret"), "c.pdf", "password-protected", id="encrypted"),
    pytest.param(
        _truncated(image_bytes("PNG", size=(400, 300))), "c.png", "cut short", id="png-truncated"
    ),
    pytest.param(
        _truncated(image_bytes("JPEG", size=(400, 300))), "c.jpg", "cut short", id="jpg-truncated"
    ),
    pytest.param(_bomb(), "c.png", "40 megapixels", id="decompression-bomb"),
    pytest.param(
        image_bytes("PNG", size=(8_000, 6_000), mode="1"),
        "c.png",
        "8,000 × 6,000 pixels; the limit is 40 megapixels",
        id="48-megapixels",
    ),
    pytest.param(
        JPEG + b"<img src=x onerror=alert(1)>", "c.jpg", "web-page markup", id="jpeg-then-img"
    ),
    pytest.param(PNG + b"PK\x03\x04" + b"\x00" * 26, "c.png", "after its end", id="png-then-zip"),
    pytest.param(b"%PDF-1.4\n" + b"garbage " * 20, "c.pdf", "cannot be read", id="pdf-garbage"),
]


@pytest.mark.parametrize(("content", "filename", "message"), REFUSED)
def test_a_file_that_only_looks_like_its_type_is_refused_and_nothing_is_stored(
    login_as, demo_db, demo_app, content, filename, message
):
    maria = person(demo_db, "Maria Lopez")
    completions = demo_db.session.scalar(select(func.count(Completion.id)))
    response = report(login_as("employee"), maria.id, content, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="evidence-error"' in page and message in page.replace("&#39;", "'"), page[-3000:]
    assert demo_db.session.scalar(select(func.count(Upload.id))) == DEMO_UPLOADS
    assert demo_db.session.scalar(select(func.count(Completion.id))) == completions
    assert stored_files(demo_app) == []


def test_a_pdf_with_an_automatic_action_or_file_annotation_is_refused(demo_app):
    """JavaScript hidden in a page's open action or a file attachment annotation, not only the
    document's name tree, is found."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    def with_page_entry(key: str, value: DictionaryObject) -> bytes:
        writer = PdfWriter()
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject(key)] = value
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    js = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    on_open = with_page_entry("/AA", DictionaryObject({NameObject("/O"): js}))
    attachment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
        }
    )
    from pypdf.generic import ArrayObject

    annotated = with_page_entry("/Annots", ArrayObject([attachment]))
    with demo_app.app_context():
        for data, message in ((on_open, "automatic actions"), (annotated, "embedded files")):
            with pytest.raises(uploads.UploadError) as caught:
                uploads.check_content(data, uploads.sniff(data))
            assert message in str(caught.value)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (pdf_bytes(pages=12), "application/pdf"),
        (image_bytes("PNG", size=(1200, 900)), "image/png"),
        (image_bytes("JPEG", size=(2000, 1500)), "image/jpeg"),
        (image_bytes("PNG", size=(64, 64), mode="L"), "image/png"),
    ],
)
def test_real_pdfs_and_images_are_kept(login_as, demo_db, demo_app, content, content_type):
    maria = person(demo_db, "Maria Lopez")
    assert report(login_as("employee"), maria.id, content, "scan").status_code == 302
    upload = demo_db.session.scalar(select(Upload).order_by(Upload.id.desc()))
    assert upload.content_type == content_type
    assert (Path(demo_app.config["UPLOAD_FOLDER"]) / upload.stored_name).read_bytes() == content


def test_a_photo_is_not_mistaken_for_markup(demo_app):
    """Compressed photo data is near-random bytes; the markup check must not trip on it."""
    photo = _photo()
    with demo_app.app_context():
        uploads.check_content(photo, uploads.sniff(photo))  # no refusal


def test_a_polyglot_receipt_is_refused_by_the_tuition_upload_too(demo_app, demo_db):
    from werkzeug.datastructures import FileStorage

    maria = person(demo_db, "Maria Lopez")
    hr = demo_db.session.scalar(select(User).where(User.email == "hannah.reid@example.com"))
    with demo_app.test_request_context(), pytest.raises(uploads.UploadError) as caught:
        uploads.save_upload(FileStorage(io.BytesIO(PNG + HTML), "r.png"), maria, "receipt", hr)
    assert "web-page markup" in str(caught.value)
    assert stored_files(demo_app) == []


def test_a_cut_short_jpeg_is_refused_after_a_pdf_was_rendered(login_as, demo_db, demo_app):
    """Rendering a PDF imports weasyprint, which switches Pillow to accept cut-short images
    process-wide; an evidence upload in the same process must still refuse one."""
    from PIL import ImageFile

    from app.reports.pdf import render_pdf

    assert render_pdf("<p>Readiness</p>").startswith(b"%PDF")
    maria = person(demo_db, "Maria Lopez")
    truncated = _truncated(image_bytes("JPEG", size=(400, 300)))
    response = report(login_as("employee"), maria.id, truncated, "c.jpg")
    assert response.status_code == 422
    assert "cut short" in response.get_data(as_text=True)
    assert demo_db.session.scalar(select(func.count(Upload.id))) == DEMO_UPLOADS
    assert not ImageFile.LOAD_TRUNCATED_IMAGES
