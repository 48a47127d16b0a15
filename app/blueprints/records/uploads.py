"""Stored documents (evidence of a completion), served only to who may see them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, g

from app.blueprints.records.common import bp
from app.models import Upload
from app.policy import permission
from app.policy import records as may
from app.services import uploads


@bp.route("/uploads/<int:upload_id>")
@permission("authenticated", may.upload())
def upload(upload: Upload) -> Any:
    g.no_store = True
    # Documents are small (UPLOAD_MAX_BYTES): read them whole, so no file handle outlives the
    # request, and always as an attachment so the browser never renders them in our origin.
    data = uploads.stored_path(upload).read_bytes()
    return Response(
        data,
        mimetype=upload.content_type,
        headers={
            "Content-Disposition": _attachment(upload.original_name),
            "Cache-Control": "private, no-store",
        },
    )


def _attachment(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
