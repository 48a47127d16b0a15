"""360 anonymity cannot be undone after the fact (issue 20, finding 5).

The attack: an admin lowers the peer minimum to 1 in Settings, and Daniel Kim's hidden
2-response peer group shows at once to his manager, in pages and the API. Settings refuse a peer
or direct-report minimum below 3; and a 360 applies the minimums kept with it when it was
collected, never below those floors, whatever the settings table holds (an older release, a
hand edit): so even a minimum of 1 written straight to the table reveals nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AppSetting, Assessment, Employee
from tests.integration.api_support import Api
from tests.security import figures

LOWERED = {"manager": 1, "peer": 1, "direct_report": 1, "other": 1}


def _daniel_360() -> Assessment:
    daniel = db.session.scalar(select(Employee).where(Employee.name == "Daniel Kim"))
    found = db.session.scalar(select(Assessment).where(Assessment.employee_id == daniel.id))
    assert found is not None and found.instrument.kind == "360"
    return found


def _stored_minimums() -> Any:
    db.session.expire_all()
    row = db.session.scalar(select(AppSetting).where(AppSetting.key == "min_responses"))
    return row.value if row else None


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("manager: 1\npeer: 1\ndirect report: 3\nother: 1", "The minimum for peer must be from 3"),
        ("manager: 1\npeer: 3\ndirect report: 2\nother: 1", "direct_report must be from 3"),
    ],
)
def test_settings_refuse_a_peer_or_direct_report_minimum_below_3(
    login_as, demo_db, entered, message
):
    before = _stored_minimums()
    response = login_as("admin").post("/settings/", data={"min_responses": entered})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="min_responses-error"' in page and message in page, page[-2000:]
    assert _stored_minimums() == before
    figures.add("360 minimums below the floor refused", 1)


def _peer_group(groups: list[dict[str, Any]]) -> dict[str, Any]:
    return next(g for g in groups if g["rater_group"] == "peer")


@pytest.mark.parametrize("kept", ["kept with the 360", "none kept (an older 360)"])
def test_a_minimum_of_1_in_the_table_reveals_no_hidden_peer_group(
    login_as, demo_app, demo_db, kept
):
    assessment = _daniel_360()
    if kept.startswith("none"):
        assessment.min_responses = None
    db.session.merge(AppSetting(key="min_responses", value=LOWERED))
    db.session.commit()
    assessment_id, daniel_id = assessment.id, assessment.employee_id

    # the manager's page: the 2 peers stay hidden and out of the overall (3.87, not with 2.20)
    page = login_as("manager").get(f"/records/assessments/{assessment_id}").get_data(as_text=True)
    peer_row = page.split('<th scope="row">peer</th>')[1].split("</tr>")[0]
    assert "Hidden" in peer_row and "fewer than 3" in peer_row
    assert "2.20" not in page and "3.87" in page

    # the API, as the manager: the person's assessments and all their records
    api = Api(demo_app)
    listed = api.get(f"/employees/{daniel_id}/assessments", "manager")
    assert listed.status_code == 200
    body = listed.get_json()
    rows = body["items"] if isinstance(body, dict) else body
    row = next(r for r in rows if r["id"] == assessment_id)
    everything = api.get(f"/employees/{daniel_id}/records", "manager").get_json()
    in_records = next(a for a in everything["assessments"] if a["id"] == assessment_id)
    for seen in (row, in_records):
        peer = _peer_group(seen["groups"])
        assert peer["shown"] is False and peer["mean"] is None and peer["minimum"] == 3
        assert peer["responses"] == 2 and peer["counted"] is False
        assert float(seen["overall"]) == pytest.approx(3.867, abs=0.001)  # never with 2.2
    figures.add("views of a hidden 360 group checked with a minimum of 1 stored", 3)
