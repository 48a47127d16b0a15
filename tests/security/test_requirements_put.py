"""An empty body does not wipe a role's requirements (issue 20, finding 6).

``PUT /api/v1/roles/L3-CSM/requirements`` with ``{}`` answered 200 and deleted all 16
requirements, so everyone became "ready now". A missing (or null) ``requirements`` is 422 and
changes nothing; emptying the list takes an explicit ``"requirements": []``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import JobRole, Requirement
from tests.integration.api_support import Api
from tests.security import figures


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(Requirement.id)).join(JobRole).where(JobRole.code == "L3-CSM")
    )


@pytest.mark.parametrize("body", [{}, {"requirements": None}])
def test_a_body_without_the_list_is_refused_and_changes_nothing(demo_app, demo_db, body):
    before = _count()
    assert before > 0
    answer = Api(demo_app).put("/roles/L3-CSM/requirements", body)
    assert answer.status_code == 422, answer.get_json()
    message = answer.get_json()["errors"]["requirements"][0]
    assert '"requirements": []' in message or "must be a list" in message
    assert _count() == before
    figures.add("requirement wipes refused", 1)


def test_an_explicit_empty_list_removes_them_all(demo_app, demo_db):
    answer = Api(demo_app).put("/roles/L3-CSM/requirements", {"requirements": []})
    assert answer.status_code == 200, answer.get_json()
    assert _count() == 0
