"""Evidence, receipts and transcripts: size-limited, typed by content, stored with random names.

docs/DESIGN.md principle 8: uploads are size-limited (config ``UPLOAD_MAX_BYTES``), type-checked by
their content's magic bytes (PDF, PNG, JPEG: the name and the browser's claimed type are not
trusted) and then parsed before they are kept (``check_content``, SECURITY.md finding 12): a PDF
must open with pypdf, unencrypted, with no JavaScript, automatic actions or embedded files; an
image must decode completely with Pillow within ``UPLOAD_MAX_IMAGE_PIXELS``; and no file may carry
HTML (a polyglot that a browser could be led to render). Stored under
``app.config["UPLOAD_FOLDER"]`` (instance/uploads) with random names, and served only through an
authorized route that checks the ``uploads`` aspect of the owning employee (``upload_for``).

``save_upload(file_storage, employee, purpose, user)`` is the one entry point for every area
(training evidence here; receipts and transcripts in tuition). It adds the ``Upload`` row to the
session without committing: the caller's use case commits. A file written in a transaction that
is rolled back is removed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from struct import error as struct_error
from struct import unpack as struct_unpack
from typing import Any

from flask import current_app
from PIL import Image, ImageFile
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
from sqlalchemy.orm import Session

from app import policy
from app.clock import now
from app.extensions import db, on_session
from app.kernel.errors import Invalid
from app.models import Employee, Upload, User

PURPOSES = ("evidence", "receipt", "transcript")


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


# Magic bytes at offset 0 -> the type. Nothing else is accepted.
SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", FileType("application/pdf", ".pdf", "PDF")),
    (b"\x89PNG\r\n\x1a\n", FileType("image/png", ".png", "PNG")),
    (b"\xff\xd8\xff", FileType("image/jpeg", ".jpg", "JPEG")),
)
EXTENSIONS = {".pdf": ".pdf", ".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg"}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg)$")
_NEW_FILES_KEY = "echelon_new_upload_files"


class UploadError(Invalid):
    """An upload was refused (422); ``errors`` maps the form field to messages. Nothing was
    stored."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message, {field: [message]})
        self.messages = [message]


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or 5 * 1024 * 1024)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def sniff(head: bytes) -> FileType | None:
    """The file's type from its first bytes (PDF, PNG or JPEG), or None."""
    for magic, file_type in SIGNATURES:
        if head.startswith(magic):
            return file_type
    return None


def _read_all(file_storage: Any) -> bytes:
    """Read at most the limit plus one byte, and rewind so the file can be read again."""
    stream = getattr(file_storage, "stream", file_storage)
    if hasattr(stream, "seek"):
        stream.seek(0)
    data = stream.read(max_bytes() + 1)
    if hasattr(stream, "seek"):
        stream.seek(0)
    if isinstance(data, str):
        data = data.encode("utf-8")
    return bytes(data or b"")


