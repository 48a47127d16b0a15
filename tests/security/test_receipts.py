"""A receipt is only a file uploaded as a receipt for that request (issue 20, finding 12).

Any of the employee's uploads (say a certificate kept as evidence, or another request's
receipt) could be named as ``receipt_upload_id`` and so shown to finance.
"""

from __future__ import annotations

from datetime import date

from app.extensions import db
from app.services.uploads import save_upload
from tests.integration.api_support import Api
from tests.integration.tuition_support import pdf, travel, user, walk


def _complete(api: Api, request_id: int, receipt: int, transcript: int):  # type: ignore[no-untyped-def]
    return api.post(
        f"/tuition-requests/{request_id}/transitions",
        {
            "action": "complete",
            "grade": "B",
            "receipt_upload_id": receipt,
            "transcript_upload_id": transcript,
        },
        who="employee",
    )


def test_an_upload_of_another_purpose_or_request_is_not_a_receipt(demo_app, demo_db):
    owner = user("employee")
    req = walk(owner, "finance_approved")
    other = walk(owner, "completed", title="Another course")
    evidence = save_upload(pdf("certificate.pdf"), owner.employee, "evidence", owner)
    receipt = save_upload(pdf("receipt.pdf"), owner.employee, "receipt", owner)
    transcript = save_upload(pdf("transcript.pdf"), owner.employee, "transcript", owner)
    db.session.commit()
    api = Api(demo_app)
    with travel(max(req.ends_on, date(2027, 6, 1))):
        for wrong in (evidence.id, other.receipt_upload_id):
            refused = _complete(api, req.id, wrong, transcript.id)
            assert refused.status_code == 422, refused.get_json()
            assert "not uploaded as a receipt" in refused.get_json()["error"]
        done = _complete(api, req.id, receipt.id, transcript.id)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["receipt_upload_id"] == receipt.id