def check_upload(file_storage: Any, field: str = "file") -> tuple[bytes, FileType]:
    """Validate an upload without storing it: present, within the size limit, PDF/PNG/JPEG."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadError("Choose a file to upload (PDF, PNG or JPEG).", field)
    data = _read_all(file_storage)
    limit = max_bytes()
    if len(data) > limit:
        raise UploadError(
            f"The file is too large: the limit is {human_size(limit)}. "
            "Scan at a lower resolution or upload a PDF.",
            field,
        )
    if not data:
        raise UploadError("The file is empty. Choose the document again.", field)
    file_type = sniff(data[:16])
    if file_type is None:
        raise UploadError(
            "Only PDF, PNG and JPEG files are accepted, and this file's content is none of "
            "them (its name or extension does not matter).",
            field,
        )
    check_content(data, file_type, field)
    return data, file_type


# ---------------------------------------------------------------- parsing before keeping

# Markup that makes a file a polyglot, one a browser could be led to render as a page. Anywhere
# in the file: tags, event handlers and script URLs long enough that compressed image or PDF
# data does not spell them by chance (the shortest, "<html" and a space, about once in 400,000
# five-megabyte files); short tags only in the first 4 KB, where browsers sniff (DECISIONS.md).
# (Searched in the lower-cased bytes, case-sensitively: a literal first byte lets the regex
# engine skip ahead, which keeps a 5 MB scan to milliseconds.)
_HTML_ANYWHERE = re.compile(
    rb"<(?:!doctype\s+html|html|script|iframe|object|embed|style|frameset)[\s>/]"
)
_HTML_HANDLER = re.compile(
    rb"on(?:error|load|click|mouseover|focus|begin|toggle|pointerover|animationstart)\s*="
)
_HTML_NEAR_START = re.compile(
    rb"<(?:head|body|form|meta|svg|img|a|p|div|b|i|br|title|link|base)[\s>/]"
)
_SNIFF_WINDOW = 4096
# Keys that make a PDF act on its own when it is opened or viewed.
_PDF_ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/AA": "automatic actions"}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
_PDF_MAX_OBJECTS = 200_000
_PDF_MAX_DEPTH = 400


def max_image_pixels() -> int:
    return int(current_app.config.get("UPLOAD_MAX_IMAGE_PIXELS") or 40_000_000)


def check_content(data: bytes, file_type: FileType, field: str = "file") -> None:
    """Parse the file as what its magic bytes claim, or raise ``UploadError`` saying why not."""
    if _has_markup(data.lower()):
        raise UploadError(
            f"This file starts like a {file_type.label} but also contains web-page markup (HTML), "
            "so it is refused. Save or scan the document again as a plain "
            f"{file_type.label}.",
            field,
        )
    if file_type.extension == ".pdf":
        _check_pdf(data, field)
    else:
        _check_image(data, file_type, field)


def _has_markup(lowered: bytes) -> bool:
    if _HTML_ANYWHERE.search(lowered) or b"javascript:" in lowered:
        return True
    if _HTML_NEAR_START.search(lowered, 0, _SNIFF_WINDOW):
        return True
    return any(
        match.start() > 0 and lowered[match.start() - 1 : match.start()] in b" \t\r\n\f/\"'"
        for match in _HTML_HANDLER.finditer(lowered)
    )


def _check_pdf(data: bytes, field: str) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            pages = len(reader.pages)
            found = _pdf_active_content(reader)
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise UploadError(
            "This file starts like a PDF but cannot be read as one (it is damaged or not a "
            "PDF). Save or scan the document again as a PDF.",
            field,
        ) from None
    if encrypted:
        raise UploadError(
            "This PDF is password-protected or encrypted, so no one could read it here. "
            "Save a copy without a password and upload that.",
            field,
        )
    if pages < 1:
        raise UploadError("This PDF has no pages. Save or scan the document again.", field)
    if found:
        raise UploadError(
            f"This PDF contains {found}, which documents here may not carry. Print it to a "
            "new PDF (or scan it) and upload that.",
            field,
        )


def _pdf_active_content(reader: PdfReader) -> str | None:
    """What makes the PDF active ("JavaScript", "automatic actions", "embedded files", ...), or
    None. Walks every object reachable from the trailer, once each."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, int]] = [(reader.trailer, 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > _PDF_MAX_OBJECTS or depth > _PDF_MAX_DEPTH:
            raise ValueError("too many objects")
        if isinstance(node, DictionaryObject):
            found = _pdf_dictionary_finding(node)
            if found:
                return found
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, ArrayObject):
            stack.extend((value, depth + 1) for value in node)
    return None


def _pdf_dictionary_finding(node: DictionaryObject) -> str | None:
    for key, what in _PDF_ACTIVE_KEYS.items():
        if key in node:
            return what
    if "/EmbeddedFiles" in node or node.get("/Type") == "/EmbeddedFile":
        return "embedded files"
    if node.get("/Subtype") in ("/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"):
        return "embedded files"
    action = node.get("/S")
    if isinstance(action, NameObject) and action in _PDF_ACTIVE_ACTIONS:
        return "JavaScript" if action == "/JavaScript" else "an action that runs on its own"
    return None


def _check_image(data: bytes, file_type: FileType, field: str) -> None:
    damaged = UploadError(
        f"This file starts like a {file_type.label} image but cannot be read as one (it is "
        f"damaged, cut short or not an image). Save the image again as a {file_type.label}.",
        field,
    )
    limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[file_type.label]) as image:
                width, height = image.size  # from the header: nothing is decoded yet
                if width * height > limit:
                    raise _TooLarge(width, height)
                image.verify()  # checksums (PNG chunks)
            if file_type.extension == ".png" and not _png_ends_at_iend(data):
                raise _Trailing
            # Pillow's process-wide switch, which importing weasyprint (the PDFs) turns on,
            # would let a cut-short JPEG load with grey pixels: off for every check.
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            with Image.open(io.BytesIO(data), formats=[file_type.label]) as image:
                image.load()  # every pixel decoded; a truncated file fails here
    except _TooLarge as too_large:
        raise UploadError(
            f"This image is {too_large.width:,} × {too_large.height:,} pixels; the limit is "
            f"{limit // 1_000_000} megapixels. Save it at a smaller size.",
            field,
        ) from None
    except _Trailing:
        raise UploadError(
            "This PNG image has other data after its end, so it is refused. Save the image "
            "again as a PNG.",
            field,
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(
            f"This image claims more pixels than the limit of {limit // 1_000_000} megapixels. "
            "Save it at a smaller size.",
            field,
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, struct_error, MemoryError):
        raise damaged from None


def _png_ends_at_iend(data: bytes) -> bool:
    """Whether the PNG's chunks run from the signature to IEND and nothing follows."""
    at = 8
    while at + 12 <= len(data):
        (length,) = struct_unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        at += 12 + length
        if kind == b"IEND":
            return at == len(data)
    return False


class _Trailing(Exception):
    pass


class _TooLarge(Exception):
    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"{width}x{height}")
        self.width, self.height = width, height


def clean_original_name(name: str | None, file_type: FileType, fallback: str = "document") -> str:
    """A safe display and download name: no path, no control or odd characters, right suffix."""
    raw = unicodedata.normalize("NFKC", str(name or ""))
    raw = re.split(r"[\\/]", raw)[-1]
    raw = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    raw = re.sub(r"[^\w .()+-]", "_", raw, flags=re.UNICODE)
    raw = re.sub(r"\s+", " ", raw).strip()
    stem, dot, suffix = raw.rpartition(".")
    if not (dot and EXTENSIONS.get(f".{suffix.lower()}") == file_type.extension):
        stem = raw  # keep whatever it was called, but give it the type it really is
    stem = stem.strip(" ._")[:150] or fallback
    return f"{stem}{file_type.extension}"


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_upload(file_storage: Any, employee: Employee, purpose: str, user: User | None) -> Upload:
    """Validate and store an uploaded file for ``employee``; add its Upload row (no commit).

    Raises ``UploadError`` (nothing stored) when the file is missing, too large or not a PDF,
    PNG or JPEG by content.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown upload purpose {purpose!r}; use one of {PURPOSES}.")
    data, file_type = check_upload(file_storage)
    stored_name = secrets.token_hex(16) + file_type.extension
    path = upload_folder() / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    db.session.info.setdefault(_NEW_FILES_KEY, []).append(str(path))
    upload = Upload(
        stored_name=stored_name,
        original_name=clean_original_name(
            getattr(file_storage, "filename", None), file_type, purpose
        ),
        content_type=file_type.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        employee_id=employee.id,
        purpose=purpose,
        uploaded_by_user_id=user.id if user is not None else None,
        uploaded_at=now(),
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_for(user: User | None, upload_id: int) -> Upload | None:
    """The upload if ``user`` may see the owning employee's uploads and it still exists."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.purged_on is not None:
        return None
    if not policy.can_view(user, upload.employee_id, "uploads"):
        return None
    if not STORED_NAME.match(upload.stored_name):
        return None
    if not (Path(current_app.config["UPLOAD_FOLDER"]) / upload.stored_name).is_file():
        return None
    return upload


def stored_path(upload: Upload) -> Path:
    if not STORED_NAME.match(upload.stored_name):
        raise ValueError("Not a stored upload name.")
    return Path(current_app.config["UPLOAD_FOLDER"]) / upload.stored_name


# ---------------------------------------------------------------- files of rolled-back writes


def _forget_files(session: Session) -> None:
    session.info.pop(_NEW_FILES_KEY, None)


def _remove_files(session: Session) -> None:
    for path in session.info.pop(_NEW_FILES_KEY, []):
        with contextlib.suppress(OSError):
            os.remove(path)


def install() -> None:
    on_session(after_commit=_forget_files, after_rollback=_remove_files)


install()
